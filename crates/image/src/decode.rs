//! Stage 1, 2 and 4: read by content, guard against decompression bombs, decode (JPEG at DCT
//! scale through mozjpeg, HEIC through [`crate::heif`]), read the EXIF orientation (applied by
//! [`crate::orient`]), normalise to 8-bit RGB or grey on white.
use crate::jpeg_markers;
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use image::{DynamicImage, GrayImage, ImageDecoder, RgbImage};
use serde::Serialize;
use std::io::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Jpeg,
    Png,
    Webp,
    Tiff,
    Bmp,
    Gif,
    /// HEIC/HEIF: HEVC in ISO media (iPhones, many Android phones).
    Heic,
    /// AVIF: AV1 in ISO media (web downloads, some Android phones).
    Avif,
    /// A PDF page: a scanned page's own JPEG, or a page drawn by [`crate::pdf`].
    Pdf,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "JPEG",
            SourceFormat::Png => "PNG",
            SourceFormat::Webp => "WebP",
            SourceFormat::Tiff => "TIFF",
            SourceFormat::Bmp => "BMP",
            SourceFormat::Gif => "GIF",
            SourceFormat::Heic => "HEIC",
            SourceFormat::Avif => "AVIF",
            SourceFormat::Pdf => "PDF",
        }
    }
    /// The `image` crate's decoder for it, where that is the one used.
    fn image_format(self) -> Option<image::ImageFormat> {
        match self {
            SourceFormat::Jpeg => Some(image::ImageFormat::Jpeg),
            SourceFormat::Png => Some(image::ImageFormat::Png),
            SourceFormat::Webp => Some(image::ImageFormat::WebP),
            SourceFormat::Tiff => Some(image::ImageFormat::Tiff),
            SourceFormat::Bmp => Some(image::ImageFormat::Bmp),
            SourceFormat::Gif => Some(image::ImageFormat::Gif),
            SourceFormat::Heic | SourceFormat::Avif | SourceFormat::Pdf => None,
        }
    }
}

/// Limits checked against the declared size before any pixel is decoded.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_pixels: u64,
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // 210 MP: a 200 MP phone photo (Samsung's 16320×12240, 199.8 MP) is a real photo, not a
        // bomb; an A3 600 dpi scan is 70 MP. 1.5 GiB of decoder allocations: a 200 MP HEIC
        // needs its canvas and its output, 6 bytes a pixel, 1.2 GB. Big pictures decode one at
        // a time ([`big_gate`]) and are shrunk at once, still holding their turn, to what the
        // caller needs: a batch's peak is one big decode, not one per thread.
        Limits { max_pixels: 210_000_000, max_alloc: 3 << 29 }
    }
}

/// Decoded pictures above this many bytes decode one at a time across the process.
const BIG_DECODE_BYTES: u64 = 256 << 20;

/// Holds the process-wide turn for decoding a big picture (`bytes` of decoded pixels); `None`
/// (no waiting) for small ones.
pub(crate) fn big_gate(bytes: u64) -> Option<std::sync::MutexGuard<'static, ()>> {
    static GATE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    (bytes > BIG_DECODE_BYTES).then(|| GATE.lock().unwrap_or_else(|e| e.into_inner()))
}

/// What the file is, judged by its bytes, never by its name.
pub fn sniff(data: &[u8]) -> Result<SourceFormat> {
    if data.is_empty() {
        return Err(Error::NotAnImage { detail: Msg::new("文件是空的（0 字节）", "the file is empty (0 bytes)") });
    }
    let has = |off: usize, m: &[u8]| data.len() >= off + m.len() && &data[off..off + m.len()] == m;
    if has(0, &[0xFF, 0xD8, 0xFF]) {
        return Ok(SourceFormat::Jpeg);
    }
    if has(0, b"\x89PNG\r\n\x1a\n") {
        return Ok(SourceFormat::Png);
    }
    if has(0, b"RIFF") && has(8, b"WEBP") {
        return Ok(SourceFormat::Webp);
    }
    if has(0, b"II*\0") || has(0, b"MM\0*") {
        return Ok(SourceFormat::Tiff);
    }
    if has(0, b"GIF87a") || has(0, b"GIF89a") {
        return Ok(SourceFormat::Gif);
    }
    if has(0, b"BM") && data.len() > 26 {
        return Ok(SourceFormat::Bmp);
    }
    if let Some(brand) = crate::heif::brand(data) {
        return match brand {
            crate::heif::Brand::Heic => Ok(SourceFormat::Heic),
            crate::heif::Brand::Avif => Ok(SourceFormat::Avif),
            crate::heif::Brand::Other(b) => Err(Error::UnsupportedFormat { format: format!("ISO media ({b}, video?)") }),
        };
    }
    // A PDF may have a few bytes before its header (some mail gateways add them).
    if data[..data.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Ok(SourceFormat::Pdf);
    }
    if jpeg_markers::soi_offset(data).is_some() {
        return Ok(SourceFormat::Jpeg); // junk before SOI
    }
    let head: String = data.iter().take(8).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ");
    Err(Error::NotAnImage { detail: Msg::new(format!("内容不是图片（开头字节 {head}）"), format!("unknown content, first bytes {head}")) })
}

/// Orientation 1..8 as in EXIF.
pub fn exif_orientation(exif_tiff: &[u8]) -> u8 {
    let Ok(ex) = exif::Reader::new().read_raw(exif_tiff.to_vec()) else {
        return 1;
    };
    ex.get_field(exif::Tag::Orientation, exif::In::PRIMARY).and_then(|f| f.value.get_uint(0)).filter(|v| (1..=8).contains(v)).unwrap_or(1) as u8
}

/// A decoded 8-bit image (RGB or grey) as stored (not yet turned upright) and what we learned
/// on the way.
#[derive(Clone)]
pub struct Decoded {
    pub image: DynamicImage,
    pub format: SourceFormat,
    /// Stored size of the source at full resolution.
    pub full_width: u32,
    pub full_height: u32,
    /// `image` pixels per full-resolution pixel (1.0, or 1/2, 1/4, 1/8 for DCT-scaled JPEG).
    pub scale: f64,
    pub orientation: u8,
    pub icc: Option<Vec<u8>>,
}

impl std::fmt::Debug for Decoded {
    // Never dump the pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Decoded({}x{} of {}x{}, {:?}, orientation {})",
            self.image.width(),
            self.image.height(),
            self.full_width,
            self.full_height,
            self.format,
            self.orientation
        )
    }
}

const TRUNCATED_PANIC: &str = "caiji: JPEG data ends early";

/// libjpeg's error manager, stricter: "premature end of data" is a warning to libjpeg (it
/// fills the rest with grey) but a truncated file to us.
pub(crate) fn strict_error_mgr() -> mozjpeg_sys::jpeg_error_mgr {
    use mozjpeg_sys::{jpeg_common_struct, JWRN_HIT_MARKER, JWRN_JPEG_EOF};
    extern "C-unwind" fn fatal(cinfo: &mut jpeg_common_struct) {
        let mut buf = [0u8; 80];
        // SAFETY: format_message writes at most 80 bytes, NUL-terminated, into the buffer.
        unsafe {
            if let Some(fmt) = (*cinfo.err).format_message {
                let fmt: unsafe extern "C-unwind" fn(&mut jpeg_common_struct, &mut [u8; 80]) = std::mem::transmute(fmt);
                fmt(cinfo, &mut buf);
            }
        }
        let text = String::from_utf8_lossy(buf.split(|&b| b == 0).next().unwrap_or_default()).into_owned();
        std::panic::resume_unwind(Box::new(text));
    }
    extern "C-unwind" fn warn(cinfo: &mut jpeg_common_struct, level: std::os::raw::c_int) {
        // SAFETY: libjpeg passes its own struct with a valid error manager.
        let code = unsafe { (*cinfo.err).msg_code };
        if level < 0 && (code == JWRN_HIT_MARKER || code == JWRN_JPEG_EOF) {
            std::panic::resume_unwind(Box::new(TRUNCATED_PANIC.to_string()));
        }
    }
    // SAFETY: jpeg_std_error fills every field of a zeroed struct.
    unsafe {
        let mut err: mozjpeg_sys::jpeg_error_mgr = std::mem::zeroed();
        mozjpeg_sys::jpeg_std_error(&mut err);
        err.error_exit = Some(fatal);
        err.emit_message = Some(warn);
        err
    }
}

/// Decodes `data`, keeping at least `min_scale` of the full resolution: a JPEG decodes at its
/// DCT scale; a big picture of another format is shrunk at once (in the same steps) so that
/// no more than needed stays in memory.
pub fn decode(data: &[u8], min_scale: f64, limits: Limits) -> Result<Decoded> {
    decode_page(data, 0, min_scale, limits)
}

/// As [`decode`], for page `page` (from 0) of a PDF; other files have page 0 only.
pub fn decode_page(data: &[u8], page: usize, min_scale: f64, limits: Limits) -> Result<Decoded> {
    let format = sniff(data)?;
    if page > 0 && format != SourceFormat::Pdf {
        return Err(Error::Corrupt { detail: format!("a {} file has one page", format.name()) });
    }
    match format {
        SourceFormat::Jpeg => decode_jpeg(data, min_scale, limits),
        SourceFormat::Pdf => decode_pdf(data, page, min_scale, limits),
        SourceFormat::Heic => decode_heic(data, min_scale, limits),
        SourceFormat::Avif => decode_avif(data, min_scale, limits),
        _ => decode_other(data, format, min_scale, limits),
    }
}

/// The smallest of 1/8, 1/4, 1/2 and 1 that keeps `min_scale` of the full size.
fn scale_step(min_scale: f64) -> u32 {
    [1u32, 2, 4].into_iter().find(|&n| n as f64 / 8.0 >= min_scale - 1e-9).unwrap_or(8)
}

/// A PDF page: a scanned page's JPEG decoded as a JPEG (at its DCT scale, turned by the page's
/// `/Rotate`), any other page drawn at a resolution that keeps `min_scale` of 300 dpi.
fn decode_pdf(data: &[u8], page: usize, min_scale: f64, limits: Limits) -> Result<Decoded> {
    let pdf = crate::pdf::open(data)?;
    let pages = pdf.pages();
    let p = pages.get(page).ok_or_else(|| Error::Corrupt { detail: format!("the PDF has no page {}", page + 1) })?;
    // A viewer ignores an EXIF orientation inside a page's image: a JPEG that has one is drawn.
    let unturned = |j: &[u8]| jpeg_markers::parse(j).is_some_and(|st| st.exif.as_deref().map(exif_orientation).unwrap_or(1) == 1);
    if let Some((jpeg, orientation)) = crate::pdf::scanned_jpeg(p).filter(|(j, _)| unturned(j)) {
        let d = decode_jpeg(&jpeg, min_scale, limits)?;
        return Ok(Decoded { format: SourceFormat::Pdf, orientation, ..d });
    }
    let (w, h, dpi) = crate::pdf::render_size(p, crate::pdf::RENDER_DPI);
    check_declared(w as u64, h as u64, 4, limits)?;
    let image = crate::pdf::render(p, dpi * scale_step(min_scale) as f64 / 8.0)?;
    // Drawn whole: the size it was drawn at is the page's size (no rounding to re-draw for).
    let (w, h) = if scale_step(min_scale) == 8 { (image.width(), image.height()) } else { (w, h) };
    Ok(Decoded { scale: image.width() as f64 / w as f64, image, format: SourceFormat::Pdf, full_width: w, full_height: h, orientation: 1, icc: None })
}

/// Pictures up to this many pixels are kept whole: shrinking gains little.
const SHED_ABOVE_PIXELS: u64 = 16_000_000;

fn shed(d: Decoded, min_scale: f64) -> Result<Decoded> {
    let (w, h) = (d.image.width(), d.image.height());
    let num = scale_step(min_scale);
    if num == 8 || (w as u64 * h as u64) <= SHED_ABOVE_PIXELS {
        return Ok(d);
    }
    let (sw, sh) = ((w * num).div_ceil(8).max(1), (h * num).div_ceil(8).max(1));
    let image = crate::resize::resize_region(&d.image, (0.0, 0.0, w as f64, h as f64), sw, sh)?;
    Ok(Decoded { scale: sw as f64 / d.full_width as f64, image, ..d })
}

/// The stored size and EXIF orientation, from the headers only (JPEG, HEIC), to choose a
/// decode scale before decoding.
pub fn header_size(data: &[u8]) -> Option<(u32, u32, u8)> {
    if let Some(st) = jpeg_markers::parse(data).filter(|s| s.width > 0) {
        return Some((st.width, st.height, st.exif.as_deref().map(exif_orientation).unwrap_or(1)));
    }
    if crate::heif::brand(data) == Some(crate::heif::Brand::Heic) {
        let (w, h) = crate::heif::Heic::open(data).ok()?.size();
        return Some((w, h, 1));
    }
    None
}

fn check_declared(w: u64, h: u64, channels: u64, limits: Limits) -> Result<()> {
    if w == 0 || h == 0 {
        return Err(Error::Corrupt { detail: format!("declared size {w}x{h}") });
    }
    if w * h > limits.max_pixels || w * h * channels > limits.max_alloc {
        return Err(Error::TooLarge { width: w, height: h, limit_pixels: limits.max_pixels });
    }
    Ok(())
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown libjpeg error".into())
        .trim_start_matches("libjpeg fatal error: ")
        .to_string()
}

/// Runs mozjpeg code, turning its unwinding errors into `Error::Corrupt`/`Codec`.
pub(crate) fn catch_jpeg<T>(decoding: bool, f: impl FnOnce() -> std::io::Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) if decoding => Err(Error::Corrupt { detail: e.to_string() }),
        Ok(Err(e)) => Err(Error::Codec { detail: e.to_string() }),
        Err(p) if decoding => {
            let t = panic_text(p);
            Err(if t == TRUNCATED_PANIC { Error::Truncated } else { Error::Corrupt { detail: t } })
        }
        Err(p) => Err(Error::Codec { detail: panic_text(p) }),
    }
}

fn decode_jpeg(data: &[u8], min_scale: f64, limits: Limits) -> Result<Decoded> {
    let data = &data[jpeg_markers::soi_offset(data).unwrap_or(0)..];
    let st = jpeg_markers::parse(data).ok_or_else(|| Error::Corrupt { detail: "no JPEG structure".into() })?;
    if st.width == 0 || st.height == 0 || !st.has_scan {
        return Err(Error::Truncated);
    }
    check_declared(st.width as u64, st.height as u64, 4, limits)?;
    let orientation = st.exif.as_deref().map(exif_orientation).unwrap_or(1);
    // Smallest power-of-two DCT scale that keeps `min_scale` of the full size.
    let num = scale_step(min_scale) as u8;
    let out_px = (st.width as u64 * num as u64 / 8 + 1) * (st.height as u64 * num as u64 / 8 + 1);
    let _gate = big_gate(out_px * 3);
    let (img, channels) = catch_jpeg(true, || {
        let mut d = mozjpeg::Decompress::builder().with_err(strict_error_mgr()).from_mem(data)?;
        d.scale(num);
        if num < 8 {
            // Shrinking anyway: the merged chroma upsampler is faster and the difference
            // vanishes in the final resample.
            d.do_fancy_upsampling(false);
        }
        match d.image()? {
            mozjpeg::decompress::Format::RGB(mut s) => {
                let (w, h) = (s.width() as u32, s.height() as u32);
                let px: Vec<u8> = s.read_scanlines()?;
                s.finish()?;
                Ok((DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, px).ok_or(std::io::ErrorKind::InvalidData)?), 3))
            }
            mozjpeg::decompress::Format::Gray(mut s) => {
                let (w, h) = (s.width() as u32, s.height() as u32);
                let px: Vec<u8> = s.read_scanlines()?;
                s.finish()?;
                Ok((DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, px).ok_or(std::io::ErrorKind::InvalidData)?), 1))
            }
            mozjpeg::decompress::Format::CMYK(mut s) => {
                let (w, h) = (s.width() as u32, s.height() as u32);
                let px: Vec<u8> = s.read_scanlines()?;
                s.finish()?;
                // Adobe writes CMYK inverted (the common case); plain CMYK is rare.
                let inverted = st.has_adobe;
                let rgb: Vec<u8> = px
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let (c, m, y, k) = if inverted {
                            (p[0] as u32, p[1] as u32, p[2] as u32, p[3] as u32)
                        } else {
                            (255 - p[0] as u32, 255 - p[1] as u32, 255 - p[2] as u32, 255 - p[3] as u32)
                        };
                        [(c * k / 255) as u8, (m * k / 255) as u8, (y * k / 255) as u8]
                    })
                    .collect();
                Ok((DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, rgb).ok_or(std::io::ErrorKind::InvalidData)?), 4))
            }
        }
    })?;
    let scale = img.width() as f64 / st.width as f64;
    Ok(Decoded {
        image: img,
        format: SourceFormat::Jpeg,
        full_width: st.width,
        full_height: st.height,
        scale,
        orientation,
        // A CMYK profile cannot be applied to our RGB conversion; an sRGB assumption is closer.
        icc: if channels == 4 { None } else { st.icc.clone() },
    })
}

/// HEIC: upright as decoded (its `irot`/`imir` applied by the decoder; an EXIF orientation it
/// may also carry describes the same turn and is not applied again).
fn decode_heic(data: &[u8], min_scale: f64, limits: Limits) -> Result<Decoded> {
    let heic = crate::heif::Heic::open(data)?;
    let (w, h) = heic.size();
    check_declared(w as u64, h as u64, 4, limits)?;
    // The decoder's canvas is the picture's stored size (before its crop and turn), and a turn
    // needs a second one: both are what the limits must see.
    let (cw, ch) = crate::heif::primary_properties(data).size.unwrap_or((w, h));
    check_declared(cw.max(w) as u64, ch.max(h) as u64, 6, limits)?;
    let icc = heic.icc();
    let _gate = big_gate(cw.max(w) as u64 * ch.max(h) as u64 * 6);
    let image = normalise(heic.pixels()?);
    shed(Decoded { image, format: SourceFormat::Heic, full_width: w, full_height: h, scale: 1.0, orientation: 1, icc }, min_scale)
}

/// AVIF: decoded as stored, then turned and mirrored as its container says (`irot`, `imir`).
fn decode_avif(data: &[u8], min_scale: f64, limits: Limits) -> Result<Decoded> {
    let avif = crate::avif::Avif::open(data)?;
    // The decoder's picture, its planes copied, RGB and a turned copy: ~8 bytes a pixel.
    check_declared(avif.width as u64, avif.height as u64, 8, limits)?;
    let props = crate::heif::primary_properties(data);
    let _gate = big_gate(avif.width as u64 * avif.height as u64 * 8);
    let mut image = avif.pixels(limits.max_pixels)?;
    for t in &props.transforms {
        image = match *t {
            crate::heif::Transform::RotateCcw(1) => image.rotate270(),
            crate::heif::Transform::RotateCcw(2) => image.rotate180(),
            crate::heif::Transform::RotateCcw(3) => image.rotate90(),
            // Axis 0: top and bottom exchanged; 1: left and right (ISO/IEC 23008-12 §6.5.12).
            crate::heif::Transform::Mirror(0) => image.flipv(),
            crate::heif::Transform::Mirror(_) => image.fliph(),
            crate::heif::Transform::RotateCcw(_) => image,
        };
    }
    let (w, h) = (image.width(), image.height());
    shed(Decoded { image, format: SourceFormat::Avif, full_width: w, full_height: h, scale: 1.0, orientation: 1, icc: props.icc }, min_scale)
}

fn decode_other(data: &[u8], format: SourceFormat, min_scale: f64, limits: Limits) -> Result<Decoded> {
    let map = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Error::Invalid {
            msg: caiji_base::i18n::Msg::new(
                format!("图片解码所需内存超过上限 {} MB，已拒绝", limits.max_alloc >> 20),
                format!("Decoding would need more than the {} MB memory limit: refused", limits.max_alloc >> 20),
            ),
        },
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Error::Truncated,
        other => Error::Corrupt { detail: other.to_string() },
    };
    let Some(image_format) = format.image_format() else {
        return Err(Error::UnsupportedFormat { format: format.name().into() });
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(data), image_format);
    let mut il = image::Limits::default();
    il.max_alloc = Some(limits.max_alloc);
    reader.limits(il);
    let mut dec = reader.into_decoder().map_err(map)?;
    let (w, h) = dec.dimensions();
    let bpp = dec.color_type().bytes_per_pixel() as u64;
    check_declared(w as u64, h as u64, bpp, limits)?;
    // WebP's and PNG's EXIF (a chunk, which a PNG may put after its pixels) read from the file:
    // image's decoders report no orientation for them before decoding.
    let orientation = match (container_exif(format, data), dec.orientation()) {
        (Some(exif), _) => exif_orientation(&exif),
        (None, Ok(o)) => orientation_number(o),
        (None, Err(_)) => 1,
    };
    let icc = dec.icc_profile().ok().flatten();
    let _gate = big_gate(w as u64 * h as u64 * bpp);
    let img = DynamicImage::from_decoder(dec).map_err(map)?;
    let image = normalise(img);
    shed(Decoded { image, format, full_width: w, full_height: h, scale: 1.0, orientation, icc }, min_scale)
}

/// The EXIF block (TIFF) a WebP, PNG or HEIC file carries in a chunk or item of its own, if any.
pub fn container_exif(format: SourceFormat, data: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    match format {
        SourceFormat::Webp => webp_exif(data).map(Into::into),
        SourceFormat::Png => png_exif(data).map(Into::into),
        SourceFormat::Heic => crate::heif::Heic::open(data).ok()?.exif().map(Into::into),
        _ => None,
    }
}

/// The `eXIf` chunk of a PNG, anywhere in the file (before or after the pixels).
fn png_exif(data: &[u8]) -> Option<&[u8]> {
    let mut i = 8;
    while i + 12 <= data.len() {
        let len = u32::from_be_bytes(data[i..i + 4].try_into().ok()?) as usize;
        let kind = &data[i + 4..i + 8];
        let body = data.get(i + 8..i + 8 + len)?;
        if kind == b"eXIf" {
            return Some(body.strip_prefix(b"Exif\0\0").unwrap_or(body));
        }
        if kind == b"IEND" {
            return None;
        }
        i += 12 + len;
    }
    None
}

/// The EXIF chunk of a WebP (RIFF) file, without a leading "Exif\0\0" if one is there.
fn webp_exif(data: &[u8]) -> Option<&[u8]> {
    let mut i = 12;
    while i + 8 <= data.len() {
        let len = u32::from_le_bytes(data[i + 4..i + 8].try_into().ok()?) as usize;
        let body = data.get(i + 8..i + 8 + len)?;
        if &data[i..i + 4] == b"EXIF" {
            return Some(body.strip_prefix(b"Exif\0\0").unwrap_or(body));
        }
        i += 8 + len + (len & 1);
    }
    None
}

fn orientation_number(o: image::metadata::Orientation) -> u8 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

/// Stage 4: 8-bit, alpha flattened onto white, RGB or grey.
pub fn normalise(img: DynamicImage) -> DynamicImage {
    use DynamicImage::*;
    match img {
        ImageRgb8(_) | ImageLuma8(_) => img,
        ImageLuma16(_) => ImageLuma8(img.to_luma8()),
        ImageLumaA8(_) | ImageLumaA16(_) => {
            let la = img.to_luma_alpha8();
            ImageLuma8(GrayImage::from_fn(la.width(), la.height(), |x, y| {
                let p = la.get_pixel(x, y);
                image::Luma([over_white(p[0], p[1])])
            }))
        }
        ImageRgb16(_) | ImageRgb32F(_) => ImageRgb8(img.to_rgb8()),
        _ => {
            let rgba = img.to_rgba8();
            ImageRgb8(RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
                let p = rgba.get_pixel(x, y);
                image::Rgb([over_white(p[0], p[3]), over_white(p[1], p[3]), over_white(p[2], p[3])])
            }))
        }
    }
}

fn over_white(c: u8, a: u8) -> u8 {
    ((c as u32 * a as u32 + 255 * (255 - a as u32) + 127) / 255) as u8
}

/// Converts RGB pixels from an embedded ICC profile to sRGB (Display P3 phone photos, Adobe
/// RGB scans). Grey images and broken profiles are left as they are.
pub fn to_srgb(img: &mut DynamicImage, icc: Option<&[u8]>) {
    let (Some(icc), DynamicImage::ImageRgb8(rgb)) = (icc, img) else {
        return;
    };
    let Ok(src) = moxcms::ColorProfile::new_from_slice(icc) else {
        return;
    };
    if src.color_space != moxcms::DataColorSpace::Rgb {
        return;
    }
    let dst = moxcms::ColorProfile::new_srgb();
    let Ok(t) = src.create_transform_8bit(moxcms::Layout::Rgb, &dst, moxcms::Layout::Rgb, moxcms::TransformOptions::default()) else {
        return;
    };
    let input = rgb.as_raw().clone();
    let _ = t.transform(&input, rgb.as_mut());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_content() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap(), SourceFormat::Png);
        assert!(matches!(sniff(b""), Err(Error::NotAnImage { .. })));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap(), SourceFormat::Heic);
        assert!(matches!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0mp41"), Err(Error::UnsupportedFormat { .. })));
        assert!(matches!(sniff(b"hello world, not an image"), Err(Error::NotAnImage { .. })));
    }

    #[test]
    fn flatten_onto_white() {
        assert_eq!(over_white(0, 0), 255);
        assert_eq!(over_white(0, 255), 0);
        assert_eq!(over_white(100, 128), 177);
    }
}
