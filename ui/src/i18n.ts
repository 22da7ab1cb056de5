// Simplified Chinese by default, English as a switch.
export type Lang = "zh" | "en";

const dict: Record<string, [string, string]> = {
  "app.name": ["会计信息采集助手", "Caiji"],
  "nav.photo": ["证件照", "ID photo"],
  "nav.check": ["检查", "Check"],
  "nav.specs": ["规格", "Specs"],
  "nav.batch": ["批量", "Batch"],
  "nav.scan": ["扫描件", "Scans"],
  "scan.add": ["添加页面…", "Add pages…"],
  "scan.pages": ["页面（按顺序合成一张）", "Pages (merged into one image, in order)"],
  "scan.hint": ["身份证：正面在前、反面在后；多页证明按页序排列。", "ID card: front first, then back; multi-page proofs in page order."],
  "scan.up": ["上移", "Move up"],
  "scan.down": ["下移", "Move down"],
  "scan.remove": ["移除", "Remove"],
  "scan.working": ["正在合成…", "Merging…"],
  "batch.in": ["输入文件夹…", "Input folder…"],
  "batch.out": ["输出文件夹…", "Output folder…"],
  "batch.template": ["命名", "Naming"],
  "batch.resume": ["跳过已完成的", "Skip what is done"],
  "batch.start": ["开始", "Start"],
  "batch.pause": ["暂停", "Pause"],
  "batch.continue": ["继续", "Continue"],
  "batch.cancel": ["停止", "Stop"],
  "batch.retry": ["重试失败的", "Retry failed"],
  "batch.hint": ["命名：{stem} 原文件名，{id} 文件名中的身份证号，{n} 序号。原图不会被修改。", "Naming: {stem} source name, {id} resident ID in the name, {n} number. Originals are never modified."],
  "batch.needFolders": ["请先选择输入和输出文件夹", "Choose the input and output folders first"],
  "batch.summary": ["共 {total} 个：成功 {ok}，有提示 {warning}，失败 {failed}，跳过 {skipped}，未处理 {cancelled}。报告：{report}", "{total} files: {ok} ok, {warning} with warnings, {failed} failed, {skipped} skipped, {cancelled} not started. Report: {report}"],
  "status.ok": ["成功", "ok"],
  "status.warning": ["有提示", "warning"],
  "status.failed": ["失败", "failed"],
  "status.skipped": ["已跳过", "skipped"],
  "status.cancelled": ["未处理", "not started"],
  spec: ["规格", "Spec"],
  "photo.open": ["打开照片…", "Open photo…"],
  "photo.save": ["保存…", "Save…"],
  "photo.reset": ["重新居中", "Re-centre"],
  "photo.rotl": ["逆时针转 90°", "Rotate 90° left"],
  "photo.rotr": ["顺时针转 90°", "Rotate 90° right"],
  "photo.original": ["原图（拖动裁剪框，滚轮缩放）", "Original (drag the box, scroll to zoom)"],
  "photo.output": ["输出预览", "Output preview"],
  "photo.drop": ["把照片拖到这里，或点“打开照片”", "Drop a photo here, or click “Open photo”"],
  "photo.hint": ["裁剪框按规格比例锁定；不会放大小图。", "The box keeps the spec's aspect; small images are never upscaled."],
  "photo.saved": ["已保存并通过检查：", "Saved and checked: "],
  "photo.savedFail": ["已保存，但未通过：", "Saved, but it fails: "],
  "photo.previewMs": ["预览用时", "preview took"],
  "check.open": ["选择文件…", "Choose a file…"],
  "check.drop": ["把要检查的文件拖到这里", "Drop the file to check here"],
  "check.pass": ["通过", "PASS"],
  "check.fail": ["不通过", "FAIL"],
  "facts.pixels": ["像素", "Pixels"],
  "facts.bytes": ["大小", "Size"],
  "facts.quality": ["质量", "Quality"],
  "specs.id": ["编号", "Id"],
  "specs.title": ["名称", "Name"],
  "specs.rules": ["要求", "Rules"],
  "specs.source": ["来源", "Source"],
  "conf.confirmed": ["已确认", "confirmed"],
  "conf.third-party": ["第三方", "third-party"],
  "conf.unconfirmed": ["未确认", "unconfirmed"],
  "anyPixels": ["像素不限", "any pixels"],
};

let lang: Lang = (localStorage.getItem("lang") as Lang) || "zh";

export function getLang(): Lang {
  return lang;
}

export function setLang(l: Lang) {
  lang = l;
  localStorage.setItem("lang", l);
  document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
  applyTexts();
}

export function t(key: string): string {
  const e = dict[key];
  if (!e) return key;
  return lang === "zh" ? e[0] : e[1];
}

/** Both-language messages from the backend ({zh, en}). */
export function pick(m: { zh: string; en: string }): string {
  return lang === "zh" ? m.zh : m.en;
}

export function applyTexts() {
  document.querySelectorAll<HTMLElement>("[data-t]").forEach((el) => (el.textContent = t(el.dataset.t!)));
  document.querySelectorAll<HTMLElement>("[data-t-title]").forEach((el) => (el.title = t(el.dataset.tTitle!)));
  document.title = t("app.name");
  const b = document.getElementById("lang");
  if (b) b.textContent = lang === "zh" ? "English" : "中文";
}

export function kb(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}
