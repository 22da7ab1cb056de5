// Screenshots of the real app window for the README, through tauri-driver (WebKit renders them).
// Run by scripts/screenshots.sh under Xvfb.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session } from "./webdriver.mjs";
import { portableCopy } from "./portable.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const built = process.env.APP ?? path.join(root, "target/debug/caiji-app");
const samples = path.resolve(root, "../shared/samples");
const out = path.join(root, "docs/screenshots");
const base = "http://127.0.0.1:4444";
fs.mkdirSync(out, { recursive: true });
// A portable copy: the shots start from default settings and leave the user's alone.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "caiji-shots-"));
const { app } = portableCopy(built, path.join(tmp, "app"));
// A sideways phone-style portrait on a plain wall (tests/fixtures, provenance there).
const portrait = path.join(root, "tests/fixtures/plain_wall_sideways.jpg");
// A small staff folder: two usable portraits, pictures a person must look at, a broken file.
const staff = path.join(tmp, "staff");
fs.mkdirSync(staff);
for (const [from, to] of [
  [portrait, "张三.jpg"],
  [path.join(root, "tests/fixtures/grace_hopper.jpg"), "李四.jpg"],
  [path.join(samples, "photos/astronaut.png"), "王五.png"],
  [path.join(samples, "photos/camera.png"), "赵六.png"],
  [path.join(samples, "broken/truncated_jpeg.jpg"), "钱七.jpg"],
]) fs.copyFileSync(from, path.join(staff, to));

const driver = spawn("tauri-driver", [], { stdio: "ignore" });
try {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/status`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const s = await Session.start(base, { "tauri:options": { application: app, args: [portrait] } });
  // What the X server shows (WebKit's own snapshot leaves out modal dialogs): the window sits
  // at the top-left of the Xvfb screen, undecorated.
  const shot = async (name) => {
    await new Promise((r) => setTimeout(r, 400));
    const file = path.join(out, `${name}.png`);
    const r = spawnSync("import", ["-window", "root", "-crop", "1180x780+0+0", "+repage", file]);
    if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
    console.log(`wrote docs/screenshots/${name}.png`);
  };
  await s.waitFor("return document.body.dataset.ready === '1' && document.body.dataset.previews", "ready");
  await s.exec("if (document.documentElement.lang !== 'zh-CN') document.getElementById('lang').click()");
  // Framed from the face on opening: the head, the crown and chin lines, the spec's bands.
  await s.waitFor("return document.body.dataset.previewIdle === '1' && document.getElementById('frame-info').className.includes('ok')", "framing");
  await shot("photo-zh");
  // One click: the wall replaced, before and after side by side.
  await s.exec("window.caiji.setWhiten(true)");
  await s.waitFor("return document.body.dataset.previewIdle === '1' && !document.getElementById('out-before').hidden", "whitening");
  await shot("photo-white-zh");
  await s.exec("window.caiji.setWhiten(false)");
  await s.exec("window.caiji.show('check')");
  await s.exec("return window.caiji.checkPath(arguments[0])", path.join(samples, "photos/hopper.jpg"));
  await s.waitFor("return document.querySelector('#check-result .verdict')", "check");
  await shot("check-zh");
  await s.exec("window.caiji.show('batch')");
  await s.exec("window.caiji.runBatch(arguments[0], arguments[1])", staff, path.join(tmp, "out"));
  await s.waitFor("return Number(document.body.dataset.batchDone || 0) > 0", "batch", 60000);
  await shot("batch-zh");
  await s.exec("window.caiji.show('scan')");
  await s.execAsync(
    "const done = arguments[arguments.length - 1]; window.caiji.addPages([arguments[0], arguments[1]]).then(() => done(1))",
    path.join(samples, "documents/typewriter.png"),
    path.join(samples, "documents/skimage_page.png"),
  );
  await shot("scan-zh");
  await s.exec("window.caiji.cropPage(0, {x: 150, y: 60, w: 3400, h: 1250})");
  await s.exec("document.querySelector('#scan-pages button[data-act=\"crop\"]').click()");
  await s.waitFor("return document.querySelector('#page-crop[open] #page-stage:not(.empty)')", "crop dialog");
  await shot("scan-crop-zh");
  await s.exec("document.getElementById('page-crop-cancel').click()");
  await s.exec("window.caiji.show('specs')");
  await s.exec("window.caiji.editSpec('nat-photo', true)");
  await s.exec(`const f = document.querySelector('[data-k="bytes.max"]'); f.value = '8'; f.dispatchEvent(new Event('input', {bubbles: true}))`);
  await s.waitFor("return document.getElementById('spec-check').className === 'msg bad'", "spec check");
  await shot("specs-edit-zh");
  await s.exec("document.getElementById('spec-cancel').click()");
  await s.exec("window.caiji.show('settings')");
  await shot("settings-zh");
  await s.click("#lang");
  await s.exec("window.caiji.show('photo')");
  await s.waitFor("return document.body.dataset.previewIdle === '1'", "preview");
  await shot("photo-en");
  await s.click("#lang");
  await s.end();
} finally {
  driver.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
}
