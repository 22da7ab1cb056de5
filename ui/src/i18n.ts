// Simplified Chinese by default, English as a switch.
export type Lang = "zh" | "en";

const dict: Record<string, [string, string]> = {
  "app.name": ["会计信息采集助手", "Caiji"],
  "nav.photo": ["证件照", "ID photo"],
  "nav.check": ["检查", "Check"],
  "nav.specs": ["规格", "Specs"],
  "nav.batch": ["批量", "Batch"],
  "nav.scan": ["扫描件", "Scans"],
  "nav.settings": ["设置", "Settings"],
  ok: ["确定", "OK"],
  cancel: ["取消", "Cancel"],
  "scan.crop": ["裁剪此页", "Crop this page"],
  "scan.cropped": ["已裁剪", "cropped"],
  "scan.cropTitle": ["裁剪页面：拖动框选要保留的部分", "Crop the page: drag the box over what to keep"],
  "scan.cropHint": ["拖动框移动，拖右下角改变大小，滚轮缩放。", "Drag the box to move it, its corner to resize, scroll to zoom."],
  "scan.cropAll": ["整页", "Whole page"],
  "batch.openReport": ["打开报告", "Open report"],
  "batch.showReport": ["在文件夹中显示", "Show in folder"],
  "specs.import": ["导入规格文件…", "Import a profile…"],
  "specs.dir": ["自定义规格保存在", "Your profiles are kept in"],
  "specs.broken": ["无法载入", "Cannot load"],
  "specs.line": ["第 {n} 行", "line {n}"],
  "specs.mine": ["自定义", "yours"],
  "specs.override": ["自定义（替换内置）", "yours (replaces built-in)"],
  "specs.duplicate": ["复制并修改", "Duplicate"],
  "specs.edit": ["修改", "Edit"],
  "specs.export": ["导出", "Export"],
  "specs.delete": ["删除", "Delete"],
  "specs.confirmDelete": ["再点一次删除", "Click again to delete"],
  "specs.newTitle": ["新规格", "New profile"],
  "specs.editTitle": ["修改规格", "Edit profile"],
  "specs.save": ["保存规格", "Save profile"],
  "specs.valid": ["✓ 规格有效，可以保存", "✓ The profile is valid and can be saved"],
  "specs.invalid": ["✗ 规格有误", "✗ The profile has a problem"],
  "specs.wholeNumber": ["请填写不小于 0 的整数", "Enter a whole number, 0 or more"],
  "specs.positive": ["请填写不小于 0 的数", "Enter a number, 0 or more"],
  "specs.idTaken": ["这个编号已被使用，请换一个", "This id is taken: choose another"],
  "specs.saved": ["已保存规格", "Saved profile"],
  "specs.deleted": ["已删除规格", "Deleted profile"],
  "specs.exported": ["已导出到", "Exported to"],
  "specs.imported": ["已导入", "Imported"],
  "specs.f.id": ["编号（字母、数字、-）", "Id (letters, digits, -)"],
  "specs.f.version": ["版本", "Version"],
  "specs.f.kind": ["类型", "Kind"],
  "specs.f.titleZh": ["中文名称", "Name (Chinese)"],
  "specs.f.titleEn": ["英文名称", "Name (English)"],
  "specs.f.rule": ["像素规则", "Pixel rule"],
  "specs.f.width": ["宽（像素）", "Width (px)"],
  "specs.f.height": ["高（像素）", "Height (px)"],
  "specs.f.exportW": ["输出宽", "Output width"],
  "specs.f.exportH": ["输出高", "Output height"],
  "specs.f.dpi": ["分辨率 DPI", "DPI"],
  "specs.f.minKb": ["最小 KB", "Min KB"],
  "specs.f.maxKb": ["最大 KB", "Max KB"],
  "specs.f.colour": ["色彩", "Colour"],
  "specs.f.background": ["背景", "Background"],
  "specs.f.upscale": ["允许放大小图", "Allow upscaling"],
  "specs.f.pagesMin": ["最少页数", "Min pages"],
  "specs.f.pagesMax": ["最多页数", "Max pages"],
  "specs.f.layout": ["多页排列", "Page layout"],
  "specs.f.source": ["来源", "Source"],
  "specs.f.region": ["地区代码", "Region"],
  "specs.f.confidence": ["可信度", "Confidence"],
  "specs.f.date": ["日期", "Date"],
  "specs.f.notesZh": ["说明（中文）", "Notes (Chinese)"],
  "specs.f.notesEn": ["说明（英文）", "Notes (English)"],
  "kind.photo": ["证件照", "ID photo"],
  "kind.document": ["扫描件", "Scan"],
  "rule.exact": ["正好", "exactly"],
  "rule.min": ["至少", "at least"],
  "rule.any": ["不限", "any"],
  "colour.colour": ["彩色", "colour"],
  "colour.grey": ["灰度", "grey"],
  "colour.either": ["均可", "either"],
  "bg.any": ["不限", "any"],
  "bg.white": ["白色", "white"],
  "bg.blue": ["蓝色", "blue"],
  "bg.red": ["红色", "red"],
  "layout.stacked": ["上下排列", "stacked"],
  "layout.side": ["左右排列", "side by side"],
  "settings.lang": ["界面语言", "Language"],
  "settings.output": ["默认输出文件夹", "Default output folder"],
  "settings.besideSource": ["与原图同一文件夹", "Beside the original"],
  "settings.choose": ["选择…", "Choose…"],
  "settings.clear": ["恢复默认", "Reset"],
  "settings.threads": ["批量处理线程数", "Batch threads"],
  "settings.threadsHint": ["0 表示自动（本机 {n} 核）", "0 means automatic ({n} cores here)"],
  "settings.badThreads": ["线程数应为 0 到 256 的整数", "Threads must be a whole number from 0 to 256"],
  "settings.saved": ["设置已保存", "Settings saved"],
  "settings.unreadable": ["设置文件无法读取，已使用默认设置：", "The settings file could not be read; using the defaults:"],
  "settings.mode": ["运行方式", "Mode"],
  "settings.portable": ["便携版（数据保存在程序旁的 caiji-data 文件夹）", "Portable (data in caiji-data beside the program)"],
  "settings.installed": ["安装版（数据保存在用户目录）", "Installed (data in your user folder)"],
  "settings.dataDir": ["数据文件夹", "Data folder"],
  "settings.specsDir": ["自定义规格", "Your profiles"],
  "settings.logDir": ["日志（不含身份证号等个人信息）", "Logs (no ID numbers or other personal data)"],
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
  "batch.face": ["按人脸裁剪", "Frame from faces"],
  "batch.faceTip": ["照片按规格的头部比例自动裁剪；找不到合适人脸的列为失败，需人工处理", "Photos are framed from the face by the spec's head rules; those without a usable face are listed as failed for a person to handle"],
  "photo.auto": ["按人脸裁剪", "Frame from face"],
  "photo.autoTip": ["按规格的头部比例自动放置裁剪框", "Place the box from the face by the spec's head rules"],
  "photo.whiten": ["换白底", "White background"],
  "photo.whitenTip": ["把纯色背景换成规格要求的颜色（部分平台不接受修改过背景的照片）", "Replace a plain background by the spec's colour (some portals refuse edited backgrounds)"],
  "photo.guides": ["辅助线", "Guides"],
  "photo.framed": ["已按人脸自动裁剪：头部占照片高度 {h}%。可拖动裁剪框微调。", "Framed from the face: the head is {h}% of the height. Drag the box to adjust."],
  "photo.levelled": [" 头部倾斜 {r}°，输出时自动扶正。", " The head is tilted {r}°: levelled in the output."],
  "photo.frameFail": ["无法按人脸自动裁剪：", "Cannot frame from the face: "],
  "photo.frameManual": ["已改为居中裁剪，请手动调整或换一张照片。", "The box is centred instead: adjust it by hand or use another photo."],
  "photo.before": ["换底前", "Before"],
  "photo.after": ["换底后", "After"],
  "guide.crown": ["头顶", "crown"],
  "guide.chin": ["下巴", "chin"],
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

/** A text in both languages, shaped like the backend's messages. */
export function both(key: string): { zh: string; en: string } {
  const e = dict[key] ?? [key, key];
  return { zh: e[0], en: e[1] };
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
