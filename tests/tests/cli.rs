//! The `caiji` binary as a user runs it.
use caiji_tests::*;
use image::DynamicImage;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn caiji(args: &[&str]) -> Output {
    Command::new(caiji_bin()).args(args).env_remove("CAIJI_SPECS_DIR").env("XDG_CONFIG_HOME", "/nonexistent").output().unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn sideways_phone_photo_becomes_an_upright_national_photo() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_phone_jpeg(dir.path());
    let before = std::fs::read(&input).unwrap();
    let out = dir.path().join("photo.jpg");
    let o = caiji(&["--json", "prepare", s(&input), "--spec", "nat-photo", "-o", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["report"]["passed"], true);

    // An independent decoder reads 295×413.
    let bytes = std::fs::read(&out).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (295, 413));
    assert!(bytes.len() >= 10 * 1024);
    // Framed from the face with no crop given: the head inside the spec's band by hand
    // measurements, the face checks passed.
    let c = &v["prepared"]["crop"];
    let (x, y, w, h) = (c["x"].as_f64().unwrap(), c["y"].as_f64().unwrap(), c["w"].as_f64().unwrap(), c["h"].as_f64().unwrap());
    let (head, top, off) = PHONE.in_crop(x, y, w, h);
    assert!((0.57..=0.78).contains(&head) && (0.01..=0.15).contains(&top) && off.abs() < 0.06, "head {head:.2} top {top:.2} off {off:.2}");
    let rules = v["report"]["rules"].as_array().unwrap();
    assert!(["face", "head", "centred", "upright"].iter().all(|id| rules.iter().any(|r| r["id"] == *id && r["passed"] == true)));
    // Upright: close to the upright picture in that box levelled by the head's tilt (at a
    // quarter of its size), far from it turned a quarter.
    let hd = &v["prepared"]["head"];
    let f = |k: &str| hd[k].as_f64().unwrap() as f32;
    let small = caiji_image::resize::resize_region(phone_upright(), (0.0, 0.0, 3024.0, 4032.0), 756, 1008).unwrap().to_rgb8();
    let level = turned_about(&small, -f("roll"), [f("centre_x") / 4.0, (f("crown") + f("chin")) / 8.0]);
    let expect_c = caiji_image::resize::resize_region(&image::DynamicImage::ImageRgb8(level), (x / 4.0, y / 4.0, w / 4.0, h / 4.0), 295, 413).unwrap();
    let d = picture_distance(&img, &expect_c);
    let turned = picture_distance(&img.rotate90(), &expect_c);
    assert!(d < 3.0 && turned > 10.0 * d, "distance from the upright picture {d}, from it turned {turned}");
    assert!(v["prepared"]["notes"].to_string().contains("已扶正"), "{}", v["prepared"]["notes"]);
    // No metadata: no APP1 (EXIF/XMP), APP2 (ICC), APP13 (Photoshop); JFIF says 300 dpi.
    let segs = jpeg_segments(&bytes);
    assert!(segs.iter().all(|(m, _)| !matches!(m, 0xE1..=0xEF)), "metadata segments: {:?}", segs.iter().map(|x| x.0).collect::<Vec<_>>());
    let app0 = &segs.iter().find(|x| x.0 == 0xE0).expect("JFIF").1;
    assert_eq!(&app0[..5], b"JFIF\0");
    assert_eq!((app0[7], u16::from_be_bytes([app0[8], app0[9]])), (1, 300));
    assert!(exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&bytes)).is_err());
    // Baseline (SOF0).
    assert!(segs.iter().any(|x| x.0 == 0xC0));
    // `caiji check` passes it; the source was not touched.
    let o = caiji(&["check", s(&out), "--spec", "nat-photo"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("通过"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // The original is flagged for its rotation tag and its GPS position.
    let v = json(&caiji(&["--json", "check", s(&input), "--spec", "nat-photo"]));
    let rule = |id: &str| v["report"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(rule("orientation")["passed"], false);
    assert_eq!(rule("metadata")["passed"], false);
    assert!(rule("metadata")["measured"].as_str().unwrap().contains("GPS"));
}

#[test]
fn one_command_makes_a_white_background_national_photo_from_a_sideways_portrait() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("IMG_0042.jpg");
    std::fs::copy(fixture("plain_wall_sideways.jpg"), &input).unwrap();
    let out = dir.path().join("photo.jpg");
    let o = caiji(&["--json", "prepare", s(&input), "--spec", "nat-photo", "--whiten", "-o", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    // Every rule passes, the background and the face checks included; the edit is reported.
    assert_eq!(v["report"]["passed"], true);
    let rules = v["report"]["rules"].as_array().unwrap();
    for id in ["background", "face", "head", "top", "centred", "upright"] {
        assert!(rules.iter().any(|r| r["id"] == id && r["passed"] == true), "{id}: {rules:?}");
    }
    assert!(v["prepared"]["background"]["found"][2].as_u64().unwrap() > 150, "{}", v["prepared"]["background"]);
    assert!(v["prepared"]["notes"].to_string().contains("部分平台不接受修改过背景"), "{}", v["prepared"]["notes"]);
    let img = image::open(&out).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (295, 413));
    assert!(img.get_pixel(4, 4).0.iter().all(|&c| c >= 245), "{:?}", img.get_pixel(4, 4));
    // Without --whiten the wall stays blue and the check warns about it.
    let o = caiji(&["--json", "prepare", s(&input), "--spec", "nat-photo", "-o", s(&out)]);
    let v = json(&o);
    assert!(v["prepared"]["background"].is_null());
    let bg = v["report"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "background").unwrap().clone();
    assert_eq!(bg["passed"], false);
    // A background that is not one colour is refused with the reason, nothing is written.
    let busy = dir.path().join("busy.jpg");
    let o = caiji(&["prepare", s(&fixture("grace_hopper.jpg")), "--spec", "nat-photo", "--whiten", "-o", s(&busy)]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("纯色墙"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!busy.exists());
}

#[test]
fn check_fails_like_the_official_checker_in_both_languages() {
    let hopper = sample("photos/hopper.jpg");
    let o = caiji(&["check", s(&hopper), "--spec", "nat-photo"]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("不通过") && text.contains("至少需要 295×413"), "{text}");
    let o = caiji(&["--lang", "en", "check", s(&hopper), "--spec", "nat-photo"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("FAIL") && text.contains("at least 295×413"), "{text}");
    // A PNG named .jpg: "not a JPG", said plainly.
    let v = json(&caiji(&["--json", "--lang", "en", "check", s(&sample("broken/png_named.jpg")), "--spec", "nat-photo"]));
    let fmt = v["report"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "format").unwrap().clone();
    assert_eq!(fmt["passed"], false);
    assert!(fmt["message"]["en"].as_str().unwrap().contains("really is PNG"));
}

#[test]
fn sizes_read_as_the_portal_wrote_the_limit() {
    let rule = |file: &str, spec: &str| -> Value {
        let v = json(&caiji(&["--json", "check", s(&sample(file)), "--spec", spec]));
        v["report"]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "bytes").unwrap().clone()
    };
    // 32,176 bytes against "不超过20KB" (20000): counted in the same thousands.
    let r = rule("documents/text_defocus.jpg", "hb-photo");
    assert_eq!((r["measured"].as_str(), r["expected"].as_str(), r["passed"].as_bool()), (Some("32.2 KB"), Some("≤ 20 KB"), Some(false)));
    assert_eq!(r["message"]["zh"], "文件有 32.2 KB（32,176 字节），超过上限 20 KB：请用本工具压缩");
    assert_eq!(r["message"]["en"], "The file is 32.2 KB (32,176 bytes), over the limit of 20 KB: compress it with this tool");
    // Sichuan, "more than 10KB, under 20KB" (10241–20479): the limit's bytes said too.
    let r = rule("documents/text_defocus.jpg", "sc-photo");
    // Over the limit it is rounded up (31.42 → 31.5), under one down: never read as the limit.
    assert_eq!((r["measured"].as_str(), r["expected"].as_str()), (Some("31.5 KB"), Some("10 KB–20 KB")));
    assert_eq!(r["message"]["zh"], "文件有 31.5 KB（32,176 字节），超过上限 20 KB（20,479 字节）：请用本工具压缩");
    let r = rule("exif/hopper_orientation_2.jpg", "sc-photo");
    assert_eq!(r["message"]["zh"], "文件只有 4.5 KB（4,695 字节），低于下限 10 KB（10,241 字节）：门户会判为不清晰");
    let r = rule("documents/text_defocus.jpg", "nat-photo");
    assert_eq!((r["measured"].as_str(), r["passed"].as_bool()), (Some("31.4 KB"), Some(true)));
    assert_eq!(r["message"]["zh"], "大小 31.4 KB 符合要求（≥ 10 KB）");
    // The spec list says the limits the same way.
    let o = caiji(&["--lang", "en", "specs", "list"]);
    let t = String::from_utf8_lossy(&o.stdout);
    let line = |id: &str| t.lines().find(|l| l.starts_with(&format!("{id} "))).unwrap_or_else(|| panic!("{id}: {t}")).to_string();
    assert!(line("sc-photo").ends_with(" 10 KB–20 KB"), "{}", line("sc-photo"));
    assert!(line("nat-proof").ends_with(" 20 KB–500 KB"), "{}", line("nat-proof"));
    assert!(line("hb-photo").ends_with(" ≤20 KB"), "{}", line("hb-photo"));
}

#[test]
fn the_roster_template_is_written_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("名单.xlsx");
    let o = caiji(&["--json", "roster-template", "-o", s(&xlsx)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["output"], s(&xlsx));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "an Excel workbook (a zip)");
    let csv = dir.path().join("名单.csv");
    assert!(caiji(&["roster-template", "--output", s(&csv)]).status.success());
    assert!(std::fs::read(&csv).unwrap().starts_with("\u{feff}姓名,".as_bytes()));
    let o = caiji(&["--json", "roster-template", "-o", s(&dir.path().join("名单.doc"))]);
    assert_eq!((o.status.code(), json(&o)["error"]["code"].as_str()), (Some(2), Some("invalid")));
}

#[test]
fn refusals_are_errors_with_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.jpg");
    let o = caiji(&["prepare", s(&sample("photos/hopper.jpg")), "--spec", "nat-photo", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不会放大"));
    assert!(!out.exists());
    let v = json(&caiji(&["--json", "prepare", s(&sample("broken/truncated_jpeg.jpg")), "--spec", "nat-photo", "-o", s(&out)]));
    assert_eq!(v["error"]["code"], "truncated");
    // The one error contract, as the app and the server send it: both languages.
    assert!(v["error"]["message"]["zh"].as_str().is_some_and(|m| m.contains("不完整")), "{v}");
    assert!(v["error"]["message"]["en"].as_str().is_some_and(|m| m.contains("incomplete")), "{v}");
    let v = json(&caiji(&["--json", "prepare", s(&sample("photos/astronaut.png")), "--spec", "no-such", "-o", s(&out)]));
    assert_eq!(v["error"]["code"], "unknown_spec");
    // Never overwrite the original.
    let copy = dir.path().join("a.jpg");
    std::fs::copy(sample("exif/tower_gps.jpg"), &copy).unwrap();
    let o = caiji(&["prepare", s(&copy), "--spec", "nat-photo", "-o", s(&copy)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(sample("exif/tower_gps.jpg")).unwrap());
}

#[test]
fn crop_and_rotate_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("face.jpg");
    // A 295:413 box around the astronaut (at least 295×413: never upscaled).
    let o =
        caiji(&["--json", "prepare", s(&sample("photos/astronaut.png")), "--spec", "hb-photo", "--crop", "100,0,330,462", "--frame", "centre", "-o", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["prepared"]["crop"]["w"], 330);
    assert!(v["prepared"]["bytes"].as_u64().unwrap() <= 20_000);
    let o = caiji(&["--json", "prepare", s(&sample("photos/astronaut.png")), "--spec", "hb-photo", "--crop", "400,400,300,300", "-o", s(&out)]);
    assert_eq!(json(&o)["error"]["code"], "bad_crop");
    // Rotation: a landscape scan turned a quarter becomes portrait.
    let o = caiji(&["--json", "prepare", s(&sample("documents/text_defocus.jpg")), "--spec", "sh-attachment", "--rotate", "90", "-o", s(&out)]);
    let v = json(&o);
    assert!(v["prepared"]["height"].as_u64().unwrap() > v["prepared"]["width"].as_u64().unwrap());
}

#[test]
fn merge_id_card_sides_into_one_landscape_image() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("idcard.jpg");
    let front = sample("documents/text_defocus.jpg");
    let back = sample("exif/xmp_test.jpg");
    let o = caiji(&["--json", "merge", s(&front), s(&back), "--spec", "nat-idcard", "-o", s(&out)]);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let img = image::open(&out).unwrap();
    assert!(img.width() > img.height() * 2, "{}x{}", img.width(), img.height());
    let n = std::fs::metadata(&out).unwrap().len();
    assert!(n > 20 * 1024 && n <= 500_000, "{n}");
    assert!(caiji(&["check", s(&out), "--spec", "nat-idcard"]).status.success());
    // Three diploma pages stacked, with one turned.
    let out3 = dir.path().join("diploma.jpg");
    let pages = [sample("documents/typewriter.png"), sample("documents/skew_scan.png"), sample("documents/skimage_page.png")];
    let o = caiji(&["--json", "merge", s(&pages[0]), s(&pages[1]), s(&pages[2]), "--spec", "nat-proof", "--rotate", "1:90", "-o", s(&out3)]);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let img = image::open(&out3).unwrap();
    assert!(img.height() > img.width() * 2);
    // Too many pages for an ID card.
    let o = caiji(&["--json", "merge", s(&front), s(&back), s(&front), "--spec", "nat-idcard", "-o", s(&out)]);
    assert_eq!(json(&o)["error"]["code"], "invalid");
}

#[test]
fn specs_list_show_and_user_profiles() {
    let v = json(&caiji(&["--json", "specs", "list"]));
    assert_eq!(v.as_array().unwrap().len(), 15);
    let o = caiji(&["--lang", "en", "specs", "show", "im-legacy-photo"]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("unconfirmed") && t.contains("IM"), "{t}");
    // Read as a person reads it: the limit as the portal wrote it, the exact bytes beside it,
    // no program notation.
    let o = caiji(&["specs", "show", "hb-photo"]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("≤20 KB") && t.contains("最大 20,000 字节") && t.contains("JPEG / 彩色 / 300 dpi"), "{t}");
    assert!(!t.contains("Some(") && !t.contains("[Jpeg]") && !t.contains("Confirmed"), "{t}");
    // A user folder: one override, one new, one broken (reported with its line, not fatal).
    let dir = tempfile::tempdir().unwrap();
    let hb = include_str!("../../assets/specs/hb-photo.toml");
    std::fs::write(dir.path().join("hb.toml"), hb.replace("max = 20000", "max = 30000")).unwrap();
    std::fs::write(dir.path().join("mine.toml"), hb.replace("id = \"hb-photo\"", "id = \"my-photo\"")).unwrap();
    std::fs::write(dir.path().join("broken.toml"), "schema = 1\nid = \"b\"\nkind = \n").unwrap();
    let o = caiji(&["--json", "--specs-dir", s(dir.path()), "specs", "list"]);
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v.as_array().unwrap().len(), 16);
    let hb = v.as_array().unwrap().iter().find(|e| e["spec"]["id"] == "hb-photo").unwrap();
    assert_eq!(hb["spec"]["bytes"]["max"], 30000);
    assert_eq!(hb["overrides_builtin"], true);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken.toml") && err.contains("第 3 行"), "{err}");
}

#[test]
fn exact_pixels_from_a_big_photo_stay_sharp() {
    // GA 461 from the 12 MP phone photo: exact pixels, 14–20 KB, 350 dpi.
    let dir = tempfile::tempdir().unwrap();
    let input = write_phone_jpeg(dir.path());
    let out = dir.path().join("ga.jpg");
    let v = json(&caiji(&["--json", "prepare", s(&input), "--spec", "ga461", "-o", s(&out)]));
    assert_eq!(v["report"]["passed"], true, "{v}");
    let b = std::fs::read(&out).unwrap();
    assert!((14_336..=20_000).contains(&(b.len() as u64)));
    let img: DynamicImage = image::load_from_memory(&b).unwrap();
    assert_eq!((img.width(), img.height()), (358, 441));
}

/// `caiji` with its data folder at `data`.
fn caiji_in(data: &Path, args: &[&str]) -> Output {
    Command::new(caiji_bin()).args(args).env("CAIJI_DATA_DIR", data).env_remove("CAIJI_SPECS_DIR").output().unwrap()
}

#[test]
fn drafts_are_listed_validated_exported_and_imported_elsewhere() {
    use caiji_filing::store::Store;
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let photo = std::fs::read(fixture("grace_hopper.jpg")).unwrap();
    let id = {
        let store = Store::open(&a.path().join("drafts")).unwrap();
        let hash = store.put_attachment(&photo, Some("nat-photo")).unwrap();
        let data = serde_json::json!({"basic": {"name": "张三", "id_number": "150102199003071237", "photo": hash, "mobile": "129"}});
        store.create("collection", 1, "张三 150102199003071237", &data).unwrap().id
    };
    // Listed with its state and problem count; the title's ID number masked.
    let o = caiji_in(a.path(), &["drafts", "list"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && text.contains(&id) && text.contains("草稿") && text.contains("处需修改"), "{text}");
    assert!(!text.contains("150102199003071237"), "{text}");
    // Validate names the fields (exit 1).
    let o = caiji_in(a.path(), &["drafts", "validate", &id]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(text.contains("basic.mobile") && text.contains("应为 11 位数字") && text.contains("请选择性别"), "{text}");
    // The guide's refusals, in the words of the app and the server: a unit's form drafted
    // outside a unit's workspace, an entry by an exam taken outside Inner Mongolia.
    let (own, elsewhere) = {
        let store = Store::open(&a.path().join("drafts")).unwrap();
        let person = serde_json::json!({"person": {"id_number": "150102199003071237", "name": "张三"}});
        let own = store.create("assessment", 1, "年度考评", &person).unwrap().id;
        let exam = serde_json::json!({"qualification": {"exam_province": "110000", "level": "1"}});
        (own, store.create("entry_qualified", 3, "入库备案", &exam).unwrap().id)
    };
    for (draft, says) in [(&own, "由单位（会计机构负责人）填报"), (&elsewhere, "在内蒙古自治区参加考试取得资格的人员")] {
        let o = caiji_in(a.path(), &["drafts", "validate", draft]);
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(text.contains(says), "{text}");
    }
    // Export on one machine, import on another: the same draft and the same photo bytes.
    let bundle = a.path().join("张三.caiji");
    let o = caiji_in(a.path(), &["drafts", "export", &id, "-o", bundle.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = caiji_in(b.path(), &["--json", "drafts", "import", bundle.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)[0]["outcome"], "added");
    let (sa, sb) = (Store::open(&a.path().join("drafts")).unwrap(), Store::open(&b.path().join("drafts")).unwrap());
    let (da, db) = (sa.get(&id).unwrap(), sb.get(&id).unwrap());
    assert_eq!((&da.data, &da.title, da.state, da.updated), (&db.data, &db.title, db.state, db.updated));
    let hash = da.data["basic"]["photo"].as_str().unwrap();
    assert_eq!(std::fs::read(sb.attachment_path(hash)).unwrap(), photo);
    // Again: unchanged. Changed on the second machine since: its copy is kept, and said.
    assert_eq!(json(&caiji_in(b.path(), &["--json", "drafts", "import", bundle.to_str().unwrap()]))[0]["outcome"], "unchanged");
    std::thread::sleep(std::time::Duration::from_millis(5));
    sb.autosave(&id, "张三", &serde_json::json!({"basic": {"name": "张三", "sex": "1"}})).unwrap();
    let o = caiji_in(b.path(), &["drafts", "import", bundle.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("保留本机版本"), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(sb.get(&id).unwrap().data["basic"]["sex"], "1");
    // A damaged bundle is refused whole, naming what is wrong.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let at = bytes.windows(4).position(|w| w == b"JFIF").unwrap();
    bytes[at + 40] ^= 0xFF;
    let broken = a.path().join("broken.caiji");
    std::fs::write(&broken, bytes).unwrap();
    let c = tempfile::tempdir().unwrap();
    let o = caiji_in(c.path(), &["drafts", "import", broken.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("校验不符"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(Store::open(&c.path().join("drafts")).unwrap().list().unwrap().is_empty(), "nothing imported");
}

/// `caiji drafts standing` judges a person as the app does (one verdict, `Record::verdict`):
/// never an alarm without evidence, the rules speaking once a baseline covers the years.
#[test]
fn drafts_standing_gives_the_apps_verdict_and_a_baseline_lets_the_rules_speak() {
    use caiji_filing::{desk::Desk, store::Store};
    let dir = tempfile::tempdir().unwrap();
    let id = "150102199003071237";
    let year = caiji_base::time::today().0;
    {
        let store = Store::open(&dir.path().join("drafts")).unwrap();
        let data = serde_json::json!({
            "category": {"category": "1", "first_work": "2005-07"},
            "work": [{"start": "2005-07", "unit": "某某公司", "uscc": "91150000MA0N99995D", "appointed": "2005-07"}],
            "basic": {"name": "张三", "id_number": id}});
        let forms = caiji_forms::Forms::builtin().unwrap();
        let d = Desk::new(&store, &forms).create("collection", &data, None, None).unwrap();
        // Finalized as it is (the form's other fields do not matter to the standing).
        store.finalize(&d.id, &[]).unwrap();
    }
    // An accountant since 2005 with one collection here: not enough information, and what.
    let o = caiji_in(dir.path(), &["drafts", "standing", id]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("状态：信息不足，无法判断\n") && text.contains(&format!("2006–{} 年的继续教育", year - 1)), "{text}");
    assert!(!text.contains(id), "no ID in full: {text}");
    // Good to three years ago, nothing here since: the unit's assessments are not on this
    // computer, so not 非在岗 — 信息不足, saying which.
    let o = caiji_in(dir.path(), &["drafts", "baseline", id, &(year - 3).to_string()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("状态：信息不足") && text.contains(&format!("至 {} 年（本人说明）", year - 3)), "{text}");
    assert!(text.contains(&format!("{}–{} 年的年度考评", year - 2, year - 1)), "{text}");
    // Good to four years ago: three years running without the CE the person files: 异动.
    let o = caiji_in(dir.path(), &["drafts", "baseline", id, &(year - 4).to_string()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("状态：异动"), "{}", String::from_utf8_lossy(&o.stdout));
    // The JSON is the app's standing (the ID masked).
    let store = Store::open(&dir.path().join("drafts")).unwrap();
    let forms = caiji_forms::Forms::builtin().unwrap();
    let mut app = serde_json::to_value(Desk::new(&store, &forms).standing(id).unwrap()).unwrap();
    app["id_number"] = serde_json::json!("150102********1237");
    assert_eq!(json(&caiji_in(dir.path(), &["--json", "drafts", "standing", id])), app);
    // A year not over is refused; someone with nothing here is told so.
    let o = caiji_in(dir.path(), &["drafts", "baseline", id, &year.to_string()]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("今年尚未结束"));
    let o = caiji_in(dir.path(), &["drafts", "standing", "150102198807070016"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("本机没有这个人"));
}

#[test]
fn ask_answers_the_guides_keywords_and_plain_questions() {
    // A keyword of the guide's 自助答疑: its topic, in full, first.
    let o = caiji(&["ask", "照片"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("【证件照有什么要求"), "{text}");
    assert!(text.contains("→ ") && text.contains("依据："), "what to open and where it comes from: {text}");
    // A question in plain words, and the same as JSON.
    let v = json(&caiji(&["--json", "ask", "调到包头了怎么办"]));
    assert_eq!(v["topics"][0]["id"], "transfer", "{v}");
    assert!(v["topics"][0]["answer"]["zh"].as_str().unwrap().contains("区内调转"));
    let v = json(&caiji(&["--json", "ask", "忘记", "密码"]));
    assert_eq!(v["topics"][0]["id"], "password");
    // Nothing found: exit 1, and the keywords to try.
    let o = caiji(&["ask", "天气预报"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("信息采集、照片"));
}

#[test]
fn a_reader_that_stops_early_ends_it_quietly() {
    // `caiji specs list | head -1` once `head` has gone: the pipe's reading end closed.
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // Close-on-exec: a program another test starts meanwhile must not inherit the reading end.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    unsafe { libc::close(fds[0]) };
    let write_end = unsafe { std::process::Stdio::from_raw_fd(fds[1]) };
    let o = Command::new(caiji_bin()).args(["specs", "list"]).stdout(write_end).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    assert_eq!(o.status.code(), Some(141), "{err}");
}
