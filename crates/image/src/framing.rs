//! Framing an ID photo from its face: where the crop goes so the head (measured by
//! [`crate::head`]) sits as the spec says, and levelling a tilted head.
//!
//! The crop box is placed from the spec's head rules (data in its profile: head height share,
//! space above the crown, horizontal centring, tilt) and never padded or upscaled: when the
//! photo cannot give that, the reason is said instead.
use crate::geometry::Rect;
use crate::head::{face_error, measure, Head};
use crate::source::Source;
use crate::spec::{HeadRules, Spec};
use caiji_base::error::{Error, Result};
use image::{DynamicImage, RgbImage};
use serde::Serialize;

/// The long side of the copy the head is measured on.
const MEASURE_SIDE: u32 = 800;

/// The crop that puts the head where the spec wants it: a face-aware ID photo framing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Framed {
    /// In the source's upright full-resolution pixels.
    pub crop: Rect,
    pub head: Head,
}

/// Frames `src` for `spec` from its face. The head is measured on the working pixels and the
/// crop returned in full-resolution coordinates.
pub fn frame(src: &Source, spec: &Spec) -> Result<Framed> {
    let rules = spec.head.as_ref().ok_or_else(|| Error::invalid("此规格没有头部规则", "This spec has no head rules"))?;
    let (ew, eh) = spec.export_size().ok_or_else(|| Error::invalid("此规格没有导出尺寸", "This spec has no export size"))?;
    // A small upright copy made from the stored pixels: enough for the landmarks and the
    // hair's edge, and far cheaper than turning the whole working picture.
    let (fw, fh) = src.size();
    let k = (fw.max(fh) as f32 / MEASURE_SIDE as f32).max(1.0);
    let (sw, sh) = (((fw as f32 / k).round() as u32).max(1), ((fh as f32 / k).round() as u32).max(1));
    let work = src.crop_resize(Rect::full(fw, fh), sw, sh)?.to_rgb8();
    let k = fw as f32 / sw as f32;
    let head = measure(&work)?;
    let full = head.mapped((0.0, 0.0), (k, k));
    let need = if spec.upscale { 1.0 } else { eh as f32 };
    let aspect = ew as f32 / eh as f32;
    let mut crop = place(&full, rules, fw as f32, fh as f32, aspect, need)?;
    if full.roll.abs() > LEVEL_FROM_DEGREES {
        // Levelling turns the box: place it again inside the picture less the room the turn
        // takes, so the turned box stays inside (else it is left as it is, tilted).
        let (s, c) = full.roll.to_radians().sin_cos();
        let mx = (crop.h as f32 * s.abs() + crop.w as f32 * (1.0 - c)) / 2.0 + 3.0;
        let my = (crop.w as f32 * s.abs() + crop.h as f32 * (1.0 - c)) / 2.0 + 3.0;
        let inset = Head { crown: full.crown - my, chin: full.chin - my, centre_x: full.centre_x - mx, ..full };
        if let Ok(r) = place(&inset, rules, fw as f32 - 2.0 * mx, fh as f32 - 2.0 * my, aspect, need) {
            if r.h as f32 >= need.min(crop.h as f32) {
                crop = Rect { x: r.x + mx as u32, y: r.y + my as u32, ..r };
            }
        }
    }
    if (crop.w < ew || crop.h < eh) && !spec.upscale {
        return Err(face_error(
            "face_too_small",
            format!("头部在原图中只够裁出 {}×{} 像素，规格需要 {ew}×{eh}：请离近一些或用更清晰的照片（不会放大）", crop.w, crop.h),
            format!("The head only gives a {}×{} crop, the spec needs {ew}×{eh}: move closer or use a sharper photo (never upscaled)", crop.w, crop.h),
        ));
    }
    Ok(Framed { crop, head: full })
}

/// Places the crop box of aspect `aspect` (width / height) in a `w`×`h` image: the head's
/// height and the space above it at the middle of their bands, the face centred. When the
/// image is too tight the box may shrink (a larger head share) and move within the bands; when
/// it would have fewer than `min_h` rows it may grow (a smaller share); never beyond the bands.
/// When no box fits, the reason given is the one the smallest box the spec allows meets: it
/// needs the least room on every side, so "no room above the head" is said only when the
/// crown lacks even the smallest box's minimum margin.
fn place(head: &Head, r: &HeadRules, w: f32, h: f32, aspect: f32, min_h: f32) -> Result<Rect> {
    let steps = 8;
    let t = r.target_height();
    let shares =
        (0..=steps).map(|i| t + (r.height[1] - t) * i as f32 / steps as f32).chain((1..=steps).map(|i| t - (t - r.height[0]) * i as f32 / steps as f32));
    let mut fallback = None;
    for share in shares {
        if let Ok(rect) = place_at(head, r, share, w, h, aspect) {
            if rect.h as f32 >= min_h {
                return Ok(rect);
            }
            fallback.get_or_insert(rect);
        }
    }
    // It fits, but with too few pixels: the caller says so.
    if let Some(rect) = fallback {
        return Ok(rect);
    }
    Err(match place_at(head, r, r.height[1], w, h, aspect).err().unwrap_or(Side::Size) {
        Side::Above => face_error(
            "no_margin",
            "头顶上方留的空间不够，按规格裁剪需要头顶上方有更多背景：请重拍时让头部低一些".into(),
            "Not enough room above the head for the spec's framing: retake with the head lower in the picture".into(),
        ),
        Side::Below => face_error(
            "no_margin",
            "下巴下方留的空间不够（规格需要露出肩部）：请重拍时离远一些".into(),
            "Not enough room below the chin (the spec shows the shoulders): retake from a little further away".into(),
        ),
        Side::Sides => face_error(
            "no_margin",
            "脸部太靠近照片左右边缘，无法居中裁剪：请重拍时居中站立".into(),
            "The face is too near the side of the photo to be centred: retake standing in the middle".into(),
        ),
        Side::Size => face_error(
            "no_margin",
            "头部在照片中太大，按规格比例裁剪需要更多背景：请离远一些重拍".into(),
            "The head fills too much of the photo for the spec's framing: retake from further away".into(),
        ),
    })
}

/// The box in which the head is `share` of the height, or the side where the picture ends
/// too soon for it.
fn place_at(head: &Head, r: &HeadRules, share: f32, w: f32, h: f32, aspect: f32) -> std::result::Result<Rect, Side> {
    let ch = head.height().max(1.0) / share;
    let cw = ch * aspect;
    if cw > w + 0.5 || ch > h + 0.5 {
        return Err(Side::Size);
    }
    // Vertical: the preferred space above the crown, moved within its band if needed.
    let top_pref = head.crown - r.target_top() * ch;
    let top_lo = head.crown - r.top[1] * ch; // most space above
    let top_hi = head.crown - r.top[0] * ch; // least space above
    if top_hi < -0.5 {
        return Err(Side::Above);
    }
    let (lo, hi) = (0.0_f32.max(top_lo), (h - ch).min(top_hi));
    if lo > hi + 0.5 {
        return Err(Side::Below);
    }
    let top = top_pref.clamp(lo, hi.max(lo));
    // Horizontal: centred on the face, moved at most the allowed offset.
    let left_pref = head.centre_x - cw / 2.0;
    let slack = r.centre * cw;
    let (lo, hi) = (0.0_f32.max(left_pref - slack), (w - cw).min(left_pref + slack));
    if lo > hi + 0.5 {
        return Err(Side::Sides);
    }
    let left = left_pref.clamp(lo, hi.max(lo));
    let x = left.round().max(0.0) as u32;
    let y = top.round().max(0.0) as u32;
    Ok(Rect { x, y, w: (cw.round() as u32).min(w as u32 - x), h: (ch.round() as u32).min(h as u32 - y) })
}

#[derive(Debug, Clone, Copy)]
enum Side {
    Above,
    Below,
    Sides,
    Size,
}

/// Tilts below this are left alone (the eye line of a natural pose).
pub const LEVEL_FROM_DEGREES: f32 = 2.0;

/// The crop turned by the head's tilt about `centre` so the eye line comes out level, at
/// `tw`×`th`, with the box it used. A box too near the picture's edge for the turn is moved
/// in by up to 5% of its size; `None` when that is not enough (no padding, ever).
/// The turn samples a Lanczos-made copy at twice the output's density, which is then halved
/// (`fine`; else at the output's density, for previews).
pub(crate) fn straighten(src: &Source, crop: Rect, (tw, th): (u32, u32), roll: f32, centre: [f32; 2], fine: bool) -> Result<Option<(DynamicImage, Rect)>> {
    let (fw, fh) = (src.size().0 as f64, src.size().1 as f64);
    let (sin, cos) = (roll as f64).to_radians().sin_cos();
    let c = (centre[0] as f64, centre[1] as f64);
    // Where an output point (full-resolution, level frame) comes from in the picture.
    let from = |x: f64, y: f64| (c.0 + cos * (x - c.0) - sin * (y - c.1), c.1 + sin * (x - c.0) + cos * (y - c.1));
    let extent = |r: Rect| {
        let (x0, y0, x1, y1) = (r.x as f64, r.y as f64, (r.x + r.w) as f64, (r.y + r.h) as f64);
        let corners = [from(x0, y0), from(x1, y0), from(x0, y1), from(x1, y1)];
        (
            corners.iter().map(|p| p.0).fold(f64::MAX, f64::min).floor() - 1.0,
            corners.iter().map(|p| p.1).fold(f64::MAX, f64::min).floor() - 1.0,
            corners.iter().map(|p| p.0).fold(f64::MIN, f64::max).ceil() + 1.0,
            corners.iter().map(|p| p.1).fold(f64::MIN, f64::max).ceil() + 1.0,
        )
    };
    let (mut ex0, mut ey0, mut ex1, mut ey1) = extent(crop);
    let mut crop = crop;
    let overflow = |lo: f64, hi: f64, max: f64| {
        if lo < 0.0 {
            -lo
        } else if hi > max {
            max - hi
        } else {
            0.0
        }
    };
    let (dx, dy) = (overflow(ex0, ex1, fw), overflow(ey0, ey1, fh));
    if dx != 0.0 || dy != 0.0 {
        let (nx, ny) = (crop.x as f64 + dx.signum() * dx.abs().ceil(), crop.y as f64 + dy.signum() * dy.abs().ceil());
        if dx.abs() > 0.05 * crop.w as f64 || dy.abs() > 0.05 * crop.h as f64 || nx < 0.0 || ny < 0.0 {
            return Ok(None);
        }
        crop = Rect { x: nx as u32, y: ny as u32, ..crop };
        (ex0, ey0, ex1, ey1) = extent(crop);
    }
    if ex0 < 0.0 || ey0 < 0.0 || ex1 > fw || ey1 > fh {
        return Ok(None);
    }
    let (x0, y0) = (crop.x as f64, crop.y as f64);
    let n = if fine { 2 } else { 1 };
    let k = n as f64 * tw as f64 / crop.w as f64; // intermediate pixels per picture pixel
    let region = Rect { x: ex0 as u32, y: ey0 as u32, w: (ex1 - ex0) as u32, h: (ey1 - ey0) as u32 };
    let (iw, ih) = (((region.w as f64) * k).round().max(1.0) as u32, ((region.h as f64) * k).round().max(1.0) as u32);
    let mid = src.crop_resize(region, iw, ih)?.to_rgb8();
    let (ow, oh) = (n * tw, n * th);
    let mut out = RgbImage::new(ow, oh);
    for (u, v, px) in out.enumerate_pixels_mut() {
        let (qx, qy) = from(x0 + (u as f64 + 0.5) / k, y0 + (v as f64 + 0.5) / k);
        let (lx, ly) = ((qx - ex0) * iw as f64 / region.w as f64 - 0.5, (qy - ey0) * ih as f64 / region.h as f64 - 0.5);
        *px = bilinear(&mid, lx, ly);
    }
    let out = DynamicImage::ImageRgb8(out);
    Ok(Some((if fine { crate::resize::resize_region(&out, (0.0, 0.0, ow as f64, oh as f64), tw, th)? } else { out }, crop)))
}

fn bilinear(img: &RgbImage, x: f64, y: f64) -> image::Rgb<u8> {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let (xf, yf) = (x.floor(), y.floor());
    let (fx, fy) = (x - xf, y - yf);
    let at = |xx: i64, yy: i64| img.get_pixel(xx.clamp(0, w - 1) as u32, yy.clamp(0, h - 1) as u32).0;
    let (a, b, c, d) = (at(xf as i64, yf as i64), at(xf as i64 + 1, yf as i64), at(xf as i64, yf as i64 + 1), at(xf as i64 + 1, yf as i64 + 1));
    let mut p = [0u8; 3];
    for i in 0..3 {
        let top = a[i] as f64 * (1.0 - fx) + b[i] as f64 * fx;
        let bottom = c[i] as f64 * (1.0 - fx) + d[i] as f64 * fx;
        p[i] = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
    }
    image::Rgb(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::Face;

    /// sc-photo's head rules: head 60–75 % of the height, 4–12 % above it, centred within 5 %.
    const RULES: HeadRules = HeadRules { height: [0.60, 0.75], top: [0.04, 0.12], centre: 0.05, roll: 5.0 };
    const ASPECT: f32 = 114.0 / 156.0;

    /// A 200-pixel head (crown to chin) whose crown is at `crown` and centre line at `x`.
    fn head(crown: f32, x: f32) -> Head {
        let p = [x, crown + 100.0];
        let face = Face { score: 0.9, x: x - 60.0, y: crown + 40.0, w: 120.0, h: 150.0, eye_l: p, eye_r: p, nose: p, mouth_l: p, mouth_r: p };
        Head { face, faces: 1, crown, chin: crown + 200.0, centre_x: x, eye_y: crown + 90.0, roll: 0.0, crown_from_background: false, roll_from_symmetry: true }
    }

    fn reason(head: &Head, w: f32, h: f32) -> String {
        match place(head, &RULES, w, h, ASPECT, 0.0) {
            Ok(r) => format!("placed {r:?}"),
            Err(e) => e.msg().en.clone(),
        }
    }

    #[test]
    fn no_room_above_the_head_is_said_only_when_the_crown_lacks_the_smallest_margin() {
        // Eleven pixels above the crown: the largest box wants 13, the smallest 10.7. The face
        // is at the picture's left edge: that is what stops every box.
        let r = reason(&head(11.0, 60.0), 1000.0, 1000.0);
        assert!(r.contains("side of the photo"), "{r}");
        // The same head in the middle fits, with the smallest box.
        let ok = place(&head(11.0, 500.0), &RULES, 1000.0, 1000.0, ASPECT, 0.0).unwrap();
        assert!(ok.y == 0 && ok.h as f32 >= 200.0 / 0.75 - 1.0, "{ok:?}");
        // Nine pixels: less than even the smallest box's 4 % needs.
        let r = reason(&head(9.0, 500.0), 1000.0, 1000.0);
        assert!(r.contains("room above the head"), "{r}");
    }

    #[test]
    fn a_picture_that_ends_at_the_chin_says_so() {
        // Plenty of room above the crown, the picture ends just under the chin.
        let r = reason(&head(100.0, 500.0), 1000.0, 310.0);
        assert!(r.contains("below the chin"), "{r}");
        let r = reason(&head(100.0, 500.0), 1000.0, 260.0);
        assert!(r.contains("fills too much"), "{r}");
    }
}
