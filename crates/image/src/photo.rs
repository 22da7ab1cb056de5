//! Stage by stage for one ID photo: the crop (given, framed from the face, or centred), never
//! upscaled, levelled when the head is tilted, the background replaced when asked, colour per
//! the spec, then fitted into the byte window with the quality steps of [`crate::fit`].
use crate::encode;
use crate::fit::{cannot_fit, colour_for, goal, low_quality_note, padded_note, Prepared, LAST_RESORT_FLOOR, QUALITY_FLOOR};
use crate::geometry::{Framer, Rect};
use crate::head::Head;
use crate::source::{needed_scale, FrameMode, Source};
use crate::spec::{Background, PixelRuleKind, Spec};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use image::DynamicImage;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Crop in upright full-resolution coordinates; adjusted to the spec's aspect.
    pub crop: Option<Rect>,
    /// Use the working pixels as they are (fast previews while dragging).
    pub preview: bool,
    pub frame: FrameMode,
    /// The head as measured when the picture was framed earlier (the app measures once on
    /// opening, then the person moves the box): levels it and guards it when whitening.
    pub head: Option<Head>,
    /// Replace a plain background by the spec's colour (white where allowed). Off by default:
    /// some portals refuse an edited background, so the report says it was done.
    pub whiten: bool,
    /// Documents: how a photographed page is found and flattened (when no crop is given).
    pub page: crate::page::PageMode,
}

pub fn prepare_photo(src: &Source, spec: &Spec, opts: &Options, framer: &dyn Framer) -> Result<Prepared> {
    let (w, h) = src.size();
    let (ew, eh) = spec.export_size().ok_or_else(|| Error::invalid("此规格没有导出尺寸", "This spec has no export size"))?;
    let face_checks = (opts.frame == FrameMode::Face || opts.head.is_some()) && spec.head.is_some();
    let mut head = opts.head;
    let crop = match opts.crop {
        Some(r) => r.within(w, h)?.fit_aspect(ew, eh),
        None if face_checks => {
            let f = crate::framing::frame(src, spec)?;
            head = Some(f.head);
            f.crop
        }
        None => framer.frame(w, h, (ew, eh)),
    };
    let mut notes = Vec::new();
    // Never upscale: refuse, or (where the rule allows) export at the crop's own size.
    let (mut tw, mut th) = (ew, eh);
    if (crop.w < ew || crop.h < eh) && !spec.upscale {
        let min = spec.min_size();
        let floor_ok = match min {
            Some((mw, mh)) => crop.w >= mw && crop.h >= mh && spec.pixels.rule != PixelRuleKind::Exact,
            None => true,
        };
        if !floor_ok {
            let (need_w, need_h) = min.unwrap_or((ew, eh));
            return Err(Error::TooSmall { src_w: crop.w, src_h: crop.h, need_w, need_h });
        }
        tw = crop.w;
        th = ((crop.w as u64 * eh as u64 + ew as u64 / 2) / ew as u64).min(crop.h as u64) as u32;
        notes.push(Msg::new(
            format!("原图不够大，按原始像素 {tw}×{th} 导出（不放大）"),
            format!("The source is small: exported at its own {tw}×{th} pixels (never upscaled)"),
        ));
    }
    let src = if opts.preview { std::borrow::Cow::Borrowed(src) } else { src.at_scale(needed_scale(crop, tw, th))? };
    let mut floor = QUALITY_FLOOR;
    let mut pixels: Option<(u32, u32, DynamicImage)> = None;
    let mut edits = Edits::default();
    loop {
        // The pixels change only with the size; the quality steps reuse them.
        let px = match pixels.take() {
            Some((pw, ph, px)) if (pw, ph) == (tw, th) => px,
            _ => {
                let (px, e) = photo_pixels(&src, spec, crop, (tw, th), head.as_ref(), opts.whiten, !opts.preview)?;
                edits = e;
                px
            }
        };
        match encode::encode_to_window(&px, &goal(spec, floor))? {
            Ok(mut encoded) => {
                notes.extend(edits.notes());
                if encoded.quality < QUALITY_FLOOR {
                    notes.push(low_quality_note(encoded.quality));
                }
                if encoded.padded > 0 {
                    notes.push(padded_note(encoded.padded));
                }
                return Ok(Prepared {
                    width: tw,
                    height: th,
                    bytes: encoded.bytes.len() as u64,
                    jpeg: std::mem::take(&mut encoded.bytes),
                    encoded,
                    crop: Some(edits.moved.unwrap_or(crop)),
                    head,
                    head_out: head.map(|h| h.in_output(edits.moved.unwrap_or(crop), tw, th, edits.levelled.map(|_| edits.residual))),
                    background: edits.whitened,
                    face_checks,
                    notes,
                });
            }
            Err(miss) => {
                pixels = Some((tw, th, px));
                // Fewer pixels only where the rule leaves the size open.
                if spec.pixels.rule == PixelRuleKind::Any && tw > ew / 2 {
                    tw = (tw as f64 * 0.85) as u32;
                    th = (th as f64 * 0.85) as u32;
                    continue;
                }
                if floor > LAST_RESORT_FLOOR {
                    floor = LAST_RESORT_FLOOR;
                    continue;
                }
                return Err(cannot_fit(miss.smallest, spec.bytes.max.unwrap_or(0), "照片在最低质量下", "even at the lowest quality"));
            }
        }
    }
}

/// The most a levelled photo may still measure, in degrees.
pub const MAX_RESIDUAL_TILT: f32 = 1.0;

/// What was done to a photo's pixels beyond crop and resize.
#[derive(Debug, Default, Clone, Copy)]
struct Edits {
    /// The tilt levelled, in degrees.
    levelled: Option<f32>,
    /// The tilt the levelled photo still measures (within [`MAX_RESIDUAL_TILT`]).
    residual: f32,
    /// A tilt past the limit that could not be levelled: the box is too near the edge.
    not_levelled: Option<f32>,
    /// The box moved in from the edge to make room for levelling.
    moved: Option<Rect>,
    whitened: Option<crate::whiten::Whitened>,
}

impl Edits {
    fn notes(&self) -> Vec<Msg> {
        let mut out = Vec::new();
        if let Some(r) = self.levelled {
            out.push(Msg::new(format!("头部倾斜 {:.1}°，已扶正", r.abs()), format!("The head was tilted {:.1}°: levelled", r.abs())));
        }
        if let Some(r) = self.not_levelled {
            out.push(Msg::new(
                format!("头部倾斜 {:.1}°，裁剪框周围没有足够的画面用来扶正（不会补边）：请把裁剪框从照片边缘移开，或重拍时端正头部", r.abs()),
                format!("The head is tilted {:.1}° and there is not enough picture around the box to level it (never padded): move the box away from the edge, or retake with the head straight", r.abs()),
            ));
        }
        out.extend(self.whitened.map(|w| w.note()));
        out
    }
}

/// The output pixels of a photo at `tw`×`th`: cropped, levelled when the head is tilted past a
/// natural pose and the picture has the room, the background replaced when asked, colour per
/// the spec.
fn photo_pixels(src: &Source, spec: &Spec, crop: Rect, (tw, th): (u32, u32), head: Option<&Head>, whiten: bool, fine: bool) -> Result<(DynamicImage, Edits)> {
    let mut edits = Edits::default();
    let level = head.filter(|h| h.roll.abs() > crate::framing::LEVEL_FROM_DEGREES);
    let mut turned = match level {
        Some(h) => crate::framing::straighten(src, crop, (tw, th), h.roll, [h.centre_x, (h.crown + h.chin) / 2.0], fine)?,
        None => None,
    };
    let mut turn = level.map(|h| h.roll);
    if let (Some((px, _)), Some(h), true) = (&turned, level, fine) {
        // The finished photo is checked by measuring it again: it must measure level, so it is
        // measured here and turned by what is left once more; still tilted, it is refused.
        // Only a tilt measured from the face's symmetry is precise enough to act on.
        let precise = |px: &DynamicImage| crate::head::measure(&px.to_rgb8()).ok().filter(|m| m.roll_from_symmetry).map(|m| m.roll);
        let mut residual = precise(px).unwrap_or(0.0);
        if residual.abs() > MAX_RESIDUAL_TILT {
            let again = crate::framing::straighten(src, crop, (tw, th), h.roll + residual, [h.centre_x, (h.crown + h.chin) / 2.0], fine)?;
            if let Some((px, _)) = &again {
                turn = Some(h.roll + residual);
                residual = precise(px).unwrap_or(residual);
            }
            if again.is_none() || residual.abs() > MAX_RESIDUAL_TILT {
                return Err(crate::head::face_error(
                    "tilt_unsteady",
                    format!("头部倾斜 {:.1}°，扶正后仍倾斜 {:.1}°，无法可靠地扶正：请端正头部重拍", h.roll.abs(), residual.abs()),
                    format!(
                        "The head is tilted {:.1}° and still measures {:.1}° after levelling, so it cannot be levelled reliably: retake with the head straight",
                        h.roll.abs(),
                        residual.abs()
                    ),
                ));
            }
            turned = again;
        }
        edits.residual = residual;
    }
    match (&turned, turn) {
        (Some((_, used)), Some(turn)) => {
            edits.levelled = Some(turn);
            edits.moved = (*used != crop).then_some(*used);
        }
        // Said only when the check will fail it.
        (None, Some(roll)) if spec.head.as_ref().is_some_and(|r| roll.abs() > r.roll) => edits.not_levelled = Some(roll),
        _ => {}
    }
    let crop = edits.moved.unwrap_or(crop);
    let px = match turned {
        Some((px, _)) => px,
        None => src.crop_resize(crop, tw, th)?,
    };
    let mut px = colour_for(spec, px, src.icc());
    if whiten {
        let target = match spec.background.first() {
            Some(&first) if !spec.background.contains(&Background::White) => first,
            _ => Background::White,
        };
        // The face in the output's pixels (levelling turns about it, so it stays in place).
        let (sx, sy) = (tw as f32 / crop.w as f32, th as f32 / crop.h as f32);
        let keep = head.map(|h| {
            let f = &h.face;
            let (x, y) = ((f.x - crop.x as f32) * sx, (f.y - crop.y as f32) * sy);
            crate::whiten::Keep::from_box(x, y, f.w * sx, f.h * sy, (h.chin - crop.y as f32) * sy)
        });
        let mut rgb = px.to_rgb8();
        edits.whitened = Some(crate::whiten::whiten(&mut rgb, keep, target.rgb())?);
        px = match px {
            DynamicImage::ImageLuma8(_) => DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(rgb).to_luma8()),
            _ => DynamicImage::ImageRgb8(rgb),
        };
    }
    Ok((px, edits))
}
