//! Stage 7: baseline JPEG through mozjpeg (trellis quantisation), landing inside a byte
//! window. The search runs on the final pixels only: cheap non-trellis encodes estimate the
//! size curve, a measured trellis/fast ratio maps it, and usually one trellis encode confirms.
//! Size is not monotonic in quality, so neighbours above the bracket are probed too. A page
//! (over `BIG` pixels) is estimated on a sample and coded once, without trellis but with a dead
//! zone and Huffman tables counted on the sample (`quant.rs`).
use crate::decode::catch_jpeg;
use crate::jpeg_markers;
use crate::quant::Quant;
use caiji_base::error::Result;
use image::DynamicImage;
use mozjpeg::{qtable, ColorSpace};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Chroma {
    /// Full colour resolution.
    #[serde(rename = "4:4:4")]
    S444,
    /// Half colour resolution both ways (what cameras write).
    #[serde(rename = "4:2:0")]
    S420,
    /// One grey channel.
    Grey,
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub quality: u8,
    pub chroma: Chroma,
    pub dpi: Option<u16>,
    pub trellis: bool,
}

/// Encodes 8-bit RGB or grey pixels. No EXIF, XMP, ICC or other metadata is ever written:
/// only the JFIF header with the density.
pub fn encode(img: &DynamicImage, s: Settings) -> Result<Vec<u8>> {
    encode_with(img, s, None)
}

/// How a page-sized picture is quantised and coded (`quant.rs`): with a dead zone, and either
/// its symbols counted (the size search's sample, whose estimate is what tables made of those
/// counts would take) or coded with tables made from a sample's counts (the whole page).
enum Page<'a> {
    Sample(&'a mut Quant),
    Whole(&'a mut Quant),
}

fn encode_with(img: &DynamicImage, s: Settings, page: Option<Page>) -> Result<Vec<u8>> {
    let grey_img;
    let (raw, cs_in, w, h) = match (img, s.chroma) {
        (DynamicImage::ImageRgb8(i), Chroma::Grey) => {
            grey_img = DynamicImage::ImageRgb8(i.clone()).to_luma8();
            (grey_img.as_raw().as_slice(), ColorSpace::JCS_GRAYSCALE, i.width(), i.height())
        }
        (DynamicImage::ImageRgb8(i), _) => (i.as_raw().as_slice(), ColorSpace::JCS_RGB, i.width(), i.height()),
        (DynamicImage::ImageLuma8(i), _) => (i.as_raw().as_slice(), ColorSpace::JCS_GRAYSCALE, i.width(), i.height()),
        _ => {
            let i = img.to_rgb8();
            return encode_with(&DynamicImage::ImageRgb8(i), s, page);
        }
    };
    let grey_out = cs_in == ColorSpace::JCS_GRAYSCALE;
    let q = s.quality.clamp(1, 100) as f32;
    // The same tables for estimates and final encodes keep their size ratio stable.
    let table = qtable::NRobidoux.scaled(q, q);
    catch_jpeg(false, || {
        // SAFETY: the raw buffer holds h rows of w pixels of `cs_in`; `Raw` destroys the
        // compressor on every path, unwinding included.
        unsafe { Ok(compress(raw, w, h, cs_in, grey_out, &table, s, page)) }
    })
}

/// libjpeg's compressor, driven directly for the parameters the safe wrapper does not reach
/// (DC trellis off: a third of the trellis time for a few bytes).
#[allow(clippy::too_many_arguments)]
unsafe fn compress(raw: &[u8], w: u32, h: u32, cs_in: ColorSpace, grey_out: bool, table: &qtable::QTable, s: Settings, mut page: Option<Page>) -> Vec<u8> {
    use mozjpeg_sys::*;
    // The error manager is boxed beside the struct that points at it.
    struct Raw(Box<jpeg_compress_struct>, #[allow(dead_code)] Box<jpeg_error_mgr>, *mut u8);
    impl Drop for Raw {
        fn drop(&mut self) {
            // SAFETY: created by jpeg_CreateCompress; the buffer by jpeg_mem_dest (malloc).
            unsafe {
                jpeg_destroy_compress(&mut self.0);
                if !self.2.is_null() {
                    libc::free(self.2.cast());
                }
            }
        }
    }
    let mut err = Box::new(crate::decode::strict_error_mgr());
    let mut cinfo: Box<jpeg_compress_struct> = Box::new(std::mem::zeroed());
    cinfo.common.err = &mut *err;
    jpeg_CreateCompress(&mut *cinfo, JPEG_LIB_VERSION, std::mem::size_of::<jpeg_compress_struct>());
    let mut c = Raw(cinfo, err, std::ptr::null_mut());
    let ci = &mut *c.0;
    ci.in_color_space = cs_in;
    ci.input_components = if cs_in == ColorSpace::JCS_GRAYSCALE { 1 } else { 3 };
    if !s.trellis {
        jpeg_c_set_int_param(ci, J_INT_PARAM::JINT_COMPRESS_PROFILE, JINT_COMPRESS_PROFILE_VALUE::JCP_FASTEST as i32);
    }
    jpeg_set_defaults(ci);
    jpeg_set_colorspace(ci, if grey_out { ColorSpace::JCS_GRAYSCALE } else { ColorSpace::JCS_YCbCr });
    // Baseline (sequential) JPEG: old portal validators reject progressive files.
    jpeg_c_set_bool_param(ci, J_BOOLEAN_PARAM::JBOOLEAN_OPTIMIZE_SCANS, 0);
    ci.scan_info = std::ptr::null();
    ci.num_scans = 0;
    if s.trellis {
        jpeg_c_set_bool_param(ci, J_BOOLEAN_PARAM::JBOOLEAN_TRELLIS_QUANT_DC, 0);
    }
    // Estimates skip Huffman optimisation (a second pass); the measured ratio absorbs it. A
    // page is coded with tables made from its sample's counts (no buffer of the page's
    // coefficients, no second pass), and the sample's estimate is what those tables make of it.
    ci.optimize_coding = s.trellis as boolean;
    if let Some(Page::Whole(q)) = &page {
        q.tables(ci);
    }
    ci.image_width = w;
    ci.image_height = h;
    jpeg_add_quant_table(ci, 0, table.as_ptr(), 100, 1);
    if !grey_out {
        jpeg_add_quant_table(ci, 1, table.as_ptr(), 100, 1);
        let f = if s.chroma == Chroma::S444 { 1 } else { 2 };
        let comps = std::slice::from_raw_parts_mut(ci.comp_info, 3);
        comps[0].h_samp_factor = f;
        comps[0].v_samp_factor = f;
        for c in &mut comps[1..] {
            c.h_samp_factor = 1;
            c.v_samp_factor = 1;
        }
    }
    if let Some(dpi) = s.dpi {
        ci.density_unit = 1;
        ci.X_density = dpi;
        ci.Y_density = dpi;
    }
    let mut size: std::os::raw::c_ulong = 0;
    jpeg_mem_dest(ci, &mut c.2, &mut size);
    jpeg_start_compress(ci, 1);
    if let Some(Page::Sample(q) | Page::Whole(q)) = &mut page {
        q.installed = q.install(ci);
    }
    let stride = raw.len() / h as usize;
    while ci.next_scanline < h {
        let row = raw[ci.next_scanline as usize * stride..].as_ptr();
        jpeg_write_scanlines(ci, &row, 1);
    }
    jpeg_finish_compress(ci);
    if let Some(Page::Sample(q)) = &mut page {
        q.sample_bits = q.bits(ci);
    }
    std::slice::from_raw_parts(c.2, size as usize).to_vec()
}

/// A byte window and the qualities the search may use.
#[derive(Debug, Clone)]
pub struct Goal {
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub dpi: Option<u16>,
    /// Modes in order of preference, each with the lowest quality acceptable in it.
    pub stages: Vec<(Chroma, u8)>,
    /// Highest quality used (higher only grows the file, not the picture).
    pub cap: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct Encoded {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub quality: u8,
    pub chroma: Chroma,
    /// Bytes of COM padding added to reach the minimum.
    pub padded: usize,
    pub trellis_encodes: u32,
    pub fast_encodes: u32,
}

/// Why no stage fitted: the smallest size any stage reached at its floor quality.
#[derive(Debug, Clone, Copy)]
pub struct Miss {
    pub smallest: u64,
}

/// Typical trellis size / estimate size at quality `q`, at the same tables (measured on
/// photos and scans with `cargo run -p caiji-tests --example ratio`: 0.84 at q50 to 0.89 at
/// q92 for photos; text scans run lower). A search scales this by what it measures.
fn ratio_prior(q: u8) -> f64 {
    0.845 + 0.0011 * (q as f64 - 50.0)
}
/// A page's JPEG headers: JFIF, two quantisation and four Huffman tables, frame and scan.
const HEADERS: f64 = 620.0;
/// Aim this far under the maximum with an estimate.
const MARGIN: f64 = 0.995;

/// Above this many pixels (a page scan, not an ID photo) the size search estimates on a sample
/// of the picture and the final encode skips trellis quantisation: on an A4 300 dpi page one
/// trellis encode alone takes ~0.28 s (17 ms without), more than the whole rest of the page
/// path. A dead zone and Huffman tables counted on the sample get most of trellis's legibility
/// at the same bytes for a few milliseconds (README, "Benchmark").
const BIG: u64 = 3_000_000;
/// The sample's size: about this many pixels, in pieces of 128×16 (whole MCUs).
const SAMPLE_PIXELS: u64 = 1_000_000;

/// Pieces of the picture a whole MCU high (16 rows) and this wide (8 MCUs), the unit sampled.
const PIECE: u32 = 128;
/// Pieces side by side in a row of the sample.
const PIECES_PER_ROW: u32 = 8;

/// About `SAMPLE_PIXELS` of the picture in pieces of 128×16 pixels, one from each run of
/// `step` pieces in reading order, at a place that moves from run to run (the golden ratio's
/// steps), laid side by side: a picture whose encoded size per pixel is close to the whole's.
/// Pieces start on MCU bounds, so each of their blocks is the block the whole picture codes.
/// Whole-width bands, the unit before, were too few on a page (25) and as regular as its lines
/// of text: estimates 3–7 % off, so the page was encoded twice.
fn row_sample(img: &DynamicImage) -> (DynamicImage, f64) {
    use image::GenericImageView;
    let (w, h) = img.dimensions();
    let (cols, bands) = (w.div_ceil(PIECE) as u64, h.div_ceil(16) as u64);
    let total = cols * bands;
    let step = (w as u64 * h as u64).div_ceil(SAMPLE_PIXELS).max(1);
    let picked: Vec<u64> =
        (0..total.div_ceil(step)).map(|i| i * step + ((i as f64 * 0.618_034 + 0.5).fract() * step as f64) as u64).filter(|&p| p < total).collect();
    let n = picked.len().max(1) as u32;
    let per_row = PIECES_PER_ROW.min(n);
    // A picture narrower than a piece: slots as wide as it (whole MCUs), not 128 mostly black.
    let slot = PIECE.min(w.next_multiple_of(16));
    let mut out = DynamicImage::new(per_row * slot, n.div_ceil(per_row) * 16, img.color());
    let mut real = 0u64;
    for (i, p) in picked.into_iter().enumerate() {
        let (x, y) = ((p % cols) as u32 * PIECE, (p / cols) as u32 * 16);
        let piece = img.crop_imm(x, y, slot.min(w - x), 16.min(h - y));
        real += piece.width() as u64 * piece.height() as u64;
        // Same colour type, inside bounds by construction; an edge piece leaves black (flat
        // blocks, a few bits each) beside it.
        let _ = image::GenericImage::copy_from(&mut out, &piece, (i as u32 % per_row) * slot, (i as u32 / per_row) * 16);
    }
    (out, (w as u64 * h as u64) as f64 / real.max(1) as f64)
}

struct Search<'a> {
    img: &'a DynamicImage,
    dpi: Option<u16>,
    chroma: Chroma,
    fast: [Option<u64>; 101],
    fast_encodes: u32,
    trellis_encodes: u32,
    /// A big picture: estimates on a sample of it (× the factor), final encodes without
    /// trellis.
    sample: Option<&'a (DynamicImage, f64)>,
    /// The sample's Huffman symbol counts at each quality tried (a big picture).
    counts: Vec<Option<Box<Quant>>>,
}

impl Search<'_> {
    fn fast(&mut self, q: u8) -> Result<u64> {
        if let Some(s) = self.fast[q as usize] {
            return Ok(s);
        }
        self.fast_encodes += 1;
        let settings = Settings { quality: q, chroma: self.chroma, dpi: self.dpi, trellis: false };
        let n = match &self.sample {
            Some((sample, factor)) => {
                let mut counts = Quant::new(true);
                let jpeg = encode_with(sample, settings, Some(Page::Sample(&mut counts)))?;
                // The entropy-coded bytes (0xFF stuffed: 1 in 256 of them) plus the headers;
                // without the hook (another libjpeg), what the sample took.
                let n = match counts.installed {
                    true => counts.sample_bits as f64 / 8.0 * (1.0 + 1.0 / 256.0) * *factor + HEADERS,
                    false => jpeg.len() as f64 * *factor,
                };
                self.counts[q as usize] = Some(counts);
                n as u64
            }
            None => encode(self.img, settings)?.len() as u64,
        };
        self.fast[q as usize] = Some(n);
        Ok(n)
    }

    /// A real encode at `q` (trellis unless the picture is big).
    fn trellis(&mut self, q: u8) -> Result<Vec<u8>> {
        self.trellis_encodes += 1;
        let settings = Settings { quality: q, chroma: self.chroma, dpi: self.dpi, trellis: self.sample.is_none() };
        if self.sample.is_none() {
            return encode(self.img, settings);
        }
        // A sample's estimate at `q` counted its symbols (usually done already by the search).
        self.fast(q)?;
        let mut page = match &self.counts[q as usize] {
            Some(counts) => Quant::with_counts(counts),
            None => Quant::new(false),
        };
        encode_with(self.img, settings, Some(Page::Whole(&mut page)))
    }

    /// The real encode's size predicted at `q`: the estimate × the prior trellis ratio (for a
    /// trellis encode) × the correction `k`.
    fn predict(&mut self, q: u8, k: f64) -> Result<f64> {
        let prior = if self.sample.is_some() { 1.0 } else { ratio_prior(q) };
        Ok(self.fast(q)? as f64 * prior * k)
    }

    /// Highest q in floor..=cap whose predicted size stays under `limit`.
    fn pick(&mut self, floor: u8, cap: u8, k: f64, limit: f64) -> Result<Option<u8>> {
        let fits = |s: &mut Self, q: u8| -> Result<bool> { Ok(s.predict(q, k)? <= limit) };
        // Most windows land between q60 and q90: split there first.
        let first = 80u8.clamp(floor, cap);
        let (mut lo, mut hi) = if fits(self, first)? {
            if first == cap || fits(self, cap)? {
                return Ok(Some(cap));
            }
            (first, cap)
        } else {
            if first == floor || !fits(self, floor)? {
                return Ok(None);
            }
            (floor, first)
        };
        // Interpolation search on the (smooth, roughly monotonic) size curve: usually two or
        // three probes instead of bisection's six.
        while hi - lo > 1 {
            let (s_lo, s_hi) = (self.predict(lo, k)?, self.predict(hi, k)?);
            let t = ((limit - s_lo) / (s_hi - s_lo).max(1.0)).clamp(0.0, 1.0);
            let guess = (lo as f64 + t * (hi - lo) as f64).round() as u8;
            // Safeguard: the curve is convex near the top, so pure interpolation creeps; keep
            // each probe at least a quarter into the bracket.
            let quarter = (hi - lo) / 4;
            let mid = guess.clamp(lo + quarter.max(1), hi - quarter.max(1));
            if fits(self, mid)? {
                lo = mid
            } else {
                hi = mid
            }
        }
        // Non-monotonic curves: a slightly higher quality may still fit.
        let mut best = lo;
        if lo + 2 <= cap && fits(self, lo + 2)? {
            best = lo + 2;
        }
        Ok(Some(best))
    }
}

/// Encodes into the window; `Err(Miss)` when no stage fits under the maximum.
pub fn encode_to_window(img: &DynamicImage, goal: &Goal) -> Result<std::result::Result<Encoded, Miss>> {
    let mut smallest = u64::MAX;
    let (mut fast_total, mut trellis_total) = (0, 0);
    let big = img.width() as u64 * img.height() as u64 > BIG;
    let sample = big.then(|| row_sample(img));
    for &(chroma, floor) in &goal.stages {
        // Full-colour 4:4:4 at q90 needs well over 2 bits a pixel: do not even try below that.
        let pixels = (img.width() as u64 * img.height() as u64).max(1);
        if chroma == Chroma::S444 && goal.max.is_some_and(|m| m * 8 < pixels * 2) {
            continue;
        }
        let mut s = Search {
            img,
            dpi: goal.dpi,
            chroma,
            fast: [None; 101],
            fast_encodes: 0,
            trellis_encodes: 0,
            sample: sample.as_ref(),
            counts: (0..=100).map(|_| None).collect(),
        };
        let cap = goal.cap.max(floor);
        let found = match goal.max {
            None => Some((cap, s.trellis(cap)?)),
            Some(max) => search_under(&mut s, floor, cap, goal.min, max)?,
        };
        fast_total += s.fast_encodes;
        trellis_total += s.trellis_encodes;
        match found {
            Some((quality, mut bytes)) => {
                let mut padded = 0;
                if let Some(min) = goal.min {
                    if (bytes.len() as u64) < min {
                        let need = (min - bytes.len() as u64) as usize;
                        padded = need.max(4);
                        bytes = jpeg_markers::pad_with_comment(&bytes, padded);
                    }
                }
                return Ok(Ok(Encoded { bytes, quality, chroma, padded, trellis_encodes: trellis_total, fast_encodes: fast_total }));
            }
            None => {
                let est = s.predict(floor, 1.0)? as u64;
                smallest = smallest.min(est);
            }
        }
    }
    Ok(Err(Miss { smallest }))
}

fn search_under(s: &mut Search, floor: u8, cap: u8, min: Option<u64>, max: u64) -> Result<Option<(u8, Vec<u8>)>> {
    let limit = max as f64 * MARGIN;
    let mut k = 1.0;
    let mut ceiling = cap;
    let mut best: Option<(u8, Vec<u8>)> = None;
    for _round in 0..6 {
        let Some(q) = s.pick(floor, ceiling, k, limit)? else {
            break;
        };
        let t = s.trellis(q)?;
        let len = t.len() as u64;
        k *= len as f64 / s.predict(q, k)?;
        if len <= max {
            // Under the minimum (would need padding) or far under the cap: one more try.
            let under_min = min.is_some_and(|m| len < m);
            let undershoot = (under_min || (len as f64) < max as f64 * 0.93) && q < ceiling;
            best = Some((q, t));
            if !undershoot {
                break;
            }
            // One more try with the measured ratio, aiming at the cap itself.
            match s.pick(q + 1, ceiling, k, max as f64)? {
                Some(q2) if q2 > q => {
                    let t2 = s.trellis(q2)?;
                    if t2.len() as u64 <= max {
                        best = Some((q2, t2));
                    }
                }
                _ => {}
            }
            break;
        }
        if q <= floor {
            break;
        }
        ceiling = q - 1;
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// Typed-looking lines on noisy paper, `w`×`h`.
    fn page(w: u32, h: u32) -> DynamicImage {
        let mut seed = 0x9e37_79b9u32;
        DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let ink = (y % 48 < 20) && (x % 14 < 9) && ((x / 14 + y / 48) % 5 != 0);
            let v = if ink { 40 } else { 236 } + (seed % 5) as i32 - 2;
            Rgb([v as u8, v as u8, (v - 8).max(0) as u8])
        }))
    }

    #[test]
    fn a_page_is_coded_with_a_dead_zone_and_tables_no_sample_saw_fail_nothing() {
        let img = page(1200, 900);
        let s = Settings { quality: 70, chroma: Chroma::S420, dpi: Some(300), trellis: false };
        let plain = encode(&img, s).unwrap();
        // Tables from no counts at all still code every symbol a baseline scan may use.
        let mut none = Quant::new(false);
        let untuned = encode_with(&img, s, Some(Page::Whole(&mut none))).unwrap();
        let a = image::load_from_memory(&untuned).unwrap().to_luma8();
        let b = img.to_luma8();
        let mean_error = a.pixels().zip(b.pixels()).map(|(p, q)| (p[0] as f64 - q[0] as f64).abs()).sum::<f64>() / (1200.0 * 900.0);
        assert!(mean_error < 4.0, "{mean_error}");
        // Counted on a sample, the tables save more; the estimate is what the sample costs.
        let (sample, factor) = row_sample(&img);
        let mut counts = Quant::new(true);
        encode_with(&sample, s, Some(Page::Sample(&mut counts))).unwrap();
        assert!(counts.installed, "the hook knows this libjpeg");
        let estimate = counts.sample_bits as f64 / 8.0 * factor;
        let mut tuned = Quant::with_counts(&counts);
        let coded = encode_with(&img, s, Some(Page::Whole(&mut tuned))).unwrap();
        assert!(coded.len() * 10 < plain.len() * 9, "{} against {} B", coded.len(), plain.len());
        assert!((estimate / coded.len() as f64 - 1.0).abs() < 0.03, "estimate {estimate:.0} B, coded {} B", coded.len());
    }

    #[test]
    fn a_big_page_lands_in_its_window_in_one_whole_encode() {
        let img = page(1800, 2400);
        let goal = Goal { min: Some(20_481), max: Some(500_000), dpi: Some(300), stages: vec![(Chroma::S420, 30)], cap: 95 };
        let e = encode_to_window(&img, &goal).unwrap().unwrap();
        assert!(e.bytes.len() as u64 <= 500_000 && e.bytes.len() > 400_000, "{} B at q{}", e.bytes.len(), e.quality);
        assert_eq!(e.trellis_encodes, 1, "estimated well enough to code the page once");
        assert!(image::load_from_memory(&e.bytes).is_ok());
    }
}
