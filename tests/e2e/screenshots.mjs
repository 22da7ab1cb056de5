// Screenshots of the real app window for the README, through tauri-driver (WebKit renders them).
// Run by scripts/screenshots.sh under Xvfb.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, testEnv } from "./webdriver.mjs";
import { portableCopy } from "./portable.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const built = process.env.APP ?? path.join(root, "target/debug/caiji-app");
const samples = path.resolve(root, "tests/fixtures/samples");
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

const driver = spawn("tauri-driver", [], { stdio: "ignore", env: testEnv() });
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
    await s.painted();
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
  // A page photographed on a desk: its corners found and shown, the flattened page beside.
  await s.execAsync(
    "const done = arguments[arguments.length - 1]; window.caiji.addPages([arguments[0]]).then(() => done(1))",
    path.join(root, "tests/fixtures/page_on_desk.jpg"),
  );
  await s.exec("document.querySelector('#scan-pages li:last-child button[data-act=\"corners\"]').click()");
  await s.waitFor("return Number(document.body.dataset.cornerFlats || 0) >= 1 && document.getElementById('corner-flat').naturalWidth > 0", "corners dialog");
  // The flattened page arrives last: painted once more before the shot (WebKit composites it a
  // frame later than the dialog).
  await s.painted();
  await shot("scan-corners-zh");
  await s.exec("document.getElementById('corners-cancel').click()");
  await s.exec("window.caiji.show('specs')");
  await s.exec("window.caiji.editSpec('nat-photo', true)");
  await s.exec(`const f = document.querySelector('[data-k="bytes.max"]'); f.value = '8'; f.dispatchEvent(new Event('input', {bubbles: true}))`);
  await s.waitFor("return document.getElementById('spec-check').className === 'msg bad'", "spec check");
  await shot("specs-edit-zh");
  await s.exec("document.getElementById('spec-cancel').click()");
  await s.exec("window.caiji.show('settings')");
  await shot("settings-zh");
  // Filing: a collection draft half filled, two mistakes shown on their fields, the photo made
  // with the photo tool in its slot.
  await s.exec("window.caiji.show('filing')");
  await s.exec("return window.caiji.createDraft('collection')");
  for (const [p, v] of [
    ["authority.province", "150000"], ["authority.city", "1501"], ["authority.county", "150102"], ["authority.basis", "1"],
    ["category.category", "1"], ["basic.id_type", "1"], ["basic.id_number", "150102199003071237"], ["basic.name", "张三"],
    ["basic.sex", "2"], ["basic.birth", "1990-03-07"], ["basic.mobile", "1391234567"], ["basic.ethnicity", "02"],
  ]) await s.exec("return window.caiji.setField(arguments[0], arguments[1])", p, v);
  await s.exec("return window.caiji.openDraft(window.caiji.currentDraft().draft.id)");
  await s.click('[data-make="basic.photo"]');
  await s.exec("return window.caiji.openPath(arguments[0])", portrait);
  await s.waitFor("return document.body.dataset.previewIdle === '1' && !document.getElementById('photo-save').disabled", "the photo for the slot");
  await shot("filing-attach-zh");
  await s.exec("return window.caiji.finishAttach()");
  await s.waitFor("const i = document.querySelector('[data-slot=\"basic.photo\"] img'); return i && !i.hidden && i.naturalWidth > 0", "the thumbnail");
  await s.exec("document.querySelector('fieldset[data-section=\"basic\"]').scrollIntoView()");
  await shot("filing-zh");
  const photoHash = await s.exec("return window.caiji.currentDraft().draft.data.basic.photo");
  // A unit: a roster with three bad rows among 40, then everyone assessed.
  const roster = path.join(tmp, "名单.csv");
  const id = (serial) => {
    const body = `15010219850307${String(serial).padStart(3, "0")}`;
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    return body + "10X98765432"[[...body].reduce((a, c, i) => a + Number(c) * w[i], 0) % 11];
  };
  const family = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
  const given = ["芳", "娜", "伟", "洋", "静"];
  const lines = ["姓名,身份证号,手机号码,岗位,聘任时间"];
  for (let i = 0; i < 40; i++) {
    const r = [`${family[i % 8]}${given[Math.floor(i / 8)]}`, id(200 + i), `1390471${String(1000 + i)}`, ["出纳", "稽核", "会计机构负责人（会计主管人员）"][i % 3], "2019-07"];
    if (i === 6) r[1] = r[1].slice(0, 17) + (r[1].endsWith("1") ? "2" : "1");
    if (i === 13) r[2] = "0471-1234567";
    if (i === 29) r[3] = "仓库管理";
    lines.push(r.join(","));
  }
  fs.writeFileSync(roster, "\ufeff" + lines.join("\r\n"));
  await s.exec("window.caiji.show('unit')");
  await s.exec("return window.caiji.saveUnit({uscc: '91150102MA0N12345P', name: '呼和浩特某某有限公司', region: '150102'})");
  await s.exec("return window.caiji.importRoster(arguments[0])", roster);
  await s.exec("document.getElementById('bulk-assessor').value = '王会计'");
  await s.exec("return window.caiji.bulkAssessment()");
  await shot("unit-zh");
  // Sync: signed in to a real caiji-server, a collection sent, returned by the authority with a
  // reason, pulled back.
  const serverData = path.join(tmp, "server");
  const serverBin = path.join(root, "target/debug/caiji-server");
  spawnSync(serverBin, ["--data", serverData, "add-authority", "--login", "im-review", "--name", "内蒙古财政厅", "--region", "150000"], { input: "review-pass\n" });
  const server = spawn(serverBin, ["--data", serverData, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise((ok) => server.stdout.on("data", (b) => { const m = String(b).match(/listening on (http:\/\/\S+)/); if (m) ok(m[1]); }));
    await s.exec("window.caiji.show('filing')");
    await s.exec("return window.caiji.signIn(arguments[0], '150102199003071237', 'secret-123', {kind: 'person', name: '张三'})", url);
    const data = {
      authority: { province: "150000", city: "1501", county: "150102", basis: "1", pledge: "true" },
      category: { category: "1", first_work: "2012-07" },
    work: [{ start: "2012-07", unit: "某某公司", uscc: "91150000MA0N99995D", unit_type: "1", post: "01", appointed: "2012-07" }],
      basic: { photo: photoHash, id_type: "1", id_number: "150102199003071237", name: "张三", sex: "1", birth: "1990-03-07", mobile: "13912345678", ethnicity: "02" },
      education: [{ full_time: "1", school: "内蒙古财经大学", level: "21", major: "会计学", start: "2008-09", graduation: "2012-07" }],
    };
    await s.exec("return window.caiji.createDraft('collection', arguments[0])", data);
    await s.exec("return window.caiji.finalize()");
    const uuid = await s.exec("return window.caiji.currentDraft().draft.id");
    await s.exec("return window.caiji.sendDrafts([arguments[0]])", uuid);
    await s.waitFor("return document.querySelector('#ed-state .pill.st-sent') !== null", "sent");
    const post = (p, body, token) => fetch(`${url}${p}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json());
    const { token } = await post("/api/v1/login", { login: "im-review", password: "review-pass" });
    await post(`/api/v1/review/${uuid}`, { revision: 1, decision: "return", reason: "照片背景不是白色，请重新拍摄后上报" }, token);
    await s.exec("return window.caiji.syncNow()");
    await s.waitFor("return document.querySelector('#ed-state .pill.st-returned') !== null", "returned");
    await s.exec("document.getElementById('ed-reason').scrollIntoView({block: 'center'})");
    await shot("sync-zh");
  } finally {
    server.kill("SIGTERM");
  }
  // 我的档案: 张三's page (his collection returned, the reason first), the unit's staff below.
  await s.exec("window.caiji.show('home')");
  await s.waitFor("return document.querySelector('#home-body .steps') !== null", "the home page");
  await shot("home-zh");
  // 帮助: a question in plain words, its answer and the buttons that do it.
  await s.exec("return window.caiji.searchHelp('照片太大传不上去怎么办')");
  await s.waitFor("return document.body.dataset.helpTopic === 'photo-too-large'", "the answer");
  await shot("help-zh");
  // 我从哪里进入？: cannot sign in yet, not a student, not in the old system, the exam passed here.
  await s.exec("return window.caiji.openEntryGuide()");
  for (const i of [1, 1, 1, 0]) await s.exec(`document.querySelectorAll('#help-topic [data-entry]')[${i}].click()`);
  await s.waitFor("return document.querySelector('#help-topic .outcome') !== null", "the outcome");
  await shot("help-entry-zh");
  // The unit's letter (从事会计工作证明), made from a staff member's entry filing.
  await s.exec("window.caiji.show('unit')");
  await s.waitFor("return document.querySelector('#unit-body [data-new=\"entry_unit\"]') !== null", "the staff table");
  await s.exec("document.querySelector('#unit-body [data-new=\"entry_unit\"]').click()");
  await s.waitFor("return window.caiji.currentDraft()?.draft.form === 'entry_unit'", "the entry filing");
  await s.exec("return window.caiji.setField('appointment.first_work', '2016-07')");
  await s.exec("document.getElementById('ed-letter').click()");
  await s.waitFor("return document.querySelector('#letter[open] .letter-page h1') !== null", "the letter");
  await shot("letter-zh");
  await s.exec("document.getElementById('letter-close').click()");
  await s.click("#lang");
  await s.exec("window.caiji.show('photo')");
  await s.waitFor("return document.body.dataset.previewIdle === '1'", "preview");
  await shot("photo-en");
  await s.click("#lang");
  await s.end();
} finally {
  // The app may still be writing its data folder while it closes: wait for the driver to exit,
  // and let the removal retry what was still being written.
  const exited = new Promise((resolve) => driver.once("exit", resolve));
  driver.kill("SIGTERM");
  await exited;
  fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10 });
}
