// Loads the real UI with the Tauri IPC mocked: a fake backend that records every call.
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import appHtml from "../index.html?raw";
import * as crop from "../src/crop";
import * as dates from "../src/dates";
import { kb, limitSize, sizeAgainst } from "../src/i18n";

type Call = { cmd: string; args: Record<string, unknown> };
type BatchItem = { source: string; status: string; reasons: { zh: string; en: string }[]; width?: number; height?: number; bytes?: number };
const w = window as unknown as {
  calls: Call[];
  /** The next call of `cmd` fails with this error ({code, message: {zh, en}, details?}; a plain
   * string message as older backends sent it). */
  failNext?: { cmd: string; code: string; message: { zh: string; en: string } | string; details?: unknown };
  failAlso?: { cmd: string; code: string; message: { zh: string; en: string } | string; details?: unknown };
  cropLib: typeof crop;
  previewDelayMs: number;
  /** The id of the picture opened from a "desk" file: a paper photographed on a desk. */
  deskId?: number;
  /** What the next batch reports, item by item (through the Channel). */
  batchItems: BatchItem[];
  settings: { lang: string; outputDir: string | null; threads: number };
  /** What the drafts store says the last run left (set before the app starts). */
  lastRun?: { crashed: boolean; changed: string[] };
  /** Milliseconds each draft save takes. */
  saveDelayMs: number;
  drafts: Map<string, FakeDraft>;
  /** The sync worker's status, the conflicts by draft, and a way to send its event. */
  syncStatus: Record<string, unknown>;
  standing?: Record<string, unknown>;
  conflicts?: Record<string, unknown>;
  emitSync: (payload: unknown) => Promise<void>;
  /** What the next profile import adds (specs_import), and what a bundle import reports. */
  importSpecs?: unknown[];
  importResult?: unknown[];
  /** The notes a preview carries (the backend's text). */
  previewNotes?: string[];
  /** A unit's staff and drafts (unit_view), and a roster's report (unit_roster_import). */
  unitStaff?: unknown[];
  unitDrafts?: unknown[];
  rosterReport?: unknown;
  /** The home page (home_get) and a unit's staff with what they owe (home_unit). */
  home?: unknown;
  unitDue?: unknown[];
};
type FakeDraft = { id: string; form: string; title: string; state: string; reason?: string | null; data: Record<string, Record<string, unknown> | unknown[]>; revision: number; updated: number; person: string | null; unit: string | null; origin: null };
w.calls = [];
w.cropLib = crop;
(window as unknown as { sizeLib: object }).sizeLib = { kb, limitSize, sizeAgainst };
(window as unknown as { datesLib: object }).datesLib = dates;
w.previewDelayMs = 30;
w.batchItems = [];
w.settings = { lang: "zh", outputDir: null, threads: 0 };
w.saveDelayMs = 15;
w.syncStatus ??= { signed_in: false, queued: 0, sent: 0, returned: 0, failed: 0, accepted: 0, taken: 0 };
w.emitSync = (payload) => emit("sync", payload);
w.drafts = new Map(((window as unknown as { seed?: FakeDraft[] }).seed ?? []).map((d) => [d.id, d]));
const internals = () => (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } }).__TAURI_INTERNALS__;

const msg = (zh: string, en: string) => ({ zh, en });
const spec = (id: string, kind: string, confidence: string, extra: object = {}) => ({
  id, version: 1, kind, title: msg(`规格 ${id}`, `Spec ${id}`), formats: ["jpeg"], dpi: 300, colour: "colour",
  background: ["white"], upscale: false, pixels: { rule: "min", width: 295, height: 413, export: [295, 413] },
  bytes: { min: 10240 }, provenance: { source: "测试来源", region: "NAT", confidence, date: "2024-01-01" }, ...extra,
});
const builtin = { origin: "builtin" };
const specs = [
  { spec: spec("nat-photo", "photo", "confirmed", { head: { height: [0.6, 0.75], top: [0.04, 0.12], centre: 0.05, roll: 5 } }), origin: builtin, overrides_builtin: false },
  { spec: spec("im-legacy-photo", "photo", "unconfirmed", { pixels: { rule: "exact", width: 358, height: 441 } }), origin: builtin, overrides_builtin: false },
  { spec: spec("nat-proof", "document", "third-party", { pixels: { rule: "any" }, bytes: { max: 500000 }, pages: { min: 1, max: 4, layout: "stacked", page_orientation: "any" } }), origin: builtin, overrides_builtin: false },
];
const view = () => ({ entries: specs, problems: [{ file: "/cfg/specs/broken.toml", line: 3, key: null, detail: msg("格式有误：expected `=`", "expected `=`") }], dir: "/cfg/specs" });
type AnySpec = { id: string; bytes: { min?: number | null; max?: number | null } };
/** The backend's checks that matter to the editor's logic (the real ones are tested in Rust). */
function validate(s: AnySpec) {
  if (!/^[A-Za-z0-9_-]+$/.test(s.id)) return { file: "", line: 2, key: "id", detail: msg("编号只能由字母、数字、“-”或“_”组成", "id must be letters, digits, '-' or '_'") };
  const { min, max } = s.bytes;
  if (min != null && max != null && min >= max) return { file: "", line: 12, key: "bytes.min", detail: msg(`最小 ${min} 字节必须小于最大 ${max} 字节`, `bytes.min ${min} must be below bytes.max ${max}`) };
  return null;
}
/** A few help topics, as the backend's corpus would give them (the real corpus and search are tested in Rust). */
type FakeTopic = { id: string; title: { zh: string; en: string }; keywords: string[]; words: string[]; questions: string[]; answer: { zh: string; en: string }; source: string; links: string[]; actions: { label: { zh: string; en: string }; open: string; spec?: string; form?: string }[] };
const topic = (id: string, title: string, words: string[], answer: string, actions: FakeTopic["actions"] = []): FakeTopic => ({ id, title: msg(title, title), keywords: [], words, questions: [], answer: msg(answer, answer), source: "domain §2", links: [], actions });
const topics: Record<string, FakeTopic> = {
  "photo-too-large": topic("photo-too-large", "照片太大，传不上去", ["照片", "太大"], "照片超过门户的大小上限。\n\n- 用“证件照”重新保存\n- 不要截图", [{ label: msg("打开证件照工具", "Open the photo tool"), open: "photo", spec: "nat-photo" }]),
  "photo-too-small": topic("photo-too-small", "照片像素太少", ["像素"], "不要放大，重新拍一张。"),
  "mobile-number": topic("mobile-number", "手机号码怎么填", ["手机"], "11 位，以 1 开头。"),
  transfer: topic("transfer", "调转：换了工作单位", ["调到", "调转"], "区内调转、调出区外、区外调入。", [{ label: msg("开始区内调转", "Start"), open: "form", form: "transfer_within" }]),
};
let nextId = 100;
const report = (lang: string, passed: boolean) => ({
  spec_id: "nat-photo", spec_version: 1, passed,
  facts: { width: 295, height: 413, bytes: 20000 },
  rules: [
    { id: "pixels", level: "error", passed: true, measured: "295×413", expected: "≥ 295×413", message: msg("像素正确", "Pixels are right") },
    { id: "bytes", level: "error", passed, measured: "20000 B", expected: "≥ 10 KB", message: msg(passed ? "大小符合" : "文件太小", passed ? "Size meets" : "Too small") },
    { id: "background", level: "warning", passed: false, measured: "RGB(1,2,3)", expected: "white", message: msg("背景不是白色", "Background is not white") },
  ].map((r) => ({ ...r, message: r.message })),
  lang,
});

/** A head as the backend's framing reports it, in the 1000×1400 picture's pixels. */
const framedHead = {
  face: { score: 0.9, x: 350, y: 300, w: 200, h: 260, eye_l: [400, 400], eye_r: [500, 400], nose: [450, 450], mouth_l: [410, 500], mouth_r: [490, 500] },
  faces: 1, crown: 200, chin: 640, centre_x: 450, eye_y: 400, roll: 3.2, crown_from_background: true,
};

/** A tiny JPEG of one colour, base64 (what the backend's previews carry). */
async function pixelJpeg(colour: string): Promise<string> {
  const c = document.createElement("canvas");
  c.width = 59;
  c.height = 83;
  const g = c.getContext("2d")!;
  g.fillStyle = colour;
  g.fillRect(0, 0, 59, 83);
  return c.toDataURL("image/jpeg").split(",")[1];
}

async function pictureBytes(): Promise<ArrayBuffer> {
  const c = document.createElement("canvas");
  c.width = 500;
  c.height = 700;
  const g = c.getContext("2d")!;
  g.fillStyle = "#cde";
  g.fillRect(0, 0, 500, 700);
  const blob = await new Promise<Blob>((ok) => c.toBlob((b) => ok(b!), "image/png"));
  return blob.arrayBuffer();
}

// A small form and the backend's checks that matter to the editor (the real ones are tested
// in Rust): required, the mobile's shape, a repeatable section with a minimum.
const field = (id: string, zh: string, type: string, extra: object = {}) => ({ id, label: msg(zh, id), type, required: true, past: false, fixed: false, ...extra });
const collection = {
  id: "collection", version: 1, title: msg("会计人员信息采集", "Accountant information collection"), by: "person",
  person: { name: "basic.name", id_number: "basic.id_number" },
  sections: [
    { id: "basic", title: msg("基本信息", "Basic"), fields: [
      field("photo", "证件照", "attachment", { spec: "nat-photo" }), field("id_number", "证件号码", "id_number"), field("name", "姓名", "text", { max_len: 50 }),
      field("sex", "性别", "choice", { choices: "sex" }), field("birth", "出生日期", "date", { required: false }), field("mobile", "手机号码", "mobile"),
      field("proof", "学历证书", "attachment", { spec: "nat-proof", required: false }),
    ] },
    { id: "education", title: msg("学历信息", "Education"), repeat: { min: 1, max: 3 }, fields: [field("school", "毕业院校", "text"), field("start", "入学时间", "month")] },
    { id: "authority", title: msg("管理地区", "Authority"), fields: [
      field("province", "省", "choice", { choices: "province", required: false }), field("city", "市", "division", { parent: "province", required: false }),
      field("county", "县", "division", { parent: "city", required: false }),
    ] },
  ],
};
/** The unit's entry filing, enough for its letter: the unit, the person, the appointment. */
const entryUnit = {
  id: "entry_unit", version: 2, title: msg("单位聘任会计人员入库备案", "Entry filing: appointed by a unit"), by: "unit",
  person: { name: "person.name", id_number: "person.id_number" },
  sections: [
    { id: "unit", title: msg("聘任单位", "Unit"), fields: [field("uscc", "统一社会信用代码", "uscc"), field("name", "单位名称", "text")] },
    { id: "person", title: msg("会计人员", "Accountant"), fields: [field("id_type", "证件类型", "choice", { choices: "id_type" }), field("id_number", "证件号码", "id_number"), field("name", "姓名", "text"), field("sex", "性别", "choice", { choices: "sex" })] },
    { id: "appointment", title: msg("聘任情况", "Appointment"), fields: [
      field("post", "会计工作岗位", "choice", { choices: "post" }), field("first_work", "首次从事会计工作时间", "month"), field("appointed", "聘任时间", "month"),
      field("proof", "单位出具的会计工作证明", "attachment", { spec: "nat-proof" }),
    ] },
  ],
};
const divisions = [
  { code: "11", name: "北京市", children: [{ code: "1101", name: "市辖区", children: [{ code: "110101", name: "东城区" }] }] },
  { code: "15", name: "内蒙古自治区", children: [
    // Added by the backend (caiji_forms): the guide's 自治区直属, with no county below it.
    { code: "1500", name: "自治区直属", children: [] },
    { code: "1501", name: "呼和浩特市", children: [{ code: "150102", name: "新城区" }, { code: "150103", name: "回民区" }] },
    { code: "1502", name: "包头市", children: [{ code: "150202", name: "东河区" }] },
  ] },
];
const choices = { province: { source: "GB/T 2260", items: [{ code: "110000", zh: "北京市", en: "Beijing" }, { code: "150000", zh: "内蒙古自治区", en: "Inner Mongolia" }] }, sex: { source: "GB/T 2261.1", items: [{ code: "1", zh: "男", en: "Male" }, { code: "2", zh: "女", en: "Female" }] }, id_type: { source: "", items: [{ code: "1", zh: "居民身份证", en: "Resident ID card" }] }, post: { source: "财会〔2018〕33号", items: [{ code: "01", zh: "出纳", en: "Cashier" }] }, assessment_grade: { source: "", items: [{ code: "2", zh: "合格", en: "Competent" }] } };
function problems(d: FakeDraft) {
  const out: { path: string; code: string; message: { zh: string; en: string } }[] = [];
  const basic = (d.data.basic ?? {}) as Record<string, unknown>;
  for (const f of collection.sections[0].fields) if (f.required && !basic[f.id]) out.push({ path: `basic.${f.id}`, code: "required", message: msg(`请填写${f.label.zh}`, `${f.id} is required`) });
  if (basic.mobile && !/^1[3-9]\d{9}$/.test(String(basic.mobile))) out.push({ path: "basic.mobile", code: "invalid", message: msg("手机号码应为 11 位数字，以 13–19 开头", "11 digits starting with 13 to 19") });
  if (!((d.data.education as unknown[]) ?? []).length) out.push({ path: "education", code: "too_few", message: msg("学历信息至少要填 1 条", "at least 1") });
  return out;
}
const checked = (d: FakeDraft) => ({ draft: d, problems: d.state === "draft" ? problems(d) : [] });
const title = (d: FakeDraft) => {
  const b = (d.data.basic ?? {}) as Record<string, string>;
  return ["会计人员信息采集", [b.name, b.id_number ? `${b.id_number.slice(0, 6)}********${b.id_number.slice(14)}` : ""].filter(Boolean).join(" ")].filter(Boolean).join(" · ");
};
const row = (d: FakeDraft) => ({ ...d, state_name: msg(d.state === "draft" ? "草稿" : "已定稿", d.state), problems: d.state === "draft" ? problems(d).length : 0 });
let draftSeq = 1;
const units: { uscc: string; name: string; region: string }[] = (window as unknown as { seedUnits?: { uscc: string; name: string; region: string }[] }).seedUnits ?? [];

mockWindows("main");
mockIPC(
  async (cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    w.calls.push({ cmd, args: a });
    if (w.failNext && w.failNext.cmd === cmd) {
      const f = w.failNext;
      // A second failure queued behind the first (the retry fails too).
      w.failNext = w.failAlso;
      w.failAlso = undefined;
      throw { code: f.code, message: f.message, ...(f.details === undefined ? {} : { details: f.details }) };
    }
    switch (cmd) {
      case "specs_view":
        return view();
      case "specs_validate":
        return validate(a.spec as AnySpec);
      case "specs_save": {
        const sp = a.spec as AnySpec;
        const e = { spec: sp, origin: { origin: "user", path: `/cfg/specs/${sp.id}.toml` }, overrides_builtin: false };
        const i = specs.findIndex((x) => x.spec.id === sp.id);
        if (i >= 0) specs[i] = e as never;
        else specs.push(e as never);
        return view();
      }
      case "specs_import":
        for (const sp of w.importSpecs ?? []) specs.push({ spec: sp, origin: { origin: "user", path: `/cfg/specs/${(sp as AnySpec).id}.toml` }, overrides_builtin: false } as never);
        return view();
      case "specs_delete":
        specs.splice(specs.findIndex((x) => x.spec.id === a.id), 1);
        return view();
      case "settings_get":
        return { settings: w.settings, dataDir: "/usb/caiji-data", specsDir: "/usb/caiji-data/specs", logDir: "/usb/caiji-data/logs", portable: true, cores: 2, problem: null };
      case "settings_set": {
        const st = a.settings as typeof w.settings;
        if (st.outputDir === "/missing") throw { code: "invalid", message: msg("默认输出文件夹不存在：/missing", "The default output folder does not exist: /missing") };
        w.settings = st;
        return st;
      }
      case "batch_start": {
        const ch = a.onEvent as { id: number };
        const only = (a.req as { only?: string[] }).only;
        const items = only ? w.batchItems.filter((x) => only.includes(x.source)).map((x) => ({ ...x, status: "ok", reasons: [] })) : w.batchItems;
        let i = 0;
        const send = (m: unknown) => internals().runCallback(ch.id, { index: i++, message: m });
        send({ event: "started", data: { total: items.length } });
        items.forEach((item, k) => send({ event: "item", data: { item, done: k + 1 } }));
        await new Promise((r) => setTimeout(r, 20));
        const count = (st: string) => items.filter((x) => x.status === st).length;
        return {
          summary: { total: items.length, ok: count("ok"), warning: count("warning"), failed: count("failed"), skipped: 0, cancelled: 0, items },
          reportCsv: `${(a.req as { output: string }).output}/caiji-report.csv`, reportJson: "", cancelled: false,
        };
      }
      case "scan_merge":
        return { jpeg: "", width: 1000, height: 1400, bytes: 90000, quality: 70, chroma: "grey", notes: [], report: report(String(a.lang), true), millis: 20 };
      case "app_take_pending":
        return [];
      case "photo_open":
        return { id: nextId++, name: String(a.path).split("/").pop(), path: String(a.path), width: 1000, height: 1400, format: "JPEG" };
      case "scan_open": {
        // A PDF opens as its pages (two here); a picture as itself.
        const name = String(a.path).split("/").pop();
        const pdf = String(a.path).endsWith(".pdf");
        const opened = (pdf ? [1, 2] : [null]).map((page) => ({ id: nextId++, name, path: String(a.path), width: 1000, height: 1400, format: pdf ? "PDF" : "JPEG", page }));
        if (String(a.path).includes("desk")) w.deskId = opened[0].id;
        return opened;
      }
      case "scan_find":
        // A paper photographed on a desk when its file says so; any other picture is a scan.
        return w.calls.some((c) => c.cmd === "scan_open" && String(c.args.path).includes("desk")) && Number(a.id) === w.deskId
          ? { corners: [[120, 140], [880, 100], [940, 1300], [60, 1340]], whole: false }
          : { corners: [[0, 0], [1000, 0], [1000, 1400], [0, 1400]], whole: true };
      case "scan_flat":
        return pictureBytes();
      case "photo_rotate":
        return { id: nextId++, name: "", path: "", width: 1400, height: 1000, format: "JPEG" };
      case "photo_image":
        return pictureBytes();
      case "photo_frame":
        return { crop: { x: 200, y: 150, w: 500, h: 700 }, head: framedHead };
      case "photo_preview": {
        await new Promise((r) => setTimeout(r, w.previewDelayMs));
        const m = a.edits as { crop: unknown; whiten: boolean };
        const jpeg = await pixelJpeg(m.whiten ? "#fff" : "#9ab");
        const before = m.whiten ? await pixelJpeg("#9ab") : null;
        const notes = w.previewNotes ?? (m.whiten ? ["已替换背景：RGB(154,170,187) → RGB(255,255,255)"] : []);
        return { jpeg, width: 295, height: 413, bytes: 20000, quality: 88, chroma: "4:2:0", crop: m.crop, notes, report: report(String(a.lang), true), before, millis: 5 };
      }
      case "photo_save":
        return report(String(a.lang), true);
      case "check_file":
        return report(String(a.lang), false);
      case "filing_forms":
        return { forms: [collection, entryUnit], choices, divisions };
      case "filing_last_run":
        return w.lastRun ?? { crashed: false, changed: [] };
      case "filing_list":
        return [...w.drafts.values()].sort((x, y) => y.updated - x.updated).map(row);
      case "filing_create": {
        const d: FakeDraft = { id: `d${draftSeq++}`, form: String(a.form), title: "", state: "draft", data: (a.data ?? {}) as FakeDraft["data"], revision: 1, updated: Date.now(), person: null, unit: (a.unit as string) ?? null, origin: null };
        d.title = title(d);
        w.drafts.set(d.id, d);
        return checked(d);
      }
      case "filing_get":
        return checked(w.drafts.get(String(a.id))!);
      case "filing_save": {
        await new Promise((r) => setTimeout(r, w.saveDelayMs));
        const d = w.drafts.get(String(a.id))!;
        d.data = a.data as FakeDraft["data"];
        d.state = "draft";
        d.updated = Date.now();
        d.title = title(d);
        d.person = ((d.data.basic ?? {}) as Record<string, string>).id_number ?? null;
        return checked(d);
      }
      case "filing_finalize": {
        const d = w.drafts.get(String(a.id))!;
        const n = problems(d).length;
        if (n) throw { code: "invalid", message: msg(`还有 ${n} 处需要修改，改完才能定稿`, `${n} problems left: fix them to finalize`), details: { problems: n } };
        d.state = "finalized";
        return checked(d);
      }
      case "filing_reopen": {
        const d = w.drafts.get(String(a.id))!;
        d.state = "draft";
        return checked(d);
      }
      case "filing_import":
        return w.importResult ?? [];
      case "filing_standing":
        return w.standing ?? { id_number: a.idNumber, name: "", year: 2026, status: "active", status_name: msg("在岗", "in post"), obligations: [], years_of_work: null, counted: 0 };
      case "filing_set_baseline": {
        const year = a.year as number | null;
        w.standing = year
          ? { ...w.standing, good_to: year, status: "active", status_name: msg("在岗", "in post"), missing: null }
          : { ...w.standing, good_to: null, status: "unknown", status_name: msg("信息不足，无法判断", "not enough information") };
        return w.standing;
      }
      case "filing_attachment":
        return pictureBytes();
      case "photo_attach":
        return { hash: "ab".repeat(32), report: report(String(a.lang), true) };
      case "scan_attach":
        return { hash: "cd".repeat(32), report: report(String(a.lang), true) };
      case "sync_status":
        return w.syncStatus;
      case "sync_sign_in":
        if (a.password !== "right-pass-1") throw { code: "bad_login", message: msg("账号或密码不对", "Wrong account or password") };
        w.syncStatus = { ...w.syncStatus, server: a.server, login: "150102********1237", name: "张三", kind: "person", signed_in: true, taken: Date.now() };
        return w.syncStatus;
      case "sync_verify":
        if (String(a.code).replace(/[\s-]/g, "").toUpperCase() !== "ABCDE12345") throw { code: "refused", message: msg("验证码不对、已用过或已过期", "The code is wrong, used or expired") };
        w.syncStatus = { ...w.syncStatus, verified: true, taken: Date.now() };
        return w.syncStatus;
      case "sync_issue_code":
        return { code: "K7Q3M-9XPA2", login: a.login, purpose: a.purpose, expires: Date.UTC(2026, 11, 6, 4, 30) };
      case "sync_reset_password":
        if (a.code !== "RESET-00001") throw { code: "refused", message: msg("验证码不对、已用过或已过期", "The code is wrong, used or expired") };
        if (a.password !== "right-pass-1") throw { code: "refused", message: msg("这个密码太常见", "Too common") };
        return null;
      case "sync_send": {
        const queued: string[] = [];
        const skipped: { id: string; title: string; message: string }[] = [];
        for (const id of a.ids as string[]) {
          const d = w.drafts.get(id)!;
          if (d.state === "finalized" || d.state === "failed") {
            d.state = "queued";
            queued.push(id);
          } else skipped.push({ id, title: d.title, message: msg("只有已定稿的填报才能上报", "Only finalized filings can be sent") });
        }
        return { queued, skipped };
      }
      case "sync_conflict":
        return w.conflicts?.[String(a.id)] ?? null;
      case "sync_resolve": {
        const d = w.drafts.get(String(a.id))!;
        d.state = a.keepMine ? "queued" : "sent";
        return checked(d);
      }
      case "help_links":
        return [["check:bytes", "photo-too-large"], ["field:basic.mobile", "mobile-number"], ["error:too_small", "photo-too-small"]];
      case "help_search": {
        const q = String(a.query);
        const all = Object.values(topics);
        return all.filter((tp) => tp.words.some((k) => q.includes(k))).map((tp, i) => ({ id: tp.id, title: tp.title, score: 100 - i }));
      }
      case "help_topic": {
        const tp = topics[String(a.id)];
        if (!tp) throw { code: "unknown_topic", message: msg("没有答疑条目", "No help topic") };
        return tp;
      }
      case "help_contacts":
        return { bodies: [{ region: "1500", region_name: "自治区直属", body: "内蒙古自治区会计学会", phone: "", address: "", source: "seed §五.2" }, { region: "1502", region_name: "包头市", body: "", phone: "", address: "", source: "" }], elsewhere: msg("见内蒙古会计网【联系办事机构】栏目", "See the contact column") };
      case "help_entry":
        return { start: "student", question: [{ id: "student", ask: msg("你是在校学生吗？", "Student?"), yes: "no_way", no: "collect" }], outcome: [{ id: "no_way", say: msg("在校学生没有取得会计专业技术资格的，不能进入", "cannot"), source: "seed §一.1" }, { id: "collect", say: msg("直接信息采集", "collect"), form: "collection", source: "seed §二" }] };
      case "home_get":
        return w.home ?? { me: null, people: [] };
      case "home_set_me":
        return null;
      case "home_unit":
        return w.unitDue ?? [];
      case "unit_list":
        return units;
      case "unit_save":
        if ((a.unit as (typeof units)[0]).uscc.trim().length < 18) throw { code: "invalid", message: msg("统一社会信用代码无效（18 位，末位校验码按 GB 32100 计算）", "Not a valid unified social credit code") };
        // The backend keeps a credit code in capitals.
        units.push({ ...(a.unit as (typeof units)[0]), uscc: (a.unit as (typeof units)[0]).uscc.trim().toUpperCase() });
        return units;
      case "unit_view":
        return { unit: units.find((u) => u.uscc === a.uscc), staff: w.unitStaff ?? [{ unit: a.uscc, id_number: "150102199003071237", name: "张三", data: { sex: "1", post: "01", mobile: "13912345678" } }], drafts: w.unitDrafts ?? [] };
      case "unit_roster_import":
        return w.rosterReport ?? { rows: 200, added: 197, updated: 0, rejected: [
          { line: 22, name: "职工020", problems: [msg("身份证号码 150102********1231 无效（校验码或出生日期不对）", "resident ID not valid")] },
          { line: 79, name: "职工077", problems: [msg("手机号码“1391234”应为 11 位", "mobile"), msg("岗位“仓库管理”不是规定的会计工作岗位", "post")] },
        ] };
      default:
        return null;
    }
  },
  { shouldMockEvents: true },
);

// The app's markup, then the app itself.
const doc = new DOMParser().parseFromString(appHtml, "text/html");
document.body.prepend(doc.getElementById("app")!);
await import("../src/main");
