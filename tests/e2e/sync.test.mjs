// End to end in the real app (real WebKit, real SQLite on both sides, the real caiji-server
// binary on 127.0.0.1): the sync story of issue 6. A person registers an account from the app,
// fills and finalizes a collection with a photo made by the photo tool and sends it (上报); the
// authority returns it with a reason; the app shows the reason; the person fixes the mobile
// number and sends it again; the authority accepts revision 2; the app shows it accepted. Then a
// stale edit: the same filing changed "on another computer" meanwhile is refused, the editor
// shows what differs, and keeping this computer's version sends it as the next revision.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { Session, residentId, startDriver } from "./webdriver.mjs";
import { portableCopy } from "./portable.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const built = process.env.APP ?? path.join(root, "target/debug/caiji-app");
const serverBin = path.join(root, "target/debug/caiji-server");
const photo = path.join(root, "tests/fixtures/grace_hopper.jpg");
const base = "http://127.0.0.1:4444";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "caiji-sync-"));
const A = portableCopy(built, path.join(tmp, "stick"));
const serverData = path.join(tmp, "server");
let driver;
let server;
let url;
let s;

const ID = residentId("150102", "19900307", 123);

/** The authority's side, over the API as a reviewing office's tool would call it. */
async function api(method, p, body, token) {
  const r = await fetch(`${url}${p}`, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const v = await r.json();
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(v)}`);
  return v;
}
const authority = async () => (await api("POST", "/api/v1/login", { login: "im-review", password: "review-pass" })).token;


const choose = (p, v) =>
  s.exec(`const e = document.getElementById(arguments[0]); e.value = arguments[1]; for (const k of ['input', 'change']) e.dispatchEvent(new Event(k, {bubbles: true}))`, `f-${p}`, v);
const field = (p) => `#${`f-${p}`.replace(/\./g, "\\.")}`;
const settled = () => s.waitFor("const c = window.caiji.currentDraft(); return c && !c.saving", "the autosave to settle");
const text = (id) => s.exec("const e = document.getElementById(arguments[0]); return e ? e.textContent : ''", id);
const pillIs = (state) => s.waitFor(`return document.querySelector('#ed-state .pill.st-${state}') !== null`, `the filing ${state}`);
/** Finalizes the open filing once it has no problems left; returns its id. */
async function finalizeOpen() {
  await s.waitFor("return /可以定稿/.test(document.getElementById('ed-summary').textContent)", "a filing without problems");
  await s.click("#ed-finalize");
  await pillIs("finalized");
  return (await s.exec("return window.caiji.currentDraft()")).draft.id;
}

before(async () => {
  fs.mkdirSync(serverData);
  const add = spawn(serverBin, ["--data", serverData, "add-authority", "--login", "im-review", "--name", "内蒙古财政厅", "--region", "150000"], { stdio: ["pipe", "inherit", "inherit"] });
  add.stdin.end("review-pass\n");
  assert.equal(await new Promise((r) => add.on("exit", r)), 0, "add-authority");
  server = spawn(serverBin, ["--data", serverData, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).on("line", (l) => {
      const m = l.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (c) => reject(new Error(`caiji-server exited ${c}`)));
  });
  driver = await startDriver(spawn, base);
});

after(async () => {
  try {
    await s?.end();
  } catch {}
  driver?.kill("SIGTERM");
  server?.kill("SIGTERM");
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("finalize → send → returned with a reason → fixed and sent again → accepted", async () => {
  s = await Session.start(base, { "tauri:options": { application: A.app } });
  await s.waitFor("return document.body.dataset.ready === '1'", "the app to be ready");
  await s.exec("if (document.documentElement.lang !== 'zh-CN') document.getElementById('lang').click()");
  await s.click('.tab[data-screen="filing"]');
  assert.match(await text("sync-bar"), /尚未连接线上系统/);

  // Register from the app: a person's account (their resident ID), then signed in.
  await s.click("#sync-account");
  await s.waitFor("return document.getElementById('sync-dialog').open", "the sign-in dialog");
  await s.click("#sync-form .seg label:nth-child(2)");
  await s.waitFor("return !document.getElementById('sync-name').closest('label').hidden", "the register fields");
  await s.typeInto("#sync-server", url);
  await s.typeInto("#sync-login", ID);
  await s.typeInto("#sync-name", "张三");
  await s.typeInto("#sync-password", "short");
  await s.click("#sync-ok");
  // The browser's own check stops a short password before it is sent.
  assert.ok(await s.exec("return document.getElementById('sync-dialog').open"));
  await s.typeInto("#sync-password", "-secret-1"); // "short-secret-1"
  await s.click("#sync-ok");
  await s.waitFor("return !document.getElementById('sync-dialog').open", "the dialog to close");
  const bar = await text("sync-bar");
  assert.match(bar, /张三/);
  assert.ok(bar.includes("150102") && !bar.includes(ID), `the account shown masked: ${bar}`);

  // A complete collection; the photo made with the photo tool for its slot.
  const data = {
    authority: { province: "150000", city: "1501", county: "150102", basis: "1", pledge: "true" },
    category: { category: "1", first_work: "2012-07" },
    work: [{ start: "2012-07", unit: "某某公司", uscc: "91150000MA0N99995D", unit_type: "1", post: "01", appointed: "2012-07" }],
    basic: { id_type: "1", id_number: ID, name: "张三", sex: "1", birth: "1990-03-07", mobile: "13912345678" },
    education: [{ full_time: "1", school: "内蒙古财经大学", level: "21", major: "会计学", start: "2008-09", graduation: "2012-07" }],
  };
  await s.exec("return window.caiji.createDraft('collection', arguments[0])", data);
  await s.waitFor("return document.querySelector('[data-make=\"basic.photo\"]') !== null", "the editor");
  await s.click('[data-make="basic.photo"]');
  await s.waitFor("return document.getElementById('screen-photo').classList.contains('active')", "the photo tool");
  await s.exec("window.caiji.openPath(arguments[0])", photo);
  // Framed and previewed (saving is possible as soon as the picture is in, before the framing).
  await s.waitFor("return document.querySelectorAll('#checklist li').length > 5 && !document.getElementById('photo-save').disabled", "the preview");
  await s.click("#photo-attach-go");
  await s.waitFor("return document.getElementById('screen-filing').classList.contains('active')", "back to the filing");
  await settled();
  const id = await finalizeOpen();

  // 上报: queued, then sent by the background worker on its own (no further click).
  await s.click("#ed-send");
  await pillIs("sent");
  assert.match(await text("ed-summary"), /已上报，等待审核/);
  assert.match(await text("sync-bar"), /审核中 1/);

  // The authority sees it with its photo, and returns it with a reason.
  const token = await authority();
  const queue = await api("GET", "/api/v1/review", null, token);
  const mine = queue.find((r) => r.uuid === id);
  assert.ok(mine, "in the authority's review queue");
  assert.equal(mine.revision, 1);
  assert.equal(mine.data.basic.mobile, "13912345678");
  const hash = mine.data.basic.photo;
  assert.ok(fs.readFileSync(path.join(serverData, "blobs", hash)).equals(fs.readFileSync(path.join(A.data, "drafts", "attachments", `${hash}.jpg`))), "the photo's bytes on the server");
  await api("POST", `/api/v1/review/${id}`, { revision: 1, decision: "return", reason: "手机号码已停用，请更新后重新上报" }, token);

  // 立即同步: the app shows it returned, with the reason.
  await s.click("#sync-now");
  await pillIs("returned");
  assert.match(await text("ed-reason"), /退回原因：手机号码已停用，请更新后重新上报/);
  assert.match(await text("sync-bar"), /已退回 1/);
  assert.ok(await s.exec("return document.querySelector('#filing-list li.active .pill.st-returned') !== null"), "the list says returned too");

  // Unchanged it cannot be finalized again (it would be the very submission returned).
  assert.equal(await s.exec("return document.getElementById('ed-finalize')"), null);
  assert.match(await text("ed-summary"), /按上方的退回原因修改/);
  // Fixed by typing, finalized, sent again: revision 2 on the server.
  await s.exec("document.getElementById('f-basic.mobile').value = ''");
  await s.typeInto(field("basic.mobile"), "13900001111");
  await settled();
  await s.click("#ed-finalize");
  await pillIs("finalized");
  await s.click("#ed-send");
  await pillIs("sent");
  const again = (await api("GET", "/api/v1/review", null, token)).find((r) => r.uuid === id);
  assert.equal(again.revision, 2);
  assert.equal(again.data.basic.mobile, "13900001111");
  await api("POST", `/api/v1/review/${id}`, { revision: 2, decision: "accept" }, token);

  await s.click("#sync-now");
  await pillIs("accepted");
  assert.match(await text("ed-summary"), /审核已通过/);
  // The run's result is said when the command answers, which may be after the worker's event.
  await s.waitFor("return /1 份有审核结果/.test(document.getElementById('filing-msg').textContent)", "the sync's result");
  // Once accepted it cannot be edited here: the fields are locked.
  assert.ok(await s.exec("return document.getElementById('f-basic.mobile').disabled"));
});

test("a stale edit: what changed on the server is shown, and keeping mine sends it as the next revision", async () => {
  // A second filing, with the photo already in the store.
  const first = (await s.exec("return window.caiji.currentDraft()")).draft.data;
  const data = { ...first, basic: { ...first.basic, mobile: "13912345678" } };
  await s.exec("return window.caiji.createDraft('collection', arguments[0])", data);
  const id = await finalizeOpen();
  await s.click("#ed-send");
  await pillIs("sent");
  const token = await authority();
  await api("POST", `/api/v1/review/${id}`, { revision: 1, decision: "return", reason: "请补充电子邮箱" }, token);
  await s.click("#sync-now");
  await pillIs("returned");

  // Meanwhile, on another computer, the person changes the mobile number and sends revision 2.
  const person = (await api("POST", "/api/v1/login", { login: ID, password: "short-secret-1" })).token;
  const elsewhere = structuredClone(data);
  elsewhere.basic.mobile = "13688889999";
  assert.equal((await api("PUT", `/api/v1/submissions/${id}`, { form: "collection", form_version: 2, data: elsewhere, replaces: 1 }, person)).revision, 2);

  // Here, the e-mail is added and the filing sent: refused as stale, with the differences.
  await s.typeInto(field("basic.email"), "zhangsan@example.com");
  await settled();
  await s.click("#ed-finalize");
  await pillIs("finalized");
  await s.click("#ed-send");
  await pillIs("failed");
  // The conflict box is filled after the server is asked, and drawn again whenever the filing is:
  // wait until it holds the server's version, and read it all at once.
  const box = await s.waitFor(
    `const b = document.getElementById('ed-conflict');
     if (!b || b.hidden || !/服务器上已有第 2 版（审核中）/.test(b.textContent) || !document.getElementById('conflict-mine')) return null;
     return {
       reason: document.getElementById('ed-reason')?.textContent ?? '',
       rows: [...b.querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.textContent)),
       send: document.getElementById('ed-send') !== null,
     };`,
    "the conflict with the server's version",
  );
  assert.match(box.reason, /未被接收：服务器上的这份填报已有更新的版本/);
  assert.deepEqual(box.rows, [
    ["基本信息 · 手机号码", "13912345678", "13688889999"],
    ["基本信息 · 电子邮箱", "zhangsan@example.com", "（空）"],
  ]);
  assert.equal(box.send, false, "sending it as is would be refused again");

  // Keep mine: it goes out replacing revision 2.
  await s.click("#conflict-mine");
  await pillIs("sent");
  const rec = await api("GET", `/api/v1/submissions/${id}`, null, person);
  assert.equal(rec.revision, 3);
  assert.equal(rec.data.basic.email, "zhangsan@example.com");
  assert.equal(rec.data.basic.mobile, "13912345678");
  assert.ok(await s.exec("return document.getElementById('ed-conflict').hidden"));
});

test("a forgotten password: a reset code from the server's administrator sets a new one in the app, proves the account, and ends the old sessions", async () => {
  // Registered from the app, the account is only a claim: the app says so.
  await s.waitFor("return document.getElementById('sync-unverified') !== null", "the unverified mark");
  const before = (await api("POST", "/api/v1/login", { login: ID, password: "short-secret-1" })).token;

  // The authority checks the person and issues a reset code on the server machine.
  const issue = spawn(serverBin, ["--data", serverData, "issue-code", "--login", ID, "--purpose", "reset"], { stdio: ["ignore", "pipe", "inherit"] });
  let said = "";
  issue.stdout.on("data", (b) => (said += b));
  assert.equal(await new Promise((r) => issue.on("exit", r)), 0, "issue-code");
  const code = said.match(/\b[0-9A-Z]{5}-[0-9A-Z]{5}\b/)?.[0];
  assert.ok(code, `a code in: ${said}`);

  // 找回密码 in the app: ID, the code, a new password; then signed in with it.
  await s.click("#sync-account");
  await s.waitFor("return document.getElementById('sync-dialog').open", "the dialog");
  await s.click("#sync-form .seg label:nth-child(3)");
  await s.waitFor("return !document.getElementById('sync-code').closest('label').hidden", "the reset fields");
  await s.exec("for (const id of ['sync-login', 'sync-code', 'sync-password']) document.getElementById(id).value = ''");
  await s.typeInto("#sync-login", ID);
  await s.typeInto("#sync-code", code.toLowerCase());
  await s.typeInto("#sync-password", "new-secret-22");
  await s.click("#sync-ok");
  await s.waitFor("return !document.getElementById('sync-dialog').open", "the dialog to close");
  await s.waitFor("return /密码已重设/.test(document.getElementById('filing-msg').textContent)", "the reset said");
  assert.equal(await s.exec("return document.getElementById('sync-unverified')"), null, "proven by the reset code");

  // On the server: the old password and the old sessions are gone, the new one is verified.
  assert.equal((await fetch(`${url}/api/v1/submissions`, { headers: { authorization: `Bearer ${before}` } })).status, 401);
  assert.equal((await fetch(`${url}/api/v1/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ login: ID, password: "short-secret-1" }) })).status, 401);
  assert.equal((await api("POST", "/api/v1/login", { login: ID, password: "new-secret-22" })).account.verified, true);
});
