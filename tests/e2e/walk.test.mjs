// A walk of every screen of the real app at the two window sizes accountants have (1280×800 and
// 1024×700): each action's result or error appears inside the window, no scrolling needed, even
// when the screen was scrolled before the action. Run by scripts/test.sh under Xvfb.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, startDriver } from "./webdriver.mjs";
import { portableCopy } from "./portable.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const built = process.env.APP ?? path.join(root, "target/debug/caiji-app");
const photo = path.join(root, "tests/fixtures/grace_hopper.jpg");
const page = path.join(root, "tests/fixtures/samples/documents/skimage_page.png");
const broken = path.join(root, "tests/fixtures/samples/broken/truncated_jpeg.jpg");
const base = "http://127.0.0.1:4444";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "caiji-walk-"));
let driver;
let s;

before(async () => {
  const { app } = portableCopy(built, path.join(tmp, "stick"));
  driver = await startDriver(spawn, base);
  s = await Session.start(base, { "tauri:options": { application: app } });
  await s.waitFor("return document.body.dataset.ready === '1'", "the app to be ready");
  await s.exec("if (document.documentElement.lang !== 'zh-CN') document.getElementById('lang').click()");
  // A batch's input: a photo and a broken file.
  fs.mkdirSync(path.join(tmp, "in"));
  fs.copyFileSync(photo, path.join(tmp, "in", "张三.jpg"));
  fs.copyFileSync(broken, path.join(tmp, "in", "坏文件.jpg"));
});

after(async () => {
  try {
    await s?.end();
  } finally {
    driver?.kill("SIGTERM");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Runs a hook of the app (a promise) to its end. */
const run = (script, ...args) => s.execAsync(`const done = arguments[arguments.length - 1]; Promise.resolve(${script}).then(() => done(1), (e) => done(String(e)))`, ...args);

/** Where the element is against the window: its text, and whether it is shown wholly inside. */
const where = (css) =>
  s.exec(
    `const e = document.querySelector(arguments[0]); if (!e) return { text: null, inView: false };
     const r = e.getBoundingClientRect();
     return { text: e.textContent.trim(), inView: e.checkVisibility() && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
              rect: [Math.round(r.top), Math.round(r.bottom)], window: [innerWidth, innerHeight] };`,
    css,
  );

/** The screen scrolled to its bottom, as a person would be after reading a long checklist. */
const scrolledDown = () => s.exec("const m = document.querySelector('main'); m.scrollTop = m.scrollHeight");

async function seen(css, pattern, what) {
  await s.waitFor(`const e = document.querySelector(${JSON.stringify(css)}); return !!e && e.checkVisibility() && ${pattern}.test(e.textContent)`, what);
  const w = await where(css);
  assert.ok(w.inView, `${what}: ${css} "${w.text}" at ${JSON.stringify(w.rect)} in a ${JSON.stringify(w.window)} window`);
}

for (const [width, height] of [[1280, 800], [1024, 700]]) {
  test(`every screen's result shows without scrolling at ${width}×${height}`, async () => {
    await s.cmd("POST", "/window/rect", { width, height });
    await s.waitFor(`return Math.abs(outerWidth - ${width}) <= 2 && Math.abs(outerHeight - ${height}) <= 40`, `a ${width}×${height} window`);

    // 证件照: the verdict, then a save's result.
    await run("window.caiji.show('photo')");
    await run("window.caiji.openPath(arguments[0])", photo);
    await seen("#photo-verdict", "/可以上传|不合格/", "the photo's verdict");
    await scrolledDown();
    await run("window.caiji.saveTo(arguments[0])", path.join(tmp, `photo-${width}.jpg`));
    await seen("#photo-msg", "/已保存/", "the photo's save");
    await seen("#photo-verdict", "/可以上传|不合格/", "the verdict after the save");

    // 扫描件: the merge's verdict and its save.
    await run("window.caiji.show('scan')");
    await run("window.caiji.addPages([arguments[0]])", page);
    await seen("#scan-verdict", "/可以上传|不合格/", "the scan's verdict");
    await scrolledDown();
    await run("window.caiji.mergePages(arguments[0])", path.join(tmp, `scan-${width}.jpg`));
    await seen("#scan-msg", "/已保存/", "the scan's save");

    // 检查: a broken file's verdict.
    await run("window.caiji.show('check')");
    await run("window.caiji.checkPath(arguments[0])", broken);
    await seen("#check-result .verdict", "/./", "the check's verdict");

    // 批量: the summary of a run with a broken file.
    await run("window.caiji.show('batch')");
    await run("window.caiji.runBatch(arguments[0], arguments[1])", path.join(tmp, "in"), path.join(tmp, `out-${width}`));
    await seen("#batch-summary", "/共 2 个/", "the batch's summary");

    // 填报: finalizing a blank draft is refused, and says so.
    await run("window.caiji.show('filing')");
    await run("window.caiji.createDraft('collection')");
    await s.click("#ed-finalize");
    await seen("#filing-msg", "/处需要修改/", "the refused finalize");

    // 单位: a unit with a wrong credit code, refused in the dialog.
    await run("window.caiji.show('unit')");
    await s.click("#unit-add");
    await s.typeInto("#unit-uscc", "911501");
    await s.typeInto("#unit-name", "某公司");
    await s.exec("const c = document.getElementById('unit-city'); c.value = '1501'; c.dispatchEvent(new Event('change'))");
    await s.exec("const c = document.getElementById('unit-county'); c.value = '150102'; c.dispatchEvent(new Event('change'))");
    await s.click("#unit-ok");
    await seen("#unit-dlg-msg", "/统一社会信用代码/", "the unit's refusal");
    await s.click('#unit-form button[value="cancel"]');

    // 我的档案: nobody's record chosen yet — the welcome and the way in.
    await run("window.caiji.show('home')");
    await seen("#home-body .home-who h2", "/欢迎使用/", "the home page's welcome");
    await seen("#home-entry", "/我从哪里进入/", "the way in");

    // 帮助: a question's answer, where the eye is.
    await scrolledDown();
    await run("window.caiji.searchHelp(arguments[0])", "照片太大传不上去怎么办");
    await seen("#help-topic h2", "/照片太大/", "the help's answer");

    // 设置: a bad value refused.
    await run("window.caiji.show('settings')");
    await s.exec("const t = document.getElementById('set-threads'); t.value = '999'; t.dispatchEvent(new Event('change'))");
    await seen("#settings-msg", "/0 到 256/", "the settings' refusal");
  });
}
