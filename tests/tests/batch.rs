//! `caiji batch` on hundreds of files: progress, report, resume, Ctrl-C, untouched sources.
use caiji_image::check;
use caiji_image::spec::Registry;
use caiji_tests::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn resident_id(body17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body17.bytes().zip(W).map(|(d, w)| (d - b'0') as u32 * w).sum();
    format!("{body17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// `n` good photos (copies of real samples under staff-like names) and three broken files.
fn staff_folder(dir: &Path, n: usize) -> PathBuf {
    let input = dir.join("staff");
    std::fs::create_dir_all(&input).unwrap();
    // Phone HEIC (a burst's primary picture) among them, as a finance office gets them.
    let goods = ["photos/astronaut.png", "exif/tower_gps.jpg", "formats/tower_progressive.jpg", "exif/xmp_test.jpg", "formats/nokia_burst_4.heic"];
    for i in 0..n {
        let id = resident_id(&format!("1501021990{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i % 1000));
        let src = sample(goods[i % goods.len()]);
        let ext = src.extension().unwrap().to_str().unwrap().to_string();
        std::fs::copy(&src, input.join(format!("员工{i:03}_{id}.{ext}"))).unwrap();
    }
    let id = |n: u32| resident_id(&format!("15010219850101{n:03}"));
    std::fs::copy(sample("broken/truncated_jpeg.jpg"), input.join(format!("坏文件_截断_{}.jpg", id(1)))).unwrap();
    std::fs::copy(sample("broken/zero_bytes.jpg"), input.join(format!("空文件_{}.jpg", id(2)))).unwrap();
    std::fs::write(input.join(format!("说明_{}.jpg", id(3))), "这不是图片").unwrap();
    input
}

fn hashes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), Sha256::digest(std::fs::read(&p).unwrap()).to_vec())
        })
        .collect()
}

fn run(args: &[&str]) -> (i32, Value) {
    let o = Command::new(caiji_bin()).args(args).env("XDG_CONFIG_HOME", "/nonexistent").output().unwrap();
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)));
    (o.status.code().unwrap_or(-1), v)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn batch_of_200_with_report_resume_and_untouched_sources() {
    let dir = tempfile::tempdir().unwrap();
    let input = staff_folder(dir.path(), 200);
    let out = dir.path().join("out");
    let before = hashes(&input);

    let (code, v) = run(&["--json", "batch", s(&input), s(&out), "--spec", "nat-photo", "--template", "{id}", "--frame", "centre"]);
    assert_eq!(code, 1, "failures make the exit code 1");
    let sum = &v["summary"];
    assert_eq!(sum["total"], 203);
    assert_eq!(sum["failed"], 3);
    assert_eq!(sum["ok"].as_u64().unwrap() + sum["warning"].as_u64().unwrap(), 200);
    // Broken files are reported with their reason; the others named by resident ID.
    let items = sum["items"].as_array().unwrap();
    let failed: Vec<&Value> = items.iter().filter(|i| i["status"] == "failed").collect();
    assert!(failed.iter().all(|i| !i["reasons"].as_array().unwrap().is_empty()));
    let mut codes: Vec<&str> = failed.iter().map(|i| i["code"].as_str().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, ["not_an_image", "not_an_image", "truncated"]);
    let spec = Registry::builtin().get("nat-photo").unwrap().clone();
    let mut outputs = 0;
    for it in items.iter().filter(|i| i["status"] == "ok" || i["status"] == "warning") {
        let name = it["output"].as_str().unwrap();
        assert_eq!(name.len(), 18 + 4, "{name}");
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(check::check(&bytes, &spec).passed, "{name}");
        outputs += 1;
    }
    assert_eq!(outputs, 200);
    // Reports: CSV (with a BOM for Excel) and JSON.
    let csv = std::fs::read_to_string(out.join("caiji-report.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 204);
    // In Chinese (the CLI's default language), for the clerk who opens it in Excel.
    assert!(csv.lines().next().unwrap().contains("源文件,输出文件,结果,像素,字节,质量"), "{}", csv.lines().next().unwrap());
    assert!(csv.lines().any(|l| l.contains(",成功,") || l.contains(",有提示,")) && csv.lines().any(|l| l.contains(",失败,")), "{csv}");
    let rj: Value = serde_json::from_str(&std::fs::read_to_string(out.join("caiji-report.json")).unwrap()).unwrap();
    assert_eq!(rj["total"], 203);
    // Sources are byte-identical.
    assert_eq!(hashes(&input), before);
    // No temporary files are left.
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));

    // Resume: everything done is skipped; the broken ones are tried again.
    let (_, v) = run(&["--json", "batch", s(&input), s(&out), "--spec", "nat-photo", "--template", "{id}", "--resume", "--frame", "centre"]);
    assert_eq!(v["summary"]["skipped"], 200);
    assert_eq!(v["summary"]["failed"], 3);
    // A changed source is redone; a deleted output is redone.
    let changed = input.join(std::fs::read_dir(&input).unwrap().map(|e| e.unwrap().file_name()).find(|n| n.to_string_lossy().ends_with(".png")).unwrap());
    std::fs::copy(sample("exif/tower_gps.jpg"), &changed).unwrap();
    let victim = items.iter().find(|i| i["status"] != "failed" && i["source"] != changed.file_name().unwrap().to_str().unwrap()).unwrap();
    std::fs::remove_file(out.join(victim["output"].as_str().unwrap())).unwrap();
    let (_, v) = run(&["--json", "batch", s(&input), s(&out), "--spec", "nat-photo", "--template", "{id}", "--resume", "--frame", "centre"]);
    assert_eq!(v["summary"]["skipped"], 198);
    assert_eq!(v["summary"]["ok"].as_u64().unwrap() + v["summary"]["warning"].as_u64().unwrap(), 2);
}

#[test]
fn naming_problems_and_output_folder_safety() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(sample("photos/astronaut.png"), input.join("no_id_here.png")).unwrap();
    let bad = resident_id("15010219900101123");
    let wrong = format!("{}{}", &bad[..17], if bad.ends_with('0') { '1' } else { '0' });
    std::fs::copy(sample("photos/astronaut.png"), input.join(format!("王五{wrong}.png"))).unwrap();
    std::fs::copy(sample("photos/astronaut.png"), input.join("same.png")).unwrap();
    std::fs::copy(sample("exif/tower_gps.jpg"), input.join("same.jpg")).unwrap();
    let out = dir.path().join("out");
    let (_, v) = run(&["--json", "--lang", "en", "batch", s(&input), s(&out), "--spec", "nat-photo", "--template", "{id}", "--frame", "centre"]);
    let reasons: Vec<String> = v["summary"]["items"].as_array().unwrap().iter().map(|i| i["reasons"][0]["en"].as_str().unwrap_or("").to_string()).collect();
    assert!(reasons.iter().any(|r| r.contains("No 18-digit resident ID")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("check digit")));
    // The wrong ID is masked in what is shown.
    assert!(!serde_json::to_string(&v).unwrap().contains(&format!("{}X", &wrong[..14])));
    let (_, v) = run(&["--json", "--lang", "en", "batch", s(&input), s(&out), "--spec", "nat-photo", "--frame", "centre"]);
    let reasons = serde_json::to_string(&v).unwrap();
    assert!(reasons.contains("collides"), "same.png and same.jpg both want same.jpg");
    // The output folder cannot be the input folder.
    let (code, v) = run(&["--json", "batch", s(&input), s(&input), "--spec", "nat-photo"]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["code"], "invalid");
}

#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let input = staff_folder(dir.path(), 200);
    let out = dir.path().join("out");
    let before = hashes(&input);
    let child = Command::new(caiji_bin())
        .args(["--json", "batch", s(&input), s(&out), "--spec", "nat-photo", "--jobs", "1", "--frame", "centre"])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some files are done, then press Ctrl-C.
    let journal = out.join(".caiji-journal.jsonl");
    let t0 = Instant::now();
    while std::fs::read_to_string(&journal).map(|t| t.lines().count()).unwrap_or(0) < 10 {
        assert!(t0.elapsed() < Duration::from_secs(120), "batch made no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let done = v["summary"]["ok"].as_u64().unwrap() + v["summary"]["warning"].as_u64().unwrap();
    let cancelled = v["summary"]["cancelled"].as_u64().unwrap();
    assert!(cancelled > 0 && (10..200).contains(&done), "done {done}, cancelled {cancelled}");
    // No partial files: every JPEG in the output decodes completely and passes.
    assert_eq!(whole_outputs(&out, "nat-photo"), done);
    assert_eq!(hashes(&input), before);
    // Resume does the rest and skips what was done.
    let (_, v) = run(&["--json", "batch", s(&input), s(&out), "--spec", "nat-photo", "--resume", "--frame", "centre"]);
    assert_eq!(v["summary"]["skipped"].as_u64().unwrap(), done);
    assert_eq!(v["summary"]["ok"].as_u64().unwrap() + v["summary"]["warning"].as_u64().unwrap() + done, 200);
}
