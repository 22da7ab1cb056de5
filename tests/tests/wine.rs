//! Windows (issue 18), built here by `scripts/windows.sh` (the test command runs it first) and
//! tried under wine as a user would: the installer installs `caiji.exe` and `caiji-app.exe` for
//! the user and its uninstaller removes them; the green zip runs from a USB stick; and the
//! installed `caiji.exe` on paths with Chinese names and spaces — a D: drive, `%APPDATA%\caiji`
//! —, its outputs read by the same independent readers as on Linux.
use caiji_tests::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The repository's `target` folder.
fn target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("target")
}

/// What `scripts/windows.sh` made: `dist/caiji-<version>-windows-x64-<what>`.
fn dist(what: &str) -> PathBuf {
    let p = target().parent().unwrap().join("dist").join(format!("caiji-{}-windows-x64-{what}", env!("CARGO_PKG_VERSION")));
    assert!(p.exists(), "{} is missing: `bash scripts/windows.sh` builds it (the test command does)", p.display());
    p
}

/// A helper of the tests built by `scripts/windows.sh` into target/wine (tests/wine).
fn helper(name: &str) -> PathBuf {
    let p = target().join("wine").join(name);
    assert!(p.exists(), "{} is missing: `bash scripts/windows.sh` builds it", p.display());
    p
}

/// A wine prefix (kept in target/wine) with drive D: on target/wine/d.
struct Wine {
    prefix: PathBuf,
    d: PathBuf,
}

/// The prefix most tests share, with the installer run in it once (silently, as an IT
/// department would): they run the installed `caiji.exe`.
fn wine() -> &'static Wine {
    static W: OnceLock<Wine> = OnceLock::new();
    W.get_or_init(|| {
        let w = Wine::new("prefix");
        let o = w.run(&dist("setup.exe"), &["/S"]);
        assert!(o.status.success(), "the installer: {}", text(&o));
        assert!(w.installed().join("caiji.exe").exists(), "installed into {}", w.installed().display());
        w
    })
}

/// The `caiji.exe` the installer put into the shared prefix.
fn installed_caiji() -> PathBuf {
    wine().installed().join("caiji.exe")
}

/// A prefix of its own (a machine of its own), for a test that would disturb others: one that
/// empties %APPDATA%\caiji, or sends Ctrl-C.
fn own_wine(name: &str) -> Wine {
    installed_caiji();
    Wine::new(name)
}

impl Wine {
    /// The prefix `target/wine/<name>`, made when missing.
    fn new(name: &str) -> Wine {
        let root = target().join("wine");
        let w = Wine { prefix: root.join(name), d: root.join("d") };
        std::fs::create_dir_all(&w.d).unwrap();
        if !w.prefix.join("system.reg").exists() {
            let o = w.cmd("wineboot", &["--init"]).output().unwrap();
            assert!(o.status.success(), "wineboot: {}", String::from_utf8_lossy(&o.stderr));
        }
        // Wine 8 lacks bcryptprimitives.dll (Rust's random bytes on Windows 10+): the stand-in
        // scripts/windows.sh builds from tests/wine (never shipped).
        let shim = w.prefix.join("drive_c/windows/system32/bcryptprimitives.dll");
        if !shim.exists() {
            std::fs::copy(helper("bcryptprimitives.dll"), &shim).unwrap();
        }
        let link = w.prefix.join("dosdevices/d:");
        if std::fs::read_link(&link).ok().as_deref() != Some(w.d.as_path()) {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&w.d, &link).unwrap();
        }
        w
    }

    /// `wine program args…` in the prefix, quiet, with no display (console programs only).
    fn cmd(&self, program: &str, args: &[&str]) -> Command {
        let mut c = Command::new("wine");
        c.arg(program)
            .args(args)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree=;mshtml=")
            .env_remove("DISPLAY")
            .env_remove("CAIJI_DATA_DIR")
            .env_remove("CAIJI_SPECS_DIR");
        c
    }

    /// A fresh folder on drive D: for one test: (its Linux path, its Windows path `D:\name`).
    fn folder(&self, name: &str) -> (PathBuf, String) {
        let p = self.d.join(name);
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        (p, format!("D:\\{name}"))
    }

    /// `caiji.exe args…` as the shared prefix installed it, run in this prefix.
    fn caiji(&self, args: &[&str]) -> Output {
        self.run(&installed_caiji(), args)
    }

    fn run(&self, exe: &Path, args: &[&str]) -> Output {
        self.cmd(exe.to_str().unwrap(), args).output().unwrap()
    }

    /// Waits until every program in the prefix has ended (an uninstaller runs on from a copy
    /// of itself after the one started has returned).
    fn wait_all(&self) {
        let s = Command::new("wineserver").arg("-w").env("WINEPREFIX", &self.prefix).status().unwrap();
        assert!(s.success());
    }

    /// Holds `what` (a file, or `--mutex NAME`) as another program would, until dropped.
    fn hold(&self, what: &[&str]) -> Held {
        let mut child = self.cmd(helper("hold-open.exe").to_str().unwrap(), what).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
        assert_eq!(line.trim(), "open", "holding {what:?}");
        Held(child)
    }

    /// The signed-in user's folder in the prefix, as a Linux path.
    fn home(&self) -> PathBuf {
        let users = self.prefix.join("drive_c/users");
        std::fs::read_dir(&users).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).find(|p| !p.ends_with("Public")).unwrap()
    }

    /// The prefix's %APPDATA% as a Linux path.
    fn appdata(&self) -> PathBuf {
        self.home().join("AppData/Roaming")
    }

    /// Where the installer puts the programs by default: %LOCALAPPDATA%\Programs\Caiji.
    fn installed(&self) -> PathBuf {
        self.home().join("AppData/Local/Programs/Caiji")
    }
}

/// Another program holding a file or a mutex; lets go when dropped.
struct Held(std::process::Child);

impl Drop for Held {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

fn text(o: &Output) -> String {
    format!("{}: {}{}", o.status, String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// `caiji` on Linux, for comparison.
fn linux(args: &[&str]) -> Output {
    Command::new(caiji_bin()).args(args).env_remove("CAIJI_SPECS_DIR").output().unwrap()
}

#[test]
fn a_sideways_phone_photo_in_a_chinese_folder_becomes_a_national_photo() {
    let w = wine();
    let (dir, win) = w.folder("照片");
    let name = "张三 150102199003071237";
    std::fs::write(dir.join(format!("{name}.jpg")), phone_jpeg_12mp()).unwrap();
    let input = format!("{win}\\{name}.jpg");
    let output = format!("{win}\\{name} 证件照.jpg");
    let o = w.caiji(&["--json", "prepare", &input, "--spec", "nat-photo", "-o", &output]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(json(&o)["report"]["passed"], true, "{}", text(&o));
    // Read back on Linux by an independent decoder: 295×413, upright, no metadata.
    let bytes = std::fs::read(dir.join(format!("{name} 证件照.jpg"))).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (295, 413));
    assert!(jpeg_segments(&bytes).iter().all(|(m, _)| !matches!(m, 0xE1..=0xEF)), "no EXIF, XMP or ICC");
    assert!(exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes)).is_err());
    // The very bytes the Linux build makes from the same photo.
    let here = tempfile::tempdir().unwrap();
    let (src, out) = (here.path().join("in.jpg"), here.path().join("out.jpg"));
    std::fs::write(&src, phone_jpeg_12mp()).unwrap();
    let o = linux(&["prepare", src.to_str().unwrap(), "--spec", "nat-photo", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::read(&out).unwrap() == bytes, "Windows and Linux make the same file");
    // The check, in Chinese that reads right through a pipe; the source untouched.
    let o = w.caiji(&["check", &output, "--spec", "nat-photo"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("通过"), "{}", text(&o));
    assert_eq!(std::fs::read(dir.join(format!("{name}.jpg"))).unwrap(), phone_jpeg_12mp());
}

/// A staff folder with Chinese names: `n` photos (copies of a real sample) named
/// `员工NNN 姓名 ID.jpg` (one name with 𠮷, outside GBK's two-byte range and a UTF-16 surrogate pair
/// in a Windows file name), and one broken file.
fn staff(dir: &Path, n: usize) {
    let photo = std::fs::read(sample("photos/astronaut.png")).unwrap();
    for i in 0..n {
        let id = resident_id("150102", &format!("1990{:02}{:02}", 1 + i % 12, 1 + i % 28), i as u32);
        let name = if i == 7 { "𠮷娜" } else { "张三" };
        std::fs::write(dir.join(format!("员工{i:03} {name} {id}.png")), &photo).unwrap();
    }
    std::fs::write(dir.join(format!("说明 这不是图片 {}.jpg", resident_id("150102", "19850101", 1))), "这不是图片").unwrap();
}

#[test]
fn a_batch_of_50_with_chinese_names_writes_a_report_excel_opens_and_resumes() {
    let w = wine();
    let (dir, win) = w.folder("财务科 照片");
    std::fs::create_dir_all(dir.join("原图")).unwrap();
    staff(&dir.join("原图"), 50);
    let (input, output) = (format!("{win}\\原图"), format!("{win}\\输出 结果"));
    let args = ["--json", "batch", &input, &output, "--spec", "nat-photo", "--template", "{id}", "--frame", "centre"];
    let o = w.caiji(&args);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "one file is not a picture: {}", text(&o));
    let sum = &v["summary"];
    assert_eq!((sum["total"].as_u64(), sum["failed"].as_u64(), sum["skipped"].as_u64()), (Some(51), Some(1), Some(0)), "{v}");
    // Named by the resident ID in each Chinese file name; each read back on Linux.
    let out = dir.join("输出 结果");
    let id = resident_id("150102", "19900101", 0);
    let img = image::open(out.join(format!("{id}.jpg"))).unwrap();
    assert_eq!((img.width(), img.height()), (295, 413));
    // The report: UTF-8 with a BOM and CRLF rows, as Excel on Chinese Windows reads and writes
    // CSV; read by an independent CSV reader, a row per file with its reason.
    let bytes = std::fs::read(out.join("caiji-report.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}源文件,".as_bytes()), "{}", String::from_utf8_lossy(&bytes[..40]));
    let text_csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(text_csv.matches("\r\n").count(), text_csv.matches('\n').count(), "every row ends CRLF");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text_csv.as_bytes()).records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 51);
    let rare = rows.iter().find(|r| r[0].contains("𠮷娜")).expect("the name with 𠮷 in the report");
    assert_ne!(&rare[2], "失败", "{rare:?}");
    assert!(out.join(format!("{}.jpg", resident_id("150102", "19900808", 7))).exists(), "{rare:?}");
    let broken = rows.iter().find(|r| r[0].contains("说明 这不是图片")).unwrap();
    assert_eq!((&broken[2], &broken[6]), ("失败", "not_an_image"), "{broken:?}");
    assert!(!broken[7].is_empty(), "with its reason: {broken:?}");
    // Again with --resume: nothing redone, the outputs as they were.
    let before = std::fs::read(out.join(format!("{id}.jpg"))).unwrap();
    let mut again = args.to_vec();
    again.push("--resume");
    let v = json(&w.caiji(&again));
    assert_eq!(v["summary"]["skipped"].as_u64(), Some(50), "{v}");
    assert_eq!(std::fs::read(out.join(format!("{id}.jpg"))).unwrap(), before);
}

#[test]
fn ctrl_c_in_the_console_stops_a_batch_cleanly_and_resume_finishes_it() {
    let w = own_wine("prefix-ctrl-c");
    let (dir, win) = w.folder("停止 再继续");
    std::fs::create_dir_all(dir.join("原图")).unwrap();
    staff(&dir.join("原图"), 40);
    std::fs::remove_file(dir.join("原图").join(format!("说明 这不是图片 {}.jpg", resident_id("150102", "19850101", 1)))).unwrap();
    let (input, output) = (format!("{win}\\原图"), format!("{win}\\输出"));
    let args = ["--json", "batch", &input, &output, "--spec", "nat-photo", "--jobs", "1", "--frame", "centre"];
    let exe = installed_caiji();
    let child = w.cmd(exe.to_str().unwrap(), &args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    // Some files done, then Ctrl-C: a terminal sends SIGINT to the program in front, and wine
    // hands it to the program as Windows' CTRL_C_EVENT, the console's Ctrl-C.
    let journal = dir.join("输出/.caiji-journal.jsonl");
    let t0 = std::time::Instant::now();
    while std::fs::read_to_string(&journal).map(|t| t.lines().count()).unwrap_or(0) < 5 {
        assert!(t0.elapsed() < std::time::Duration::from_secs(300), "the batch made no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    let v = json(&o);
    let s = &v["summary"];
    let done = s["ok"].as_u64().unwrap() + s["warning"].as_u64().unwrap();
    assert!(s["cancelled"].as_u64().unwrap() > 0 && (5..40).contains(&done), "{s}");
    // Nothing half-written: each output whole and compliant, no temporary file, the report there.
    assert_eq!(whole_outputs(&dir.join("输出"), "nat-photo"), done);
    assert!(dir.join("输出/caiji-report.csv").exists());
    // --resume does the rest, and only the rest.
    let mut again = args.to_vec();
    again.push("--resume");
    let v = json(&w.caiji(&again));
    assert_eq!(v["summary"]["skipped"].as_u64(), Some(done), "{v}");
    assert_eq!(v["summary"]["ok"].as_u64().unwrap() + v["summary"]["warning"].as_u64().unwrap() + done, 40);
}

#[test]
fn a_draft_bundle_made_on_linux_comes_back_from_windows_identical() {
    use caiji_filing::store::Store;
    let w = own_wine("prefix-drafts");
    let (dir, win) = w.folder("草稿 交换");
    let linux_data = tempfile::tempdir().unwrap();
    let photo = std::fs::read(fixture("grace_hopper.jpg")).unwrap();
    let id = {
        let store = Store::open(&linux_data.path().join("drafts")).unwrap();
        let hash = store.put_attachment(&photo, Some("nat-photo")).unwrap();
        let data = serde_json::json!({"basic": {"name": "张三", "id_number": "150102199003071237", "photo": hash, "mobile": "13912345678"}});
        store.create("collection", 1, "张三 150102199003071237", &data).unwrap().id
    };
    let with_data = |args: &[&str]| Command::new(caiji_bin()).args(args).env("CAIJI_DATA_DIR", linux_data.path()).output().unwrap();
    let o = with_data(&["drafts", "export", &id, "-o", dir.join("张三 草稿.caiji").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    // Imported on "Windows", into %APPDATA%\caiji.
    let appdata = w.appdata().join("caiji");
    let _ = std::fs::remove_dir_all(&appdata);
    let o = w.caiji(&["--json", "drafts", "import", &format!("{win}\\张三 草稿.caiji")]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(json(&o)[0]["outcome"], "added");
    assert!(appdata.join("drafts").exists(), "the drafts live in %APPDATA%\\caiji");
    // Exported there and imported into a fresh Linux store: the same draft, the same bytes.
    let o = w.caiji(&["drafts", "export", &id, "-o", &format!("{win}\\回来.caiji")]);
    assert!(o.status.success(), "{}", text(&o));
    let fresh = tempfile::tempdir().unwrap();
    let o = Command::new(caiji_bin())
        .args(["--json", "drafts", "import", dir.join("回来.caiji").to_str().unwrap()])
        .env("CAIJI_DATA_DIR", fresh.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let (a, b) = (Store::open(&linux_data.path().join("drafts")).unwrap(), Store::open(&fresh.path().join("drafts")).unwrap());
    let (da, db) = (a.get(&id).unwrap(), b.get(&id).unwrap());
    assert_eq!((&da.data, &da.title, da.state, da.updated, da.created), (&db.data, &db.title, db.state, db.updated, db.created));
    let hash = da.data["basic"]["photo"].as_str().unwrap();
    assert_eq!(std::fs::read(b.attachment_path(hash)).unwrap(), photo);
}

#[test]
fn the_green_zip_runs_from_a_usb_stick_and_keeps_everything_beside_it() {
    let w = wine();
    let (dir, win) = w.folder("U盘 绿色版");
    // Unzipped by an independent reader, as Windows' Explorer would.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(dist("portable.zip")).unwrap()).unwrap();
    let folder = format!("caiji-{}-windows-x64-portable", env!("CARGO_PKG_VERSION"));
    let mut names: Vec<String> = zip.file_names().filter(|n| !n.ends_with('/')).map(String::from).collect();
    names.sort();
    let want = ["README.txt", "WebView2Loader-LICENSE.txt", "WebView2Loader.dll", "caiji-app.exe", "caiji.exe", "portable"];
    assert_eq!(names, want.map(|n| format!("{folder}/{n}")), "the green form's files, in one folder");
    zip.extract(&dir).unwrap();
    let here = dir.join(&folder);
    assert_eq!(std::fs::metadata(here.join("portable")).unwrap().len(), 0);
    let readme = std::fs::read_to_string(here.join("README.txt")).unwrap();
    assert!(readme.contains("\r\n") && !readme.replace("\r\n", "").contains('\n'), "Notepad's line endings");
    std::fs::write(dir.join("身份证 正面.jpg"), phone_jpeg_12mp()).unwrap();
    let exe = here.join("caiji.exe");
    let o = w.run(&exe, &["drafts", "list"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("没有草稿"), "{}", text(&o));
    assert!(here.join("caiji-data/drafts").exists(), "data beside the programs");
    let o = w.run(&exe, &["prepare", &format!("{win}\\身份证 正面.jpg"), "--spec", "nat-proof", "-o", &format!("{win}\\证明.jpg")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(image::open(dir.join("证明.jpg")).is_ok());
}

/// `reg query KEY /v NAME` in the prefix: the value's text, or None when the key is missing.
fn reg_value(w: &Wine, key: &str, name: &str) -> Option<String> {
    let o = w.cmd("reg", &["query", key, "/v", name]).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    o.status.success().then(|| out.lines().find(|l| l.contains(name)).unwrap_or_default().trim().to_string())
}

/// Waits until no program whose command line holds `exe` runs any more (wine's programs are
/// Linux processes).
fn wait_gone(exe: &str) {
    let t0 = std::time::Instant::now();
    loop {
        let running = std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| std::fs::read(e.path().join("cmdline")).is_ok_and(|c| String::from_utf8_lossy(&c).contains(exe)));
        if !running {
            return;
        }
        assert!(t0.elapsed() < std::time::Duration::from_secs(120), "{exe} still running after 2 minutes");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The mutex the running app holds: tauri-plugin-single-instance names it after the app's
/// identifier (the installer's APP_MUTEX must follow it).
fn app_mutex() -> String {
    let conf = std::fs::read_to_string(target().parent().unwrap().join("src-tauri/tauri.conf.json")).unwrap();
    let conf: serde_json::Value = serde_json::from_str(&conf).unwrap();
    format!("{}-sim", conf["identifier"].as_str().unwrap())
}

#[test]
fn the_installer_installs_for_the_user_and_the_uninstaller_removes_it() {
    // A machine of its own: a fresh prefix.
    let root = target().join("wine/prefix-setup");
    let _ = std::fs::remove_dir_all(&root);
    let w = Wine::new("prefix-setup");
    let key = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Caiji";
    let shortcut = w.appdata().join("Microsoft/Windows/Start Menu/Programs/会计信息采集助手.lnk");
    // While the app runs (it holds its instance mutex), the installer stops and changes nothing.
    let app = w.hold(&["--mutex", &app_mutex()]);
    let o = w.run(&dist("setup.exe"), &["/S"]);
    assert_eq!(o.status.code(), Some(2), "stopped while the app runs: {}", text(&o));
    assert!(!w.installed().exists() && !shortcut.exists());
    drop(app);
    // Silent, for this user only: the programs, the Start-menu entry, the Apps entry.
    let o = w.run(&dist("setup.exe"), &["/S"]);
    assert!(o.status.success(), "{}", text(&o));
    for f in ["caiji-app.exe", "caiji.exe", "WebView2Loader.dll", "WebView2Loader-LICENSE.txt", "README.txt", "uninstall.exe"] {
        assert!(w.installed().join(f).exists(), "{f} installed");
    }
    assert!(shortcut.exists(), "the Start-menu entry 会计信息采集助手");
    let location = reg_value(&w, key, "InstallLocation").expect("the Apps entry");
    assert!(location.ends_with("\\AppData\\Local\\Programs\\Caiji"), "{location}");
    assert!(reg_value(&w, key, "QuietUninstallString").unwrap().contains("uninstall.exe\" /S"));
    // The installed CLI works and makes its data folder; the app, without WebView2 here, says
    // so (what it needs and where to get it) instead of failing in the web view's creation.
    let o = w.run(&w.installed().join("caiji.exe"), &["drafts", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(w.appdata().join("caiji/drafts").exists());
    let o = w.run(&w.installed().join("caiji-app.exe"), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("WebView2"), "{}", text(&o));
    // A batch running in a console holds no mutex, but its program cannot be replaced: run
    // again (an upgrade), the installer stops too.
    let exe = w.installed().join("caiji.exe");
    let batch = w.hold(&[&format!("Z:{}", exe.to_str().unwrap().replace('/', "\\"))]);
    let o = w.run(&dist("setup.exe"), &["/S"]);
    assert_eq!(o.status.code(), Some(2), "stopped while caiji.exe runs: {}", text(&o));
    drop(batch);
    // The uninstaller, while the app runs: stops and removes nothing. Run in place to see its
    // exit code; then as Apps runs it, where it returns at once and a copy of it (Un.exe in
    // %TEMP%) does the work.
    let app = w.hold(&["--mutex", &app_mutex()]);
    let inplace = format!("_?={}", location.rsplit("    ").next().unwrap());
    let o = w.run(&w.installed().join("uninstall.exe"), &["/S", &inplace]);
    assert_eq!(o.status.code(), Some(2), "stopped while the app runs: {}", text(&o));
    let o = w.run(&w.installed().join("uninstall.exe"), &["/S"]);
    assert!(o.status.success(), "{}", text(&o));
    wait_gone("\\Un.exe");
    assert!(w.installed().join("caiji-app.exe").exists() && shortcut.exists());
    assert!(reg_value(&w, key, "InstallLocation").is_some());
    drop(app);
    // Closed: everything of ours goes, the user's data stays.
    let o = w.run(&w.installed().join("uninstall.exe"), &["/S"]);
    assert!(o.status.success(), "{}", text(&o));
    w.wait_all();
    assert!(!w.installed().exists(), "the programs' folder removed");
    assert!(!shortcut.exists(), "the Start-menu entry removed");
    assert_eq!(reg_value(&w, key, "InstallLocation"), None, "the Apps entry removed");
    assert!(w.appdata().join("caiji/drafts").exists(), "the user's data kept");
}

#[test]
fn merge_specs_and_a_long_path() {
    let w = wine();
    let (dir, win) = w.folder("扫描件");
    let page = std::fs::read(fixture("page_on_desk.jpg")).unwrap();
    std::fs::write(dir.join("第一页.jpg"), &page).unwrap();
    std::fs::write(dir.join("第二页.jpg"), &page).unwrap();
    let o =
        w.caiji(&["--json", "merge", &format!("{win}\\第一页.jpg"), &format!("{win}\\第二页.jpg"), "--spec", "nat-proof", "-o", &format!("{win}\\合并.jpg")]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(json(&o)["report"]["passed"], true, "{}", text(&o));
    // A folder past Windows' old 260-character limit.
    let deep: Vec<String> = (0..22).map(|i| format!("第{i:02}层 很长的文件夹名称")).collect();
    let linux_deep = deep.iter().fold(dir.clone(), |p, d| p.join(d));
    std::fs::create_dir_all(&linux_deep).unwrap();
    std::fs::write(linux_deep.join("照片.jpg"), phone_jpeg_12mp()).unwrap();
    let win_deep = format!("{win}\\{}", deep.join("\\"));
    assert!(win_deep.encode_utf16().count() > 260);
    let o = w.caiji(&["prepare", &format!("{win_deep}\\照片.jpg"), "--spec", "nat-photo", "-o", &format!("{win_deep}\\证件照.jpg")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(image::open(linux_deep.join("证件照.jpg")).is_ok());
    // The spec list in Chinese through a pipe.
    let o = w.caiji(&["specs", "show", "nat-photo"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("JPEG / 彩色"), "{}", text(&o));
}

#[test]
fn an_output_open_in_another_program_is_said_and_left_whole() {
    let w = wine();
    let (dir, win) = w.folder("占用");
    std::fs::write(dir.join("原图.jpg"), phone_jpeg_12mp()).unwrap();
    let (input, output) = (format!("{win}\\原图.jpg"), format!("{win}\\证件照.jpg"));
    let prepare = || w.caiji(&["prepare", &input, "--spec", "nat-photo", "-o", &output]);
    assert!(prepare().status.success());
    let first = std::fs::read(dir.join("证件照.jpg")).unwrap();
    // A picture viewer holds it (others may read, not replace).
    let viewer = w.hold(&[&output]);
    let o = prepare();
    drop(viewer);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("正被其他程序打开（如看图软件或 Excel），请关闭后重试"), "{}", text(&o));
    assert_eq!(std::fs::read(dir.join("证件照.jpg")).unwrap(), first, "the old file whole");
    let left: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tmp")).collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
    // Closed: it goes through.
    assert!(prepare().status.success());
}

#[test]
fn a_template_that_names_a_device_writes_a_file() {
    let w = wine();
    let (dir, win) = w.folder("设备名");
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/照片.jpg"), phone_jpeg_12mp()).unwrap();
    let o = w.caiji(&["batch", &format!("{win}\\in"), &format!("{win}\\out"), "--spec", "nat-photo", "--template", "CON"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        image::open(dir.join("out/_CON.jpg")).is_ok(),
        "{:?}",
        std::fs::read_dir(dir.join("out")).unwrap().map(|e| e.unwrap().file_name()).collect::<Vec<_>>()
    );
}
