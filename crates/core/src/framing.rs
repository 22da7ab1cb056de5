//! Face-aware ID photos: where the head is, where the crop goes so the head sits as the spec
//! says, and the official-style face checks.
//!
//! The crown and chin come from the landmarks (eye line, mouth line and their distance, by
//! average head proportions); on a plain background the crown is then found where the hair
//! meets the wall. The crop box is placed from the spec's head rules (data in its profile:
//! head height share, space above the crown, horizontal centring, tilt) and never padded or
//! upscaled: when the photo cannot give that, the reason is said instead.
use crate::check::{corner_colour_rgb, rule, Level, RuleResult};
use crate::error::{Error, Result};
use crate::face::{self, Face};
use crate::geometry::Rect;
use crate::i18n::Msg;
use crate::pipeline::Source;
use crate::spec::Spec;
use image::{DynamicImage, GrayImage, RgbImage};
use serde::{Deserialize, Serialize};

/// The long side of the copy the head is measured on.
const MEASURE_SIDE: u32 = 800;

/// A photo spec's head rules, as shares of the photo's height and width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadRules {
    /// Head height, crown (top of the hair) to chin, as a share of the photo height: [min, max].
    pub height: [f32; 2],
    /// Space above the crown, as a share of the photo height: [min, max].
    pub top: [f32; 2],
    /// Largest offset of the face's centre line from the photo's middle, as a share of its width.
    pub centre: f32,
    /// Largest tilt of the eye line, in degrees.
    pub roll: f32,
}

impl HeadRules {
    fn target_height(&self) -> f32 {
        (self.height[0] + self.height[1]) / 2.0
    }
    fn target_top(&self) -> f32 {
        (self.top[0] + self.top[1]) / 2.0
    }
}

/// Where the head is, in the coordinates of the image it was measured on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub face: Face,
    /// Faces found in all (the chosen one is the largest).
    pub faces: usize,
    /// Top of the hair and bottom of the chin.
    pub crown: f32,
    pub chin: f32,
    /// The face's vertical centre line.
    pub centre_x: f32,
    pub eye_y: f32,
    /// Tilt of the eye line in degrees (positive: the image-right eye is lower).
    pub roll: f32,
    /// Whether the crown was found at the background's edge (else estimated from the face).
    pub crown_from_background: bool,
}

impl Head {
    pub fn height(&self) -> f32 {
        self.chin - self.crown
    }

    /// The head in the pixels of an output made from `crop` at `w`×`h` (`levelled`: turned
    /// upright about the face).
    pub fn in_output(&self, crop: Rect, w: u32, h: u32, levelled: bool) -> Head {
        let head = self.mapped((crop.x as f32, crop.y as f32), (w as f32 / crop.w as f32, h as f32 / crop.h as f32));
        Head { roll: if levelled { 0.0 } else { self.roll }, ..head }
    }

    /// The head in other pixels: a point p goes to (p − origin) · scale.
    fn mapped(&self, (ox, oy): (f32, f32), (sx, sy): (f32, f32)) -> Head {
        Head {
            face: self.face.mapped((ox, oy), (sx, sy)),
            crown: (self.crown - oy) * sy,
            chin: (self.chin - oy) * sy,
            centre_x: (self.centre_x - ox) * sx,
            eye_y: (self.eye_y - oy) * sy,
            ..*self
        }
    }
}

fn mid(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

fn face_error(code: &'static str, zh: String, en: String) -> Error {
    Error::Face { code, msg: Msg::new(zh, en) }
}

/// Finds the one face of a portrait and measures the head. Refuses (with what was found) when
/// there is no face, several, or one cut by the edge.
pub fn measure(img: &RgbImage) -> Result<Head> {
    let faces = face::detect(img)?;
    let Some(&f) = faces.iter().max_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h))) else {
        return Err(face_error(
            "no_face",
            "照片中没有检测到人脸：请用正面、光线充足的免冠照片".into(),
            "No face found in the photo: use a frontal, well-lit photo without a hat".into(),
        ));
    };
    // Other faces at least a third the size of the main one: a group photo, not an ID photo.
    let others = faces.iter().filter(|o| **o != f && o.w * o.h >= f.w * f.h / 9.0).count();
    if others > 0 {
        return Err(face_error(
            "many_faces",
            format!("照片中检测到 {} 张人脸：证件照只能有本人", others + 1),
            format!("{} faces found in the photo: an ID photo shows one person only", others + 1),
        ));
    }
    let (w, h) = (img.width() as f32, img.height() as f32);
    let margin = 1.0;
    if f.x <= margin || f.x + f.w >= w - margin || f.y <= margin || f.y + f.h >= h - margin {
        return Err(face_error(
            "face_cut",
            "脸部被照片边缘截断：请让整个头部和肩膀都在画面内".into(),
            "The face is cut by the edge of the photo: keep the whole head and the shoulders in the picture".into(),
        ));
    }
    let eyes = mid(f.eye_l, f.eye_r);
    let mouth = mid(f.mouth_l, f.mouth_r);
    let d = ((mouth[0] - eyes[0]).powi(2) + (mouth[1] - eyes[1]).powi(2)).sqrt().max(1.0);
    let roll = (f.eye_r[1] - f.eye_l[1]).atan2(f.eye_r[0] - f.eye_l[0]).to_degrees();
    // Average proportions: chin about 0.8 eye-mouth distances below the mouth, the top of the
    // hair about 1.9 above the eyes.
    let chin = (mouth[1] + 0.8 * d).min(h);
    let estimate = eyes[1] - 1.9 * d;
    let found = crown_at_background(img, &f, eyes[1], d);
    let crown = found.unwrap_or(estimate.max(0.0));
    Ok(Head { face: f, faces: faces.len(), crown, chin, centre_x: (eyes[0] + mouth[0]) / 2.0, eye_y: eyes[1], roll, crown_from_background: found.is_some() })
}

/// On a plain background, the row where the hair starts above the face: scanning up from the
/// forehead, the first row across the head's width that is (nearly) all background. `None`
/// when the background is not plain or the edge is not where a head could end.
fn crown_at_background(img: &RgbImage, f: &Face, eye_y: f32, d: f32) -> Option<f32> {
    let (bg, sd) = corner_colour_rgb(img);
    if sd > 12.0 {
        return None;
    }
    let x0 = (f.x + 0.15 * f.w).max(0.0) as u32;
    let x1 = ((f.x + 0.85 * f.w) as u32).min(img.width());
    let far = (eye_y - 3.0 * d).max(0.0) as u32;
    let start = (eye_y - 1.2 * d).max(0.0) as u32;
    let differs = |y: u32| {
        let n = (x0..x1).filter(|&x| {
            let p = img.get_pixel(x, y);
            (0..3).map(|c| (p[c] as f32 - bg[c] as f32).abs()).fold(0.0, f32::max) > 40.0
        });
        n.count() as f32 / (x1 - x0).max(1) as f32
    };
    let mut y = start;
    while y > far {
        if differs(y) < 0.03 {
            let crown = y as f32 + 1.0;
            // Plausible only between 1.3 and 2.8 eye-mouth distances above the eyes.
            return (crown <= eye_y - 1.3 * d && crown >= eye_y - 2.8 * d).then_some(crown);
        }
        y -= 1;
    }
    None
}

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
    if crop.w < ew || crop.h < eh {
        if !spec.upscale {
            return Err(face_error(
                "face_too_small",
                format!("头部在原图中只够裁出 {}×{} 像素，规格需要 {ew}×{eh}：请离近一些或用更清晰的照片（不会放大）", crop.w, crop.h),
                format!("The head only gives a {}×{} crop, the spec needs {ew}×{eh}: move closer or use a sharper photo (never upscaled)", crop.w, crop.h),
            ));
        }
    }
    Ok(Framed { crop, head: full })
}

/// Places the crop box of aspect `aspect` (width / height) in a `w`×`h` image: the head's
/// height and the space above it at the middle of their bands, the face centred. When the
/// image is too tight the box may shrink (a larger head share) and move within the bands; when
/// it would have fewer than `min_h` rows it may grow (a smaller share); never beyond the bands.
fn place(head: &Head, r: &HeadRules, w: f32, h: f32, aspect: f32, min_h: f32) -> Result<Rect> {
    let hh = head.height().max(1.0);
    let steps = 8;
    let t = r.target_height();
    let shares =
        (0..=steps).map(|i| t + (r.height[1] - t) * i as f32 / steps as f32).chain((1..=steps).map(|i| t - (t - r.height[0]) * i as f32 / steps as f32));
    let mut last_problem = None;
    let mut fallback = None;
    for share in shares {
        let ch = hh / share;
        let cw = ch * aspect;
        if cw > w + 0.5 || ch > h + 0.5 {
            last_problem = Some(Side::Size);
            continue;
        }
        // Vertical: the preferred space above the crown, moved within its band if needed.
        let top_pref = head.crown - r.target_top() * ch;
        let top_lo = head.crown - r.top[1] * ch; // most space above
        let top_hi = head.crown - r.top[0] * ch; // least space above
        let (lo, hi) = (0.0_f32.max(top_lo), (h - ch).min(top_hi));
        if lo > hi + 0.5 {
            last_problem = Some(if top_lo > h - ch { Side::Below } else { Side::Above });
            continue;
        }
        let top = top_pref.clamp(lo, hi.max(lo));
        if top < top_lo - 0.5 || top > top_hi + 0.5 || top < -0.5 || top + ch > h + 0.5 {
            last_problem = Some(if top_lo > h - ch { Side::Below } else { Side::Above });
            continue;
        }
        // Horizontal: centred on the face, moved at most the allowed offset.
        let left_pref = head.centre_x - cw / 2.0;
        let slack = r.centre * cw;
        let (lo, hi) = (0.0_f32.max(left_pref - slack), (w - cw).min(left_pref + slack));
        if lo > hi + 0.5 {
            last_problem = Some(Side::Sides);
            continue;
        }
        let left = left_pref.clamp(lo, hi.max(lo));
        if left < -0.5 || left + cw > w + 0.5 || (left - left_pref).abs() > slack + 0.5 {
            last_problem = Some(Side::Sides);
            continue;
        }
        let x = left.round().max(0.0) as u32;
        let y = top.round().max(0.0) as u32;
        let rect = Rect { x, y, w: (cw.round() as u32).min(w as u32 - x), h: (ch.round() as u32).min(h as u32 - y) };
        if rect.h as f32 >= min_h {
            return Ok(rect);
        }
        fallback.get_or_insert(rect);
    }
    // It fits, but with too few pixels: the caller says so.
    if let Some(rect) = fallback {
        return Ok(rect);
    }
    Err(match last_problem.unwrap_or(Side::Size) {
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

#[derive(Debug, Clone, Copy)]
enum Side {
    Above,
    Below,
    Sides,
    Size,
}

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
    let Some(r) = spec.head.as_ref() else { return Vec::new() };
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
        out.extend(crate::check::background_around(rgb, &head, &spec.background));
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
