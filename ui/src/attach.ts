// Attachment slots: a filing's slot opens the photo or scan tool preset to the slot's spec,
// with a bar saying what is being made; "attach" stores the result in the drafts store and
// goes back to the filing. The bar shows only while that flow is on: "attach", "cancel" or
// going to any other screen ends it, and the bar is hidden and emptied.
import { attached, type AttachTarget } from "./filing";
import { $ } from "./dom";
import { t } from "./i18n";
import { specTitle } from "./specinfo";
import { attachPhoto, resetPhoto } from "./photo";
import { attachScan, resetScan } from "./scan";

let target: AttachTarget | null = null;
let screen: "photo" | "scan" = "photo";
let show: (name: string) => void = () => {};

function bar() {
  for (const s of ["photo", "scan"] as const) {
    const b = $(`${s}-attach`);
    const on = !!target && s === screen;
    b.hidden = !on;
    // Emptied when off: it never names whoever the last attachment was for.
    b.querySelector("span")!.textContent = on ? t("attach.for").replace("{label}", target!.label).replace("{spec}", specTitle(target!.spec)) : "";
  }
}

/** Opens the right tool for the slot, empty (whatever was open there was someone else's or
 * another slot's), its spec picked. */
export function startAttach(tg: AttachTarget, document: boolean) {
  target = tg;
  screen = document ? "scan" : "photo";
  if (document) resetScan();
  else resetPhoto();
  const sel = $<HTMLSelectElement>(`${screen}-spec`);
  if ([...sel.options].some((o) => o.value === tg.spec)) {
    sel.value = tg.spec;
    sel.dispatchEvent(new Event("change"));
  }
  bar();
  show(screen);
}

/** Makes the attachment and returns to the filing with it in the slot. */
export async function finishAttach(): Promise<boolean> {
  if (!target) return false;
  const r = screen === "photo" ? await attachPhoto() : await attachScan();
  if (!r) return false;
  const tg = target;
  target = null;
  bar();
  show("filing");
  await attached(tg, r.hash);
  return true;
}

export function cancelAttach() {
  target = null;
  bar();
  show("filing");
}

export const refreshAttach = bar;

/** A screen was shown: any other than the tool the slot opened ends the attach flow. */
export function screenShown(name: string) {
  if (target && name !== screen) {
    target = null;
    bar();
  }
}

export function initAttach(showScreen: (name: string) => void) {
  show = showScreen;
  for (const s of ["photo", "scan"]) {
    $(`${s}-attach-go`).addEventListener("click", () => void finishAttach());
    $(`${s}-attach-cancel`).addEventListener("click", cancelAttach);
  }
}
