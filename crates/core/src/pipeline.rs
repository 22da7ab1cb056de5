//! The whole pipeline for one photo or one document: decode once into a [`Source`], then crop,
//! resize, encode into the window and verify, as often as an interactive UI needs.
use crate::check::{self, Report};
use crate::decode::{self, Decoded, Limits};
use crate::encode::{self, Chroma, Encoded, Goal};
use crate::error::{cannot_fit, Error, Result};
use crate::geometry::{CentreFramer, Framer, Rect};
use crate::i18n::Msg;
use crate::orient::Transform;
use crate::resize::resize_region;
use crate::spec::{Background, Colour, Kind, PixelRuleKind, Spec};
use image::DynamicImage;
use std::path::Path;
use std::sync::Arc;

/// A decoded source image, kept for repeated crops and encodes. Coordinates given to it are
/// upright (after EXIF orientation and the user's turns); the pixels stay as stored.
#[derive(Clone)]
pub struct Source {
    data: Arc<[u8]>,
    decoded: Decoded,
    /// Extra clockwise quarter turns asked for by the user (0..=3), on top of EXIF.
    turns: u8,
    limits: Limits,
    /// The upright working image, made on first use (previews, scans).
    upright: std::sync::OnceLock<DynamicImage>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.size();
        write!(f, "Source({}x{}, {:?}, scale {})", w, h, self.decoded.format, self.decoded.scale)
    }
}

impl Source {
    /// Decodes `data`, keeping at least `min_scale` of the full resolution (JPEG may decode
    /// smaller, at DCT scale).
    pub fn from_bytes(data: impl Into<Arc<[u8]>>, min_scale: f64, limits: Limits) -> Result<Source> {
        let data = data.into();
        let decoded = decode::decode(&data, min_scale, limits)?;
        Ok(Source { data, decoded, turns: 0, limits, upright: Default::default() })
    }

    pub fn open(path: &Path, min_scale: f64) -> Result<Source> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Source::from_bytes(data, min_scale, Limits::default())
    }

    /// Opens a photo at the decode scale the spec's default crop needs.
    pub fn open_for(path: &Path, spec: &Spec) -> Result<Source> {
        let data: Arc<[u8]> = std::fs::read(path).map_err(|e| Error::io(path, e))?.into();
        Source::for_spec(data, spec)
    }

    pub fn for_spec(data: Arc<[u8]>, spec: &Spec) -> Result<Source> {
        Source::for_spec_framed(data, spec, FrameMode::Centre)
    }

    /// As [`Source::for_spec`] for a framing mode: a box framed from the face is tighter than
    /// the centred one (the head takes about 2/3 of it), so decode finer at once rather than
    /// twice.
    pub fn for_spec_framed(data: Arc<[u8]>, spec: &Spec, frame: FrameMode) -> Result<Source> {
        let limits = Limits::default();
        let tighter = if frame == FrameMode::Face && spec.head.is_some() { 2 } else { 1 };
        let min_scale = match (spec.kind, spec.export_size()) {
            (Kind::Photo, Some((tw, th))) => {
                // The header tells the size and (in EXIF) which way up it is.
                match crate::jpeg_markers::parse(&data).filter(|s| s.width > 0) {
                    Some(st) => {
                        let o = st.exif.as_deref().map(decode::exif_orientation).unwrap_or(1);
                        let (w, h) = if o >= 5 { (st.height, st.width) } else { (st.width, st.height) };
                        let c = Rect::full(w, h).fit_aspect(tw, th);
                        needed_scale(Rect { w: c.w / tighter, h: c.h / tighter, ..c }, tw, th)
                    }
                    None => 1.0,
                }
            }
            _ => 1.0,
        };
        Source::from_bytes(data, min_scale, limits)
    }

    fn transform(&self) -> Transform {
        Transform::from_exif(self.decoded.orientation).then_turns(self.turns)
    }

    /// Upright size at full resolution, after EXIF and the user's rotation.
    pub fn size(&self) -> (u32, u32) {
        self.transform().upright_size(self.decoded.full_width, self.decoded.full_height)
    }

    /// The working pixels, upright (for previews and scans; made once).
    pub fn image(&self) -> &DynamicImage {
        self.upright.get_or_init(|| self.transform().apply(&self.decoded.image))
    }

    pub fn scale(&self) -> f64 {
        self.decoded.scale
    }

    pub fn format(&self) -> decode::SourceFormat {
        self.decoded.format
    }

    pub fn icc(&self) -> Option<&[u8]> {
        self.decoded.icc.as_deref()
    }

    /// Rotates by quarter turns clockwise (negative: anticlockwise). Crops given afterwards
    /// are in the rotated frame.
    pub fn rotate(&mut self, quarter_turns: i32) {
        self.turns = (self.turns + quarter_turns.rem_euclid(4) as u8) % 4;
        self.upright = Default::default();
    }

    /// The same source with at least `needed` of full resolution (re-decodes if necessary).
    pub fn at_scale(&self, needed: f64) -> Result<std::borrow::Cow<'_, Source>> {
        if self.decoded.scale + 1e-9 >= needed.min(1.0) {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let decoded = decode::decode(&self.data, needed, self.limits)?;
        Ok(std::borrow::Cow::Owned(Source { data: self.data.clone(), decoded, turns: self.turns, limits: self.limits, upright: Default::default() }))
    }

    /// Crops `r` (upright, full resolution) and resizes it to `w`×`h` upright pixels: the
    /// resize reads the stored pixels and only the small result is turned.
    pub fn crop_resize(&self, r: Rect, w: u32, h: u32) -> Result<DynamicImage> {
        let t = self.transform();
        let img = &self.decoded.image;
        let (fw, fh) = (self.decoded.full_width as f64, self.decoded.full_height as f64);
        let s = img.width() as f64 / fw;
        let (x, y, rw, rh) = t.rect_to_stored((r.x as f64, r.y as f64, r.w as f64, r.h as f64), fw, fh);
        let (x, y) = ((x * s).clamp(0.0, img.width() as f64 - 1.0), (y * s).clamp(0.0, img.height() as f64 - 1.0));
        let region = (x, y, (rw * s).min(img.width() as f64 - x).max(1.0), (rh * s).min(img.height() as f64 - y).max(1.0));
        let (sw, sh) = if t.swaps() { (h, w) } else { (w, h) };
        Ok(t.apply(&resize_region(img, region, sw, sh)?))
    }

    /// The crop rectangle (full-resolution coordinates) mapped into the upright working pixels.
    pub(crate) fn region(&self, r: Rect) -> (f64, f64, f64, f64) {
        let (iw, ih) = (self.image().width() as f64, self.image().height() as f64);
        let (fw, fh) = self.size();
        let (sx, sy) = (iw / fw as f64, ih / fh as f64);
        let x = (r.x as f64 * sx).min(iw - 1.0);
        let y = (r.y as f64 * sy).min(ih - 1.0);
        (x, y, (r.w as f64 * sx).min(iw - x).max(1.0), (r.h as f64 * sy).min(ih - y).max(1.0))
    }
}

/// Fraction of full resolution that keeps ≥ 2× the target pixels inside `crop`.
fn needed_scale(crop: Rect, tw: u32, th: u32) -> f64 {
    (2.0 * tw as f64 / crop.w as f64).max(2.0 * th as f64 / crop.h as f64).min(1.0)
}

/// How a photo is framed when no crop is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FrameMode {
    /// The largest centred box of the spec's aspect.
    #[default]
    Centre,
    /// From the face, by the spec's head rules (and the face checks on the result).
    Face,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Crop in upright full-resolution coordinates; adjusted to the spec's aspect.
    pub crop: Option<Rect>,
    /// Use the working pixels as they are (fast previews while dragging).
    pub preview: bool,
    pub frame: FrameMode,
    /// The head as measured when the picture was framed earlier (the app measures once on
    /// opening, then the person moves the box): levels it and guards it when whitening.
    pub head: Option<crate::framing::Head>,
    /// Replace a plain background by the spec's colour (white where allowed). Off by default:
    /// some portals refuse an edited background, so the report says it was done.
    pub whiten: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Prepared {
    #[serde(skip)]
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub encoded: Encoded,
    /// The crop used, in upright full-resolution coordinates (photos).
    pub crop: Option<Rect>,
    /// The head found when the photo was framed from its face.
    pub head: Option<crate::framing::Head>,
    /// That head in the output's pixels.
    #[serde(skip)]
    pub head_out: Option<crate::framing::Head>,
    /// What the background replacement did, when it was asked for.
    pub background: Option<crate::whiten::Whitened>,
    /// Judge the result with the face checks too (photo specs with head rules, face mode).
    #[serde(skip)]
    pub face_checks: bool,
    pub notes: Vec<Msg>,
}

/// Colour stages in order of preference, each with its lowest acceptable quality.
pub(crate) fn stages(spec: &Spec, floor: u8) -> Vec<(Chroma, u8)> {
    match spec.colour {
        Colour::Grey => vec![(Chroma::Grey, floor)],
        Colour::Colour => vec![(Chroma::S444, 90.max(floor)), (Chroma::S420, floor)],
        Colour::Either => vec![(Chroma::S444, 90.max(floor)), (Chroma::S420, floor), (Chroma::Grey, floor)],
    }
}

pub(crate) fn goal(spec: &Spec, floor: u8) -> Goal {
    Goal { min: spec.bytes.min, max: spec.bytes.max, dpi: spec.dpi, stages: stages(spec, floor), cap: if spec.bytes.max.is_some() { 95 } else { 92 } }
}

/// Makes pixels match the spec's colour rule before encoding.
pub(crate) fn colour_for(spec: &Spec, img: DynamicImage, icc: Option<&[u8]>) -> DynamicImage {
    let mut img = match (spec.colour, img) {
        (Colour::Colour, DynamicImage::ImageLuma8(g)) => DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(g).to_rgb8()),
        (_, i) => i,
    };
    decode::to_srgb(&mut img, icc);
    img
}

pub(crate) const QUALITY_FLOOR: u8 = 50;
pub(crate) const LAST_RESORT_FLOOR: u8 = 25;

pub(crate) fn low_quality_note(q: u8) -> Msg {
    Msg::new(
        format!("为满足大小上限，质量降到了 {q}，请检查画面是否清晰"),
        format!("Quality was lowered to {q} to meet the size limit: check the picture is still clear"),
    )
}

/// Prepares one photo or single-page document to the spec.
pub fn prepare(src: &Source, spec: &Spec, opts: &Options) -> Result<Prepared> {
    match spec.kind {
        Kind::Photo => prepare_photo(src, spec, opts, &CentreFramer),
        Kind::Document => crate::merge::merge(&[crate::merge::Page { source: src, crop: opts.crop }], spec),
    }
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
                    head_out: head.map(|h| h.in_output(edits.moved.unwrap_or(crop), tw, th, edits.levelled.is_some())),
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

/// What was done to a photo's pixels beyond crop and resize.
#[derive(Debug, Default, Clone, Copy)]
struct Edits {
    /// The tilt levelled, in degrees.
    levelled: Option<f32>,
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
fn photo_pixels(
    src: &Source,
    spec: &Spec,
    crop: Rect,
    (tw, th): (u32, u32),
    head: Option<&crate::framing::Head>,
    whiten: bool,
    fine: bool,
) -> Result<(DynamicImage, Edits)> {
    let mut edits = Edits::default();
    let level = head.filter(|h| h.roll.abs() > crate::framing::LEVEL_FROM_DEGREES);
    let turned = match level {
        Some(h) => crate::framing::straighten(src, crop, (tw, th), h.roll, [h.centre_x, (h.crown + h.chin) / 2.0], fine)?,
        None => None,
    };
    match (&turned, level) {
        (Some((_, used)), Some(h)) => {
            edits.levelled = Some(h.roll);
            edits.moved = (*used != crop).then_some(*used);
        }
        // Said only when the check will fail it.
        (None, Some(h)) if spec.head.as_ref().is_some_and(|r| h.roll.abs() > r.roll) => edits.not_levelled = Some(h.roll),
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

pub(crate) fn padded_note(n: usize) -> Msg {
    Msg::new(
        format!("图片本身小于下限，已在 JPEG 注释段中补足 {n} 字节（合法 JPEG，不影响画面）"),
        format!("The picture alone is under the minimum: {n} bytes added in a JPEG comment segment (valid JPEG, picture unchanged)"),
    )
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
/// A crash or Ctrl-C leaves either the old file or the new one, never a partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".caiji-").suffix(".tmp").tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Writes the output atomically, reads it back and checks it against the spec.
pub fn write_and_verify(prepared: &Prepared, spec: &Spec, out: &Path) -> Result<Report> {
    write_atomic(out, &prepared.jpeg)?;
    let back = std::fs::read(out).map_err(|e| Error::io(out, e))?;
    if back != prepared.jpeg {
        return Err(Error::invalid("写入的文件与生成的内容不一致（磁盘问题？）", "The written file differs from what was produced (disk problem?)"));
    }
    Ok(if prepared.face_checks { check::check_photo(&back, spec) } else { check::check(&back, spec) })
}
