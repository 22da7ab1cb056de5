// Frontend tests: the real UI in headless Chromium with the Tauri IPC mocked (test/harness.ts).
// Run: `npm test` in ui/ (builds the harness first).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
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

async function fresh() {
  page = await browser.newPage({ viewport: { width: 1180, height: 780 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  assert.deepEqual(errors, []);
  return page;
}

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
    };
  });
  assert.deepEqual(r.centred, { x: 72, y: 0, w: 2880, h: 4032 });
  assert.deepEqual(r.clamped, { x: 0, y: 0, w: 2880, h: 4032 });
  assert.equal(Math.round(r.zoomIn.w), 295);
  assert.ok(r.zoomOut.w <= 3024 && r.zoomOut.h <= 4032 && Math.abs(r.zoomOut.w / r.zoomOut.h - 590 / 826) < 0.01);
  assert.ok(r.resized.x + r.resized.w <= 3024, JSON.stringify(r.resized));
  await page.close();
});

test("opening a photo previews the centred crop and shows the checklist", async () => {
  await fresh();
  assert.equal(await page.inputValue("#photo-spec"), "nat-photo");
  await page.evaluate(() => window.caiji.openPath("/photos/me.jpg"));
  await page.waitForSelector("#checklist li");
  const [open] = await calls("photo_open");
  assert.deepEqual(open.args, { path: "/photos/me.jpg", spec: "nat-photo", lang: "zh" });
  const [prev] = await calls("photo_preview");
  assert.deepEqual(prev.args.crop, { x: 0, y: 0, w: 1000, h: 1400 });
  const marks = await page.$$eval("#checklist li .mark", (l) => l.map((x) => x.textContent));
  assert.deepEqual(marks, ["✓", "✓", "!"]);
  assert.match(await page.textContent("#out-facts"), /295×413/);
  assert.equal(await page.isEnabled("#photo-save"), true);
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
  assert.deepEqual(prev.at(-1).args.crop, { x: 190, y: 0, w: 600, h: 840 });
  await page.close();
});

test("backend errors are shown as messages a person can act on", async () => {
  await fresh();
  await page.evaluate(() => {
    window.failNext = { cmd: "photo_open", code: "too_small", message: "原图只有 91×128 像素，至少需要 295×413" };
    return window.caiji.openPath("/photos/tiny.jpg");
  });
  const msg = await page.textContent("#photo-msg");
  assert.match(msg, /至少需要 295×413/);
  assert.equal(await page.getAttribute("#photo-msg", "class"), "msg bad");
  await page.close();
});

test("the language switch changes the texts and what the backend is asked for", async () => {
  await fresh();
  await page.evaluate(() => localStorage.removeItem("lang"));
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === "1");
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
