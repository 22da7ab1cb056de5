// Frontend tests: the real UI in headless Chromium with the Tauri IPC mocked (test/harness.ts).
// Run: `npm test` in ui/ (builds the harness first).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const dist = path.resolve(import.meta.dirname, "../dist-test");
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png" };
let server, browser, page, url;

before(async () => {
  server = http.createServer((req, res) => {
    const file = path.join(dist, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${server.address().port}/test/harness.html`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** The app, fresh, on the photo screen (the tools' tests start there; `start: "home"` keeps
 * the first screen, 我的档案). */
async function fresh(init, { start = "photo" } = {}) {
  page = await browser.newPage({ viewport: { width: 1180, height: 780 } });
  if (init) await page.addInitScript(init);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.deepEqual(errors, []);
  if (start !== "home") await page.evaluate((s) => window.caiji.show(s), start);
  return page;
}

/** Adds the test unit (呼和浩特市 新城区) through the dialog. */
async function addUnit(name) {
  await page.click("#unit-add");
  await page.fill("#unit-uscc", "91150102MA0N12345P");
  await page.fill("#unit-name", name);
  await page.selectOption("#unit-city", "1501");
  await page.selectOption("#unit-county", "150102");
  await page.click("#unit-ok");
}

/** A message line's own text, without the “怎么办？” link to its help topic. */
const ownText = (sel) => page.$eval(sel, (e) => [...e.childNodes].filter((n) => !(n instanceof HTMLElement && n.classList.contains("help-link"))).map((n) => n.textContent).join("").trim());

const calls = (cmd) => page.evaluate((c) => window.calls.filter((x) => x.cmd === c), cmd);

test("crop geometry keeps the aspect, the bounds and the minimum", async () => {
  await fresh();
  const r = await page.evaluate(() => {
    const c = window.cropLib;
    return {
      centred: c.centred(3024, 4032, 295, 413),
      clamped: c.clamp({ x: -50, y: 3900, w: 2880, h: 4032 }, 3024, 4032),
      zoomIn: c.zoom({ x: 0, y: 0, w: 2880, h: 4032 }, 0.01, 3024, 4032, 295, 413),
      zoomOut: c.zoom({ x: 100, y: 100, w: 590, h: 826 }, 100, 3024, 4032, 295, 413),
      resized: c.resizeTo({ x: 2000, y: 0, w: 590, h: 826 }, 5000, 3024, 4032, 295, 413),
      // A page's box by any edge or corner: the opposite edges stay put.
      top: c.resizeEdges({ x: 100, y: 100, w: 500, h: 700 }, "n", 0, 40, 1000, 1400, 64, 64),
      left: c.resizeEdges({ x: 100, y: 100, w: 500, h: 700 }, "w", -500, 0, 1000, 1400, 64, 64),
      corner: c.resizeEdges({ x: 100, y: 100, w: 500, h: 700 }, "ne", 1000, 650, 1000, 1400, 64, 64),
    };
  });
  assert.deepEqual(r.top, { x: 100, y: 140, w: 500, h: 660 });
  assert.deepEqual(r.left, { x: 0, y: 100, w: 600, h: 700 }, "not beyond the picture");
  assert.deepEqual(r.corner, { x: 100, y: 736, w: 900, h: 64 }, "never below the minimum");
  assert.deepEqual(r.centred, { x: 72, y: 0, w: 2880, h: 4032 });
  assert.deepEqual(r.clamped, { x: 0, y: 0, w: 2880, h: 4032 });
  assert.equal(Math.round(r.zoomIn.w), 295);
  assert.ok(r.zoomOut.w <= 3024 && r.zoomOut.h <= 4032 && Math.abs(r.zoomOut.w / r.zoomOut.h - 590 / 826) < 0.01);
  assert.ok(r.resized.x + r.resized.w <= 3024, JSON.stringify(r.resized));
  await page.close();
});

test("opening a photo frames it from the face, draws the head and the bands, and previews", async () => {
  await fresh();
  assert.equal(await page.inputValue("#photo-spec"), "nat-photo");
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  const [open] = await calls("photo_open");
  assert.deepEqual(open.args, { path: "/photos/me.jpg", spec: "nat-photo", lang: "zh" });
  const [frame] = await calls("photo_frame");
  assert.equal(frame.args.spec, "nat-photo");
  const [prev] = await calls("photo_preview");
  assert.deepEqual(prev.args.edits.crop, { x: 200, y: 150, w: 500, h: 700 }, "the framed box, not the centred one");
  assert.equal(prev.args.edits.head.roll, 3.2, "the head goes back to the backend for levelling");
  assert.equal(prev.args.edits.whiten, false, "whitening is off by default");
  assert.match(await page.textContent("#frame-info"), /已按人脸自动裁剪：头部占照片高度 63%/);
  assert.match(await page.textContent("#frame-info"), /倾斜 3\.2°，输出时自动扶正/);
  // The overlays: face box on the face, the crown line at the head's top, the bands in the box.
  const geo = await page.evaluate(() => {
    const r = (sel) => document.querySelector(sel).getBoundingClientRect();
    const img = r("#stage-img");
    const k = img.width / 1000;
    return { k, img, face: r(".face-box"), crown: r(".crown-line"), box: r("#crop"), band: r(".crown-band"), chinBand: r(".chin-band") };
  });
  assert.ok(Math.abs(geo.face.left - (geo.img.left + 350 * geo.k)) < 2, JSON.stringify(geo));
  assert.ok(Math.abs(geo.crown.top - (geo.img.top + 200 * geo.k)) < 2);
  assert.ok(Math.abs(geo.band.top - (geo.box.top + 2 + 0.04 * (geo.box.height - 4))) < 2, "crown band 4–12% of the box");
  assert.ok(geo.chinBand.top > geo.band.bottom && geo.chinBand.bottom < geo.box.bottom);
  const marks = await page.$$eval("#checklist li .mark", (l) => l.map((x) => x.textContent));
  assert.deepEqual(marks, ["✓", "✓", "!"]);
  assert.match(await page.textContent("#out-facts"), /295×413/);
  assert.equal(await page.isEnabled("#photo-save"), true);
  // Guides off hides them; the bands follow the box when it moves.
  await page.uncheck("#photo-guides");
  assert.equal(await page.isVisible(".face-box"), false);
  await page.check("#photo-guides");
  assert.equal(await page.isVisible(".face-box"), true);
  await page.close();
});

test("a photo the framing refuses says why and falls back to a centred box", async () => {
  await fresh();
  await page.evaluate(() => {
    window.failNext = { cmd: "photo_frame", code: "many_faces", message: { zh: "照片中检测到 2 张人脸：证件照只能有本人", en: "2 faces in the photo: an ID photo shows one person" } };
    return window.caiji.openPath("/photos/group.jpg");
  });
  await page.waitForSelector("#checklist li");
  const info = await page.textContent("#frame-info");
  assert.match(info, /无法按人脸自动裁剪：照片中检测到 2 张人脸/);
  assert.match(info, /请手动调整/);
  assert.equal(await page.getAttribute("#frame-info", "class"), "frame-info bad");
  const [prev] = await calls("photo_preview");
  assert.deepEqual(prev.args.edits.crop, { x: 0, y: 0, w: 1000, h: 1400 });
  assert.equal(prev.args.edits.head, null);
  assert.equal(await page.isVisible(".face-box"), false);
  // "Frame from face" tries again (and this time it works).
  await page.click("#photo-auto");
  await page.waitForFunction(() => document.querySelector("#frame-info").className === "frame-info ok");
  await page.close();
});

test("whitening is one click, shows before and after, and is saved as asked", async () => {
  await fresh();
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  assert.equal(await page.isVisible("#out-before"), false);
  await page.evaluate(() => (window.calls.length = 0));
  await page.click("#photo-whiten");
  await page.waitForFunction(() => !document.getElementById("out-before").hidden);
  const [prev] = await calls("photo_preview");
  assert.equal(prev.args.edits.whiten, true);
  assert.equal(await page.textContent("#out-before figcaption"), "换底前");
  assert.equal(await page.isVisible("#after-cap"), true);
  assert.match(await page.textContent("#out-facts"), /已替换背景/);
  // The two pictures differ: the output is white, the before keeps its wall.
  const px = await page.evaluate(async () => {
    const at = async (id) => {
      const img = document.getElementById(id);
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      return [...g.getImageData(5, 5, 1, 1).data.slice(0, 3)];
    };
    return { before: await at("before-img"), after: await at("out-img") };
  });
  assert.ok(px.after.every((c) => c > 245), JSON.stringify(px));
  assert.ok(px.before[0] < 200, JSON.stringify(px));
  await page.evaluate(() => window.caiji.saveTo("/out/me_nat-photo.jpg"));
  const [save] = await calls("photo_save");
  assert.equal(save.args.edits.whiten, true);
  assert.equal(save.args.edits.head.crown, 200);
  await page.click("#photo-whiten");
  await page.waitForFunction(() => document.getElementById("out-before").hidden);
  await page.close();
});

test("dragging fast coalesces previews and the last crop wins", async () => {
  await fresh();
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  await page.evaluate(() => {
    window.calls.length = 0;
    window.previewDelayMs = 40;
    for (let i = 0; i < 20; i++) window.caiji.setCrop({ x: i * 10, y: 0, w: 600, h: 840 });
  });
  await page.waitForFunction(() => document.body.dataset.previewIdle === "1");
  const prev = await calls("photo_preview");
  assert.ok(prev.length <= 3, `${prev.length} previews for 20 moves`);
  assert.deepEqual(prev.at(-1).args.edits.crop, { x: 190, y: 0, w: 600, h: 840 });
  await page.close();
});

test("backend errors are shown as messages a person can act on, in the language chosen", async () => {
  await fresh();
  const tooSmall = { zh: "原图只有 91×128 像素，至少需要 295×413", en: "The original is only 91×128 pixels; 295×413 is the least" };
  await page.evaluate((message) => {
    window.failNext = { cmd: "photo_open", code: "too_small", message, details: { width: 91, height: 128 } };
    return window.caiji.openPath("/photos/tiny.jpg");
  }, tooSmall);
  assert.equal(await ownText("#photo-msg"), tooSmall.zh);
  assert.equal(await page.getAttribute("#photo-msg", "class"), "msg bad");
  // What to do about it: the error's help topic, one click away.
  assert.equal(await page.getAttribute("#photo-msg .help-link", "data-topic"), "photo-too-small");
  // In English, the English half.
  await page.click("#lang");
  await page.evaluate((message) => {
    window.failNext = { cmd: "photo_open", code: "too_small", message };
    return window.caiji.openPath("/photos/tiny.jpg");
  }, tooSmall);
  assert.equal(await ownText("#photo-msg"), tooSmall.en);
  assert.equal(await page.textContent("#photo-msg .help-link"), "What to do?");
  await page.click("#lang");
  // A plain string message (a backend not yet on the new contract) is still shown as it is.
  await page.evaluate(() => {
    window.failNext = { cmd: "photo_open", code: "too_small", message: "原图太小" };
    return window.caiji.openPath("/photos/tiny.jpg");
  });
  assert.equal(await ownText("#photo-msg"), "原图太小");
  await page.close();
});

test("the language switch changes the texts and what the backend is asked for", async () => {
  await fresh();
  await page.evaluate(() => localStorage.removeItem("lang"));
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  await page.evaluate(() => window.caiji.show("photo"));
  assert.equal(await page.textContent('[data-t="nav.photo"]'), "证件照");
  await page.click("#lang");
  assert.equal(await page.textContent('[data-t="nav.photo"]'), "ID photo");
  assert.equal(await page.textContent("#lang"), "中文");
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  const [open] = await calls("photo_open");
  assert.equal(open.args.lang, "en");
  assert.match(await page.textContent("#checklist"), /Pixels are right/);
  await page.click("#lang");
  await page.close();
});

test("every text key in the markup is in the table, in both languages", async () => {
  await fresh();
  const missing = () =>
    page.evaluate(() =>
      [...document.querySelectorAll("[data-t], [data-t-title], [data-t-placeholder]")].flatMap((el) => [
        ...(el.dataset.t && el.textContent === el.dataset.t ? [el.dataset.t] : []),
        ...(el.dataset.tTitle && el.title === el.dataset.tTitle ? [el.dataset.tTitle] : []),
        ...(el.dataset.tPlaceholder && el.placeholder === el.dataset.tPlaceholder ? [el.dataset.tPlaceholder] : []),
      ]),
    );
  assert.deepEqual(await missing(), []);
  await page.click("#lang");
  assert.deepEqual(await missing(), []);
  await page.click("#lang");
  await page.close();
});

test("the check screen gives a verdict with the failing rule", async () => {
  await fresh();
  await page.click('.tab[data-screen="check"]');
  await page.evaluate(() => window.caiji.checkPath("/uploads/photo.jpg"));
  await page.waitForSelector("#check-result .verdict");
  assert.match(await page.textContent("#check-result .verdict"), /photo\.jpg — 不通过/);
  assert.equal(await page.$$eval("#check-result li.bad", (l) => l.length), 1);
  await page.close();
});

test("the specs screen lists provenance and marks unconfirmed figures", async () => {
  await fresh();
  await page.click('.tab[data-screen="specs"]');
  const rows = await page.$$eval("#specs-table tbody tr", (l) => l.map((r) => r.textContent));
  assert.equal(rows.length, 3);
  assert.match(rows[1], /未确认/);
  assert.match(rows[0], /≥295×413/);
  await page.close();
});

test("a batch shows live progress, a summary, retries only the failed and opens the report", async () => {
  await fresh();
  await page.click('.tab[data-screen="batch"]');
  await page.evaluate(() => {
    const r = (zh, en) => ({ zh, en });
    window.batchItems = [
      { source: "/in/a.jpg", status: "ok", width: 295, height: 413, bytes: 20480, reasons: [] },
      { source: "/in/b.png", status: "warning", width: 295, height: 413, bytes: 19000, reasons: [r("背景不是白色", "Background is not white")] },
      { source: "/in/broken.jpg", status: "failed", reasons: [r("文件不完整", "The file is truncated")] },
    ];
  });
  assert.equal(await page.isDisabled("#batch-report"), true);
  await page.evaluate(() => window.caiji.runBatch("/in", "/out"));
  assert.equal(await page.textContent("#batch-count"), "3 / 3");
  const summary = await page.textContent("#batch-summary");
  assert.match(summary, /共 3 个：成功 1，有提示 1，失败 1/);
  assert.match(summary, /\/out\/caiji-report\.csv/);
  const rows = await page.$$eval("#batch-list .vrow", (l) => l.map((r) => r.className));
  assert.deepEqual(rows, ["vrow ok", "vrow warning", "vrow failed"]);
  assert.match(await page.textContent("#batch-list .vrow.failed"), /文件不完整/);
  const [start] = await calls("batch_start");
  assert.equal(start.args.req.spec, "nat-photo");
  assert.equal(start.args.req.template, "{stem}");
  assert.equal(start.args.req.frame, "face", "staff photos are framed from the face by default");
  assert.equal(start.args.req.whiten, false, "backgrounds are left alone unless asked");
  // Retry sends only the failed file.
  assert.equal(await page.isEnabled("#batch-retry"), true);
  await page.evaluate(() => (window.calls.length = 0));
  const done = await page.evaluate(() => Number(document.body.dataset.batchDone));
  await page.click("#batch-retry");
  await page.waitForFunction((n) => Number(document.body.dataset.batchDone) > n, done);
  const [retry] = await calls("batch_start");
  assert.deepEqual(retry.args.req.only, ["/in/broken.jpg"]);
  assert.equal(await page.isDisabled("#batch-retry"), true, "nothing left to retry");
  await page.click("#batch-report");
  await page.click("#batch-folder");
  assert.deepEqual((await calls("batch_open")).map((c) => c.args.what), ["report", "folder"]);
  await page.close();
});

test("a batch list of thousands of files keeps only the visible rows in the page", async () => {
  await fresh();
  await page.click('.tab[data-screen="batch"]');
  await page.evaluate(() => {
    window.batchItems = Array.from({ length: 5000 }, (_, i) => ({ source: `/in/staff-${i}.jpg`, status: "ok", width: 295, height: 413, bytes: 20000, reasons: [] }));
    return window.caiji.runBatch("/in", "/out");
  });
  assert.equal(await page.textContent("#batch-count"), "5000 / 5000");
  const n = await page.$$eval("#batch-list .vrow", (l) => l.length);
  assert.ok(n > 5 && n < 80, `${n} rows in the DOM`);
  await page.$eval("#batch-list", (l) => (l.scrollTop = 30 * 4000));
  await page.waitForFunction(() => document.querySelector("#batch-list")?.textContent?.includes("staff-4000.jpg"));
  await page.close();
});

test("scans: pages are merged in order, each with its own crop; turning a page drops its crop", async () => {
  await fresh();
  await page.click('.tab[data-screen="scan"]');
  await page.evaluate(() => window.caiji.addPages(["/scans/front.jpg", "/scans/back.jpg"]));
  await page.waitForFunction(() => Number(document.body.dataset.scanMerges) >= 1);
  const names = await page.$$eval("#scan-pages li .name", (l) => l.map((x) => x.textContent));
  assert.match(names[0], /front\.jpg/);
  assert.match(names[1], /back\.jpg/);
  let merge = (await calls("scan_merge")).at(-1);
  const [front, back] = merge.args.pages.map((p) => p.id);
  // Scans (no paper found on a desk): the merge takes them as they are ("auto").
  assert.deepEqual(merge.args.pages, [{ id: front, crop: null, page: "auto" }, { id: back, crop: null, page: "auto" }]);
  assert.equal(merge.args.spec, "nat-proof");
  assert.match(await page.textContent("#scan-facts"), /1000×1400/);
  // Crop the back, then move it up.
  await page.evaluate(() => window.caiji.cropPage(1, { x: 10, y: 20, w: 800, h: 500 }));
  merge = (await calls("scan_merge")).at(-1);
  assert.deepEqual(merge.args.pages[1], { id: back, crop: { x: 10, y: 20, w: 800, h: 500 }, page: "auto" });
  assert.match(await page.textContent("#scan-pages li:nth-child(2)"), /已裁剪 800×500/);
  await page.click('#scan-pages button[data-act="up"][data-i="1"]');
  await page.waitForFunction(() => document.querySelector("#scan-pages li .name")?.textContent?.includes("back.jpg"));
  merge = (await calls("scan_merge")).at(-1);
  assert.deepEqual(merge.args.pages.map((p) => p.id), [back, front]);
  // The crop dialog opens on the page and its OK keeps the box.
  await page.click('#scan-pages button[data-act="crop"][data-i="0"]');
  await page.waitForSelector("#page-crop[open] #page-stage .crop:not([hidden])");
  await page.click("#page-crop-ok");
  merge = (await calls("scan_merge")).at(-1);
  assert.deepEqual(merge.args.pages[0].crop, { x: 10, y: 20, w: 800, h: 500 });
  // Turning a page gives a new picture whose crop would be wrong: it starts uncropped.
  await page.click('#scan-pages button[data-act="rotr"][data-i="0"]');
  await page.waitForFunction(() => !document.querySelector("#scan-pages li")?.textContent?.includes("已裁剪"));
  merge = (await calls("scan_merge")).at(-1);
  assert.equal(merge.args.pages[0].crop, null);
  assert.notEqual(merge.args.pages[0].id, back);
  // A PDF adds each of its pages, named by page, merged after the others.
  await page.evaluate(() => window.caiji.addPages(["/docs/社保证明.pdf"]));
  await page.waitForFunction(() => document.querySelectorAll("#scan-pages li").length === 4);
  const all = await page.$$eval("#scan-pages li .name", (l) => l.map((x) => x.textContent));
  assert.match(all[2], /社保证明\.pdf · 第 1 页/);
  assert.match(all[3], /社保证明\.pdf · 第 2 页/);
  await page.waitForFunction(() => window.calls.filter((c) => c.cmd === "scan_merge").at(-1)?.args.pages.length === 4);
  await page.close();
});

test("scans: a paper photographed on a desk shows its corners, dragged beside the flattened page, and the merge takes them", async () => {
  await fresh();
  await page.click('.tab[data-screen="scan"]');
  await page.evaluate(() => window.caiji.addPages(["/photos/diploma on the desk.jpg", "/scans/back.jpg"]));
  await page.waitForFunction(() => Number(document.body.dataset.scanMerges) >= 1);
  const found = [[120, 140], [880, 100], [940, 1300], [60, 1340]];
  let merge = (await calls("scan_merge")).at(-1);
  // The corners found on opening go with the merge (it need not look again); the scan as it is.
  assert.deepEqual(merge.args.pages.map((p) => p.page), [{ corners: found }, "auto"]);
  // Shown on the thumbnail, said in the list; only the photographed paper has the corners button.
  assert.equal(await page.getAttribute("#scan-pages li:nth-child(1) .thumbwrap polygon", "points"), "120,140 880,100 940,1300 60,1340");
  assert.match(await page.textContent("#scan-pages li:nth-child(1)"), /已拉平/);
  assert.equal(await page.$$eval('#scan-pages button[data-act="corners"]', (l) => l.length), 1);
  // The dialog: the photo with four handles, the flattened page beside it.
  await page.click('#scan-pages button[data-act="corners"][data-i="0"]');
  await page.waitForFunction(() => Number(document.body.dataset.cornerFlats) >= 1 && document.querySelector("#corner-flat")?.getAttribute("src"));
  assert.equal(await page.$$eval("#corner-stage .corner-handle", (l) => l.length), 4);
  assert.deepEqual((await calls("scan_flat")).at(-1).args.corners, found);
  // Drag the top-left corner 40 screen pixels right and down: the flattened page follows.
  const h = await page.$("#corner-stage .corner-handle[data-i='0']");
  const b = await h.boundingBox();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 + 20, b.y + b.height / 2 + 20, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2 + 40, b.y + b.height / 2 + 40, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => Number(document.body.dataset.cornerFlats) >= 2);
  const dragged = (await calls("scan_flat")).at(-1).args.corners;
  assert.ok(dragged[0][0] > 140 && dragged[0][1] > 160, `dragged to ${dragged[0]}`);
  assert.deepEqual(dragged.slice(1), found.slice(1));
  // A focused corner moves with the arrow keys too (1 % of the picture).
  await page.focus("#corner-stage .corner-handle[data-i='2']");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => Number(document.body.dataset.cornerFlats) >= 3);
  assert.deepEqual((await calls("scan_flat")).at(-1).args.corners[2], [954, 1300]);
  await page.click("#corners-ok");
  await page.waitForFunction(() => window.calls.filter((c) => c.cmd === "scan_merge").at(-1)?.args.pages[0].page.corners?.[2][0] === 954);
  merge = (await calls("scan_merge")).at(-1);
  assert.deepEqual(merge.args.pages[0].page.corners[0], dragged[0]);
  // The dialog opens again on the dragged corners; the corners found are one click away.
  await page.click('#scan-pages button[data-act="corners"][data-i="0"]');
  await page.waitForSelector("#page-corners[open]");
  assert.equal(await page.getAttribute("#corner-stage polygon", "points"), merge.args.pages[0].page.corners.map((c) => c.join(",")).join(" "));
  await page.click("#corners-found");
  await page.click("#corners-ok");
  await page.waitForFunction(() => window.calls.filter((c) => c.cmd === "scan_merge").at(-1)?.args.pages[0].page.corners?.[2][0] === 940);
  assert.deepEqual((await calls("scan_merge")).at(-1).args.pages[0].page, { corners: found });
  // Kept as photographed.
  await page.click('#scan-pages button[data-act="corners"][data-i="0"]');
  await page.waitForSelector("#page-corners[open]");
  await page.click("#corners-off");
  await page.waitForFunction(() => window.calls.filter((c) => c.cmd === "scan_merge").at(-1)?.args.pages[0].page === "off");
  assert.match(await page.textContent("#scan-pages li:nth-child(1)"), /按原照片/);
  // Esc closes it like 取消: nothing changes.
  const merges = (await calls("scan_merge")).length;
  await page.click('#scan-pages button[data-act="corners"][data-i="0"]');
  await page.waitForSelector("#page-corners[open]");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("page-corners").open);
  assert.equal((await calls("scan_merge")).length, merges);
  // A crop by hand wins: the corners button goes, the merge is sent the crop.
  await page.evaluate(() => window.caiji.cropPage(0, { x: 10, y: 20, w: 800, h: 500 }));
  assert.equal(await page.$$eval('#scan-pages button[data-act="corners"]', (l) => l.length), 0);
  await page.close();
});

test("specs: duplicate a profile, see a bad edit flagged on its field, save the fixed one", async () => {
  await fresh();
  await page.click('.tab[data-screen="specs"]');
  assert.match(await page.textContent("#specs-problems"), /broken\.toml 第 3 行/);
  await page.click('#specs-table button[data-act="dup"][data-id="nat-photo"]');
  await page.waitForSelector("#spec-editor:not([hidden])");
  assert.equal(await page.inputValue('[data-k="id"]'), "nat-photo-copy");
  assert.equal(await page.inputValue('[data-k="bytes.min"]'), "10");
  assert.match(await page.textContent("#spec-check"), /规格有效/);
  // A maximum below the minimum: the backend's problem is shown on the minimum's field.
  await page.fill('[data-k="bytes.max"]', "5");
  await page.waitForFunction(() => document.querySelector("#spec-check")?.className === "msg bad");
  assert.match(await page.textContent("#spec-check"), /\[最小 KB\]: 最小 10240 字节必须小于最大 5000 字节/);
  assert.equal(await page.$$eval("#spec-editor label.bad", (l) => l.length), 1);
  // A number the profile cannot hold is named on its field, before asking the backend.
  await page.fill('[data-k="bytes.max"]', "30");
  await page.fill('[data-k="pixels.width"]', "-295");
  await page.waitForFunction(() => document.querySelector("#spec-check")?.textContent?.includes("[宽（像素）]: 请填写不小于 0 的整数"));
  await page.fill('[data-k="pixels.width"]', "295");
  // A taken id is refused before saving.
  await page.fill('[data-k="bytes.max"]', "30");
  await page.fill('[data-k="id"]', "nat-photo");
  await page.waitForFunction(() => document.querySelector("#spec-check")?.textContent?.includes("已被使用"));
  await page.fill('[data-k="id"]', "my-portal");
  await page.fill('[data-k="title.zh"]', "我的平台");
  await page.waitForFunction(() => document.querySelector("#spec-check")?.className === "msg ok");
  await page.click("#spec-save");
  await page.waitForSelector('#specs-table tr[data-id="my-portal"]');
  const [saved] = await calls("specs_save");
  assert.deepEqual(saved.args.spec.bytes, { min: 10240, max: 30000 });
  assert.equal(saved.args.spec.title.zh, "我的平台");
  assert.deepEqual(saved.args.spec.pixels, { rule: "min", width: 295, height: 413, export: [295, 413] });
  assert.equal(await page.isHidden("#spec-editor"), true);
  assert.match(await page.textContent('#specs-table tr[data-id="my-portal"]'), /自定义/);
  // Every picker offers the new profile at once.
  assert.ok(await page.$('#photo-spec option[value="my-portal"]'));
  // Deleting asks for a second click.
  await page.click('#specs-table button[data-act="del"][data-id="my-portal"]');
  assert.match(await page.textContent('#specs-table button[data-act="del"]'), /再点一次/);
  await page.click('#specs-table button[data-act="del"][data-id="my-portal"]');
  await page.waitForFunction(() => !document.querySelector('#specs-table tr[data-id="my-portal"]'));
  assert.equal(await page.$('#photo-spec option[value="my-portal"]'), null);
  await page.close();
});

test("settings: where the data lives, threads and the default output folder are saved; bad values are refused", async () => {
  await fresh();
  await page.click('.tab[data-screen="settings"]');
  const where = await page.textContent("#set-where");
  assert.match(where, /便携版/);
  assert.match(where, /\/usb\/caiji-data\/logs/);
  assert.match(await page.textContent("#set-threads-hint"), /本机 2 核/);
  assert.equal(await page.textContent('label:has(#set-threads) > span'), "批量时同时处理张数");
  // The data and log folders open from here (by name: the backend knows where they are).
  await page.click('#set-where button[data-open-dir="logs"]');
  await page.click('#set-where button[data-open-dir="data"]');
  assert.deepEqual((await calls("settings_open_dir")).map((c) => c.args.which), ["logs", "data"]);
  await page.fill("#set-threads", "3");
  await page.dispatchEvent("#set-threads", "change");
  await page.waitForFunction(() => document.querySelector("#settings-msg")?.textContent === "设置已保存");
  assert.equal((await calls("settings_set")).at(-1).args.settings.threads, 3);
  await page.fill("#set-threads", "-2");
  await page.dispatchEvent("#set-threads", "change");
  assert.match(await page.textContent("#settings-msg"), /0 到 256/);
  assert.equal((await calls("settings_set")).length, 1, "a bad value is not sent");
  // The language picker switches the whole window and is remembered.
  await page.selectOption("#set-lang", "en");
  await page.waitForFunction(() => document.querySelector('[data-t="nav.settings"]')?.textContent === "Settings");
  assert.equal((await calls("settings_set")).at(-1).args.settings.lang, "en");
  // Settings itself in the new language, its last message too.
  assert.equal(await page.textContent("#settings-msg"), "Settings saved");
  assert.equal(await page.textContent('label:has(#set-threads) > span'), "Photos processed at once in a batch");
  assert.match(await page.textContent("#set-where"), /Portable/);
  await page.close();
});

test("filing: every keystroke is saved, problems show on their fields and in the list", async () => {
  await fresh();
  await page.click('.tab[data-screen="filing"]');
  assert.match(await page.textContent("#filing-list"), /还没有填报/);
  // 填报 offers a person's own forms; the unit's (聘任入库备案) are started in 单位.
  const offered = await page.$$eval("#filing-new option", (os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(offered.includes("collection") && !offered.includes("entry_unit"), offered.join());
  await page.selectOption("#filing-new", "collection");
  await page.waitForSelector("#f-basic\\.name");
  assert.match(await page.textContent("#ed-summary"), /还有 6 处需要修改/);
  assert.equal(await page.textContent("#filing-list li.active .pill.bad"), "6 处待改");
  // Typed key by key with saves slower than the keys: nothing typed is left unsaved.
  await page.type("#f-basic\\.name", "欧阳娜娜", { delay: 5 });
  await page.type("#f-basic\\.mobile", "1391234567", { delay: 5 });
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  // Not while it is being typed: once the field is left.
  assert.equal(await page.isVisible('[data-err="basic.mobile"]'), false);
  await page.press("#f-basic\\.mobile", "Tab");
  const saves = await calls("filing_save");
  assert.ok(saves.length >= 2 && saves.length <= 14, `${saves.length} saves for 14 keys`);
  assert.deepEqual(saves.at(-1).args.data.basic, { name: "欧阳娜娜", mobile: "1391234567" });
  assert.equal(await ownText('[data-err="basic.mobile"]'), "手机号码应为 11 位数字，以 13–19 开头");
  assert.equal(await page.getAttribute('[data-err="basic.mobile"] .help-link', "data-topic"), "mobile-number", "the field's help topic");
  assert.equal(await page.isVisible('[data-err="basic.name"]'), false);
  assert.match(await page.textContent("#filing-list li.active"), /欧阳娜娜/);
  // Fixed: the message goes, the count drops.
  await page.focus("#f-basic\\.mobile");
  await page.keyboard.press("End");
  await page.keyboard.type("8");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving && document.querySelector('[data-err="basic.mobile"]').hidden);
  assert.match(await page.textContent("#ed-summary"), /还有 4 处/);
  // A repeatable section: an entry added, its fields by index.
  await page.click('[data-add="education"]');
  await page.fill("#f-education\\.0\\.school", "内蒙古财经大学");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.deepEqual((await calls("filing_save")).at(-1).args.data.education, [{ school: "内蒙古财经大学" }]);
  // Finalizing with problems left says how many and keeps the draft.
  await page.click("#ed-finalize");
  await page.waitForFunction(() => /还有 \d+ 处需要修改/.test(document.getElementById("filing-msg").textContent));
  assert.equal(await page.isVisible("#ed-finalize"), true);
  await page.close();
});

test("filing: an attachment slot opens the photo tool on the slot's spec and comes back with the file", async () => {
  await fresh();
  await page.click('.tab[data-screen="filing"]');
  await page.selectOption("#filing-new", "collection");
  await page.waitForSelector('[data-make="basic.photo"]');
  await page.evaluate(() => (document.getElementById("photo-spec").value = "im-legacy-photo"));
  await page.click('[data-make="basic.photo"]');
  assert.equal(await page.isVisible("#screen-photo"), true);
  assert.equal(await page.inputValue("#photo-spec"), "nat-photo", "the slot's spec");
  assert.match(await page.textContent("#photo-attach"), /正在为“会计人员信息采集 · 证件照”制作附件（规格 nat-photo）/);
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  await page.click("#photo-attach-go");
  await page.waitForFunction(() => document.getElementById("screen-filing").classList.contains("active"));
  const [att] = await calls("photo_attach");
  assert.equal(att.args.spec, "nat-photo");
  assert.deepEqual(att.args.edits.crop, { x: 200, y: 150, w: 500, h: 700 }, "made as framed on screen");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.equal((await calls("filing_save")).at(-1).args.data.basic.photo, "ab".repeat(32));
  await page.waitForSelector('[data-slot="basic.photo"] img:not([hidden])');
  assert.equal(await page.isVisible("#photo-attach"), false);
  // A document slot opens the scan tool.
  await page.click('[data-make="basic.proof"]');
  assert.equal(await page.isVisible("#screen-scan"), true);
  assert.equal(await page.inputValue("#scan-spec"), "nat-proof");
  await page.click("#scan-attach-cancel");
  assert.equal(await page.isVisible("#screen-filing"), true);
  await page.close();
});

test("the attach bar shows only while a filing's slot has the tool open, and names that slot", async () => {
  await fresh();
  const bar = (s) => page.evaluate((id) => {
    const b = document.getElementById(id);
    return { shown: b.checkVisibility(), text: b.querySelector("span").textContent };
  }, `${s}-attach`);
  // First launch, on the photo screen: nothing to put anywhere.
  assert.equal(await page.isVisible("#screen-photo"), true);
  assert.deepEqual(await bar("photo"), { shown: false, text: "" });
  await page.click('.tab[data-screen="scan"]');
  assert.deepEqual(await bar("scan"), { shown: false, text: "" });
  // A filing's photo slot: the bar names the person and the slot.
  await page.click('.tab[data-screen="filing"]');
  await page.selectOption("#filing-new", "collection");
  await page.fill("#f-basic\\.name", "张三");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving && window.caiji.currentDraft().draft.title.includes("张三"));
  await page.click('[data-make="basic.photo"]');
  assert.deepEqual(await bar("photo"), { shown: true, text: "正在为“会计人员信息采集 · 张三 · 证件照”制作附件（规格 nat-photo）" });
  // Attached: back to the filing, and the photo screen has no bar any more.
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  await page.click("#photo-attach-go");
  await page.waitForFunction(() => document.getElementById("screen-filing").classList.contains("active"));
  await page.click('.tab[data-screen="photo"]');
  assert.deepEqual(await bar("photo"), { shown: false, text: "" });
  // Leaving the flow by another screen ends it too: the bar is gone when the tool is opened by hand.
  await page.click('.tab[data-screen="filing"]');
  await page.click('[data-make="basic.proof"]');
  assert.equal(await page.isVisible("#screen-scan"), true);
  assert.equal((await bar("scan")).shown, true);
  assert.deepEqual(await bar("photo"), { shown: false, text: "" }, "only the tool the slot opened");
  await page.click('.tab[data-screen="check"]');
  await page.click('.tab[data-screen="scan"]');
  assert.deepEqual(await bar("scan"), { shown: false, text: "" });
  assert.equal(await page.evaluate(() => window.caiji.finishAttach()), false, "nothing to attach to");
  // 不放入: hidden as well.
  await page.click('.tab[data-screen="filing"]');
  await page.click('[data-make="basic.photo"]');
  assert.equal((await bar("photo")).shown, true);
  await page.click("#photo-attach-cancel");
  assert.equal(await page.isVisible("#screen-filing"), true);
  await page.click('.tab[data-screen="photo"]');
  assert.deepEqual(await bar("photo"), { shown: false, text: "" });
  await page.close();
});

test("filing: after a crash the drafts being edited are offered", async () => {
  await fresh(() => {
    const data = { basic: { name: "张三" } };
    window.seed = [{ id: "d9", form: "collection", title: "会计人员信息采集 · 张三", state: "draft", data, revision: 3, updated: 1, person: null, unit: null, origin: null }];
    window.lastRun = { crashed: true, changed: ["d9", "gone"] };
  });
  await page.click('.tab[data-screen="filing"]');
  assert.equal(await page.isVisible("#filing-recover"), true);
  assert.match(await page.textContent("#filing-recover"), /上次没有正常退出。\s*以下 1 份填报的每次输入都已自动保存/);
  await page.click('#filing-recover a[data-open="d9"]');
  await page.waitForSelector("#f-basic\\.name");
  assert.equal(await page.inputValue("#f-basic\\.name"), "张三");
  await page.click("#recover-ok");
  assert.equal(await page.isVisible("#filing-recover"), false);
  await page.close();
});

test("unit: a roster's bad rows are listed by line with every reason", async () => {
  await fresh();
  await page.click('.tab[data-screen="unit"]');
  assert.match(await page.textContent("#unit-body"), /导入/);
  await addUnit("呼和浩特某某有限公司");
  await page.waitForSelector("#unit-roster");
  assert.match(await page.textContent(".unit-head"), /91150102MA0N12345P/);
  await page.evaluate(() => window.caiji.importRoster("/staff/名单.xlsx"));
  await page.waitForSelector(".roster-report");
  assert.match(await page.textContent(".roster-report b"), /名单共 200 行：新增 197 人，更新 0 人，2 行有问题未导入/);
  const rows = await page.$$eval(".rejected tbody tr", (l) => l.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ["22", "79"]);
  assert.match(rows[1][2], /手机号码.*；岗位/);
  assert.equal(await page.textContent("table.staff tbody td.mono"), "150102********1237");
  await page.close();
});

test("filing: province, city and county cascade, and a new province empties what no longer fits", async () => {
  await fresh();
  await page.click('.tab[data-screen="filing"]');
  await page.selectOption("#filing-new", "collection");
  await page.waitForSelector("#f-authority\\.city");
  assert.equal(await page.isDisabled("#f-authority\\.city"), true, "no province yet");
  await page.selectOption("#f-authority\\.province", "150000");
  const cities = await page.$$eval("#f-authority\\.city option", (l) => l.map((o) => o.textContent));
  assert.deepEqual(cities, ["请选择", "自治区直属", "呼和浩特市", "包头市"]);
  // 自治区直属 has no 旗县: the county is not asked for.
  await page.selectOption("#f-authority\\.city", "1500");
  await page.waitForFunction(() => document.getElementById("f-authority.county").disabled);
  assert.equal(await page.$eval("#f-authority\\.county", (s) => s.options[0].textContent), "无下一级，不必选择");
  await page.selectOption("#f-authority\\.city", "1501");
  await page.selectOption("#f-authority\\.county", "150103");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.deepEqual((await calls("filing_save")).at(-1).args.data.authority, { province: "150000", city: "1501", county: "150103" });
  await page.selectOption("#f-authority\\.province", "110000");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.deepEqual((await calls("filing_save")).at(-1).args.data.authority, { province: "110000", city: "", county: "" });
  assert.deepEqual(await page.$$eval("#f-authority\\.city option", (l) => l.map((o) => o.textContent)), ["请选择", "市辖区"]);
  await page.close();
});

test("sync: sign in from the dialog, send a filing, see it returned with the reason, and a stale one's changes", async () => {
  await fresh(() => {
    const d = (id, state, reason) => ({ id, form: "collection", title: "会计人员信息采集 · 张三", state, reason, data: { basic: { name: "张三", id_number: "150102199003071237", mobile: "13912345678" } }, revision: 3, updated: Date.now(), person: "150102199003071237", unit: null, origin: null });
    window.seed = [d("d-fin", "finalized", null), d("d-stale", "failed", "服务器上的这份填报已有更新的版本，请先查看差异（服务器上为第 2 版）")];
    window.conflicts = {
      "d-stale": { revision: 2, state: "submitted", reason: null, can_keep_mine: true, changes: [{ path: "basic.mobile", label: { zh: "基本信息 · 手机号码", en: "Basic · Mobile" }, mine: { zh: "13900001111", en: "13900001111" }, theirs: { zh: "13912345678", en: "13912345678" } }] },
    };
  });
  await page.click('.tab[data-screen="filing"]');
  assert.match(await page.textContent("#sync-bar"), /尚未连接线上系统/);

  // Sign in: a wrong password is said in the dialog, which stays open; the right one closes it.
  await page.click("#sync-account");
  await page.fill("#sync-server", "http://127.0.0.1:8440");
  await page.fill("#sync-login", "150102199003071237");
  await page.fill("#sync-password", "wrong-pass-1");
  await page.click("#sync-ok");
  await page.waitForFunction(() => /账号或密码不对/.test(document.getElementById("sync-dlg-msg").textContent));
  assert.equal(await page.evaluate(() => document.getElementById("sync-dialog").open), true);
  await page.fill("#sync-password", "right-pass-1");
  await page.click("#sync-ok");
  await page.waitForFunction(() => !document.getElementById("sync-dialog").open);
  const bar = await page.textContent("#sync-bar");
  assert.match(bar, /张三/);
  assert.match(bar, /150102\*{8}1237/);
  assert.deepEqual((await calls("sync_sign_in")).at(-1).args.server, "http://127.0.0.1:8440");

  // 上报 on a finalized filing: queued, said so.
  await page.click('#filing-list li[data-id="d-fin"]');
  await page.click("#ed-send");
  await page.waitForSelector("#ed-state .pill.st-queued");
  assert.deepEqual((await calls("sync_send")).at(-1).args.ids, ["d-fin"]);
  assert.match(await page.textContent("#filing-msg"), /已放入待上报 1 份/);

  // The worker's event: it came back returned, with the reason, and the open filing shows it.
  await page.evaluate(async () => {
    const d = window.drafts.get("d-fin");
    d.state = "returned";
    d.reason = "手机号码已停用，请更新";
    await window.emitSync({ status: { ...window.syncStatus, returned: 1, last_sync: Date.now(), taken: Date.now() + 1 }, changed: ["d-fin"], conflicts: [] });
  });
  await page.waitForSelector("#ed-state .pill.st-returned");
  assert.match(await page.textContent("#ed-reason"), /退回原因：手机号码已停用，请更新/);
  assert.match(await page.textContent("#sync-bar"), /已退回 1/);
  // An older status arriving late does not undo it.
  await page.evaluate(() => window.emitSync({ status: { ...window.syncStatus, returned: 0, taken: 1 }, changed: [], conflicts: [] }));
  assert.match(await page.textContent("#sync-bar"), /已退回 1/);

  // A stale filing: what differs, field by field; resending as is is not offered; keep mine.
  await page.click('#filing-list li[data-id="d-stale"]');
  await page.waitForSelector("#ed-conflict:not([hidden]) table");
  assert.match(await page.textContent("#ed-conflict"), /服务器上已有第 2 版（审核中）/);
  assert.deepEqual(await page.$$eval("#ed-conflict tbody td", (t) => t.map((x) => x.textContent)), ["基本信息 · 手机号码", "13900001111", "13912345678"]);
  assert.equal(await page.$("#ed-send"), null);
  assert.equal(await page.isEnabled("#f-basic\\.mobile"), true, "a filing the server refused can be fixed");
  await page.click("#conflict-mine");
  await page.waitForSelector("#ed-state .pill.st-queued");
  assert.equal((await calls("sync_resolve")).at(-1).args.keepMine, true);
  await page.close();
});

test("sync: an unproven account is said so and proven with its code; a forgotten password is set again with a reset code", async () => {
  await fresh(() => {
    window.syncStatus = { server: "http://127.0.0.1:8440", login: "150102********1237", name: "张三", kind: "person", signed_in: true, verified: false, queued: 0, sent: 0, returned: 0, failed: 0, accepted: 0, taken: 1 };
  });
  await page.click('.tab[data-screen="filing"]');
  await page.waitForSelector("#sync-unverified");
  assert.match(await page.textContent("#sync-unverified"), /账号未验证/);
  await page.click("#sync-unverified");
  await page.waitForSelector("#sync-verify:not([hidden])");
  assert.match(await page.textContent("#sync-verify"), /向所在单位（或审核机构）索取激活码/);
  await page.fill("#sync-code-verify", "zzzzz-zzzzz");
  await page.click("#sync-verify-go");
  await page.waitForFunction(() => /验证码不对/.test(document.getElementById("sync-dlg-msg").textContent));
  await page.fill("#sync-code-verify", "abcde 12345");
  await page.click("#sync-verify-go");
  await page.waitForFunction(() => !document.getElementById("sync-dialog").open);
  assert.equal((await calls("sync_verify")).at(-1).args.code, "abcde 12345");
  assert.equal(await page.$("#sync-unverified"), null, "verified: no more warning");
  assert.match(await page.textContent("#filing-msg"), /账号已验证/);

  // 找回密码: the code field appears, the password is the new one; a wrong code is said in
  // the dialog; the right one sets it and signs in with it.
  await page.click("#sync-account");
  await page.click('label:has(input[name="sync-mode"][value="reset"])');
  assert.equal(await page.isVisible("#sync-code"), true);
  assert.equal(await page.isVisible("#sync-verify"), false, "proving belongs with signing in");
  assert.match(await page.textContent("#sync-password-label"), /新密码/);
  assert.match(await page.textContent("#sync-ok"), /重设密码并登录/);
  await page.fill("#sync-server", "http://127.0.0.1:8440");
  await page.fill("#sync-login", "150102199003071237");
  await page.fill("#sync-code", "RESET-99999");
  await page.fill("#sync-password", "right-pass-1");
  await page.click("#sync-ok");
  await page.waitForFunction(() => /验证码不对/.test(document.getElementById("sync-dlg-msg").textContent));
  await page.fill("#sync-code", "RESET-00001");
  await page.click("#sync-ok");
  await page.waitForFunction(() => !document.getElementById("sync-dialog").open);
  const reset = (await calls("sync_reset_password")).at(-1).args;
  assert.deepEqual([reset.login, reset.code], ["150102199003071237", "RESET-00001"]);
  assert.equal((await calls("sync_sign_in")).at(-1).args.password, "right-pass-1", "signed in with the new password");
  assert.match(await page.textContent("#filing-msg"), /密码已重设/);
  await page.close();
});

test("standing: not enough information is said with what is missing, never as 异动 or 非在岗", async () => {
  await fresh(() => {
    const msg = (zh, en) => ({ zh, en });
    window.seed = [{ id: "d-col", form: "collection", title: "会计人员信息采集 · 张三", state: "finalized", reason: null, data: { basic: { name: "张三", id_number: "150102199003071237" } }, revision: 1, updated: Date.now(), person: "150102199003071237", unit: null, origin: null }];
    window.standing = {
      id_number: "150102199003071237", name: "张三", year: 2026, status: "unknown", status_name: msg("信息不足，无法判断", "not enough information"),
      missing: msg("本机没有以下记录：2006–2025 年的继续教育；2006–2025 年的年度考评。不能判断在岗、非在岗或异动。", "This computer has no record of continuing education for 2006–2025"),
      obligations: [{ code: "ce", message: msg("2026 年继续教育还差专业科目 60 学分、公需科目 30 学分", "2026 CE") }], years_of_work: null, counted: 1,
    };
  });
  await page.click('.tab[data-screen="filing"]');
  await page.click('#filing-list li[data-id="d-col"]');
  await page.waitForSelector("#ed-standing:not([hidden]) .pill.st-unknown");
  const box = await page.textContent("#ed-standing");
  assert.match(box, /信息不足，无法判断/);
  assert.match(box, /本机没有以下记录：2006–2025 年的继续教育/);
  assert.doesNotMatch(box, /异动（|非在岗（/);
  // The person states the year up to which the online system shows them in good standing.
  assert.equal(await page.getAttribute("#ed-baseline", "max"), "2025", "this year is not over");
  await page.fill("#ed-baseline", "2023");
  await page.click("#ed-baseline-save");
  await page.waitForSelector("#ed-standing .pill.st-active");
  assert.deepEqual((await calls("filing_set_baseline")).at(-1).args, { idNumber: "150102199003071237", year: 2023 });
  assert.equal(await page.inputValue("#ed-baseline"), "2023", "the stated year shown, to change or withdraw");
  await page.click("#ed-baseline-clear");
  await page.waitForSelector("#ed-standing .pill.st-unknown");
  assert.equal((await calls("filing_set_baseline")).at(-1).args.year, null);
  await page.close();
});

test("unit: signed in as the unit, a staff member gets an activation or a reset code on a slip to print", async () => {
  await fresh(() => {
    window.syncStatus = { server: "http://127.0.0.1:8440", login: "911501********345P", name: "某某公司", kind: "unit", signed_in: true, verified: true, queued: 0, sent: 0, returned: 0, failed: 0, accepted: 0, taken: 1 };
    window.unitStaff = [{ unit: "91150102MA0N12345P", id_number: "150102199003071237", name: "<b>张三</b>", data: { sex: "1" } }];
  });
  await page.click('.tab[data-screen="unit"]');
  await addUnit("某某公司");
  await page.waitForSelector('button[data-code="activate"]');
  await page.click('button[data-code="reset"]');
  await page.waitForFunction(() => document.getElementById("code-dialog").open);
  assert.deepEqual((await calls("sync_issue_code")).at(-1).args, { login: "150102199003071237", purpose: "reset" });
  assert.equal(await page.textContent("#code-title"), "密码重置码");
  assert.equal(await page.textContent("#code-value"), "K7Q3M-9XPA2");
  assert.equal(await page.textContent("#code-for"), "发给：<b>张三</b>（150102********1237）", "the name as text, the ID masked");
  assert.match(await page.textContent("#code-until"), /^有效期至 2026-12-06 \d\d:30，只能使用一次/);
  assert.match(await page.textContent("#code-how"), /找回密码/);
  await page.click("#code-close");
  // Another unit's screen (not the one signed in) offers no codes.
  await page.evaluate(() => (window.syncStatus = { ...window.syncStatus, login: "911501********999X", taken: 2 }));
  await page.evaluate(() => window.emitSync({ status: window.syncStatus, changed: [], conflicts: [] }));
  await page.selectOption("#unit-pick", "");
  await page.selectOption("#unit-pick", "91150102MA0N12345P");
  await page.waitForFunction(() => !document.querySelector('button[data-code="activate"]'));
  await page.close();
});

// ---------------------------------------------------------------- escaping

const src = path.resolve(import.meta.dirname, "../src");
const sources = () => fs.readdirSync(src).filter((f) => f.endsWith(".ts")).map((f) => ({ f, text: fs.readFileSync(path.join(src, f), "utf8") }));

test("help: typed anywhere, the best answer opens; its button opens the tool on its spec; F1 comes back; a ✗ and a field error open their topics", async () => {
  await fresh(undefined, { start: "home" });
  // 我的档案 is the first screen.
  assert.equal(await page.getAttribute("#screen-home", "class"), "screen active");
  // Typing in the side bar's box goes to 帮助 with the text, and the best answer opens.
  await page.click("#nav-q");
  await page.keyboard.type("照片太大怎么办");
  await page.waitForFunction(() => document.body.dataset.helpTopic === "photo-too-large");
  assert.equal(await page.getAttribute("#screen-help", "class"), "screen active");
  assert.equal(await page.inputValue("#help-q"), "照片太大怎么办");
  assert.equal(await page.evaluate(() => document.activeElement.id), "help-q", "the cursor stays in the search box");
  assert.equal(await page.textContent("#help-topic h2"), "照片太大，传不上去");
  assert.deepEqual(await page.$$eval("#help-topic li", (l) => l.map((x) => x.textContent)), ["用“证件照”重新保存", "不要截图"]);
  assert.match(await page.textContent("#help-topic .source"), /依据：domain §2/);
  // The answer's button: the photo tool, on the spec the answer names.
  await page.click('#help-topic [data-act="0"]');
  assert.equal(await page.getAttribute("#screen-photo", "class"), "screen active");
  assert.equal(await page.inputValue("#photo-spec"), "nat-photo");
  // F1 from anywhere: back to the search box.
  await page.keyboard.press("F1");
  assert.equal(await page.getAttribute("#screen-help", "class"), "screen active");
  assert.equal(await page.evaluate(() => document.activeElement.id), "help-q");
  // Nothing found: said, with the guide's keywords to try.
  await page.fill("#help-q", "天气");
  await page.waitForFunction(() => document.body.dataset.helpSearch === "天气");
  assert.match(await page.textContent("#help-results"), /没有找到相关答疑/);
  assert.equal(await page.$$eval("#help-results [data-kw]", (l) => l.length), 17);
  // A failed check's ✗ has its “怎么办？”, which opens the topic; a passed rule has none.
  await page.click('.tab[data-screen="check"]');
  await page.evaluate(() => window.caiji.checkPath("/uploads/photo.jpg"));
  await page.waitForSelector('#check-result li.bad[data-rule="bytes"] .help-link');
  assert.equal(await page.$$eval("#check-result li.ok .help-link", (l) => l.length), 0);
  await page.click('#check-result li.bad[data-rule="bytes"] .help-link');
  await page.waitForFunction(() => document.body.dataset.helpTopic === "photo-too-large");
  assert.equal(await page.getAttribute("#screen-help", "class"), "screen active");
  // A field's error: the mobile number's topic.
  await page.click('.tab[data-screen="filing"]');
  await page.evaluate(() => window.caiji.createDraft("collection"));
  await page.fill("#f-basic\\.mobile", "1391234");
  await page.press("#f-basic\\.mobile", "Tab");
  const link = '[data-err="basic.mobile"] .help-link';
  await page.waitForSelector(link);
  await page.click(link);
  await page.waitForFunction(() => document.body.dataset.helpTopic === "mobile-number");
  await page.close();
});

test("help: the entry guide asks the guide's questions and ends in a form or a reason; 联系办事机构 shows only what a source says", async () => {
  await fresh();
  await page.evaluate(() => window.caiji.openEntryGuide());
  assert.match(await page.textContent("#help-topic"), /你是在校学生吗？/);
  await page.click('#help-topic [data-entry="no_way"]');
  assert.match(await page.textContent("#help-topic .outcome.bad"), /不能进入/);
  await page.click("#entry-back");
  await page.click('#help-topic [data-entry="collect"]');
  await page.click("#help-topic [data-entry-form]");
  await page.waitForFunction(() => window.caiji.currentDraft()?.draft.form === "collection");
  assert.equal(await page.getAttribute("#screen-filing", "class"), "screen active");
  // The bodies: 自治区直属 named by the guide; a city no source names shows a dash, never a guess.
  await page.evaluate(() => window.caiji.openContacts());
  const rows = await page.$$eval("#help-topic table.contacts:last-of-type tbody tr", (l) => l.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.deepEqual(rows[0].slice(0, 3), ["自治区直属", "内蒙古自治区会计学会", "—"]);
  assert.deepEqual(rows[1].slice(0, 3), ["包头市", "—", "—"]);
  await page.close();
});

test("home: a person with an entry filing and no collection is told to complete it; a returned filing's reason comes first; a unit lists who owes what", async () => {
  await fresh(() => {
    const msg = (zh, en) => ({ zh, en });
    const standing = { id_number: "150203199003071235", name: "张三", year: 2026, status: "unknown", status_name: msg("信息不足，无法判断", "not enough information"), missing: msg("本机没有 2013–2025 年的继续教育记录", "no CE record"), obligations: [], years_of_work: 13, years_at_least: true, counted: 1 };
    window.home = {
      people: [{ id_number: "150203199003071235", name: "张三" }],
      me: {
        standing, authority: "1502", registered: true, collected: false, first_work: "2012-08",
        next: [
          { code: "returned", message: msg("《继续教育 · 张三》被退回：证明材料不清晰。请按退回原因修改后重新上报", "returned"), form: null, draft: "d-ce" },
          { code: "collect", message: msg("已入库备案，请完成【会计人员信息采集】：备案进入后，必须进行信息采集，完善、更新自己的信息", "collect"), form: "collection", draft: null },
        ],
        filings: [
          { id: "d-ce", form: "ce", title: "继续教育 · 张三", state: "returned", reason: "证明材料不清晰", updated: Date.now() },
          { id: "d-entry", form: "entry_unit", title: "单位聘任会计人员入库备案 · 张三", state: "accepted", reason: null, updated: Date.now() - 1000 },
        ],
      },
    };
    window.seedUnits = [{ uscc: "91150203MA0N567852", name: "包头某某有限公司", region: "150203" }];
    window.unitDue = [
      { id_number: "150203199003071235", name: "张三", year: 2026, entry: "accepted", registered: true, collected: false, status: "unknown", status_name: msg("信息不足", "unknown"), owes: [] },
      { id_number: "150203198505122468", name: "李四", year: 2026, entry: null, registered: false, collected: false, status: "active", status_name: msg("在岗", "in post"), owes: [{ code: "assessment", message: msg("2025 年度考评", "2025") }, { code: "ce", message: msg("2026 年继续教育还差", "CE") }] },
    ];
  }, { start: "home" });
  await page.waitForSelector("#home-body .steps");
  const steps = await page.$$eval("#home-body .steps li", (l) => l.map((x) => x.dataset.step));
  assert.deepEqual(steps, ["returned", "collect"]);
  assert.match(await page.textContent('#home-body [data-step="collect"]'), /请完成【会计人员信息采集】/);
  assert.match(await page.textContent('#home-body [data-step="returned"]'), /证明材料不清晰/);
  const home = await page.textContent("#home-body");
  assert.match(home, /包头市/, "the managing region by name");
  assert.match(home, /13 年/);
  assert.doesNotMatch(home, /异动|非在岗/);
  assert.doesNotMatch(home, /150203199003071235/, "the ID is masked");
  // The unit: who owes what, by name.
  const owes = await page.$$eval("#home-body table.owes tr", (l) => l.map((r) => [r.cells[0].textContent, r.cells[2].textContent]));
  assert.deepEqual(owes, [["聘任入库备案未完成", "李四"], ["信息采集未见记录（由本人填报）", "张三、李四"], ["今年继续教育未完成", "李四"], ["2025 年度考评未填报", "李四"], ["状态信息不足", "张三"]]);
  // The collection step's button starts the form.
  await page.click('#home-body [data-step="collect"] [data-start-form]');
  await page.waitForFunction(() => window.caiji.currentDraft()?.draft.form === "collection");
  await page.close();
});

test("the unit's letter is made from the entry filing and prints to a PDF with the unit's and the person's data", async () => {
  await fresh();
  await page.click('.tab[data-screen="filing"]');
  await page.evaluate(() =>
    window.caiji.createDraft("entry_unit", {
      unit: { uscc: "91150102MA0N12345P", name: "包头某某有限公司", unit_type: "1" },
      person: { id_type: "1", id_number: "150203199003071235", name: "张三", sex: "1", mobile: "13912345678" },
      appointment: { post: "01", first_work: "2012-08", appointed: "2019-01" },
    }),
  );
  await page.click("#ed-letter");
  await page.waitForSelector("#letter[open] .letter-page h1");
  const text = await page.textContent("#letter-page");
  for (const want of ["从事会计工作证明", "张三", "150203199003071235", "2012 年 8 月", "2019 年 1 月", "包头某某有限公司", "91150102MA0N12345P", "特此证明"]) assert.ok(text.includes(want), `${want} in ${text}`);
  // Printed while it is open: the letter alone, on A4 (the print style follows the open letter).
  const pdf = path.join(os.tmpdir(), `letter-${process.pid}.pdf`);
  await page.pdf({ path: pdf, format: "A4" });
  const out = spawnSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  const printed = out.stdout.replace(/\s+/g, "");
  for (const want of ["从事会计工作证明", "张三", "150203199003071235", "2012年8月", "包头某某有限公司", "91150102MA0N12345P"]) assert.ok(printed.includes(want), `${want} printed: ${out.stdout}`);
  assert.ok(!printed.includes("我的档案") && !printed.includes("打印…"), "nothing of the app around the letter");
  assert.match(spawnSync("pdfinfo", [pdf], { encoding: "utf8" }).stdout, /Pages:\s+1\b/);
  fs.rmSync(pdf);
  // “盖章后扫描并放入”: the scan tool, preset to the filing's slot.
  // 打印…: the platform's print dialog, through the web view.
  await page.click("#letter-print");
  assert.equal((await calls("app_print")).length, 1);
  await page.click("#letter-attach");
  assert.equal(await page.evaluate(() => document.body.classList.contains("printing-letter")), false, "closed, the app prints as itself again");
  assert.equal(await page.getAttribute("#screen-scan", "class"), "screen active");
  assert.equal(await page.inputValue("#scan-spec"), "nat-proof");
  assert.match(await page.textContent("#scan-attach"), /会计工作证明/);
  await page.close();
});

test("markup is written only through html.ts: no raw HTML writes elsewhere, no unquoted attribute values, trusted() for constants only", () => {
  const raw = /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|parseFromString|document\.write)\b/;
  const found = [];
  for (const { f, text } of sources()) {
    text.split("\n").forEach((line, i) => {
      if (f !== "html.ts" && raw.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
      // An attribute value straight from a value (`value=${x}`) would be open to a space or a quote.
      if (/=\$\{/.test(line)) found.push(`${f}:${i + 1}: unquoted attribute: ${line.trim()}`);
      // trusted() takes constant markup written in the source, never a value.
      if (f !== "html.ts" && /\btrusted\(/.test(line) && !/\btrusted\(\s*("[^"$]*"|'[^'$]*'|`[^`$]*`)\s*\)/.test(line)) found.push(`${f}:${i + 1}: trusted() of a value: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
  // The helper's own writes: render() and replace(), nothing else.
  const helper = fs.readFileSync(path.join(src, "html.ts"), "utf8");
  assert.equal(helper.match(/\.innerHTML\s*=/g)?.length, 2);
});

/** Markup an attacker might put in any text the app shows. */
const XSS = [`<img src=x onerror="window.__xss=1">`, `"><script>window.__xss=2</script>`, `'><img src=x onerror=window.__xss=3>`];

/** Nothing the payloads could make: no element with a handler, no script or image of theirs. */
async function assertNoInjection() {
  const r = await page.evaluate(() => ({
    handlers: document.querySelectorAll("[onerror], [onload], [onclick]").length,
    scripts: document.querySelectorAll("#app script").length,
    images: document.querySelectorAll('img[src="x" i]').length,
    xss: window.__xss,
  }));
  assert.deepEqual(r, { handlers: 0, scripts: 0, images: 0, xss: undefined });
}

test("XSS: a user-imported profile's title, provenance and notes show as text in the table, the editor, every picker and info line", async () => {
  await fresh(() => {
    const [a, b, c] = [`<img src=x onerror="window.__xss=1">`, `"><script>window.__xss=2</script>`, `'><img src=x onerror=window.__xss=3>`];
    const evil = (id, kind, extra = {}) => ({
      schema: 1, id, version: 1, kind, title: { zh: `标题${a}`, en: `Title${b}` }, formats: ["jpeg"], dpi: 300, colour: "colour", background: ["white"], upscale: false,
      pixels: { rule: "min", width: 295, height: 413, export: [295, 413] }, bytes: { min: 10240 },
      provenance: { source: `来源${a}`, region: `NM${c}`, confidence: "unconfirmed", date: "2024-01-01", notes: { zh: `说明${b}`, en: `Notes${a}` } }, ...extra,
    });
    window.importSpecs = [evil("evil-photo", "photo"), evil("evil-doc", "document", { pages: { min: 1, max: 2, layout: "stacked", page_orientation: "any" } })];
    window.previewNotes = [`提示${a}`];
  });
  const [a, b, c] = XSS;
  await page.evaluate(() => window.caiji.importSpec("/evil.toml"));
  await page.waitForSelector('#specs-table tr[data-id="evil-photo"]', { state: "attached" });
  // Every picker offers them by their literal names.
  const option = (sel, id) => page.$eval(`${sel} option[value="${id}"]`, (o) => o.textContent);
  assert.equal(await option("#photo-spec", "evil-photo"), `标题${a} ⚠`);
  assert.equal(await option("#check-spec", "evil-photo"), `标题${a} ⚠`);
  assert.equal(await option("#batch-spec", "evil-doc"), `标题${a} ⚠`);
  assert.equal(await option("#scan-spec", "evil-doc"), `标题${a} ⚠`);
  // The photo tool's line and the preview's notes.
  await page.selectOption("#photo-spec", "evil-photo");
  assert.equal(await page.textContent("#spec-info .src"), `来源${a}`);
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#out-facts .note");
  assert.equal(await page.textContent("#out-facts .note"), `提示${a}`);
  // The scan tool's line.
  await page.click('.tab[data-screen="scan"]');
  await page.selectOption("#scan-spec", "evil-doc");
  assert.equal(await page.textContent("#scan-spec-info .src"), `来源${a}`);
  // The check and batch pickers hold them as chosen values.
  await page.click('.tab[data-screen="check"]');
  await page.selectOption("#check-spec", "evil-photo");
  assert.equal(await page.$eval("#check-spec", (s) => s.selectedOptions[0].textContent), `标题${a} ⚠`);
  await page.click('.tab[data-screen="batch"]');
  await page.selectOption("#batch-spec", "evil-doc");
  assert.equal(await page.$eval("#batch-spec", (s) => s.selectedOptions[0].textContent), `标题${a} ⚠`);
  // The specs table: title, source, region, notes; the editor's fields hold the same text.
  await page.click('.tab[data-screen="specs"]');
  const cells = await page.$$eval('#specs-table tr[data-id="evil-photo"] td', (l) => l.map((td) => td.textContent));
  assert.equal(cells[1], `标题${a}`);
  assert.match(cells[3], new RegExp(`\\[NM${c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\] 来源`));
  assert.ok(cells[3].includes(`来源${a}`) && cells[3].includes(`说明${b}`), cells[3]);
  await page.click('#specs-table button[data-act="edit"][data-id="evil-photo"]');
  await page.waitForSelector("#spec-editor:not([hidden])");
  assert.equal(await page.inputValue('[data-k="title.zh"]'), `标题${a}`);
  assert.equal(await page.inputValue('[data-k="title.en"]'), `Title${b}`);
  assert.equal(await page.inputValue('[data-k="provenance.source"]'), `来源${a}`);
  assert.equal(await page.inputValue('[data-k="provenance.region"]'), `NM${c}`);
  assert.equal(await page.inputValue('[data-k="provenance.notes.zh"]'), `说明${b}`);
  assert.equal(await page.inputValue('[data-k="provenance.notes.en"]'), `Notes${a}`);
  // In English the other half of each text, just as literal.
  await page.click("#lang");
  assert.equal(await option("#photo-spec", "evil-photo"), `Title${b} ⚠`);
  const en = await page.$$eval('#specs-table tr[data-id="evil-photo"] td', (l) => l.map((td) => td.textContent));
  assert.equal(en[1], `Title${b}`);
  assert.ok(en[3].includes(`Notes${a}`), en[3]);
  await assertNoInjection();
  await page.click("#lang");
  await page.close();
});

test("XSS: drafts, titles, forms, reasons and accounts from a bundle or the server show as text on every screen", async () => {
  await fresh(() => {
    const [a, b, c] = [`<img src=x onerror="window.__xss=1">`, `"><script>window.__xss=2</script>`, `'><img src=x onerror=window.__xss=3>`];
    const d = (id, form, title, state, reason) => ({ id, form, title, state, reason, data: { basic: { name: a } }, revision: 3, updated: Date.now(), person: "150102199003071237", unit: null, origin: null });
    const one = `d1${b}`;
    const two = `d2${c}`;
    window.seed = [d(one, "collection", `会计人员信息采集 · 张三${a}`, "failed", `原因${b}`), d(two, `form${a}`, `表单 · 李四${c}`, "draft", null)];
    window.lastRun = { crashed: true, changed: [one, two] };
    window.conflicts = { [one]: { revision: 2, state: "submitted", reason: `退回${c}`, can_keep_mine: true, changes: [{ path: "basic.name", label: { zh: `姓名${a}`, en: "Name" }, mine: { zh: `我的${b}`, en: "" }, theirs: { zh: `他们的${c}`, en: "" } }] } };
    window.syncStatus = { server: `http://h/${a}`, login: `150102${b}`, name: `张三${c}`, kind: "person", signed_in: true, queued: 1, sent: 0, returned: 0, failed: 1, accepted: 0, last_error: { zh: `错误${a}`, en: `Error${a}` }, taken: 1 };
    window.importResult = [{ id: one, title: `张三${a}`, outcome: "imported", outcome_name: { zh: `已导入${b}`, en: "imported" } }];
    window.unitStaff = [{ unit: "x", id_number: "150102199003071237", name: `职工${a}`, data: { sex: "1", mobile: `139${b}` } }];
    window.unitDrafts = [{ id: one, form: "collection", title: "t", state: "failed", state_name: { zh: `状态${c}`, en: "s" }, problems: 0, person: "150102199003071237" }];
    window.rosterReport = { rows: 2, added: 1, updated: 0, rejected: [{ line: 3, name: `职工${c}`, problems: [{ zh: `问题${a}`, en: "p" }] }] };
  });
  const [a, b, c] = XSS;
  const one = `d1${b}`;
  const two = `d2${c}`;
  await page.click('.tab[data-screen="filing"]');
  // The list: each draft's title and an unknown form's name, literally; the ids come back whole.
  const items = await page.$$eval("#filing-list li[data-id]", (l) => l.map((li) => ({ id: li.dataset.id, sel: li.querySelector("input").dataset.sel, text: li.querySelector(".what").textContent })));
  assert.deepEqual(items.map((i) => [i.id, i.sel]).sort(), [[one, one], [two, two]]);
  assert.ok(items.some((i) => i.text === `会计人员信息采集张三${a}`), JSON.stringify(items));
  assert.ok(items.some((i) => i.text === `form${a}李四${c}`), JSON.stringify(items));
  // The recovery notice names both.
  const links = await page.$$eval("#filing-recover a", (l) => l.map((x) => [x.dataset.open, x.textContent]));
  assert.deepEqual(links, [[one, `会计人员信息采集 · 张三${a}`], [two, `表单 · 李四${c}`]]);
  // The sync line: who, the account, the server and its error.
  const bar = await page.textContent("#sync-bar");
  for (const s of [`张三${c}`, `150102${b}`, `http://h/${a}`, `错误${a}`]) assert.ok(bar.includes(s), `${s} in ${bar}`);
  // The editor: a recovered draft opens by its id; the reason and the conflict table as text.
  await page.click("#filing-recover li:first-child a");
  await page.waitForSelector("#ed-conflict:not([hidden]) table");
  assert.equal((await calls("filing_get")).at(-1).args.id, one);
  assert.equal(await page.textContent("#ed-reason"), `未被接收：原因${b}`);
  assert.equal(await page.inputValue("#f-basic\\.name"), a);
  assert.match(await page.textContent("#ed-conflict"), /服务器上已有第 2 版（审核中）/);
  assert.ok((await page.textContent("#ed-conflict")).includes(`退回原因：退回${c}`));
  assert.deepEqual(await page.$$eval("#ed-conflict tbody td", (l) => l.map((x) => x.textContent)), [`姓名${a}`, `我的${b}`, `他们的${c}`]);
  // A draft of a form this app does not know: the header says its name, literally.
  await page.evaluate((id) => [...document.querySelectorAll("#filing-list li[data-id]")].find((li) => li.dataset.id === id).click(), two);
  await page.waitForFunction((f) => document.querySelector("#filing-editor .msg.bad")?.textContent === f, `form${a}`);
  assert.equal((await calls("filing_get")).at(-1).args.id, two);
  // A bundle's import result.
  await page.evaluate(() => window.caiji.importFrom("/usb/evil.caiji"));
  assert.equal(await page.textContent("#filing-msg"), `已读取 1 份填报：已导入${b} 1`);
  // The unit screen: the unit's name, credit code and region, its staff, their drafts, a roster's rejected rows.
  await page.click('.tab[data-screen="unit"]');
  const uscc = `91"${b}`;
  assert.equal(await page.evaluate((u) => window.caiji.saveUnit(u), { uscc, name: `单位${a}`, region: `地区${c}` }), true);
  await page.waitForSelector(".unit-head");
  assert.equal(await page.textContent(".unit-head h2"), `单位${a}`);
  assert.equal(await page.textContent(".unit-head span"), `统一社会信用代码 ${uscc.toUpperCase()} · 地区${c}`);
  assert.equal(await page.$eval("#unit-pick", (s) => s.selectedOptions[0]?.value), uscc.toUpperCase());
  assert.equal(await page.$eval("#unit-pick", (s) => s.selectedOptions[0]?.textContent), `单位${a}`);
  const staff = await page.$$eval("table.staff tbody td", (l) => l.map((x) => x.textContent));
  assert.equal(staff[0], `职工${a}`);
  assert.equal(staff[4], `139${b}`);
  // The columns: 聘任入库备案 (none yet: 新建), 信息采集 (the staff member's draft), 年度考评.
  assert.deepEqual([staff[5], staff[6]], ["新建", `状态${c}`]);
  await page.evaluate(() => window.caiji.importRoster("/staff/evil.csv"));
  await page.waitForSelector(".rejected");
  assert.deepEqual(await page.$$eval(".rejected tbody td", (l) => l.map((x) => x.textContent)), ["3", `职工${c}`, `问题${a}`]);
  // The staff's draft opens by its id.
  await page.click('table.staff a[data-open]');
  await page.waitForFunction((id) => window.caiji.currentDraft()?.draft.id === id, one);
  await assertNoInjection();
  await page.close();
});

test("no module under src/ imports in a circle (type-only imports included)", () => {
  const deps = new Map();
  for (const { f, text } of sources()) {
    const targets = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']\.\/([\w.-]+?)(?:\.ts)?["']/g)].map((m) => `${m[1]}.ts`);
    deps.set(f, [...new Set(targets)]);
  }
  assert.ok(deps.get("filing.ts").includes("drafts-state.ts") && deps.get("sync.ts").includes("drafts-state.ts"), "the parse sees imports");
  const cycles = [];
  const state = new Map(); // 1: on the current path, 2: done
  const visit = (f, trail) => {
    if (state.get(f) === 2) return;
    if (state.get(f) === 1) {
      cycles.push([...trail.slice(trail.indexOf(f)), f].join(" → "));
      return;
    }
    state.set(f, 1);
    for (const d of deps.get(f) ?? []) visit(d, [...trail, f]);
    state.set(f, 2);
  };
  for (const f of deps.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});

test("a release build has no test hooks; the e2e build and the harness have them", () => {
  const ui = path.resolve(import.meta.dirname, "..");
  const vite = path.join(ui, "node_modules/vite/bin/vite.js");
  const build = (mode) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `caiji-ui-${mode}-`));
    const r = spawnSync(process.execPath, [vite, "build", "--mode", mode, "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], { cwd: ui, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return out;
  };
  const scripts = (dir) => fs.readdirSync(path.join(dir, "assets")).filter((f) => f.endsWith(".js")).map((f) => fs.readFileSync(path.join(dir, "assets", f), "utf8")).join("\n");
  // window.caiji, the counters and flags on <body>, the hooks only the tests call.
  const names = ["previewIdle", "lastPreviewMs", "batchDone", "scanMerges", "specChecks", "currentDraft", "resolveConflict", "sendDrafts"];
  const found = (js) => [...(/\.caiji\s*=/.test(js) ? ["window.caiji"] : []), ...names.filter((n) => js.includes(n))];
  const release = build("production");
  const e2e = build("e2e");
  try {
    assert.deepEqual(found(scripts(release)), [], "hooks in the release build");
    assert.equal(fs.existsSync(path.join(release, "test-hooks")), false);
    assert.deepEqual(found(scripts(e2e)), ["window.caiji", ...names], "the e2e build has every hook");
    assert.equal(fs.existsSync(path.join(e2e, "test-hooks")), true, "the e2e build is marked as such");
    assert.deepEqual(found(scripts(path.join(ui, "dist-test"))), ["window.caiji", ...names], "the harness has every hook");
  } finally {
    fs.rmSync(release, { recursive: true, force: true });
    fs.rmSync(e2e, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- what an accountant meets first

/** A new collection draft, open in the editor. */
async function newCollection() {
  await page.click('.tab[data-screen="filing"]');
  await page.selectOption("#filing-new", "collection");
  await page.waitForSelector("#f-basic\\.name");
}

/** The open draft filled in with nothing left to fix, and opened again from the store. */
async function completeOpenDraft() {
  await page.evaluate(async () => {
    const c = window.caiji;
    for (const [p, v] of [["basic.id_number", "150102199003071237"], ["basic.name", "张三"], ["basic.sex", "1"], ["basic.mobile", "13912345678"], ["basic.photo", "ab".repeat(32)], ["education", [{ school: "内蒙古财经大学" }]]]) await c.setField(p, v);
    await c.openDraft(c.currentDraft().draft.id);
  });
  await page.waitForFunction(() => /已检查通过/.test(document.getElementById("ed-summary").textContent));
}

/** Whether the element is shown and wholly inside the window (no scrolling needed to read it). */
const inView = (sel) =>
  page.$eval(sel, (el) => {
    const r = el.getBoundingClientRect();
    return el.checkVisibility() && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
  });

test("a filing's photo slot opens the tool empty, never on the previous person's photo; so does a scan slot", async () => {
  await fresh();
  // 张三's photo made on the photo screen, passing, ready to save.
  await page.evaluate(() => window.caiji.openPath("/photos/张三.jpg"));
  await page.waitForSelector("#checklist li");
  assert.equal(await page.isEnabled("#photo-save"), true);
  await page.evaluate(() => window.caiji.addPages(["/scans/张三-身份证.jpg"]));
  // 王芳's filing: her photo slot.
  await page.click('.tab[data-screen="filing"]');
  await page.selectOption("#filing-new", "collection");
  await page.fill("#f-basic\\.name", "王芳");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving && window.caiji.currentDraft().draft.title.includes("王芳"));
  // 张三's preview still on its way when her slot is opened: it must not land in her tool.
  await page.evaluate(() => {
    window.previewDelayMs = 400;
    window.caiji.setCrop({ x: 190, y: 150, w: 500, h: 700 });
  });
  await page.click('[data-make="basic.photo"]');
  assert.equal(await page.isVisible("#screen-photo"), true);
  await page.waitForFunction(() => document.body.dataset.previewIdle === "1");
  await page.evaluate(() => (window.previewDelayMs = 30));
  assert.equal(await page.$eval("#stage", (s) => s.classList.contains("empty")), true, "no picture on the stage");
  assert.equal(await page.$eval("#out-img", (i) => i.hasAttribute("src")), false, "no output");
  assert.equal(await page.$$eval("#checklist li", (l) => l.length), 0);
  assert.equal(await page.isVisible("#photo-verdict"), false);
  assert.equal(await page.isEnabled("#photo-attach-go"), false, "nothing to attach yet");
  assert.equal(await page.isEnabled("#photo-save"), false);
  assert.equal(await page.evaluate(() => window.caiji.finishAttach()), false);
  assert.equal((await calls("photo_attach")).length, 0, "张三's photo never reached 王芳's filing");
  // Her own photo: then it can be attached.
  await page.evaluate(() => window.caiji.openPath("/photos/王芳.jpg"));
  await page.waitForSelector("#checklist li");
  assert.equal(await page.isEnabled("#photo-attach-go"), true);
  await page.click("#photo-attach-go");
  await page.waitForFunction(() => document.getElementById("screen-filing").classList.contains("active"));
  assert.equal((await calls("photo_attach")).length, 1);
  // The scan slot: 张三's ID card pages are not offered for 王芳's proof.
  await page.click('[data-make="basic.proof"]');
  assert.equal(await page.isVisible("#screen-scan"), true);
  assert.equal(await page.$$eval("#scan-pages li", (l) => l.length), 0);
  assert.equal(await page.isEnabled("#scan-attach-go"), false);
  assert.equal(await page.isEnabled("#scan-save"), false);
  await page.close();
});

for (const [width, height] of [[1280, 800], [1024, 700]]) {
  test(`results and errors are where the eye is at ${width}×${height}: the verdict, a save, a failed white background`, async () => {
    await fresh();
    await page.setViewportSize({ width, height });
    // Nothing open: nothing to save.
    assert.equal(await page.isEnabled("#photo-save"), false);
    await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
    await page.waitForSelector("#checklist li");
    assert.equal(await page.textContent("#photo-verdict"), "✓ 可以上传");
    assert.ok(await inView("#photo-verdict"));
    // Saved with the window scrolled to the bottom of the checklist: the result is still in view.
    await page.$eval("main", (m) => (m.scrollTop = m.scrollHeight));
    await page.evaluate(() => window.caiji.saveTo("/out/me_nat-photo.jpg"));
    await page.waitForFunction(() => !document.getElementById("photo-msg").hidden);
    assert.equal(await page.textContent("#photo-msg"), "已保存并通过检查：/out/me_nat-photo.jpg");
    assert.ok(await inView("#photo-msg"), "the save's result without scrolling");
    assert.ok(await inView("#photo-verdict"));
    // 换白底 fails: unticked, said why, in view; the photo as it is comes back and can be saved.
    await page.evaluate(() => (window.failNext = { cmd: "photo_preview", code: "background_uneven", message: { zh: "背景不是一块均匀的颜色，无法自动换底", en: "The background is not one even colour" } }));
    await page.click("#photo-whiten");
    await page.waitForFunction(() => /换白底没有成功/.test(document.getElementById("photo-msg").textContent));
    assert.equal(await page.isChecked("#photo-whiten"), false);
    assert.match(await page.textContent("#photo-msg"), /背景不是一块均匀的颜色/);
    assert.ok(await inView("#photo-msg"));
    await page.waitForFunction(() => !document.getElementById("photo-save").disabled && document.getElementById("out-img").hasAttribute("src"));
    assert.match(await page.textContent("#photo-msg"), /换白底没有成功/, "the reason stays after the photo comes back");
    // Ticked again, and this time it works: the old reason goes.
    await page.click("#photo-whiten");
    await page.waitForFunction(() => document.getElementById("photo-msg").hidden && document.getElementById("before-img").hasAttribute("src"));
    // A failure that is not the background's (the picture cannot be read at all): said as it is,
    // not blamed on 换白底.
    await page.evaluate(() => {
      window.failNext = { cmd: "photo_preview", code: "decode", message: { zh: "无法读取这张图片", en: "Cannot read this picture" } };
      window.failAlso = { cmd: "photo_preview", code: "decode", message: { zh: "无法读取这张图片", en: "Cannot read this picture" } };
    });
    await page.evaluate(() => window.caiji.setCrop({ x: 205, y: 150, w: 500, h: 700 }));
    await page.waitForFunction(() => document.getElementById("photo-msg").textContent === "无法读取这张图片");
    assert.doesNotMatch(await page.textContent("#photo-msg"), /换白底/);
    await page.evaluate(() => window.caiji.setCrop({ x: 200, y: 150, w: 500, h: 700 }));
    await page.waitForFunction(() => !document.getElementById("photo-save").disabled && document.getElementById("photo-msg").hidden);
    // A failing preview: the verdict names the first reason; save is offered only with an output.
    await page.evaluate(() => (window.failNext = { cmd: "photo_preview", code: "decode", message: { zh: "无法读取这张图片", en: "Cannot read this picture" } }));
    await page.evaluate(() => window.caiji.setCrop({ x: 210, y: 150, w: 500, h: 700 }));
    await page.waitForFunction(() => document.getElementById("photo-save").disabled);
    assert.equal(await page.textContent("#photo-msg"), "无法读取这张图片");
    assert.ok(await inView("#photo-msg"));
    assert.equal(await page.isVisible("#photo-verdict"), false);
    // The scans: the merge's verdict and a save's result in view too.
    await page.click('.tab[data-screen="scan"]');
    await page.evaluate(() => window.caiji.addPages(["/scans/a.jpg", "/scans/b.jpg"]));
    await page.waitForFunction(() => !document.getElementById("scan-verdict").hidden);
    assert.equal(await page.textContent("#scan-verdict"), "✓ 可以上传");
    await page.$eval("main", (m) => (m.scrollTop = m.scrollHeight));
    await page.evaluate(() => window.caiji.mergePages("/out/proof.jpg"));
    assert.equal(await page.textContent("#scan-msg"), "已保存并通过检查：/out/proof.jpg");
    assert.ok(await inView("#scan-msg"));
    await page.close();
  });
}

test("the check screen: a failing file opens in the tool that fixes it; technical values behind a switch", async () => {
  await fresh();
  await page.evaluate(() => window.caiji.checkPath("/x.jpg"));
  await page.click('.tab[data-screen="check"]');
  // The check screen: a failing file gets the way to fix it.
  await page.waitForSelector("#check-fix");
  assert.equal(await page.textContent("#check-fix"), "用证件照工具改好它");
  assert.equal(await page.isVisible(".checklist .measured"), false, "technical values behind a switch");
  await page.click("#check-tech");
  assert.equal(await page.isVisible(".checklist .measured"), true);
  await page.click("#check-fix");
  await page.waitForFunction(() => document.getElementById("screen-photo").classList.contains("active"));
  await page.waitForSelector("#checklist li");
  assert.equal((await calls("photo_open")).at(-1).args.path, "/x.jpg");
  await page.close();
});

test("filing notices belong to one draft at one moment, in the language on screen", async () => {
  await fresh();
  await newCollection();
  // A refused finalize: said, and gone at the next edit (the summary keeps the live count).
  await page.click("#ed-finalize");
  await page.waitForFunction(() => /还有 \d+ 处需要修改/.test(document.getElementById("filing-msg").textContent));
  await page.type("#f-basic\\.name", "张");
  await page.waitForFunction(() => document.getElementById("filing-msg").hidden);
  // The key typed while the refusal came back is kept (the store's copy did not overwrite it).
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.equal(await page.evaluate(() => window.caiji.currentDraft().draft.data.basic?.name), "张");
  // Everything filled in: finalized, said; 重新编辑 makes it a draft, and 已定稿 goes.
  await completeOpenDraft();
  await page.click("#ed-finalize");
  await page.waitForFunction(() => document.getElementById("filing-msg").textContent === "已定稿");
  // In English, the notice too.
  await page.click("#lang");
  assert.equal(await page.textContent("#filing-msg"), "Finalized");
  await page.click("#lang");
  assert.equal(await page.textContent("#filing-msg"), "已定稿");
  await page.click("#ed-reopen");
  await page.waitForFunction(() => document.getElementById("filing-msg").hidden);
  // Sent: "queued" is said for this filing, and not on another person's.
  await page.click("#ed-finalize");
  await page.waitForSelector("#ed-send");
  const first = await page.evaluate(() => window.caiji.currentDraft().draft.id);
  await page.click("#ed-send");
  await page.waitForFunction(() => /待上报|排队|上报/.test(document.getElementById("filing-msg").textContent) && !document.getElementById("filing-msg").hidden);
  await page.selectOption("#filing-new", "collection");
  await page.waitForFunction((id) => window.caiji.currentDraft()?.draft.id !== id, first);
  assert.equal(await page.isVisible("#filing-msg"), false, "another draft: no leftover notice");
  await page.close();
});

test("a finalized filing is locked until 重新编辑: a key cannot turn it back into a draft", async () => {
  await fresh();
  await newCollection();
  await completeOpenDraft();
  await page.click("#ed-finalize");
  await page.waitForSelector("#ed-reopen");
  const saves = (await calls("filing_save")).length;
  for (const id of ["#f-basic\\.name", "#f-basic\\.mobile", "#f-basic\\.birth", "#f-basic\\.sex", "#f-education\\.0\\.school"]) assert.equal(await page.isDisabled(id), true, `${id} locked`);
  assert.equal(await page.isDisabled('[data-make="basic.photo"]'), true);
  assert.equal(await page.locator('[data-clear="basic.photo"]').count(), 0);
  await page.keyboard.type("x");
  assert.equal((await calls("filing_save")).length, saves, "nothing saved");
  assert.equal(await page.evaluate(() => window.caiji.currentDraft().draft.state), "finalized");
  await page.click("#ed-reopen");
  await page.waitForFunction(() => !document.getElementById("f-basic.name").disabled);
  assert.equal(await page.evaluate(() => window.caiji.currentDraft().draft.state), "draft");
  await page.close();
});

test("dates: the ID number gives the birth date and sex; dates typed as people type them read YYYY-MM-DD everywhere", async () => {
  await fresh();
  await newCollection();
  // A blank draft is not a page of red: problems wait until a field is left.
  assert.equal(await page.$$eval("#filing-editor .err:not([hidden])", (l) => l.length), 0);
  assert.match(await page.textContent("#ed-summary"), /还有 \d+ 处需要修改/);
  await page.fill("#f-basic\\.id_number", "150102199003071229");
  await page.waitForFunction(() => document.getElementById("f-basic.birth")?.value === "1990-03-07");
  assert.equal(await page.inputValue("#f-basic\\.sex"), "2", "the 17th digit is even: female");
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.deepEqual(((await calls("filing_save")).at(-1).args.data.basic), { id_number: "150102199003071229", birth: "1990-03-07", sex: "2" });
  // Left without a name: its problem shows now, only its own.
  await page.focus("#f-basic\\.name");
  await page.focus("#f-basic\\.mobile");
  await page.waitForSelector('[data-err="basic.name"]:not([hidden])');
  assert.equal(await page.isVisible('[data-err="basic.mobile"]'), false);
  // Retyped key by key (select all, then the new number): the fields follow the new number,
  // filled in place while the person types (the focus stays in the ID field).
  await page.click("#f-basic\\.id_number", { clickCount: 3 });
  await page.keyboard.press("Control+a");
  await page.keyboard.type("15010219851225001X");
  assert.equal(await page.evaluate(() => document.activeElement.id), "f-basic.id_number");
  assert.equal(await page.inputValue("#f-basic\\.birth"), "1985-12-25");
  assert.equal(await page.inputValue("#f-basic\\.sex"), "1");
  // A date typed in the ways people type it (a Chinese input method's full-width forms too).
  for (const typed of ["19900307", "1990.3.7", "1990/3/7", "1990年3月7日", "1990-3-7", "１９９０。３。７", "１９９０．０３．０７"]) {
    await page.fill("#f-basic\\.birth", "");
    await page.type("#f-basic\\.birth", typed);
    await page.press("#f-basic\\.birth", "Tab");
    assert.equal(await page.inputValue("#f-basic\\.birth"), "1990-03-07", typed);
  }
  await page.waitForFunction(() => !window.caiji.currentDraft().saving);
  assert.equal((await calls("filing_save")).at(-1).args.data.basic.birth, "1990-03-07");
  // A month likewise.
  await page.click('[data-add="education"]');
  await page.type("#f-education\\.0\\.start", "2008年9月");
  await page.press("#f-education\\.0\\.start", "Tab");
  assert.equal(await page.inputValue("#f-education\\.0\\.start"), "2008-09");
  // A date the person typed by hand is not overwritten by a later ID.
  await page.fill("#f-basic\\.birth", "1990-03-08");
  await page.press("#f-basic\\.birth", "Tab");
  await page.fill("#f-basic\\.id_number", "150102199003071237");
  await page.waitForFunction(() => document.getElementById("f-basic.sex").value === "1");
  assert.equal(await page.inputValue("#f-basic\\.birth"), "1990-03-08");
  // The list writes dates the same way, in both languages.
  assert.match(await page.textContent("#filing-list li.active time"), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await page.click("#lang");
  assert.match(await page.textContent("#filing-list li.active time"), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await page.click("#lang");
  // The unit's assessment date too.
  await page.click('.tab[data-screen="unit"]');
  assert.equal(await page.evaluate(() => window.caiji.saveUnit({ uscc: "91150102MA0N12345P", name: "某公司", region: "150102" })), true);
  await page.waitForSelector("#bulk-date");
  assert.match(await page.inputValue("#bulk-date"), /^\d{4}-\d{2}-\d{2}$/);
  await page.fill("#bulk-date", "2026年3月5日");
  await page.click("#bulk-go");
  await page.waitForFunction(() => window.calls.some((c) => c.cmd === "unit_bulk_assessment"));
  assert.equal((await calls("unit_bulk_assessment"))[0].args.date, "2026-03-05");
  await page.close();
});

test("sizes read as the portal writes them; the exact bytes are in the details", async () => {
  await fresh();
  // nat-photo: at least 10240 bytes (≥ 10 KB); nat-proof: at most 500000 (≤ 500 KB).
  assert.match(await page.textContent("#spec-info"), /≥ 10 KB/);
  assert.doesNotMatch(await page.textContent("#spec-info"), /10\.0 KB/);
  await page.click('.tab[data-screen="scan"]');
  await page.selectOption("#scan-spec", "nat-proof");
  assert.match(await page.textContent("#scan-spec-info"), /≤ 500 KB/);
  assert.doesNotMatch(await page.textContent("#scan-spec-info"), /488/);
  // A measured size in the limit's unit, the bytes on hover.
  await page.evaluate(() => window.caiji.addPages(["/scans/a.jpg"]));
  await page.waitForSelector("#scan-facts b[title]");
  assert.equal(await page.textContent("#scan-facts b[title]"), "90.0 KB");
  assert.equal(await page.getAttribute("#scan-facts b[title]", "title"), "90,000 字节");
  await page.close();
});

test("sizes and dates: the same rules as the backend's (caiji_base::i18n, caiji_base::ids)", async () => {
  await fresh();
  const r = await page.evaluate(() => {
    const { limitSize, sizeAgainst, kb } = window.sizeLib;
    const d = window.datesLib;
    return {
      limits: [20000, 20479, 10241, 10240, 20481, 500000, 199999, 14336, 1048576, 1000000, 512000, 12345, 1, 2100123].map((n) => [n, limitSize(n).text, limitSize(n).unit]),
      sizes: [kb(20200, 1000), kb(20200, 1024), kb(46555, 1024), kb(20250, 1000), kb(999, 1000), kb(1572864, 1024), kb(1234567, 1000), kb(2048, 7)],
      against: [sizeAgainst(20200, { max: 20000 }), sizeAgainst(46555, { min: 10240 }), sizeAgainst(14000, { min: 14336, max: 20000 }), sizeAgainst(19800, { min: 14336, max: 20000 }), sizeAgainst(5000, {}), sizeAgainst(20040, { max: 20000 }), sizeAgainst(10200, { min: 10240 }), sizeAgainst(20000, { max: 20000 })],
      dates: ["1990.13.1", "19900230", "2000-02-29", "1900-02-29", "1990年3月7日", "1990-3-7 ", "199037"].map(d.parseDate),
      months: ["202001", "2020.1", "2020年1月", "2020-13", "2020"].map(d.parseMonth),
      ids: ["150102199003071237", "150102199003071229", "15010219851225001X", "15010219851225001x", "150102199003071238", "150102199002301231"].map((x) => d.idFacts(x)),
    };
  });
  // The numbers of the Rust tests (crates/base/src/i18n.rs).
  assert.deepEqual(r.limits, [
    [20000, "20 KB", 1000], [20479, "20 KB", 1024], [10241, "10 KB", 1024], [10240, "10 KB", 1024], [20481, "20 KB", 1024], [500000, "500 KB", 1000],
    [199999, "200 KB", 1000], [14336, "14 KB", 1024], [1048576, "1 MB", 1024], [1000000, "1 MB", 1000], [512000, "500 KB", 1024], [12345, "12.1 KB", 1024], [1, "1 B", 1024], [2100123, "2.0 MB", 1024],
  ]);
  assert.deepEqual(r.sizes, ["20.2 KB", "19.7 KB", "45.5 KB", "20.3 KB", "999 B", "1.5 MB", "1.2 MB", "2.0 KB"]);
  assert.deepEqual(r.against, ["20.2 KB", "45.5 KB", "13.6 KB", "19.8 KB", "4.9 KB", "20.1 KB", "9.9 KB", "20.0 KB"]);
  assert.deepEqual(r.dates, [null, null, "2000-02-29", null, "1990-03-07", "1990-03-07", null]);
  assert.deepEqual(r.months, ["2020-01", "2020-01", "2020-01", null, null]);
  assert.deepEqual(r.ids, [{ birth: "1990-03-07", sex: "1" }, { birth: "1990-03-07", sex: "2" }, { birth: "1985-12-25", sex: "1" }, { birth: "1985-12-25", sex: "1" }, null, null]);
  await page.close();
});

test("adding a unit: its name is asked as 单位名称, the region from the pickers, a wrong code said in the dialog", async () => {
  await fresh();
  await page.click('.tab[data-screen="unit"]');
  await page.click("#unit-add");
  assert.equal(await page.textContent('label:has(#unit-name) span'), "单位名称");
  await page.fill("#unit-uscc", "9115010");
  await page.fill("#unit-name", "呼和浩特某某有限公司");
  // The region first: the cities of Inner Mongolia, then the city's counties.
  await page.click("#unit-ok");
  assert.equal(await page.textContent("#unit-dlg-msg"), "请选择管理地区（盟市，及旗县或“盟市本级”）");
  const cities = await page.$$eval("#unit-city option", (l) => l.map((o) => o.textContent));
  assert.deepEqual(cities, ["请选择盟市", "自治区直属", "呼和浩特市", "包头市"]);
  assert.equal(await page.isDisabled("#unit-county"), true);
  await page.selectOption("#unit-city", "1501");
  assert.deepEqual(await page.$$eval("#unit-county option", (l) => l.map((o) => o.textContent)), ["请选择旗县（市、区）", "盟市本级", "新城区", "回民区"]);
  // A city alone is not a region yet: the county (or 盟市本级) is asked for, never assumed.
  assert.equal(await page.inputValue("#unit-county"), "");
  await page.click("#unit-ok");
  assert.equal(await page.textContent("#unit-dlg-msg"), "请选择管理地区（盟市，及旗县或“盟市本级”）");
  await page.selectOption("#unit-county", "150103");
  // A wrong credit code: said in the dialog, which stays open with what was typed.
  await page.click("#unit-ok");
  await page.waitForFunction(() => /统一社会信用代码无效/.test(document.getElementById("unit-dlg-msg").textContent));
  assert.ok(await inView("#unit-dlg-msg"));
  assert.equal(await page.$eval("#unit-dialog", (d) => d.open), true);
  assert.equal(await page.inputValue("#unit-name"), "呼和浩特某某有限公司");
  await page.fill("#unit-uscc", "91150102MA0N12345P");
  await page.click("#unit-ok");
  await page.waitForSelector(".unit-head");
  assert.equal(await page.$eval("#unit-dialog", (d) => d.open), false);
  assert.equal((await calls("unit_save")).at(-1).args.unit.region, "150103");
  assert.match(await page.textContent(".unit-head span"), /呼和浩特市 回民区/);
  await page.close();
});

test("keys: arrows move the crop box, Ctrl+S saves; a scanned page's box has a handle on every corner and edge", async () => {
  await fresh();
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  const crop = () => page.evaluate(() => window.calls.filter((c) => c.cmd === "photo_preview").at(-1).args.edits.crop);
  const before = await crop();
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("ArrowUp");
  await page.waitForFunction((x) => window.calls.filter((c) => c.cmd === "photo_preview").at(-1).args.edits.crop.x > x, before.x);
  await page.waitForFunction(() => document.body.dataset.previewIdle === "1");
  const after = await crop();
  assert.ok(after.x > before.x && after.y < before.y, `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  assert.equal(after.w, before.w, "moved, not resized");
  // Ctrl+S: the save dialog, as the button would.
  await page.keyboard.press("Control+s");
  await page.waitForFunction(() => window.calls.some((c) => c.cmd === "pick_save" && c.args.kind === "jpeg"));
  await page.click('.tab[data-screen="scan"]');
  await page.evaluate(() => window.caiji.addPages(["/scans/a.jpg"]));
  await page.click('#scan-pages button[data-act="crop"]');
  await page.waitForSelector("#page-crop[open] .crop:not([hidden])");
  assert.deepEqual((await page.$$eval("#page-stage .handle", (l) => l.map((h) => h.dataset.edge ?? "se"))).sort(), ["e", "n", "ne", "nw", "s", "se", "sw", "w"]);
  await page.close();
});
