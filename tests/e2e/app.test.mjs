// End-to-end tests of the real app in real WebKit: tauri-driver + WebKitWebDriver under Xvfb.
// Run by scripts/test.sh (`xvfb-run -a node --test tests/e2e/app.test.mjs`).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, startDriver, until } from "./webdriver.mjs";
import { portableCopy } from "./portable.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const built = process.env.APP ?? path.join(root, "target/debug/caiji-app");
const caiji = path.join(root, "target/debug/caiji");
// A real portrait big enough for the national spec with the head at 2/3 of the height.
const photo = path.join(root, "tests/fixtures/grace_hopper.jpg");
const base = "http://127.0.0.1:4444";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "caiji-e2e-"));
// The app runs portable, as from a USB stick: a `portable` file beside the program keeps the
// settings, profiles, logs and web storage in `caiji-data` next to it (and this test away from
// the user's own).
let app;
let data;
// A valid resident ID (GB 11643 check digit) for the privacy checks.
const ID = "150102199003071237";
let driver;
let s;
let startMs;


before(async () => {
  ({ app, data } = portableCopy(built, path.join(tmp, "stick")));
  driver = await startDriver(spawn, base);
  const t0 = Date.now();
  // The photo arrives as a command-line argument, like "Open with".
  s = await Session.start(base, { "tauri:options": { application: app, args: [photo] } });
  await s.waitFor("return document.body.dataset.ready === '1' && document.body.dataset.previews", "the app to be ready");
  startMs = Date.now() - t0;
  // Start from Chinese whatever an earlier run left in the app's storage.
  await s.exec("if (document.documentElement.lang !== 'zh-CN') document.getElementById('lang').click()");
});

after(async () => {
  try {
    await s?.end();
  } finally {
    // SIGTERM, never SIGKILL: tauri-driver must stop WebKitWebDriver too.
    driver?.kill("SIGTERM");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("a photo given on the command line opens with a live preview and checklist", async () => {
  const rules = await s.waitFor(
    "const l = document.querySelectorAll('#checklist li'); return l.length ? l.length : 0",
    "the checklist",
  );
  assert.ok(rules >= 7, `only ${rules} rules`);
  const facts = await s.exec("return document.getElementById('out-facts').textContent");
  assert.match(facts, /295×413/);
  // Framed from the face on opening: the status says so and the overlays show the head.
  assert.match(await s.exec("return document.getElementById('frame-info').textContent"), /已按人脸自动裁剪/);
  assert.ok(await s.exec("const b = document.querySelector('.face-box'); return !b.hidden && b.getBoundingClientRect().width > 20"));
  assert.ok(await s.exec("return document.querySelector('#checklist li[data-rule=\"head\"].ok') !== null"), "head rule passes");
  console.log(`# cold start to an interactive window with the photo previewed: ${startMs} ms`);
});

test("moving the crop updates the preview, and the saved file passes caiji check", async () => {
  // Drag the box across, then to where the head sits as the spec wants (head ≈ 2/3 of the
  // height, a little room above it, the face centred).
  await s.exec("window.caiji.setCrop({x: 0, y: 10, w: 307, h: 430})");
  const ms = [];
  for (const x of [10, 40, 80, 120, 113]) {
    const n = Number(await s.exec("return document.body.dataset.previews || 0"));
    await s.exec(`window.caiji.setCrop({x: ${x}, y: 10, w: 307, h: 430})`);
    await s.waitFor(`return Number(document.body.dataset.previews) > ${n} && document.body.dataset.previewIdle === '1'`, "a new preview");
    ms.push(Number(await s.exec("return document.body.dataset.lastPreviewMs")));
  }
  ms.sort((a, b) => a - b);
  console.log(`# crop preview round trip in the real window: median ${ms[2].toFixed(1)} ms`);
  const out = path.join(tmp, `张三_${ID}.jpg`);
  const msg = await s.execAsync(
    "const done = arguments[arguments.length - 1]; window.caiji.saveTo(arguments[0]).then(() => done(document.getElementById('photo-msg').textContent))",
    out,
  );
  assert.ok(fs.existsSync(out), `not saved: ${msg}`);
  const check = spawnSync(caiji, ["--json", "check", out, "--spec", "nat-photo"], { encoding: "utf8" });
  const report = JSON.parse(check.stdout).report;
  assert.equal(report.facts.width, 295);
  assert.equal(report.facts.height, 413);
  // Every rule passes, the face checks included (one face, head share, centred, upright: the
  // portrait's head leans about 4°, and the head found on opening levels it in the box dragged
  // by hand too).
  const failed = report.rules.filter((r) => !r.passed && r.level === "error").map((r) => r.id);
  assert.deepEqual(failed, [], check.stdout);
  assert.ok(report.rules.some((r) => r.id === "head" && r.passed));
  assert.ok(report.rules.some((r) => r.id === "upright" && r.passed));
});

test("a sideways portrait on a plain wall: framed on opening, white background in one click", async () => {
  const src = path.join(tmp, "IMG_0042.jpg");
  fs.copyFileSync(path.join(root, "tests/fixtures/plain_wall_sideways.jpg"), src);
  const n = Number(await s.exec("return document.body.dataset.previews || 0"));
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.openPath(arguments[0]).then(() => done(1))", src);
  await s.waitFor(`return Number(document.body.dataset.previews) > ${n} && document.body.dataset.previewIdle === '1'`, "the preview");
  assert.match(await s.exec("return document.getElementById('frame-info').className"), /ok/);
  // The blue wall is pointed out; one click replaces it and shows before and after.
  assert.ok(await s.exec("return document.querySelector('#checklist li[data-rule=\"background\"].warn') !== null"));
  const m = Number(await s.exec("return document.body.dataset.previews"));
  await s.click("#photo-whiten");
  await s.waitFor(`return Number(document.body.dataset.previews) > ${m} && document.body.dataset.previewIdle === '1'`, "the whitened preview");
  assert.equal(await s.exec("return document.getElementById('out-before').hidden"), false);
  assert.ok(await s.exec("return document.querySelector('#checklist li[data-rule=\"background\"].ok') !== null"));
  assert.match(await s.exec("return document.getElementById('out-facts').textContent"), /已替换背景.*部分平台不接受/);
  const out = path.join(tmp, "white.jpg");
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.saveTo(arguments[0]).then(() => done(1))", out);
  const check = spawnSync(caiji, ["--json", "check", out, "--spec", "nat-photo"], { encoding: "utf8" });
  assert.equal(check.status, 0, check.stdout);
  const report = JSON.parse(check.stdout).report;
  assert.deepEqual(report.rules.filter((r) => !r.passed).map((r) => r.id), [], "every rule, warnings included");
  await s.click("#photo-whiten");
});

test("a ✗ in the photo checklist opens its help topic; the side bar's box and the topic's button lead back to the tool", async () => {
  await s.exec("window.caiji.show('photo')");
  // The whole picture as the crop: the head far too small for the national spec.
  await s.exec("window.caiji.setCrop({x: 0, y: 0, w: 512, h: 600})");
  await s.waitFor("return document.querySelector('#checklist li.bad[data-rule=\"head\"] .help-link') !== null", "a failed head rule with its help link");
  await s.click('#checklist li.bad[data-rule="head"] .help-link');
  await s.waitFor("return document.getElementById('screen-help').classList.contains('active') && document.body.dataset.helpTopic === 'head-size-position'", "the head's help topic");
  const answer = await s.exec("return document.getElementById('help-topic').textContent");
  assert.match(answer, /头部/);
  // The side bar's box hands over to the help screen's, where a question in plain words finds
  // its topic first as it is typed.
  await s.click("#nav-q");
  await s.waitFor("return document.activeElement && document.activeElement.id === 'help-q'", "the help screen's search box focused");
  await s.typeInto("#help-q", "照片太大传不上去怎么办");
  await s.waitFor("return document.body.dataset.helpTopic === 'photo-too-large'", "the answer to a typed question");
  // Its first button: the photo tool on the national spec, the photo still there.
  await s.click('#help-topic [data-act="0"]');
  await s.waitFor("return document.getElementById('screen-photo').classList.contains('active')", "the photo tool");
  assert.equal(await s.exec("return document.getElementById('photo-spec').value"), "nat-photo");
});

test("the language switches between Chinese and English", async () => {
  const zh = await s.exec("return document.querySelector('[data-t=\"nav.photo\"]').textContent");
  assert.equal(zh, "证件照");
  await s.click("#lang");
  const en = await s.exec("return document.querySelector('[data-t=\"nav.photo\"]').textContent");
  assert.equal(en, "ID photo");
  // Backend messages follow: the checklist is redone in English.
  await s.waitFor("return /Format JPEG/.test(document.getElementById('checklist').textContent)", "English checklist");
  // The choice is saved in the portable data folder (after the window has switched).
  const saved = () => JSON.parse(fs.readFileSync(path.join(data, "settings.json"), "utf8")).lang;
  await until(() => saved() === "en", "English saved in settings.json");
  await s.click("#lang");
  assert.equal(await s.exec("return document.documentElement.lang"), "zh-CN");
  await until(() => saved() === "zh", "Chinese saved in settings.json");
});

test("a duplicated and edited spec profile is checked, saved beside the app, and used by the CLI", async () => {
  await s.exec("window.caiji.show('specs')");
  await s.exec("window.caiji.editSpec('nat-photo', true)");
  const n = Number(await s.exec("return document.body.dataset.specChecks || 0"));
  // A window the encoder cannot meet (max below min) is refused on its field.
  await s.exec(`const f = document.querySelector('[data-k="bytes.max"]'); f.value = '5'; f.dispatchEvent(new Event('input', {bubbles: true}))`);
  await s.waitFor(`return Number(document.body.dataset.specChecks) > ${n} && document.getElementById('spec-check').className === 'msg bad'`, "the check");
  assert.match(await s.exec("return document.getElementById('spec-check').textContent"), /最小 10240 字节必须小于最大 5000 字节/);
  await s.exec(`for (const [k, v] of [['bytes.max', '30'], ['id', 'e2e-portal'], ['title.zh', '端到端平台']]) { const f = document.querySelector('[data-k="' + k + '"]'); f.value = v; f.dispatchEvent(new Event('input', {bubbles: true})); }`);
  await s.waitFor("return document.getElementById('spec-check').className === 'msg ok'", "a valid profile");
  await s.click("#spec-save");
  await s.waitFor("return document.querySelector('#specs-table tr[data-id=\"e2e-portal\"]')", "the new row");
  const file = path.join(data, "specs", "e2e-portal.toml");
  assert.ok(fs.existsSync(file));
  const shown = spawnSync(caiji, ["--json", "--specs-dir", path.join(data, "specs"), "specs", "show", "e2e-portal"], { encoding: "utf8" });
  assert.equal(shown.status, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).spec.bytes.max, 30000);
  // Export writes the profile where the user chose; the photo picker offers it at once.
  const exported = path.join(tmp, "exported.toml");
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.exportSpec('e2e-portal', arguments[0]).then(() => done(1))", exported);
  assert.match(fs.readFileSync(exported, "utf8"), /id = "e2e-portal"/);
  assert.ok(await s.exec("return !!document.querySelector('#photo-spec option[value=\"e2e-portal\"]')"));
});

test("the log folder beside the portable app records work without full ID numbers", async () => {
  const logs = path.join(data, "logs");
  const text = fs.readdirSync(logs).map((f) => fs.readFileSync(path.join(logs, f), "utf8")).join("");
  assert.match(text, /started; data in/);
  assert.match(text, /photo saved to .*150102\*+/, "the save is logged, masked");
  assert.ok(!text.includes(ID), "a full ID number reached the log");
  assert.ok(fs.existsSync(path.join(data, "webview")), "web storage stays beside the app");
});

test("a small batch runs in the window, reports, and carries on past a broken file", async () => {
  const input = path.join(tmp, "staff");
  const output = path.join(tmp, "out");
  fs.mkdirSync(input);
  const samples = path.resolve(root, "tests/fixtures/samples");
  fs.copyFileSync(path.join(root, "tests/fixtures/plain_wall_sideways.jpg"), path.join(input, "张三.jpg"));
  fs.copyFileSync(photo, path.join(input, "李四.jpg"));
  fs.copyFileSync(path.join(samples, "exif/tower_gps.jpg"), path.join(input, "赵六.jpg"));
  fs.copyFileSync(path.join(samples, "broken/truncated_jpeg.jpg"), path.join(input, "王五.jpg"));
  await s.exec("window.caiji.show('batch')");
  const n = Number(await s.exec("return document.body.dataset.batchDone || 0"));
  await s.exec("window.caiji.runBatch(arguments[0], arguments[1])", input, output);
  await s.waitFor(`return Number(document.body.dataset.batchDone || 0) > ${n}`, "the batch to finish", 60000);
  const summary = await s.exec("return document.getElementById('batch-summary').textContent");
  assert.match(summary, /共 4 个/);
  assert.match(summary, /失败 2/);
  const rows = await s.exec("return document.querySelectorAll('#batch-list .vrow').length");
  assert.equal(rows, 4);
  const csv = fs.readFileSync(path.join(output, "caiji-report.csv"), "utf8");
  assert.equal(csv.trim().split("\n").length, 5);
  // The photo without a face is listed for a person to look at, with the reason.
  assert.match(csv.split("\n").find((l) => l.includes("赵六")), /没有检测到人脸/);
  // The staff photos are framed from their faces: every rule passes, the face checks included.
  for (const f of ["张三.jpg", "李四.jpg"]) {
    const r = spawnSync(caiji, ["--json", "check", path.join(output, f), "--spec", "nat-photo"], { encoding: "utf8" });
    const failed = JSON.parse(r.stdout).report.rules.filter((x) => !x.passed && x.level === "error");
    assert.deepEqual(failed, [], f);
  }
});

/** The scans screen with no pages, on `spec`: the pages removed one at a time, each removal
 * awaited (the list re-renders after each). */
async function emptyScans(spec) {
  await s.exec("window.caiji.show('scan')");
  for (let n = Number(await s.exec("return document.querySelectorAll('#scan-pages li').length")); n > 0; n--) {
    await s.click('#scan-pages button[data-act="del"][data-i="0"]');
    await s.waitFor(`return document.querySelectorAll('#scan-pages li').length === ${n - 1}`, "the page removed");
  }
  await s.exec("const e = document.getElementById('scan-spec'); e.value = arguments[0]; e.dispatchEvent(new Event('change'))", spec);
}

/** Adds files to the scans screen and waits for the merge that follows. */
async function addPages(...files) {
  const n = Number(await s.exec("return document.body.dataset.scanMerges || 0"));
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.addPages([...arguments].slice(0, -1)).then(() => done(1))", ...files);
  await s.waitFor(`return Number(document.body.dataset.scanMerges || 0) > ${n}`, "the merge", 60000);
}

test("ID card sides merge into one landscape image that passes the spec", async () => {
  const samples = path.resolve(root, "tests/fixtures/samples");
  await s.exec("window.caiji.show('scan')");
  const n = Number(await s.exec("return document.body.dataset.scanMerges || 0"));
  await s.execAsync(
    "const done = arguments[arguments.length - 1]; window.caiji.addPages([arguments[0], arguments[1]]).then(() => done(1))",
    path.join(samples, "documents/text_defocus.jpg"),
    path.join(samples, "exif/xmp_test.jpg"),
  );
  await s.waitFor(`return Number(document.body.dataset.scanMerges || 0) > ${n}`, "the merge", 60000);
  assert.equal(await s.exec("return document.querySelectorAll('#scan-pages li').length"), 2);
  assert.match(await s.exec("return document.getElementById('scan-checklist').textContent"), /横向图片/);
  const out = path.join(tmp, "idcard.jpg");
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.mergePages(arguments[0]).then(() => done(1))", out);
  const r = spawnSync(caiji, ["--json", "check", out, "--spec", "nat-idcard"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout);
  const facts = JSON.parse(r.stdout).report.facts;
  assert.ok(facts.width > facts.height * 2, `${facts.width}x${facts.height}`);
});

test("a two-page scanned PDF opens as two pages and merges into one compliant proof", async () => {
  // Clear the ID card's pages, then the national proof spec.
  await emptyScans("nat-proof");
  const pdf = path.join(tmp, "社保缴费证明.pdf");
  fs.copyFileSync(path.join(root, "tests/fixtures/scan_2pages.pdf"), pdf);
  await addPages(pdf);
  const names = await s.exec("return [...document.querySelectorAll('#scan-pages li .name')].map((x) => x.textContent)");
  assert.equal(names.length, 2);
  assert.match(names[0], /社保缴费证明\.pdf · 第 1 页/);
  assert.match(names[1], /社保缴费证明\.pdf · 第 2 页/);
  const out = path.join(tmp, "proof.jpg");
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.mergePages(arguments[0]).then(() => done(1))", out);
  const r = spawnSync(caiji, ["--json", "check", out, "--spec", "nat-proof"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout);
  const facts = JSON.parse(r.stdout).report.facts;
  assert.ok(facts.height > facts.width, `two pages one above the other: ${facts.width}x${facts.height}`);
});

test("a page photographed on a desk: its corners shown and dragged beside the flattened page, saved as a flat proof", async () => {
  await emptyScans("nat-proof");
  const photo = path.join(tmp, "毕业证 桌面.jpg");
  fs.copyFileSync(path.join(root, "tests/fixtures/page_on_desk.jpg"), photo);
  await addPages(photo);
  // The corners found on opening are drawn on the thumbnail and said in the list.
  const outline = await s.exec("return document.querySelector('#scan-pages li .thumbwrap polygon')?.getAttribute('points')");
  const found = outline.split(" ").map((p) => p.split(",").map(Number));
  assert.equal(found.length, 4);
  assert.match(await s.exec("return document.querySelector('#scan-pages li').textContent"), /已拉平/);
  // The dialog: the photo with its four corners, the flattened page beside it (an A4 page:
  // taller than wide, unlike the 4:3 photo).
  const flats = () => s.exec("return Number(document.body.dataset.cornerFlats || 0)");
  await s.click('#scan-pages button[data-act="corners"][data-i="0"]');
  await s.waitFor("return Number(document.body.dataset.cornerFlats || 0) >= 1 && document.getElementById('corner-flat').naturalWidth > 0", "the flattened page");
  const [fw, fh] = await s.exec("const i = document.getElementById('corner-flat'); return [i.naturalWidth, i.naturalHeight]");
  assert.ok(Math.abs(fh / fw - Math.SQRT2) < 0.05, `flattened ${fw}×${fh}`);
  // Drag the bottom-right corner 30 pixels further out with the mouse: the page beside follows.
  const before = await flats();
  await s.drag("#corner-stage .corner-handle[data-i='2']", 30, 30);
  await s.waitFor(`return Number(document.body.dataset.cornerFlats || 0) > ${before}`, "the flattened page redrawn");
  await s.click("#corners-ok");
  await s.waitFor(
    `return !document.getElementById('page-corners').open && document.querySelector('#scan-pages li .thumbwrap polygon').getAttribute('points') !== ${JSON.stringify(outline)}`,
    "the dragged corners taken",
  );
  const now = (await s.exec("return document.querySelector('#scan-pages li .thumbwrap polygon').getAttribute('points')")).split(" ").map((p) => p.split(",").map(Number));
  assert.ok(now[2][0] > found[2][0] && now[2][1] > found[2][1], `dragged from ${found[2]} to ${now[2]}`);
  assert.deepEqual(now.slice(0, 2), found.slice(0, 2));
  // Back to the corners found, then saved: a flat proof that passes the spec.
  const shown = await flats();
  await s.click('#scan-pages button[data-act="corners"][data-i="0"]');
  await s.waitFor(`return Number(document.body.dataset.cornerFlats || 0) > ${shown}`, "the dialog's flattened page");
  await s.click("#corners-found");
  await s.click("#corners-ok");
  await s.waitFor(`return document.querySelector('#scan-pages li .thumbwrap polygon').getAttribute('points') === ${JSON.stringify(outline)}`, "the found corners back");
  const out = path.join(tmp, "毕业证.jpg");
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.mergePages(arguments[0]).then(() => done(1))", out);
  const r = spawnSync(caiji, ["--json", "check", out, "--spec", "nat-proof"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout);
  const facts = JSON.parse(r.stdout).report.facts;
  assert.ok(Math.abs(facts.height / facts.width - Math.SQRT2) < 0.03, `an A4 page: ${facts.width}x${facts.height}`);
  assert.match(await s.exec("return document.getElementById('scan-facts').textContent"), /已找到纸张并拉平/);
});

test("an iPhone HEIC opens upright and framed, and saves as a national photo without its location", async () => {
  await s.exec("window.caiji.show('photo')");
  const src = path.join(tmp, "IMG_0043.HEIC");
  fs.copyFileSync(path.join(root, "tests/fixtures/phone_portrait.heic"), src);
  const n = Number(await s.exec("return document.body.dataset.previews || 0"));
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.openPath(arguments[0]).then(() => done(1))", src);
  await s.waitFor(`return Number(document.body.dataset.previews) > ${n} && document.body.dataset.previewIdle === '1'`, "the preview");
  assert.match(await s.exec("return document.getElementById('frame-info').className"), /ok/);
  const m = Number(await s.exec("return document.body.dataset.previews"));
  await s.click("#photo-whiten");
  await s.waitFor(`return Number(document.body.dataset.previews) > ${m} && document.body.dataset.previewIdle === '1'`, "the whitened preview");
  const out = path.join(tmp, "from-heic.jpg");
  await s.execAsync("const done = arguments[arguments.length - 1]; window.caiji.saveTo(arguments[0]).then(() => done(1))", out);
  const check = spawnSync(caiji, ["--json", "check", out, "--spec", "nat-photo"], { encoding: "utf8" });
  assert.equal(check.status, 0, check.stdout);
  const report = JSON.parse(check.stdout).report;
  assert.deepEqual(report.rules.filter((r) => !r.passed).map((r) => r.id), []);
  assert.equal(report.facts.gps, false);
  assert.ok(report.facts.height > report.facts.width, "upright");
  await s.click("#photo-whiten");
});

test("a script in the window cannot make the app read or write a file the person did not choose", async () => {
  // As an injected script would: straight to the IPC, past the UI.
  const call = (cmd, args) =>
    s.execAsync("const [cmd, args, done] = arguments; window.__TAURI_INTERNALS__.invoke(cmd, args).then(() => done('ok'), (e) => done(e && e.code ? e.code : String(e)))", cmd, args);
  const home = os.homedir();
  assert.equal(await call("photo_open", { path: "/etc/hostname", spec: "cn-id-photo" }), "not_permitted");
  assert.equal(await call("check_file", { path: "/etc/passwd", spec: "cn-id-photo" }), "not_permitted");
  assert.equal(await call("photo_open", { path: `${tmp}/../../etc/hostname`, spec: "cn-id-photo" }), "not_permitted", "no way up from a granted folder");
  assert.equal(await call("specs_export", { id: "cn-id-photo", path: path.join(home, ".bashrc") }), "not_permitted");
  assert.equal(await call("unit_roster_template", { path: path.join(home, "autostart.csv") }), "not_permitted");
  assert.equal(await call("filing_export", { ids: [], path: path.join(home, "out.caiji") }), "not_permitted");
  assert.equal(await call("settings_set", { settings: { lang: "zh", outputDir: "/etc", threads: 0 } }), "not_permitted", "nor make a folder the default output");
  assert.equal(await call("plugin:dialog|open", { options: {} }).then((r) => r !== "ok"), true, "no dialog plugin command from the page");
  assert.ok(!fs.existsSync(path.join(home, ".bashrc.tmp")) && !fs.existsSync(path.join(home, "autostart.csv")));
});
