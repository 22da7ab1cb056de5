// Sync with the online system: the status line over the filing list (server, account, what
// waits, when it last ran and what went wrong), the sign-in / register dialog, 上报 of finalized
// filings, 立即同步, and settling a stale filing's conflict (keep mine or take theirs; the filing
// screen shows what changed). The backend's worker does the sending; its `sync` event says which
// drafts changed, and the drafts state (drafts-state.ts) is updated for the screens to redraw.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { errText, msgOf, type Msg } from "./api";
import { $, showMessage } from "./dom";
import { notice } from "./notice";
import { clock } from "./dates";
import { getLang, pick, t } from "./i18n";
import { html, render } from "./html";
import { changed, loadList, loadOpen, opened } from "./drafts-state";
import type { Checked } from "./filing-api";

// The backend's types, generated from the Rust ones (ui/src/bindings).
import type { Change, Conflict, SyncReport as Report, SyncStatus as Status } from "./bindings/app";
import type { IssuedCode } from "./bindings/protocol";
export type { Change, Conflict, Status };
interface Queued { queued: string[]; skipped: { id: string; title: string; message: Msg | string }[] }

const lang = () => getLang();
export const syncApi = {
  status: () => invoke<Status>("sync_status", { lang: lang() }),
  signIn: (server: string, login: string, password: string) => invoke<Status>("sync_sign_in", { server, login, password, lang: lang() }),
  register: (server: string, kind: string, login: string, name: string, password: string) => invoke<Status>("sync_register", { server, kind, login, name, password, lang: lang() }),
  signOut: () => invoke<Status>("sync_sign_out", { lang: lang() }),
  verify: (code: string) => invoke<Status>("sync_verify", { code }),
  issueCode: (login: string, purpose: "activate" | "reset") => invoke<IssuedCode>("sync_issue_code", { login, purpose }),
  reset: (server: string, login: string, code: string, password: string) => invoke<void>("sync_reset_password", { server, login, code, password }),
  send: (ids: string[]) => invoke<Queued>("sync_send", { ids, lang: lang() }),
  now: () => invoke<Report>("sync_now", { lang: lang() }),
  conflict: (id: string) => invoke<Conflict | null>("sync_conflict", { id, lang: lang() }),
  resolve: (id: string, keepMine: boolean) => invoke<Checked>("sync_resolve", { id, keepMine, lang: lang() }),
};

let status: Status | null = null;
/** Keeps the later of two statuses (a command's answer may arrive after the worker's event). */
function setStatus(s: Status | null) {
  if (s && (!status || s.taken >= status.taken)) status = s;
}
let running = false;

/** What the app knows of the link (the unit screen offers codes when signed in as that unit). */
export const syncStatus = () => status;

export function renderBar() {
  const bar = $("sync-bar");
  const s = status;
  if (!s) return;
  const counts = (
    [
      ["queued", s.queued],
      ["sent", s.sent],
      ["returned", s.returned],
      ["failed", s.failed],
    ] as const
  )
    .filter(([, n]) => n)
    .map(([k, n]) => html`<span class="pill st-${k}">${t(`sync.n.${k}`)} ${n}</span>`);
  const err = s.last_error ? pick(s.last_error) : "";
  bar.className = `syncbar${s.signed_in && !err ? " on" : ""}${err ? " err" : ""}`;
  const who = !s.server
    ? html`<span>${t("sync.none")}</span>`
    : !s.signed_in
      ? html`<span>${t("sync.signedOut").replace("{server}", s.server)}</span>`
      : html`<span class="who">${s.name ?? ""}</span><span>${s.kind ? t(`sync.kind.${s.kind}`) : ""} ${s.login ?? ""}</span><span class="when">${s.server}</span>`;
  const last = !!s.last_sync && html`<span class="when">${t("sync.last").replace("{t}", clock(s.last_sync))}</span>`;
  const why = err && html`<span class="why">${err}</span>`;
  const retry = !!s.next_try && !!s.queued && html`<span class="when">${t("sync.retry").replace("{t}", clock(s.next_try))}</span>`;
  const now = s.signed_in && html`<button id="sync-now"${running && html` disabled`}>${running ? t("sync.running") : t("sync.now")}</button>`;
  const account = html`<button id="sync-account">${s.signed_in ? t("sync.accountBtn") : t("sync.connect")}</button>`;
  const unproven = s.signed_in && !s.verified && html`<button id="sync-unverified" class="pill unverified" title="${t("sync.verifyIntro")}">${t("sync.unverified")}</button>`;
  render(bar, html`<span class="dot"></span>${who}${unproven}<span class="counts">${counts}</span>${last}${why}${retry}<div class="grow"></div>${now}${account}`);
}

export async function refreshSync() {
  setStatus(await syncApi.status().catch(() => null));
  renderBar();
}

/** 立即同步: one run now, then what came of it. */
export async function syncNow() {
  running = true;
  renderBar();
  try {
    const r = await syncApi.now();
    const counts = [
      [r.sent.length, "sync.r.sent"],
      [r.reviewed.length, "sync.r.reviewed"],
      [r.pulled.length, "sync.r.pulled"],
      [r.failed.length, "sync.r.failed"],
      [r.retrying.length, "sync.r.retrying"],
    ] as const;
    const text = () => {
      const parts = counts.filter(([n]) => n).map(([n, k]) => t(k).replace("{n}", String(n)));
      return r.error ? pick(r.error) : parts.length ? parts.join(t("sep")) : t("sync.r.nothing");
    };
    notice(text, r.error || r.failed.length ? "bad" : "ok");
    return r;
  } catch (e) {
    notice(() => errText(e), "bad");
    if ((e as { code?: string })?.code === "signed_out") openDialog();
    return null;
  } finally {
    running = false;
    await refreshSync();
  }
}

/** 上报: finalized filings into the outbox; the worker sends them at once if it can. */
export async function send(ids: string[]) {
  if (!ids.length) return notice(() => t("sync.nothingToSend"), "info");
  try {
    const r = await syncApi.send(ids);
    await changed(ids);
    const online = !!status?.signed_in;
    const text = () => {
      const skipped = r.skipped.map((s) => `${s.title}${t("colon")}${pick(msgOf(s.message))}`).join(t("sep2"));
      return (r.queued.length ? t(online ? "sync.queued" : "sync.queuedOffline").replace("{n}", String(r.queued.length)) : "") + (skipped ? ` ${t("sync.skipped")}${skipped}` : "");
    };
    notice(text, r.skipped.length ? "bad" : "ok");
  } catch (e) {
    notice(() => errText(e), "bad");
  }
  await refreshSync();
}

// ---------------------------------------------------------------- sign in

const dlg = () => $("sync-dialog") as HTMLDialogElement;
type Mode = "login" | "register" | "reset";
const mode = () => (document.querySelector<HTMLInputElement>('input[name="sync-mode"]:checked')?.value ?? "login") as Mode;

function setMode(m: Mode) {
  document.querySelectorAll<HTMLInputElement>('input[name="sync-mode"]').forEach((i) => (i.checked = i.value === m));
  document.querySelectorAll<HTMLElement>("#sync-form .reg").forEach((e) => (e.hidden = m !== "register"));
  document.querySelectorAll<HTMLElement>("#sync-form .rst").forEach((e) => (e.hidden = m !== "reset"));
  $<HTMLInputElement>("sync-name").required = m === "register";
  $<HTMLInputElement>("sync-code").required = m === "reset";
  $("sync-password-label").textContent = t(m === "reset" ? "sync.newPassword" : "sync.password");
  $("sync-ok").textContent = t(m === "register" ? "sync.registerGo" : m === "reset" ? "sync.resetGo" : "sync.go");
  // Proving the account belongs with the account it is signed in as.
  $("sync-verify").hidden = m !== "login" || !status?.signed_in || status.verified;
}

export function openDialog(m: Mode = "login") {
  $<HTMLInputElement>("sync-server").value = status?.server ?? "";
  $<HTMLInputElement>("sync-password").value = "";
  $<HTMLInputElement>("sync-code").value = "";
  $<HTMLInputElement>("sync-code-verify").value = "";
  $("sync-signout").hidden = !status?.signed_in;
  showMessage("sync-dlg-msg", "");
  setMode(m);
  if (!dlg().open) dlg().showModal();
}

/** 找回密码: the new password set with the reset code, then signed in with it. */
export async function resetPassword(typed: string, login: string, code: string, password: string) {
  const server = serverUrl(typed);
  showMessage("sync-dlg-msg", () => t("sync.connecting"), "info");
  try {
    await syncApi.reset(server, login, code, password);
  } catch (e) {
    showMessage("sync-dlg-msg", () => errText(e), "bad");
    return false;
  }
  const ok = await signIn(typed, login, password);
  if (ok) notice(() => t("sync.resetDone").replace("{name}", status?.name ?? ""), "ok");
  return ok;
}

/** Proves the signed-in account with the activation code its unit (or an authority) gave. */
export async function verifyAccount(code: string) {
  try {
    setStatus(await syncApi.verify(code));
    renderBar();
    if (dlg().open) dlg().close();
    notice(() => t("sync.verifiedNow"), "ok");
    return true;
  } catch (e) {
    showMessage("sync-dlg-msg", () => errText(e), "bad");
    return false;
  }
}

/** Signs in (or registers and signs in) with what the dialog holds; true when it worked. */
/** A server address as people type it: a bare host (caiji.example.cn, or with a port) is
 * reached over https. */
export function serverUrl(typed: string): string {
  const s = typed.trim().replace(/\/+$/, "");
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`;
}

export async function signIn(typed: string, login: string, password: string, register?: { kind: string; name: string }) {
  const server = serverUrl(typed);
  showMessage("sync-dlg-msg", () => t("sync.connecting"), "info");
  try {
    const s = register ? await syncApi.register(server, register.kind, login, register.name, password) : await syncApi.signIn(server, login, password);
    setStatus(s);
    renderBar();
    if (dlg().open) dlg().close();
    notice(() => t("sync.signedIn").replace("{name}", s.name ?? ""), "ok");
    return true;
  } catch (e) {
    showMessage("sync-dlg-msg", () => errText(e), "bad");
    return false;
  }
}

// ---------------------------------------------------------------- conflicts

/** Settles the open filing's conflict: this computer's version sent again, or the server's taken. */
export async function resolve(keepMine: boolean) {
  const cur = opened();
  if (!cur) return;
  try {
    await syncApi.resolve(cur.draft.id, keepMine);
    await loadList();
    await loadOpen(cur.draft.id);
    notice(() => t(keepMine ? "sync.keptMine" : "sync.tookTheirs"), "ok");
  } catch (e) {
    notice(() => errText(e), "bad");
  }
  await refreshSync();
}

export async function initSync() {
  $("sync-bar").addEventListener("click", (e) => {
    const el = e.target as HTMLElement;
    if (el.id === "sync-now") void syncNow();
    if (el.id === "sync-account" || el.id === "sync-unverified") openDialog();
  });
  $("sync-verify-go").addEventListener("click", () => void verifyAccount($<HTMLInputElement>("sync-code-verify").value.trim()));
  document.querySelectorAll<HTMLInputElement>('input[name="sync-mode"]').forEach((i) => i.addEventListener("change", () => setMode(mode())));
  $("sync-signout").addEventListener("click", async () => {
    setStatus(await syncApi.signOut().catch(() => null));
    renderBar();
    dlg().close();
  });
  $("sync-form").addEventListener("submit", async (e) => {
    const d = e as SubmitEvent;
    if (d.submitter && (d.submitter as HTMLButtonElement).value === "cancel") return;
    e.preventDefault();
    const v = (id: string) => $<HTMLInputElement>(id).value.trim();
    if (mode() === "reset") {
      await resetPassword(v("sync-server"), v("sync-login"), v("sync-code"), $<HTMLInputElement>("sync-password").value);
      return;
    }
    const reg = mode() === "register" ? { kind: v("sync-kind"), name: v("sync-name") } : undefined;
    await signIn(v("sync-server"), v("sync-login"), $<HTMLInputElement>("sync-password").value, reg);
  });
  // After each run of the worker: the status, and whatever it changed.
  await listen<{ status: Status; changed: string[]; conflicts: string[] }>("sync", async (ev) => {
    setStatus(ev.payload.status);
    renderBar();
    if (!ev.payload.changed.length) return;
    // The open filing is read again if its state moved (it cannot be mid-edit: only sent or queued ones do).
    await changed(ev.payload.changed).catch((e) => notice(() => errText(e), "bad"));
  });
  await refreshSync();
}

export function refreshSyncTexts() {
  renderBar();
  if (dlg().open) setMode(mode());
}
