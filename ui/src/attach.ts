// Attachment slots: a filing's slot opens the photo or scan tool preset to the slot's spec,
// with a bar saying what is being made; "attach" stores the result in the drafts store and
// goes back to the filing.
import { attached, type AttachTarget } from "./filing";
import { $ } from "./dom";
import { t } from "./i18n";
import { attachPhoto } from "./photo";
import { attachScan } from "./scan";

let target: AttachTarget | null = null;
let screen: "photo" | "scan" = "photo";
let show: (name: string) => void = () => {};

function bar() {
  for (const s of ["photo", "scan"] as const) {
    const b = $(`${s}-attach`);
    b.hidden = !target || s !== screen;
    if (target) b.querySelector("span")!.textContent = t("attach.for").replace("{label}", target.label).replace("{spec}", target.spec);
  }
}

/** Opens the right tool for the slot, its spec picked. */
export function startAttach(tg: AttachTarget, document: boolean) {
  target = tg;
  screen = document ? "scan" : "photo";
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

export function initAttach(showScreen: (name: string) => void) {
  show = showScreen;
  for (const s of ["photo", "scan"]) {
    $(`${s}-attach-go`).addEventListener("click", () => void finishAttach());
    $(`${s}-attach-cancel`).addEventListener("click", cancelAttach);
  }
}
