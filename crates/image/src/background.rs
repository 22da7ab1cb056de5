//! The background of a photo: colour statistics of a region and the verdict against the colours
//! a spec allows (at the top corners here; around a known head in [`crate::face_check`]).
use crate::report::{rule, Level, RuleResult};
use crate::spec::Background;
use caiji_base::i18n::Msg;
use image::DynamicImage;

/// Mean colour of the two top corners, where an ID photo shows only background.
pub fn corner_colour(img: &DynamicImage) -> ([f64; 3], f64) {
    match img {
        DynamicImage::ImageRgb8(rgb) => corner_colour_rgb(rgb),
        other => corner_colour_rgb(&other.to_rgb8()),
    }
}

pub fn corner_colour_rgb(rgb: &image::RgbImage) -> ([f64; 3], f64) {
    let (w, h) = rgb.dimensions();
    let (pw, ph) = ((w / 8).max(1), (h / 10).max(1));
    let corners = [(0, 0), (w - pw, 0)].into_iter().flat_map(|(x0, y0)| (y0..y0 + ph).flat_map(move |y| (x0..x0 + pw).map(move |x| (x, y))));
    let (mean, sd, _) = colour_stats(rgb, corners);
    (mean, sd)
}

/// Mean colour, spread of the luma and count of some pixels of `rgb`.
pub(crate) fn colour_stats(rgb: &image::RgbImage, pixels: impl Iterator<Item = (u32, u32)>) -> ([f64; 3], f64, usize) {
    let (mut sum, mut sq, mut n) = ([0f64; 3], 0f64, 0usize);
    for (x, y) in pixels {
        let p = rgb.get_pixel(x, y);
        let l = 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
        for c in 0..3 {
            sum[c] += p[c] as f64;
        }
        sq += l * l;
        n += 1;
    }
    let k = n.max(1) as f64;
    let mean = [sum[0] / k, sum[1] / k, sum[2] / k];
    let ml = 0.299 * mean[0] + 0.587 * mean[1] + 0.114 * mean[2];
    (mean, (sq / k - ml * ml).max(0.0).sqrt(), n)
}

pub(crate) fn background_rule(img: &DynamicImage, allowed: &[Background]) -> RuleResult {
    let (m, sd) = corner_colour(img);
    background_verdict(m, sd, allowed, ("照片上角", "at the top corners"))
}

pub(crate) fn background_verdict(m: [f64; 3], sd: f64, allowed: &[Background], (where_zh, where_en): (&str, &str)) -> RuleResult {
    let close = |b: Background| {
        let t = b.rgb();
        let d = ((m[0] - t[0] as f64).powi(2) + (m[1] - t[1] as f64).powi(2) + (m[2] - t[2] as f64).powi(2)).sqrt();
        match b {
            Background::White => m.iter().all(|&c| c >= 200.0) && d < 60.0,
            _ => d < 90.0,
        }
    };
    let hit = allowed.iter().copied().find(|&b| close(b));
    let ok = hit.is_some() && sd < 28.0;
    let names_zh = allowed.iter().map(|b| b.name().zh).collect::<Vec<_>>().join("/");
    let names_en = allowed.iter().map(|b| b.name().en).collect::<Vec<_>>().join("/");
    let measured = format!("RGB({:.0},{:.0},{:.0}) σ{:.0}", m[0], m[1], m[2], sd);
    rule(
        "background",
        Level::Warning,
        ok,
        measured.clone(),
        names_en.clone(),
        if ok {
            Msg::new(format!("{where_zh}的背景接近{names_zh}且均匀"), format!("The background {where_en} is even and close to {names_en}"))
        } else {
            // In plain words: the colour and its spread are in `measured` (the technical details).
            let how = if hit.is_some() { "颜色不均匀" } else { "颜色不对" };
            Msg::new(
                format!("{where_zh}的背景{how}，不像均匀的{names_zh}背景：官方审核可能不通过，请在{names_zh}墙前重拍"),
                format!(
                    "The background {where_en} is {measured}, not an even {names_en}: official checks may reject it; retake it in front of a {names_en} wall"
                ),
            )
        },
    )
}
