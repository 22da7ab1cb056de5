// Simplified Chinese by default, English as a switch. Every text is one entry, [Chinese,
// English]: an entry without both fails `tsc`, and so does `t()` with a key not in the table
// (`Key` is derived from it; keys built at run time are template literal types over unions).
export type Lang = "zh" | "en";

const dict = {
  "app.name": ["会计信息采集助手", "Caiji"],
  "nav.photo": ["证件照", "ID photo"],
  "nav.check": ["检查", "Check"],
  "nav.specs": ["规格", "Specs"],
  "nav.batch": ["批量", "Batch"],
  "nav.scan": ["扫描件", "Scans"],
  "nav.settings": ["设置", "Settings"],
  ok: ["确定", "OK"],
  sep: ["，", ", "],
  "tech.show": ["技术细节", "Technical details"],
  bytes: ["字节", "bytes"],
  sep2: ["；", "; "],
  colon: ["：", ": "],
  cancel: ["取消", "Cancel"],
  close: ["关闭", "Close"],
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
  "settings.threads": ["批量时同时处理张数", "Photos processed at once in a batch"],
  "settings.threadsHint": ["0 表示自动（本机 {n} 核）", "0 means automatic ({n} cores here)"],
  "settings.badThreads": ["同时处理张数应为 0 到 256 的整数", "Enter a whole number from 0 to 256"],
  "settings.saved": ["设置已保存", "Settings saved"],
  "settings.unreadable": ["设置文件无法读取，已使用默认设置：", "The settings file could not be read; using the defaults:"],
  "settings.mode": ["运行方式", "Mode"],
  "settings.portable": ["便携版（数据保存在程序旁的 caiji-data 文件夹）", "Portable (data in caiji-data beside the program)"],
  "settings.installed": ["安装版（数据保存在用户目录）", "Installed (data in your user folder)"],
  "settings.openDir": ["打开", "Open"],
  "settings.dataDir": ["数据文件夹", "Data folder"],
  "settings.specsDir": ["自定义规格", "Your profiles"],
  "settings.logDir": ["日志（不含身份证号等个人信息）", "Logs (no ID numbers or other personal data)"],
  "scan.add": ["添加页面…", "Add pages…"],
  "scan.pages": ["页面（按顺序合成一张）", "Pages (merged into one image, in order)"],
  "scan.hint": ["身份证：正面在前、反面在后；多页证明按页序排列。", "ID card: front first, then back; multi-page proofs in page order."],
  "scan.replace": ["扫描件工具里已有页面。换成这个文件吗？（原来的页面会被移除）", "The scan tool has pages already. Replace them with this file? (They will be removed.)"],
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
  "batch.hint": ["原图不会被修改。按身份证号命名时，身份证号取自原文件名（如“张三_150102199003071237.jpg”）。自定义命名可用 {stem} 原文件名、{id} 身份证号、{n} 序号。", "Originals are never modified. Naming by ID number takes the ID from the file's name (e.g. \"Zhang San_150102199003071237.jpg\"). A custom name may use {stem} (source name), {id} (ID number), {n} (number)."],
  "batch.openFailed": ["点击在工具中打开，手动处理", "Click to open it in the tool and make it by hand"],
  "batch.nameStem": ["原文件名", "Source file name"],
  "batch.nameId": ["身份证号", "ID number"],
  "batch.nameN": ["序号（0001、0002…）", "Number (0001, 0002…)"],
  "batch.nameCustom": ["自定义…", "Custom…"],
  "batch.files": ["{n} 个文件", "{n} files"],
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
  "verdict.ok": ["可以上传", "Ready to upload"],
  "verdict.bad": ["不合格：", "Not accepted: "],
  "verdict.more": ["（另有 {n} 项不合格，见下方清单）", " ({n} more in the list below)"],
  "photo.whitenFailed": ["换白底没有成功，已取消勾选：", "The background could not be replaced, so it is off again: "],
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
  "check.fixPhoto": ["用证件照工具改好它", "Fix it in the photo tool"],
  "check.fixScan": ["用扫描件工具改好它", "Fix it in the scan tool"],
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
  "conf.tip.confirmed": ["数值来自官方公布的要求", "The figures are the official published ones"],
  "conf.tip.third-party": ["⚠ 数值来自第三方整理，未见官方原文：上传前请以门户页面为准", "⚠ The figures come from a third party, not the official text: check the portal's page before uploading"],
  "conf.tip.unconfirmed": ["⚠ 数值尚未核实：上传前请以门户页面上的要求为准", "⚠ The figures are not verified: check the portal's own page before uploading"],
  "anyPixels": ["像素不限", "any pixels"],
  "nav.filing": ["填报", "Filing"],
  "nav.unit": ["单位", "Unit"],
  "sync.sendSel": ["上报", "Send"],
  "sync.sendSelTip": ["上报勾选的填报（未勾选则全部已定稿的）到线上系统", "Send the ticked filings (all finalized ones if none) to the online system"],
  "sync.send": ["上报", "Send"],
  "sync.nothingToSend": ["没有可上报的填报：先勾选，或先把填报定稿", "Nothing to send: tick filings, or finalize some first"],
  "sync.resend": ["重新上报", "Send again"],
  "sync.sendTip": ["放入待上报，连上服务器就发送；发送前会先传附件，断线后从断点续传", "Queue it: it goes out when the server is reachable, attachments first, resuming after a break"],
  "sync.failedWhy": ["未被接收：", "Not taken: "],
  "sync.none": ["尚未连接线上系统：填报可先定稿、放入待上报，连接后自动发送。", "Not connected to the online system: finalize and queue filings now, they go out once connected."],
  "sync.signedOut": ["未登录 {server}：待上报的填报会在登录后发送。", "Signed out of {server}: queued filings go out after you sign in."],
  "sync.kind.person": ["个人", "Person"],
  "sync.kind.unit": ["单位", "Unit"],
  "sync.kind.authority": ["审核机关", "Authority"],
  "sync.n.queued": ["待上报", "Queued"],
  "sync.n.sent": ["审核中", "In review"],
  "sync.n.returned": ["已退回", "Returned"],
  "sync.n.failed": ["未接收", "Not taken"],
  "sync.last": ["上次同步 {t}", "Last sync {t}"],
  "sync.retry": ["{t} 重试", "retry at {t}"],
  "sync.now": ["立即同步", "Sync now"],
  "sync.running": ["正在同步…", "Syncing…"],
  "sync.accountBtn": ["账号…", "Account…"],
  "sync.connect": ["连接服务器…", "Connect…"],
  "sync.r.sent": ["已上报 {n} 份", "{n} sent"],
  "sync.r.reviewed": ["{n} 份有审核结果", "{n} reviewed"],
  "sync.r.pulled": ["从服务器取回 {n} 份", "{n} fetched from the server"],
  "sync.r.failed": ["{n} 份未被接收", "{n} not taken"],
  "sync.r.retrying": ["{n} 份稍后重试", "{n} to retry"],
  "sync.r.nothing": ["已同步，没有新变化", "In sync: nothing new"],
  "sync.queued": ["已放入待上报 {n} 份，正在发送", "{n} queued, sending now"],
  "sync.queuedOffline": ["已放入待上报 {n} 份；尚未登录，登录后自动发送", "{n} queued; not signed in: they go out after you sign in"],
  "sync.skipped": ["未放入：", "Not queued: "],
  "sync.title": ["连接线上系统", "Connect to the online system"],
  "sync.intro": ["填写财政部门提供的服务器地址。密码只用于登录，不保存在本机。", "Enter the server address your finance authority gives. The password is only used to sign in and is not kept."],
  "sync.login": ["登录", "Sign in"],
  "sync.register": ["注册新账号", "Register"],
  "sync.server": ["服务器地址", "Server address"],
  "sync.kind": ["账号类型", "Account type"],
  "sync.person": ["个人（居民身份证号码）", "Person (resident ID number)"],
  "sync.unitKind": ["单位（统一社会信用代码）", "Unit (unified social credit code)"],
  "sync.account": ["账号（身份证号码或统一社会信用代码）", "Account (ID number or credit code)"],
  "sync.name": ["姓名或单位名称", "Name or unit name"],
  "sync.password": ["密码（至少 8 位）", "Password (8 characters or more)"],
  "sync.go": ["登录", "Sign in"],
  "sync.registerGo": ["注册并登录", "Register and sign in"],
  "sync.signOut": ["退出登录", "Sign out"],
  "sync.connecting": ["正在连接…", "Connecting…"],
  "sync.signedIn": ["已登录：{name}", "Signed in: {name}"],
  "sync.conflictTitle": ["服务器上已有第 {n} 版（{state}），与本机的不同：", "The server holds revision {n} ({state}), different from this one:"],
  "sync.remote.submitted": ["审核中", "in review"],
  "sync.remote.accepted": ["已通过", "accepted"],
  "sync.remote.returned": ["已退回", "returned"],
  "sync.field": ["项目", "Field"],
  "sync.mine": ["本机", "This computer"],
  "sync.theirs": ["服务器", "Server"],
  "sync.sameData": ["内容相同", "Same content"],
  "sync.keepMine": ["保留本机的，重新上报", "Keep mine and send it"],
  "sync.takeTheirs": ["改用服务器上的", "Take the server's"],
  "sync.keptMine": ["已保留本机的版本，正在重新上报", "Kept this version: sending it again"],
  "sync.tookTheirs": ["已改用服务器上的版本", "Took the server's version"],
  "sync.reset": ["找回密码", "Forgot password"],
  "sync.code": ["重置码（向所在单位或审核机构索取）", "Reset code (ask your unit or the reviewing authority)"],
  "sync.newPassword": ["新密码（至少 8 位）", "New password (8 characters or more)"],
  "sync.resetGo": ["重设密码并登录", "Set the password and sign in"],
  "sync.resetDone": ["密码已重设，其他电脑上的登录已全部失效。已登录：{name}", "Password set; every other computer is signed out. Signed in: {name}"],
  "sync.unverified": ["账号未验证", "Not verified"],
  "sync.verifyIntro": [
    "账号尚未验证：服务器上只能看到本账号自己提交的填报，看不到单位为您报送的内容。请向所在单位（或审核机构）索取激活码，在此输入。",
    "This account is not verified yet: the server shows it only what it filed itself, not what your unit filed for you. Ask your unit (or the reviewing authority) for an activation code and enter it here.",
  ],
  "sync.verifyCode": ["激活码", "Activation code"],
  "sync.verifyGo": ["验证账号", "Verify the account"],
  "sync.verifiedNow": ["账号已验证：单位为您报送的填报会在同步后出现", "Account verified: what your unit filed for you comes in with the next sync"],
  "unit.account": ["账号", "Account"],
  "unit.activate": ["激活码", "Activation"],
  "unit.resetCode": ["重置码", "Reset"],
  "unit.codeTip": ["为本人发放一次性验证码：激活码用于验证账号，重置码用于找回密码", "Issue a one-time code for this person: activation verifies their account, reset sets a new password"],
  "code.activate.title": ["账号激活码", "Account activation code"],
  "code.reset.title": ["密码重置码", "Password reset code"],
  "code.for": ["发给：{name}（{id}）", "For: {name} ({id})"],
  "code.until": ["有效期至 {t}，只能使用一次；再次发放后此码作废。", "Good until {t}, once; issuing another voids this one."],
  "code.activate.how": [
    "请本人登录会计信息采集助手后，点“账号…”，在“激活码”处输入。验证后即可看到单位为其报送的填报。请当面或电话交给本人，勿转交他人。",
    "They sign in to Caiji, open “Account…” and enter it under “Activation code”; then they see what the unit filed for them. Hand it to them in person or by phone, to no one else.",
  ],
  "code.reset.how": [
    "请本人在会计信息采集助手中点“连接服务器…”→“找回密码”，输入身份证号码、此重置码和新密码。重设后，该账号在所有电脑上的登录都会失效。请当面或电话交给本人。",
    "They open “Connect…” → “Forgot password” in Caiji and enter their ID number, this code and a new password. Every computer signed in to the account is then signed out. Hand it to them in person or by phone.",
  ],
  "code.print": ["打印", "Print"],
  "state.draft": ["草稿", "Draft"],
  "state.finalized": ["已定稿", "Finalized"],
  "state.queued": ["待上报", "Queued"],
  "state.sent": ["已上报", "Sent"],
  "state.accepted": ["已通过", "Accepted"],
  "state.returned": ["已退回", "Returned"],
  "state.failed": ["上报失败", "Failed"],
  "filing.new": ["＋ 新建填报…", "+ New filing…"],
  "filing.import": ["导入…", "Import…"],
  "filing.export": ["导出…", "Export…"],
  "filing.exportTip": ["导出勾选的填报（未勾选则全部），含附件，可用 U 盘带到另一台电脑导入", "Export the ticked filings (all if none), with attachments, to carry to another computer"],
  "filing.search": ["搜索姓名、表单、证件号", "Search name, form, ID"],
  "filing.allStates": ["全部状态", "All states"],
  "filing.count": ["{n} / {all} 份", "{n} of {all}"],
  "filing.none": ["还没有填报。从上方“新建填报”开始。", "No filings yet. Start with \"New filing\" above."],
  "filing.noMatch": ["没有符合条件的填报", "Nothing matches"],
  "filing.toFix": ["处待改", "to fix"],
  "filing.problemsTip": ["还有需要修改的地方，改完才能定稿", "Problems left: fix them to finalize"],
  "filing.pickOne": ["在左侧选择一份填报，或新建一份。每次输入都会自动保存。", "Pick a filing on the left or start a new one. Every keystroke is saved."],
  "filing.pick": ["请选择", "Choose"],
  "filing.yes": ["是", "Yes"],
  "filing.datePh": ["年-月-日，如 1990-03-07", "YYYY-MM-DD, e.g. 1990-03-07"],
  "filing.monthPh": ["年-月，如 2020-01", "YYYY-MM, e.g. 2020-01"],
  "filing.pickAbove": ["先选上一级", "Choose the level above first"],
  "filing.serverBaseline": ["服务器上管理机构的记录：{y} 年及以前在册、状态良好", "The authority's record on the server: on file and in good standing up to {y}"],
  "filing.noLevelBelow": ["无下一级，不必选择", "Nothing below: no choice needed"],
  "filing.madeTo": ["规格", "Spec"],
  "filing.makePhoto": ["用证件照工具制作…", "Make with the photo tool…"],
  "filing.makeScan": ["用扫描件工具制作…", "Make with the scan tool…"],
  "filing.remake": ["重新制作…", "Make again…"],
  "filing.clear": ["移除", "Remove"],
  "filing.fixedTip": ["登记后不能变更", "Cannot change once registered"],
  "filing.finalize": ["定稿", "Finalize"],
  "filing.reopen": ["重新编辑", "Edit again"],
  "filing.change": ["信息变更", "Change"],
  "filing.changeTip": ["据此填报新建一份信息变更（姓名、证件号码、首次从事会计工作时间不可变更）", "Start a change filing from this one (name, ID number and first work date stay fixed)"],
  "filing.exportOne": ["导出", "Export"],
  "filing.delete": ["删除", "Delete"],
  "filing.deleteConfirm": ["删除这份填报？删除后不能恢复。", "Delete this filing? This cannot be undone."],
  "filing.returned": ["退回原因：", "Returned: "],
  "filing.entry": ["第 {n} 条", "Entry {n}"],
  "filing.removeEntry": ["删除此条", "Remove"],
  "filing.addEntry": ["添加", "Add "],
  "filing.left": ["还有 {n} 处需要修改，改完才能定稿。", "{n} problems left: fix them to finalize."],
  "filing.goFirst": ["转到第一处", "Go to the first"],
  "filing.ready": ["已检查通过，可以定稿。", "All checks pass: ready to finalize."],
  "filing.is.finalized": ["已定稿。点“上报”发送到线上系统；需要修改时点“重新编辑”。", "Finalized. \"Send\" files it with the online system; \"Edit again\" to change it."],
  "filing.is.queued": ["已排队，连上服务器就自动上报；排队期间不能修改。", "Queued: it goes out as soon as the server is reachable, and cannot be edited meanwhile."],
  "filing.is.sent": ["已上报，等待审核。", "Sent, awaiting review."],
  "filing.is.accepted": ["审核已通过。", "Accepted."],
  "filing.is.returned": ["已被退回：按上方的退回原因修改，改动后即可重新定稿、上报。", "Returned: change it as the reason above says; once changed it can be finalized and sent again."],
  "filing.is.failed": ["服务器没有接收这份填报，原因见上方。需要改填报时直接修改，改后重新定稿、上报；原因与内容无关时可直接重新上报。", "The server did not take this filing (see why above). If the filing needs changing, edit it, then finalize and send it again; otherwise just send it again."],
  "filing.saved": ["已自动保存", "Saved"],
  "filing.finalized": ["已定稿", "Finalized"],
  "filing.standing": ["本人状态", "Standing"],
  "filing.baseline": ["线上系统中本人记录完整、状态正常至", "On file and in good standing in the online system up to"],
  "filing.baselineUnit": ["年", ""],
  "filing.baselineSave": ["确认", "Confirm"],
  "filing.baselineClear": ["撤销", "Withdraw"],
  "filing.baselineHint": ["在线上系统查看本人状态后填写；此后各年以本机的填报为准。", "After looking up your standing in the online system; later years are judged from the filings here."],
  "filing.years": ["会计工作年限 {n} 年", "{n} years of accounting work"],
  "filing.yearsAtLeast": ["会计工作年限至少 {n} 年（部分年度本机没有记录）", "At least {n} years of accounting work (some years have no record here)"],
  "filing.laterHistory": ["履历申报以后的年度（系统按在岗和调动自动填写）：", "Years after the declared history (filled in from post and transfers): "],
  "filing.inPost": ["在岗", "in post"],
  "filing.notInPost": ["非在岗", "not in post"],
  "filing.postUnknown": ["本机无记录", "no record here"],
  "filing.nothingOwed": ["今年没有待办事项", "Nothing owed this year"],
  "filing.standingFrom": ["依据本机已定稿的 {n} 份填报判断", "Judged from {n} finalized filings on this computer"],
  "filing.exported": ["已导出 {n} 份填报到 ", "Exported {n} filings to "],
  "filing.imported": ["已读取 {n} 份填报：", "Read {n} filings: "],
  "filing.pickSome": ["请先勾选要导出的填报", "Tick the filings to export first"],
  "filing.recoverTitle": ["上次没有正常退出。", "The app did not close normally last time."],
  "filing.recoverText": ["以下 {n} 份填报的每次输入都已自动保存，可以继续填写：", "Every keystroke of these {n} filings was saved; carry on:"],
  "filing.recoverOk": ["知道了", "OK"],
  "attach.for": ["正在为“{label}”制作附件（{spec}）", "Making the attachment for \"{label}\" ({spec})"],
  "attach.go": ["放入填报", "Attach to the filing"],
  "attach.cancel": ["不放入", "Cancel"],
  "attach.done": ["已放入填报", "Attached"],
  "unit.unit": ["单位", "Unit"],
  "unit.add": ["添加单位…", "Add a unit…"],
  "unit.pick": ["选择单位", "Choose a unit"],
  "unit.noneYet": ["还没有单位，请先添加", "No unit yet: add one"],
  "unit.hint": ["单位财务部门可以在这里维护本单位会计人员名单（从 Excel 或 CSV 导入）、为每人建立填报、一次性完成年度考评。", "A unit's finance office keeps its accountants here: import the roster from Excel or CSV, start each person's filings, assess everyone at once."],
  "unit.uscc": ["统一社会信用代码", "Unified social credit code"],
  "unit.name": ["姓名", "Name"],
  "unit.unitName": ["单位名称", "Unit name"],
  "unit.city": ["管理地区：盟市", "Region: league or city"],
  "unit.county": ["管理地区：旗县（市、区）", "Region: banner or county"],
  "unit.direct": ["自治区直属", "Directly under the region"],
  "unit.pickCity": ["请选择盟市", "Choose the league or city"],
  "unit.pickCounty": ["请选择旗县（市、区）", "Choose the banner or county"],
  "unit.cityLevel": ["盟市本级", "The league or city itself"],
  "unit.needRegion": ["请选择管理地区（盟市，及旗县或“盟市本级”）", "Choose the region (the league or city, then the county or \"the league or city itself\")"],
  "unit.saved": ["单位已保存", "Unit saved"],
  "unit.importRoster": ["导入名单…", "Import roster…"],
  "unit.template": ["下载名单模板…", "Roster template…"],
  "unit.templateName": ["会计人员名单", "accountants roster"],
  "unit.templateSaved": ["模板已保存到 ", "Template saved to "],
  "unit.export": ["导出本单位…", "Export the unit…"],
  "unit.rosterDone": ["名单共 {rows} 行：新增 {added} 人，更新 {updated} 人，{bad} 行有问题未导入", "{rows} rows: {added} added, {updated} updated, {bad} rows with problems not imported"],
  "unit.line": ["行号", "Line"],
  "unit.reasons": ["问题", "Problems"],
  "unit.fixAndReimport": ["在名单文件中改正这些行后再导入一次即可（已导入的人会更新，不会重复）。", "Fix these rows in the file and import it again (people already in are updated, not duplicated)."],
  "unit.bulk": ["年度考评", "Annual assessment"],
  "unit.year": ["年度", "Year"],
  "unit.grade": ["默认等次", "Default grade"],
  "unit.assessor": ["会计机构负责人", "Head of accounting"],
  "unit.date": ["考评日期", "Date"],
  "unit.bulkGo": ["为全部人员生成考评", "Assess everyone"],
  "unit.bulkDone": ["已为 {n} 人生成考评草稿（{m} 人已有，未改动）；可逐人调整等次", "Assessment drafts made for {n} people ({m} had one already); adjust grades one by one"],
  "unit.finalizeReady": ["无误的考评全部定稿", "Finalize the complete ones"],
  "unit.finalizedN": ["已定稿 {n} 份", "{n} finalized"],
  "unit.id": ["证件号码", "ID number"],
  "unit.sex": ["性别", "Sex"],
  "unit.post": ["岗位", "Post"],
  "unit.mobile": ["手机", "Mobile"],
  "unit.entry": ["聘任入库备案", "Entry by the unit"],
  "unit.byPerson": ["待本人填报", "Filed by the person"],
  "unit.byPersonTip": ["信息采集由会计人员本人填报；单位办理聘任入库备案、年度考评", "Collection is filed by the accountant in person; the unit files the entry and the assessment"],
  "unit.collection": ["信息采集", "Collection"],
  "unit.assessment": ["年度考评", "Assessment"],
  "unit.start": ["新建", "Start"],
  "unit.noStaff": ["名单为空：点“导入名单”", "No staff yet: import the roster"],
} satisfies Record<string, readonly [zh: string, en: string]>;

/** A text's key in the table. */
export type Key = keyof typeof dict;

/** Whether a string met at run time (a `data-t` attribute) is a key of the table. */
export function isKey(s: string): s is Key {
  return Object.hasOwn(dict, s);
}

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

export function t(key: Key): string {
  // A value from the backend outside its declared union still shows something.
  const e: readonly [string, string] | undefined = dict[key];
  if (!e) return key;
  return lang === "zh" ? e[0] : e[1];
}

/** A text in both languages, shaped like the backend's messages. */
export function both(key: Key): { zh: string; en: string } {
  const e: readonly [string, string] = dict[key] ?? [key, key];
  return { zh: e[0], en: e[1] };
}

/** The text of a key met at run time (markup attributes); an unknown one shows as itself. */
function textOf(key: string): string {
  return isKey(key) ? t(key) : key;
}

/** Both-language messages from the backend ({zh, en}). */
export function pick(m: { zh: string; en: string }): string {
  return lang === "zh" ? m.zh : m.en;
}

export function applyTexts() {
  document.querySelectorAll<HTMLElement>("[data-t]").forEach((el) => (el.textContent = textOf(el.dataset.t!)));
  document.querySelectorAll<HTMLElement>("[data-t-title]").forEach((el) => (el.title = textOf(el.dataset.tTitle!)));
  document.querySelectorAll<HTMLInputElement>("[data-t-placeholder]").forEach((el) => (el.placeholder = textOf(el.dataset.tPlaceholder!)));
  document.title = t("app.name");
  const b = document.getElementById("lang");
  if (b) b.textContent = lang === "zh" ? "English" : "中文";
}

/** Sizes as the portals say them: the same rule as caiji_base::i18n (size_limit, size_in,
 * size_against). A limit within a byte of a whole number of MB or KB (1024 or 1000 to the KB:
 * profiles store the stricter, 不超过20KB as 20000) is named as that number ("20 KB"); a measured
 * size is written in the unit of the limit it is held against, so that a file over "20 KB" never
 * reads 19.7 KB. Integer arithmetic, halves rounded up, as in Rust. */
export function limitSize(n: number): { text: string; unit: number } {
  for (const [name, unit, scale] of [["MB", 1024, 1048576], ["MB", 1000, 1000000], ["KB", 1024, 1024], ["KB", 1000, 1000]] as const) {
    const k = Math.floor((n + Math.floor(scale / 2)) / scale);
    if (k >= 1 && Math.abs(n - k * scale) <= 1) return { text: `${k} ${name}`, unit };
  }
  return { text: kb(n), unit: 1024 };
}

/** A size in a unit (1000 or 1024 to the KB), one decimal, rounded to the nearest (or up, or
 * down: a size outside its limits never reads as the limit it fails). */
export function kb(n: number, unit = 1024, round: "nearest" | "up" | "down" = "nearest"): string {
  const u = unit === 1000 ? 1000 : 1024;
  const tenth = (scale: number) => {
    const add = round === "up" ? scale - 1 : round === "down" ? 0 : Math.floor(scale / 2);
    const t = Math.floor((n * 10 + add) / scale);
    return `${Math.floor(t / 10)}.${t % 10}`;
  };
  if (n < u) return `${n} B`;
  if (n < u * u) return `${tenth(u)} KB`;
  return `${tenth(u * u)} MB`;
}

/** A measured size against a spec's limits: in the unit of the limit it is nearest to failing
 * (the minimum's when under it, else the maximum's, else the minimum's), rounded away from a
 * limit it fails. */
export function sizeAgainst(n: number, b: { min?: number | null; max?: number | null }): string {
  if (b.min && n < b.min) return kb(n, limitSize(b.min).unit, "down");
  if (b.max && n > b.max) return kb(n, limitSize(b.max).unit, "up");
  const lim = b.max ?? b.min;
  return kb(n, lim ? limitSize(lim).unit : 1024);
}

/** The exact count, for details: "20,000 字节". */
export function bytesText(n: number): string {
  return `${n.toLocaleString("en-US")} ${t("bytes")}`;
}
