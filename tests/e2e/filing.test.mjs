// End to end in the real app (real WebKit, real SQLite): the filing story of issue 5.
// Create a collection draft and fill it by typing; see an error and fix it; attach a photo made
// with the photo tool; kill the app mid-typing and find every keystroke but the last saved,
// with the recovery notice; finalize; export; import on a fresh data folder (a second stick)
// and find it identical, attachment bytes included; then a unit imports a roster of 200 staff
// with a few bad rows and assesses everyone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, residentId, startDriver } from "./webdriver.mjs";
import { portableCopy } from "./portable.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const built = process.env.APP ?? path.join(root, "target/debug/caiji-app");
const photo = path.join(root, "tests/fixtures/grace_hopper.jpg");
const base = "http://127.0.0.1:4444";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "caiji-filing-"));
const A = portableCopy(built, path.join(tmp, "stick-a"));
const B = portableCopy(built, path.join(tmp, "stick-b"));
const bundle = path.join(tmp, "张三.caiji");
let driver;
let s;

const ID = residentId("150102", "19900307", 123); // serial 123: odd → male


async function launch(stick) {
  s = await Session.start(base, { "tauri:options": { application: stick.app } });
  await s.waitFor("return document.body.dataset.ready === '1'", "the app to be ready");
  await s.exec("if (document.documentElement.lang !== 'zh-CN') document.getElementById('lang').click()");
  await s.click('.tab[data-screen="filing"]');
}

/** Types into a field as a person would (real key events). */
async function type(css, text) {
  await s.typeInto(css, text);
}

const field = (p) => `#${CSS_escape(`f-${p}`)}`;
function CSS_escape(id) {
  return id.replace(/\./g, "\\.");
}
/** Picks an option of a select the way the UI hears it. */
const choose = (p, v) =>
  s.exec(
    `const e = document.getElementById(arguments[0]); e.value = arguments[1]; for (const k of ['input', 'change']) e.dispatchEvent(new Event(k, {bubbles: true}))`,
    `f-${p}`,
    v,
  );
const errOf = (p) => s.exec(`const e = document.querySelector('[data-err="' + arguments[0] + '"]'); return e && !e.hidden ? e.textContent : ''`, p);
const draft = () => s.exec("return window.caiji.currentDraft()");
/** Waits until every change has been saved (the saved draft holds the editor's values). */
const settled = () =>
  s.waitFor("const c = window.caiji.currentDraft(); return c && !c.saving", "the autosave to settle");

before(async () => {
  driver = await startDriver(spawn, base);
});

after(async () => {
  try {
    await s?.end();
  } catch {}
  driver?.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("a collection draft: typed, an error seen and fixed, a photo attached, killed, recovered, finalized, exported", async () => {
  await launch(A);
  await s.exec("document.getElementById('filing-new').value = 'collection'; document.getElementById('filing-new').dispatchEvent(new Event('change'))");
  await s.waitFor("return document.getElementById('f-basic.name') !== null", "the editor");
  // A fresh draft lists what is missing, in the list too.
  assert.match(await s.exec("return document.getElementById('ed-summary').textContent"), /还有 \d+ 处需要修改/);
  await s.waitFor("return document.querySelector('#filing-list li.active .pill.bad') !== null", "the error pill in the list");

  await choose("basic.id_type", "1");
  await type(field("basic.id_number"), ID);
  await type(field("basic.name"), "张三");
  await choose("basic.sex", "2"); // wrong for this ID: the 17th digit is odd
  await type(field("basic.mobile"), "1391234567");
  await settled();
  // A field's problem shows once it is left.
  assert.equal(await errOf("basic.mobile"), "");
  await s.exec("document.getElementById('f-basic.mobile').blur()");
  assert.match(await errOf("basic.mobile"), /手机号码应为 11 位数字/);
  assert.match(await errOf("basic.sex"), /性别与身份证号码不一致/);
  // The error's “怎么办？” opens its topic of the help (自助答疑); 填报 is one click back.
  await s.click('[data-err="basic.mobile"] .help-link');
  await s.waitFor("return document.getElementById('screen-help').classList.contains('active') && document.body.dataset.helpTopic === 'mobile-number'", "the mobile number's help topic");
  assert.match(await s.exec("return document.querySelector('#help-topic h2').textContent"), /手机号码/);
  await s.click('.tab[data-screen="filing"]');
  // Fixed: one more digit, the right sex.
  await type(field("basic.mobile"), "8");
  await choose("basic.sex", "1");
  await settled();
  assert.equal(await errOf("basic.mobile"), "");
  assert.equal(await errOf("basic.sex"), "");
  const title = await s.exec("return document.querySelector('#filing-list li.active .what span').textContent");
  assert.match(title, /张三 150102\*{8}1231|张三 150102\*+/);
  assert.ok(!title.includes(ID), "the list masks the ID");

  // The photo slot opens the photo tool preset to its spec; the result comes back by hash.
  await s.click('[data-make="basic.photo"]');
  await s.waitFor("return document.getElementById('screen-photo').classList.contains('active') && !document.getElementById('photo-attach').hidden", "the photo tool");
  assert.equal(await s.exec("return document.getElementById('photo-spec').value"), "nat-photo");
  await s.exec("window.caiji.openPath(arguments[0])", photo);
  await s.waitFor("return document.querySelectorAll('#checklist li').length > 5 && !document.getElementById('photo-save').disabled", "the preview");
  await s.click("#photo-attach-go");
  await s.waitFor("return document.getElementById('screen-filing').classList.contains('active')", "back to the filing");
  await settled();
  const d1 = await draft();
  const hash = d1.draft.data.basic.photo;
  assert.match(hash, /^[0-9a-f]{64}$/);
  await s.waitFor("const i = document.querySelector('[data-slot=\"basic.photo\"] img'); return i && !i.hidden && i.naturalWidth > 100", "the thumbnail");
  const att = path.join(A.data, "drafts", "attachments", `${hash}.jpg`);
  const out = spawnSync(path.join(root, "target/debug/caiji"), ["check", att, "--spec", "nat-photo"], { encoding: "utf8" });
  assert.equal(out.status, 0, `the attached photo passes caiji check:\n${out.stdout}${out.stderr}`);

  // The rest, typed; then the app is killed right after the last keystroke.
  await choose("basic.birth", "1990-03-07");
  await choose("authority.province", "150000");
  // Cascaded: the cities of the province chosen, then the counties of the city.
  assert.ok(await s.exec("return [...document.getElementById('f-authority.city').options].some((o) => o.textContent === '锡林郭勒盟')"));
  await choose("authority.city", "1501");
  assert.ok(await s.exec("return [...document.getElementById('f-authority.county').options].some((o) => o.textContent === '新城区')"));
  await choose("authority.county", "150102");
  await choose("authority.basis", "1");
  await s.click(field("authority.pledge"));
  // Qualified in accounting (category 2): the certificate is what lets the person in.
  await choose("category.category", "2");
  await s.click('[data-add="qualification"]');
  await s.waitFor("return document.getElementById('f-qualification.0.level') !== null", "a qualification entry");
  await choose("qualification.0.level", "1");
  await choose("qualification.0.type", "1");
  await choose("qualification.0.how", "1");
  await choose("qualification.0.date", "2018-09-01");
  await type(field("qualification.0.number"), "Z2018001");
  await s.click('[data-add="education"]');
  await s.waitFor("return document.getElementById('f-education.0.school') !== null", "an education entry");
  await choose("education.0.full_time", "1");
  await type(field("education.0.school"), "内蒙古财经大学");
  await choose("education.0.level", "21");
  await type(field("education.0.major"), "会计学");
  await choose("education.0.start", "2008-09");
  await choose("education.0.graduation", "2012-07");
  await settled();
  await type(field("basic.email"), "zhangsan@example.com");
  const pid = spawnSync("pgrep", ["-f", A.app], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  assert.ok(pid, "the app's process");
  process.kill(Number(pid), "SIGKILL");
  await s.end().catch(() => {});

  // Started again: it says the last run did not end well and offers the draft; all saved but
  // at most the last keystroke.
  await launch(A);
  await s.waitFor("return !document.getElementById('filing-recover').hidden", "the recovery notice");
  assert.match(await s.exec("return document.getElementById('filing-recover').textContent"), /上次没有正常退出/);
  await s.click("#filing-recover a[data-open]");
  await s.waitFor("return document.getElementById('f-basic.email') !== null", "the recovered draft");
  const email = await s.exec("return document.getElementById('f-basic.email').value");
  assert.ok("zhangsan@example.com".startsWith(email) && email.length >= "zhangsan@example.com".length - 1, `recovered e-mail: ${email}`);
  await s.exec("document.getElementById('f-basic.email').value = ''");
  await type(field("basic.email"), "zhangsan@example.com");
  await settled();
  const left = (await draft()).problems.map((p) => `${p.path}: ${p.message.zh}`);
  assert.deepEqual(left, []);
  assert.match(await s.exec("return document.getElementById('ed-summary').textContent"), /可以定稿/);

  await s.click("#ed-finalize");
  await s.waitFor("return document.querySelector('#ed-state .pill.st-finalized') !== null", "finalized");
  const final = await draft();
  assert.equal(final.draft.state, "finalized");
  await s.exec("return window.caiji.exportTo([arguments[0]], arguments[1])", final.draft.id, bundle);
  await s.waitFor("return /已导出 1 份/.test(document.getElementById('filing-msg').textContent)", "the export");
  fs.writeFileSync(path.join(tmp, "a.json"), JSON.stringify(final.draft));
  await s.end();
  s = null;
});

test("imported on a fresh data folder, the draft is identical", async () => {
  const a = JSON.parse(fs.readFileSync(path.join(tmp, "a.json"), "utf8"));
  await launch(B);
  assert.ok(await s.exec("return document.getElementById('filing-recover').hidden"), "no recovery notice on a fresh stick");
  await s.exec("return window.caiji.importFrom(arguments[0])", bundle);
  await s.waitFor("return /已读取 1 份填报：已导入 1/.test(document.getElementById('filing-msg').textContent)", "the import");
  await s.exec("return window.caiji.openDraft(arguments[0])", a.id);
  await s.waitFor("return document.querySelector('#ed-state .pill.st-finalized') !== null", "the imported draft");
  const b = (await draft()).draft;
  for (const k of ["id", "form", "form_version", "title", "state", "data", "person", "created"]) assert.deepEqual(b[k], a[k], k);
  const hash = a.data.basic.photo;
  const bytes = (d) => fs.readFileSync(path.join(d.data, "drafts", "attachments", `${hash}.jpg`));
  assert.ok(bytes(A).equals(bytes(B)), "the photo's bytes");
  // Importing again changes nothing.
  await s.exec("return window.caiji.importFrom(arguments[0])", bundle);
  await s.waitFor("return /相同，未改动 1/.test(document.getElementById('filing-msg').textContent)", "the second import");
});

test("a unit imports a roster of 200 staff with a few bad rows and assesses everyone", async () => {
  const rows = [["姓名", "身份证号", "性别", "手机号码", "岗位", "聘任时间"]];
  const bad = new Map();
  for (let i = 0; i < 200; i++) {
    const id = residentId("150103", `19${70 + (i % 30)}0${1 + (i % 9)}1${i % 10}`, 100 + i);
    const r = [`职工${String(i).padStart(3, "0")}`, id, (100 + i) % 2 ? "男" : "女", `139${String(i).padStart(8, "0")}`, "出纳", "2020-03"];
    if (i === 20) (r[1] = id.slice(0, 17) + (id.endsWith("0") ? "1" : "0")), bad.set(rows.length + 1, /身份证号码/);
    if (i === 77) (r[3] = "1391234"), bad.set(rows.length + 1, /手机号码/);
    if (i === 150) (r[4] = "仓库管理"), bad.set(rows.length + 1, /岗位/);
    rows.push(r);
  }
  const csv = path.join(tmp, "名单.csv");
  fs.writeFileSync(csv, "\ufeff" + rows.map((r) => r.join(",")).join("\r\n"));
  await s.click('.tab[data-screen="unit"]');
  assert.equal(await s.exec("return window.caiji.saveUnit({uscc: '91150102MA0N12345P', name: '呼和浩特某某有限公司', region: '150102'})"), true);
  await s.exec("return window.caiji.importRoster(arguments[0])", csv);
  await s.waitFor("return document.querySelector('.roster-report') !== null", "the roster report");
  assert.match(await s.exec("return document.querySelector('.roster-report b').textContent"), /200 行：新增 197 人，更新 0 人，3 行有问题未导入/);
  const rejected = await s.exec("return [...document.querySelectorAll('.rejected tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))");
  assert.deepEqual(rejected.map((r) => Number(r[0])), [...bad.keys()]);
  rejected.forEach((r) => assert.match(r[2], bad.get(Number(r[0]))));
  assert.equal(await s.exec("return document.querySelectorAll('table.staff tbody tr').length"), 197);

  await s.exec("document.getElementById('bulk-assessor').value = '王会计'");
  await s.click("#bulk-go");
  await s.waitFor("return /已为 197 人生成考评草稿/.test(document.getElementById('unit-msg').textContent)", "the bulk assessment");
  await s.click("#bulk-final");
  await s.waitFor("return /已定稿 197 份/.test(document.getElementById('unit-msg').textContent)", "finalized", 60000);
  assert.equal(await s.exec("return document.querySelectorAll('table.staff .pill.st-finalized').length"), 197);
});
