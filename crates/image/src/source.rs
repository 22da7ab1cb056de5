//! A picture decoded once ([`Source`]) and kept for repeated crops and encodes, as often as an
//! interactive UI needs; how a photo is framed when no crop is given ([`FrameMode`]).
use crate::decode::{self, Decoded, Limits};
use crate::geometry::Rect;
use crate::orient::Transform;
use crate::resize::resize_region;
use crate::spec::{Kind, Spec};
use caiji_base::error::{Error, Result};
use image::DynamicImage;
use std::path::Path;
use std::sync::Arc;

/// A4 at 300 dpi: more pixels than this on a page's short side only cost bytes (the merge
/// shrinks to it; a page is decoded at twice it at most).
pub const MAX_SHORT_SIDE: u32 = 2480;

/// A decoded source image, kept for repeated crops and encodes. Coordinates given to it are
/// upright (after EXIF orientation and the user's turns); the pixels stay as stored.
#[derive(Clone)]
pub struct Source {
    data: Arc<[u8]>,
    /// The page of a PDF (from 0); 0 for any other file.
    page: usize,
    decoded: Decoded,
    /// Extra clockwise quarter turns asked for by the user (0..=3), on top of EXIF.
    turns: u8,
    limits: Limits,
    /// The upright working image, made on first use (previews, scans).
    upright: std::sync::OnceLock<DynamicImage>,
    /// A scan's skew, measured on first use (each merge of the scans screen would again).
    skew: std::sync::OnceLock<Option<crate::page::Skew>>,
    /// The file it was read from: an output may never replace it.
    origin: Option<Arc<Path>>,
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
        Source::page_from_bytes(data, 0, min_scale, limits)
    }

    /// Page `page` (from 0) of a PDF, as [`Source::from_bytes`].
    pub fn page_from_bytes(data: impl Into<Arc<[u8]>>, page: usize, min_scale: f64, limits: Limits) -> Result<Source> {
        let data = data.into();
        let decoded = decode::decode_page(&data, page, min_scale, limits)?;
        Ok(Source { data, page, decoded, turns: 0, limits, upright: Default::default(), skew: Default::default(), origin: None })
    }

    /// Every page of a file for `spec`: each page of a PDF, or the one picture of any other
    /// file. A multi-page PDF becomes pages of a merge, as separately scanned pages do.
    pub fn pages_for(data: Arc<[u8]>, spec: &Spec) -> Result<Vec<Source>> {
        if decode::sniff(&data)? != decode::SourceFormat::Pdf {
            return Ok(vec![Source::for_spec(data, spec)?]);
        }
        // More pages than the spec takes: said before any is decoded.
        let n = crate::pdf::page_count(&data)?;
        let max = spec.pages.as_ref().map(|p| p.max as usize).unwrap_or(1);
        if n > max {
            return Err(Error::invalid(
                format!("PDF 有 {n} 页，此规格最多 {max} 页：请只保留需要的页面"),
                format!("The PDF has {n} pages; this spec takes at most {max}: keep only the pages needed"),
            ));
        }
        (0..n).map(|i| Source::page_from_bytes(data.clone(), i, 1.0, Limits::default())).collect()
    }

    /// [`Source::pages_for`] on a file, each page remembering where it was read from.
    pub fn open_pages(path: &Path, spec: &Spec) -> Result<Vec<Source>> {
        let data: Arc<[u8]> = std::fs::read(path).map_err(|e| Error::io(path, e))?.into();
        Ok(Source::pages_for(data, spec)?.into_iter().map(|s| s.with_origin(path)).collect())
    }

    /// The page of a PDF this is (from 0); 0 for any other file.
    pub fn page(&self) -> usize {
        self.page
    }

    pub fn open(path: &Path, min_scale: f64) -> Result<Source> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Ok(Source::from_bytes(data, min_scale, Limits::default())?.with_origin(path))
    }

    /// Opens a photo at the decode scale the spec's default crop needs.
    pub fn open_for(path: &Path, spec: &Spec) -> Result<Source> {
        let data: Arc<[u8]> = std::fs::read(path).map_err(|e| Error::io(path, e))?.into();
        Ok(Source::for_spec(data, spec)?.with_origin(path))
    }

    /// The same source, remembered as read from `path` (its bytes were read elsewhere).
    pub fn with_origin(mut self, path: &Path) -> Source {
        self.origin = Some(Arc::from(path));
        self
    }

    /// The file the picture was read from, if any: [`crate::pipeline::write_and_verify`]
    /// refuses to write over it.
    pub fn origin(&self) -> Option<&Path> {
        self.origin.as_deref()
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
                match decode::header_size(&data) {
                    Some((w, h, o)) => {
                        let (w, h) = if o >= 5 { (h, w) } else { (w, h) };
                        let c = Rect::full(w, h).fit_aspect(tw, th);
                        needed_scale(Rect { w: c.w / tighter, h: c.h / tighter, ..c }, tw, th)
                    }
                    None => 1.0,
                }
            }
            // A page keeps twice what its merge may keep (A4 at 300 dpi on the short side): a
            // 200 MP phone photo of a page decodes at half size, a flatbed scan whole.
            (Kind::Document, _) => match decode::header_size(&data) {
                Some((w, h, _)) => document_scale(w.min(h)),
                None => 1.0,
            },
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
        // Stored upright already: the decoded pixels themselves (a page scan is ~25 MB).
        if self.transform().is_identity() {
            return &self.decoded.image;
        }
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
        self.skew = Default::default();
    }

    /// Where this picture's skew is kept once measured (see [`crate::page::process_cached`]).
    pub fn skew_cell(&self) -> &std::sync::OnceLock<Option<crate::page::Skew>> {
        &self.skew
    }

    /// The same source with at least `needed` of full resolution (re-decodes if necessary).
    pub fn at_scale(&self, needed: f64) -> Result<std::borrow::Cow<'_, Source>> {
        if self.decoded.scale + 1e-9 >= needed.min(1.0) {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let decoded = decode::decode_page(&self.data, self.page, needed, self.limits)?;
        Ok(std::borrow::Cow::Owned(Source {
            data: self.data.clone(),
            page: self.page,
            decoded,
            turns: self.turns,
            limits: self.limits,
            upright: Default::default(),
            // The same picture: its skew is the same at any scale.
            skew: self.skew.clone(),
            origin: self.origin.clone(),
        }))
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

/// Fraction of full resolution a page (or a crop of it) whose short side is `short` pixels
/// needs: twice what the merge may keep (A4 at 300 dpi on the short side).
pub(crate) fn document_scale(short: u32) -> f64 {
    (2.0 * MAX_SHORT_SIDE as f64 / short.max(1) as f64).min(1.0)
}

/// Fraction of full resolution that keeps ≥ 2× the target pixels inside `crop`.
pub(crate) fn needed_scale(crop: Rect, tw: u32, th: u32) -> f64 {
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
