//! The official-style face checks on a finished photo: one face, head size and place, upright,
//! sharp, well exposed, and the background around the head.
use crate::background::{background_verdict, colour_stats};
use crate::head::{measure, Head};
use crate::report::{rule, Level, RuleResult};
use crate::spec::Background;
use crate::spec::Spec;
use caiji_base::i18n::Msg;
use image::{DynamicImage, GrayImage, RgbImage};

/// The official-style face checks on a finished photo: one face, head size and place, upright,
/// sharp, well exposed. Measured values are shares of the photo (head, top) or degrees.
pub fn face_rules(img: &DynamicImage, spec: &Spec) -> Vec<RuleResult> {
    if spec.head.is_none() {
        return Vec::new();
    }
    let rgb = img.to_rgb8();
    match measure(&rgb) {
        Ok(head) => head_rules(&rgb, spec, &head),
        Err(e) => vec![rule("face", Level::Error, false, e.code().into(), "1".into(), e.msg())],
    }
}

/// The face checks for a head already known in `img`'s pixels (a preview made from a head
/// measured on the source: no second detection).
pub fn head_rules(rgb: &RgbImage, spec: &Spec, head: &Head) -> Vec<RuleResult> {
    let Some(r) = spec.head.as_ref() else {
        return Vec::new();
    };
    let (w, h) = (rgb.width() as f32, rgb.height() as f32);
    let head = *head;
    let mut out = vec![rule("face", Level::Error, true, "1".into(), "1".into(), Msg::new("检测到一张正面人脸", "One frontal face found"))];
    let share = head.height() / h;
    let ok = in_band(share, r.height);
    out.push(rule(
        "head",
        Level::Error,
        ok,
        format!("{:.0}%", share * 100.0),
        pct_band(r.height),
        if ok {
            Msg::new(format!("头部占照片高度 {:.0}%，比例合适", share * 100.0), format!("The head is {:.0}% of the height: right", share * 100.0))
        } else if share < r.height[0] {
            Msg::new(
                format!("头部只占照片高度 {:.0}%（应为 {:.0}–{:.0}%）：头太小，请裁得更近", share * 100.0, r.height[0] * 100.0, r.height[1] * 100.0),
                format!(
                    "The head is only {:.0}% of the height ({:.0}–{:.0}% wanted): too small, crop closer",
                    share * 100.0,
                    r.height[0] * 100.0,
                    r.height[1] * 100.0
                ),
            )
        } else {
            Msg::new(
                format!("头部占照片高度 {:.0}%（应为 {:.0}–{:.0}%）：头太大，请留出更多背景", share * 100.0, r.height[0] * 100.0, r.height[1] * 100.0),
                format!(
                    "The head is {:.0}% of the height ({:.0}–{:.0}% wanted): too big, leave more background",
                    share * 100.0,
                    r.height[0] * 100.0,
                    r.height[1] * 100.0
                ),
            )
        },
    ));
    let top = head.crown / h;
    let ok = in_band(top, r.top);
    out.push(rule(
        "top",
        Level::Warning,
        ok,
        format!("{:.0}%", top * 100.0),
        pct_band(r.top),
        if ok {
            Msg::new("头顶上方留白合适", "The space above the head is right")
        } else {
            Msg::new(
                format!("头顶上方留白占 {:.0}%（宜为 {:.0}–{:.0}%）", top * 100.0, r.top[0] * 100.0, r.top[1] * 100.0),
                format!("The space above the head is {:.0}% ({:.0}–{:.0}% wanted)", top * 100.0, r.top[0] * 100.0, r.top[1] * 100.0),
            )
        },
    ));
    let off = (head.centre_x - w / 2.0) / w;
    let ok = off.abs() <= r.centre + 0.01;
    out.push(rule(
        "centred",
        Level::Error,
        ok,
        format!("{:+.0}%", off * 100.0),
        format!("±{:.0}%", r.centre * 100.0),
        if ok {
            Msg::new("人脸居中", "The face is centred")
        } else {
            Msg::new(
                format!("人脸偏离中线 {:.0}%：请重新居中裁剪", off.abs() * 100.0),
                format!("The face is {:.0}% off the middle: re-centre the crop", off.abs() * 100.0),
            )
        },
    ));
    let ok = head.roll.abs() <= r.roll;
    out.push(rule(
        "upright",
        Level::Error,
        ok,
        format!("{:.1}°", head.roll),
        format!("≤ {:.0}°", r.roll),
        if ok {
            Msg::new("头部端正", "The head is upright")
        } else {
            Msg::new(
                format!("头部倾斜 {:.1}°：请端正头部重拍", head.roll.abs()),
                format!("The head is tilted {:.1}°: retake with the head straight", head.roll.abs()),
            )
        },
    ));
    let f = &head.face;
    let face_rect = (f.x.max(0.0) as u32, f.y.max(0.0) as u32, f.w as u32, f.h as u32);
    let gray = DynamicImage::ImageRgb8(rgb.clone()).to_luma8();
    let sharp = sharpness(&gray, face_rect);
    // Variance of the Laplacian over the face, normalised to the face's size.
    let ok = sharp >= 12.0;
    out.push(rule(
        "sharp",
        Level::Warning,
        ok,
        format!("{sharp:.0}"),
        "≥ 12".into(),
        if ok { Msg::new("脸部清晰", "The face is sharp") } else { Msg::new("脸部模糊：请对焦后重拍", "The face is blurred: retake in focus") },
    ));
    let (dark, bright) = clipping(&gray, face_rect);
    let ok = dark < 0.05 && bright < 0.05;
    out.push(rule(
        "exposure",
        Level::Warning,
        ok,
        format!("{:.0}%/{:.0}%", dark * 100.0, bright * 100.0),
        "< 5%".into(),
        if ok {
            Msg::new("脸部曝光正常", "The face is well exposed")
        } else if bright >= dark {
            Msg::new(
                format!("脸部 {:.0}% 过曝发白：请避免强光直射", bright * 100.0),
                format!("{:.0}% of the face is blown out: avoid direct light", bright * 100.0),
            )
        } else {
            Msg::new(
                format!("脸部 {:.0}% 过暗：请在光线充足处重拍", dark * 100.0),
                format!("{:.0}% of the face is too dark: retake in good light", dark * 100.0),
            )
        },
    ));
    if spec.kind == crate::spec::Kind::Photo && !spec.background.is_empty() {
        out.extend(background_around(rgb, &head, &spec.background));
    }
    out
}

/// Whether a share sits inside a band (with a little slack for measuring).
fn in_band(v: f32, b: [f32; 2]) -> bool {
    v >= b[0] - 0.02 && v <= b[1] + 0.02
}

fn pct_band(b: [f32; 2]) -> String {
    format!("{:.0}–{:.0}%", b[0] * 100.0, b[1] * 100.0)
}

fn sharpness(g: &GrayImage, (x, y, w, h): (u32, u32, u32, u32)) -> f32 {
    let (x1, y1) = ((x + w).min(g.width() - 1), (y + h).min(g.height() - 1));
    let (mut s, mut sq, mut n) = (0f64, 0f64, 0f64);
    for yy in (y + 1).max(1)..y1 {
        for xx in (x + 1).max(1)..x1 {
            let c = g.get_pixel(xx, yy)[0] as f64;
            let l =
                g.get_pixel(xx - 1, yy)[0] as f64 + g.get_pixel(xx + 1, yy)[0] as f64 + g.get_pixel(xx, yy - 1)[0] as f64 + g.get_pixel(xx, yy + 1)[0] as f64
                    - 4.0 * c;
            s += l;
            sq += l * l;
            n += 1.0;
        }
    }
    if n == 0.0 {
        return 0.0;
    }
    (sq / n - (s / n).powi(2)).max(0.0) as f32
}

fn clipping(g: &GrayImage, (x, y, w, h): (u32, u32, u32, u32)) -> (f32, f32) {
    let (mut dark, mut bright, mut n) = (0u32, 0u32, 0u32);
    for yy in y..(y + h).min(g.height()) {
        for xx in x..(x + w).min(g.width()) {
            let v = g.get_pixel(xx, yy)[0];
            dark += (v <= 8) as u32;
            bright += (v >= 250) as u32;
            n += 1;
        }
    }
    let n = n.max(1) as f32;
    (dark as f32 / n, bright as f32 / n)
}

/// The background in a band around the head: above the crown across the photo, and beside the
/// head (clear of the hair) down to the eyes. `None` when the band is too thin to judge.
fn background_around(rgb: &image::RgbImage, head: &Head, allowed: &[Background]) -> Option<RuleResult> {
    let (w, h) = rgb.dimensions();
    let above = (head.crown - 2.0).clamp(0.0, h as f32) as u32;
    let clear = 0.75 * head.face.w; // from the face's centre line: past the ears and most hair
    let (left, right) = ((head.centre_x - clear).max(0.0) as u32, (head.centre_x + clear).clamp(0.0, w as f32) as u32);
    let side_rows = above..(head.eye_y.clamp(0.0, h as f32) as u32);
    let pixels = (0..above).flat_map(|y| (0..w).map(move |x| (x, y))).chain(side_rows.flat_map(|y| (0..left).chain(right..w).map(move |x| (x, y))));
    let (m, sd, n) = colour_stats(rgb, pixels);
    if (n as f64) < (w as f64 * 2.0).max(100.0) {
        return None;
    }
    Some(background_verdict(m, sd, allowed, ("头部周围", "around the head")))
}
