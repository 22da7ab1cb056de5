//! The CLI on Windows (issue 18): `caiji.exe`, cross-built for `x86_64-pc-windows-gnu` (the
//! test command builds it first: `scripts/windows.sh cli`), run under wine on paths with
//! Chinese names and spaces — a D: drive, `%APPDATA%\caiji` and the portable form — its
//! outputs read by the same independent readers as on Linux.
use caiji_tests::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository's `target` folder.
fn target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("target")
}

/// A Windows program cross-built for the tests.
fn windows_exe(name: &str) -> PathBuf {
    let p = target().join("x86_64-pc-windows-gnu/debug").join(name);
    assert!(p.exists(), "{} is missing: `bash scripts/windows.sh cli` builds it (the test command does)", p.display());
    p
}

/// One wine prefix for every test (made once, kept in target/wine), with drive D: on
/// target/wine/d.
struct Wine {
    prefix: PathBuf,
    d: PathBuf,
}

fn wine() -> &'static Wine {
    static W: OnceLock<Wine> = OnceLock::new();
    W.get_or_init(|| {
        let root = target().join("wine");
        let w = Wine { prefix: root.join("prefix"), d: root.join("d") };
        std::fs::create_dir_all(&w.d).unwrap();
        if !w.prefix.join("system.reg").exists() {
            let o = w.cmd("wineboot", &["--init"]).output().unwrap();
            assert!(o.status.success(), "wineboot: {}", String::from_utf8_lossy(&o.stderr));
        }
        // Wine 8 lacks bcryptprimitives.dll (Rust's random bytes on Windows 10+): the stand-in
        // scripts/windows.sh builds from tests/wine (never shipped).
        let shim = w.prefix.join("drive_c/windows/system32/bcryptprimitives.dll");
        if !shim.exists() {
            let built = root.join("bcryptprimitives.dll");
            assert!(built.exists(), "{} is missing: `bash scripts/windows.sh cli` builds it", built.display());
            std::fs::copy(&built, &shim).unwrap();
        }
        let link = w.prefix.join("dosdevices/d:");
        if std::fs::read_link(&link).ok().as_deref() != Some(w.d.as_path()) {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&w.d, &link).unwrap();
        }
        w
    })
}

impl Wine {
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

    /// `caiji.exe args…` (the copy in the build folder, or `exe`).
    fn caiji(&self, args: &[&str]) -> Output {
        self.run(&windows_exe("caiji.exe"), args)
    }

    fn run(&self, exe: &Path, args: &[&str]) -> Output {
        self.cmd(exe.to_str().unwrap(), args).output().unwrap()
    }

    /// The prefix's %APPDATA% as a Linux path.
    fn appdata(&self) -> PathBuf {
        let users = self.prefix.join("drive_c/users");
        let user = std::fs::read_dir(&users).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).find(|p| !p.ends_with("Public")).unwrap();
        user.join("AppData/Roaming")
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
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
/// `员工NNN 姓名 ID.jpg`, and one broken file.
fn staff(dir: &Path, n: usize) {
    let photo = std::fs::read(sample("photos/astronaut.png")).unwrap();
    for i in 0..n {
        let id = resident_id("150102", &format!("1990{:02}{:02}", 1 + i % 12, 1 + i % 28), i as u32);
        std::fs::write(dir.join(format!("员工{i:03} 张三 {id}.png")), &photo).unwrap();
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
fn a_draft_bundle_made_on_linux_comes_back_from_windows_identical() {
    use caiji_filing::store::Store;
    let w = wine();
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
fn the_portable_form_keeps_everything_beside_the_programs() {
    let w = wine();
    let (dir, win) = w.folder("U盘 绿色版");
    std::fs::copy(windows_exe("caiji.exe"), dir.join("caiji.exe")).unwrap();
    std::fs::write(dir.join("portable"), "").unwrap();
    std::fs::write(dir.join("身份证 正面.jpg"), phone_jpeg_12mp()).unwrap();
    let exe = dir.join("caiji.exe");
    let o = w.run(&exe, &["drafts", "list"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("没有草稿"), "{}", text(&o));
    assert!(dir.join("caiji-data/drafts").exists(), "data beside the programs");
    let o = w.run(&exe, &["prepare", &format!("{win}\\身份证 正面.jpg"), "--spec", "nat-proof", "-o", &format!("{win}\\证明.jpg")]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(image::open(dir.join("证明.jpg")).is_ok());
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
    let mut viewer = w
        .cmd(target().join("wine/hold-open.exe").to_str().unwrap(), &[&output])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(viewer.stdout.take().unwrap()), &mut line).unwrap();
    assert_eq!(line.trim(), "open");
    let o = prepare();
    drop(viewer.stdin.take());
    viewer.wait().unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("正被其他程序打开"), "{}", text(&o));
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
