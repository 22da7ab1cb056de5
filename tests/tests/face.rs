//! Face-aware ID photos on real portraits: framing by the spec's head rules (judged by hand
//! measurements, not by the detector that framed them), the official-style face checks, and
//! refusals that say what was found.
use caiji_image::check;
use caiji_image::pipeline::{self, FrameMode, Options, Source};
use caiji_image::spec::Registry;
use caiji_tests::*;
use image::{DynamicImage, GenericImage};

fn face_opts() -> Options {
    Options { frame: FrameMode::Face, ..Options::default() }
}

fn framed(data: Vec<u8>, spec_id: &str, truth: Annotated) -> caiji_image::pipeline::Prepared {
    framed_with(data, spec_id, truth, &face_opts())
}

fn framed_with(data: Vec<u8>, spec_id: &str, truth: Annotated, opts: &Options) -> caiji_image::pipeline::Prepared {
    let reg = Registry::builtin();
    let spec = reg.get(spec_id).unwrap();
    let src = Source::for_spec(data.into(), spec).unwrap();
    let p = pipeline::prepare(&src, spec, opts).unwrap_or_else(|e| panic!("{spec_id}: {e}"));
    // The written file passes every rule, the face checks included.
    let report = check::check_photo(&p.jpeg, spec);
    assert!(report.passed, "{spec_id}: {:?}", report.failures().collect::<Vec<_>>());
    for id in ["face", "head", "centred", "upright"] {
        assert!(report.rules.iter().any(|r| r.id == id && r.passed), "{spec_id}: rule {id}");
    }
    // Judged by hand measurements: the head inside the spec's band, centred.
    let rules = spec.head.as_ref().unwrap();
    let c = p.crop.unwrap();
    let (head, top, off) = truth.in_crop(c.x as f64, c.y as f64, c.w as f64, c.h as f64);
    let tol = 0.03; // hand measurement and the crown estimate under a cap
    assert!(head >= rules.height[0] as f64 - tol && head <= rules.height[1] as f64 + tol, "{spec_id}: head {head:.3}");
    assert!(top >= rules.top[0] as f64 - tol && top <= rules.top[1] as f64 + tol, "{spec_id}: top {top:.3}");
    assert!(off.abs() <= rules.centre as f64 + 0.01, "{spec_id}: off centre {off:.3}");
    p
}

#[test]
fn portraits_are_framed_by_the_head_rules() {
    let hopper = std::fs::read(fixture("grace_hopper.jpg")).unwrap();
    for spec in ["nat-photo", "exam-photo", "ga461", "hb-photo", "sc-photo"] {
        framed(hopper.clone(), spec, HOPPER);
    }
}

#[test]
fn a_tilted_head_is_levelled() {
    // The portrait's own tilt (about 3°), levelled where the picture has the room.
    let upright = |p: &pipeline::Prepared| {
        let reg = Registry::builtin();
        let r = check::check_photo(&p.jpeg, reg.get("nat-photo").unwrap());
        r.rules.iter().find(|x| x.id == "upright").unwrap().measured.trim_end_matches('°').parse::<f32>().unwrap()
    };
    let hopper = std::fs::read(fixture("grace_hopper.jpg")).unwrap();
    let p = framed(hopper, "nat-photo", HOPPER);
    assert!(p.head.unwrap().roll.abs() > 2.5);
    assert!(upright(&p).abs() <= 1.0, "still tilted {}", upright(&p));
    assert!(p.notes.iter().any(|n| n.zh.contains("已扶正")));
    // The phone portrait turned further: its hair nearly touches the top. At 8° the box is
    // moved in a little to make room and the head comes out level; at 16° there is no room
    // without padding, so it is framed as it is, and the note and the check say why.
    let big = caiji_image::resize::resize_region(phone_upright(), (0.0, 0.0, 3024.0, 4032.0), 1512, 2016).unwrap().to_rgb8();
    let turned = |deg: f32| {
        let (c, s) = ((-deg).to_radians().cos(), (-deg).to_radians().sin());
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(1512, 2016, |x, y| {
            let (dx, dy) = (x as f32 - 756.0, y as f32 - 700.0);
            let (sx, sy) = (756.0 + c * dx - s * dy, 700.0 + s * dx + c * dy);
            *big.get_pixel(sx.clamp(0.0, 1511.0) as u32, sy.clamp(0.0, 2015.0) as u32)
        }))
    };
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    let make = |deg: f32| {
        let src = Source::for_spec(png(&turned(deg)).into(), spec).unwrap();
        let p = pipeline::prepare(&src, spec, &face_opts()).unwrap();
        let r = check::check_photo(&p.jpeg, spec);
        (p, r)
    };
    let (p, r) = make(8.0);
    assert!(p.head.unwrap().roll.abs() > 7.5, "{}", p.head.unwrap().roll);
    assert!(p.notes.iter().any(|n| n.en.contains("levelled")), "{:?}", p.notes);
    assert!(r.passed, "{:?}", r.failures().collect::<Vec<_>>());
    let (p, r) = make(16.0);
    assert!(p.head.unwrap().roll.abs() > 15.0, "{}", p.head.unwrap().roll);
    assert!(p.notes.iter().any(|n| n.zh.contains("没有足够的画面用来扶正")), "{:?}", p.notes);
    let up = r.rules.iter().find(|x| x.id == "upright").unwrap();
    assert!(!up.passed && up.message.zh.contains("请端正头部重拍"), "{up:?}");
}

fn upright_measured(r: &check::Report) -> f32 {
    r.rules.iter().find(|x| x.id == "upright").unwrap().measured.trim_end_matches('°').parse::<f32>().unwrap()
}

#[test]
fn the_tilt_is_measured_to_half_a_degree_and_a_levelled_photo_measures_level() {
    // Portraits turned by known angles. The measured tilt follows the turn within half a
    // degree (the detector's eye landmarks alone were off by up to 7°: a 10.9° levelling was
    // then checked as −5.1°). Every levelled photo, checked again from its file, measures
    // within 1° of level and passes.
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    let hopper = image::open(fixture("grace_hopper.jpg")).unwrap().to_rgb8();
    let phone = caiji_image::resize::resize_region(phone_upright(), (0.0, 0.0, 3024.0, 4032.0), 1134, 1512).unwrap().to_rgb8();
    let mut levelled = 0;
    for (name, img) in [("hopper", &hopper), ("phone", &phone)] {
        let base = caiji_image::head::measure(img).unwrap();
        let centre = [base.centre_x, (base.crown + base.chin) / 2.0];
        for deg in [-10.0f32, -6.0, -3.0, 3.0, 6.0, 10.0] {
            let t = turned_about(img, deg, centre);
            let roll = caiji_image::head::measure(&t).unwrap().roll;
            assert!((roll - (base.roll + deg)).abs() <= 0.5, "{name} turned {deg}°: measured {roll:.2}, at rest {:.2}", base.roll);
            let src = Source::for_spec(png(&DynamicImage::ImageRgb8(t)).into(), spec).unwrap();
            let p = pipeline::prepare(&src, spec, &face_opts()).unwrap_or_else(|e| panic!("{name} {deg}°: {e}"));
            if p.notes.iter().any(|n| n.en.contains("levelled")) {
                levelled += 1;
                let r = check::check_photo(&p.jpeg, spec);
                let up = upright_measured(&r);
                assert!(up.abs() <= 1.0, "{name} turned {deg}°: the levelled photo measures {up}°");
                assert!(r.passed, "{name} {deg}°: {:?}", r.failures().collect::<Vec<_>>());
                // What the preview says is what the file measures.
                let live = pipeline::check_prepared(&p, spec);
                assert!((upright_measured(&live) - up).abs() <= 0.3, "{name} {deg}°: live {} file {up}", upright_measured(&live));
            }
        }
    }
    assert!(levelled >= 8, "levelled {levelled} of 12");
}

#[test]
fn a_sideways_12_megapixel_phone_portrait_is_framed_upright() {
    let p = framed(phone_jpeg_12mp().to_vec(), "nat-photo", PHONE);
    let head = p.head.unwrap();
    // Upright: the astronaut's own tilt (3°), not a quarter turn.
    assert!(head.roll.abs() < 4.0, "roll {}", head.roll);
    assert_eq!((p.width, p.height), (295, 413));
}

fn refusal(data: Vec<u8>) -> caiji_base::Error {
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    let src = Source::for_spec(data.into(), spec).unwrap();
    pipeline::prepare(&src, spec, &face_opts()).unwrap_err()
}

fn png(img: &DynamicImage) -> Vec<u8> {
    let mut v = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut v), image::ImageFormat::Png).unwrap();
    v
}

#[test]
fn photos_that_cannot_be_made_compliant_are_refused_with_the_reason() {
    // No face: a tower.
    let e = refusal(std::fs::read(sample("exif/tower_gps.jpg")).unwrap());
    assert_eq!(e.code(), "no_face");
    assert!(e.msg().zh.contains("没有检测到人脸") && e.msg().en.contains("No face"));
    // Two people: two real portraits side by side.
    let a = image::open(fixture("grace_hopper.jpg")).unwrap();
    let b = image::open(sample("photos/astronaut.png")).unwrap();
    let mut two = DynamicImage::new_rgb8(1024, 600);
    two.copy_from(&a, 0, 0).unwrap();
    two.copy_from(&b, 512, 44).unwrap();
    let e = refusal(png(&two));
    assert_eq!(e.code(), "many_faces");
    assert!(e.msg().zh.contains("2 张人脸"), "{}", e.msg().zh);
    // The face cut by the edge: the portrait's left half only.
    let half = a.crop_imm(0, 0, 250, 600);
    let e = refusal(png(&half));
    assert_eq!(e.code(), "face_cut", "{}", e.msg().en);
    // Too few pixels for the head at the spec's size: never upscaled.
    let e = refusal(std::fs::read(sample("photos/hopper.jpg")).unwrap());
    assert_eq!(e.code(), "face_too_small");
    assert!(e.msg().zh.contains("295×413"));
    // No room above the head: the portrait cut off through the cap.
    let tight = a.crop_imm(0, 110, 512, 490);
    let e = refusal(png(&tight));
    assert_eq!(e.code(), "no_margin", "{}", e.msg().en);
}

#[test]
fn the_face_checks_judge_a_badly_framed_photo_with_the_measured_values() {
    // The whole astronaut picture as a Sichuan photo: the head is far too small.
    let reg = Registry::builtin();
    let spec = reg.get("sc-photo").unwrap();
    let src = Source::for_spec(std::fs::read(sample("photos/astronaut.png")).unwrap().into(), spec).unwrap();
    let p = pipeline::prepare(&src, spec, &Options::default()).unwrap();
    let report = check::check_photo(&p.jpeg, spec);
    assert!(!report.passed);
    let head = report.rules.iter().find(|r| r.id == "head").unwrap();
    assert!(!head.passed);
    let measured: f64 = head.measured.trim_end_matches('%').parse().unwrap();
    let c = p.crop.unwrap();
    let (truth, _, _) = ASTRONAUT.in_crop(c.x as f64, c.y as f64, c.w as f64, c.h as f64);
    assert!((measured / 100.0 - truth).abs() < 0.05, "measured {measured}% vs {truth:.3}");
    assert!(head.message.zh.contains("头太小") && head.message.en.contains("too small"));
    // The file-only check (what the portal's upload form looks at) does not judge faces.
    assert!(check::check(&p.jpeg, spec).rules.iter().all(|r| r.id != "head"));
}

/// Share of pixels that look like the blue studio backdrop.
fn backdrop_blue(img: &image::RgbImage) -> f64 {
    let n = img.pixels().filter(|p| p[2] as i32 - p[0] as i32 > 35 && p[2] > 110).count();
    n as f64 / (img.width() * img.height()) as f64
}

#[test]
fn a_sideways_portrait_on_a_plain_wall_gets_a_white_background_on_request() {
    let data = plain_wall_sideways_jpeg();
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    // As it is: framed and compliant except the blue wall, which the check points out.
    let plain = framed(data.clone(), "nat-photo", PLAIN_WALL);
    let r = check::check_photo(&plain.jpeg, spec);
    let bg = r.rules.iter().find(|x| x.id == "background").unwrap();
    assert!(!bg.passed && bg.message.zh.contains("白色"), "{bg:?}");
    assert!(plain.background.is_none(), "off by default");
    // Whitened: the same framing, a white wall, said in the notes.
    let white = framed_with(data, "nat-photo", PLAIN_WALL, &Options { whiten: true, ..face_opts() });
    assert_eq!(white.crop, plain.crop);
    let r = check::check_photo(&white.jpeg, spec);
    assert!(r.rules.iter().find(|x| x.id == "background").unwrap().passed, "{:?}", r.rules);
    let w = white.background.unwrap();
    assert!(w.found[2] > w.found[0] + 40, "the wall found is blue: {:?}", w.found);
    assert!(white.notes.iter().any(|n| n.zh.contains("已替换背景") && n.zh.contains("部分平台不接受")), "{:?}", white.notes);
    let (a, b) = (image::load_from_memory(&plain.jpeg).unwrap().to_rgb8(), image::load_from_memory(&white.jpeg).unwrap().to_rgb8());
    // The wall is gone, with no blue fringe left around the cap, the hair and the shoulders.
    let (before, after) = (backdrop_blue(&a), backdrop_blue(&b));
    assert!(before > 0.25 && after < 0.003, "blue wall {before:.3} → {after:.4}");
    for (x, y) in [(3, 3), (a.width() - 4, 3), (3, a.height() / 2), (a.width() - 4, a.height() / 2)] {
        assert!(b.get_pixel(x, y).0.iter().all(|&c| c >= 245), "{x},{y}: {:?}", b.get_pixel(x, y));
    }
    // The person is untouched: the middle of the face box (its corners show the wall) differs
    // by JPEG noise only.
    let f = white.head.unwrap().face;
    let f = caiji_image::face::Face { x: f.x + 0.2 * f.w, y: f.y + 0.2 * f.h, w: 0.6 * f.w, h: 0.6 * f.h, ..f };
    let c = white.crop.unwrap();
    let k = white.width as f32 / c.w as f32;
    let (fx, fy, fw, fh) = (((f.x - c.x as f32) * k) as u32, ((f.y - c.y as f32) * k) as u32, (f.w * k) as u32, (f.h * k) as u32);
    let diff: f64 = (fy..fy + fh)
        .flat_map(|y| (fx..fx + fw).map(move |x| (x, y)))
        .map(|(x, y)| (0..3).map(|i| (a.get_pixel(x, y)[i] as f64 - b.get_pixel(x, y)[i] as f64).abs()).sum::<f64>() / 3.0)
        .sum::<f64>()
        / (fw * fh) as f64;
    assert!(diff < 1.0, "face changed by {diff:.2}");
    // The background is judged around the head, not only in the corners: a picture frame on
    // the wall beside the head fails it, though the corners are white.
    let mut marked = b.clone();
    let h = white.head_out.unwrap();
    for y in (h.eye_y as u32 - 40)..(h.eye_y as u32) {
        for x in 4..40 {
            marked.put_pixel(x, y, image::Rgb([90, 70, 50]));
        }
    }
    let jpeg = caiji_image::encode::encode(
        &DynamicImage::ImageRgb8(marked),
        caiji_image::encode::Settings { quality: 92, chroma: caiji_image::encode::Chroma::S444, dpi: Some(300), trellis: false },
    )
    .unwrap();
    let corners = check::check(&jpeg, spec);
    assert!(corners.rules.iter().find(|x| x.id == "background").unwrap().passed);
    let around = check::check_photo(&jpeg, spec);
    let bg = around.rules.iter().find(|x| x.id == "background").unwrap();
    assert!(!bg.passed && bg.message.zh.contains("头部周围"), "{bg:?}");
    assert_eq!(around.rules.iter().filter(|x| x.id == "background").count(), 1);
}

#[test]
fn a_busy_background_is_not_whitened() {
    // The original portrait: a flag beside the head. Refused with the reason, nothing written.
    let hopper = std::fs::read(fixture("grace_hopper.jpg")).unwrap();
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    let src = Source::for_spec(hopper.into(), spec).unwrap();
    let e = pipeline::prepare(&src, spec, &Options { whiten: true, ..face_opts() }).unwrap_err();
    assert_eq!(e.code(), "background_uneven");
    assert!(e.msg().zh.contains("请在纯色墙前重拍"), "{}", e.msg().zh);
}

#[test]
fn the_committed_plain_wall_fixture_is_what_its_generator_makes() {
    // tests/examples/make_fixtures.rs writes it; PROVENANCE.md says how it is made.
    assert!(std::fs::read(fixture("plain_wall_sideways.jpg")).unwrap() == plain_wall_sideways_jpeg());
}

#[test]
fn a_live_preview_judges_the_face_like_a_fresh_check_of_the_file() {
    // Previews reuse the head measured on the source (no second detection); the saved file is
    // checked from scratch. Both must tell the same story.
    let reg = Registry::builtin();
    let spec = reg.get("nat-photo").unwrap();
    let src = Source::for_spec(std::fs::read(fixture("grace_hopper.jpg")).unwrap().into(), spec).unwrap();
    let f = caiji_image::framing::frame(&src, spec).unwrap();
    let value = |r: &check::Report, id: &str| -> f64 {
        let m = &r.rules.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("{id}")).measured;
        m.trim_end_matches(['%', '°']).parse().unwrap()
    };
    // The framed box, and one moved by hand so the head is too small and off centre.
    let moved = caiji_image::geometry::Rect { x: f.crop.x.saturating_sub(60), w: f.crop.w + 60, h: f.crop.h + 84, ..f.crop };
    for crop in [f.crop, moved] {
        let p = pipeline::prepare(&src, spec, &Options { crop: Some(crop), preview: true, head: Some(f.head), ..face_opts() }).unwrap();
        let (live, fresh) = (pipeline::check_prepared(&p, spec), check::check_photo(&p.jpeg, spec));
        assert_eq!(live.passed, fresh.passed, "{:?}\n{:?}", live.rules, fresh.rules);
        assert_eq!(fresh.passed, crop == f.crop, "the framed box passes, the moved one fails");
        // The head's height comes from the detector's landmarks, which place the mouth a pixel
        // or two differently on the whole portrait and on the finished photo (±2 % of it); the
        // tilt from the face's symmetry, to a few tenths of a degree.
        for (id, tol) in [("head", 4.0), ("top", 3.0), ("centred", 2.0), ("upright", 0.5)] {
            let (a, b) = (value(&live, id), value(&fresh, id));
            assert!((a - b).abs() <= tol, "{id}: live {a} fresh {b}");
        }
    }
}
