//! PDF pages as pictures, through hayro (pure Rust, Apache-2.0 OR MIT). A scanned page — one
//! JPEG drawn over the whole page, as scanners and phone scan apps save it — is used at its own
//! pixels: its JPEG bytes are decoded as any JPEG (DCT-scaled when pixels will be shed), never
//! re-rendered. Any other page (an e-certificate, a downloaded report) is rendered at
//! [`RENDER_DPI`]. A PDF that needs a password to open, or that cannot be read, is refused by
//! name; one that is only restricted (printing, copying) opens as in any viewer.
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::content::ops::TypedInstruction;
use hayro::hayro_syntax::object::{Name, Stream};
use hayro::hayro_syntax::page::{Page, Rotation};
use hayro::hayro_syntax::{Filter, LoadPdfError, Pdf};
use hayro::{RenderCache, RenderSettings};
use image::{DynamicImage, RgbImage};

/// Vector pages are drawn at the documents' resolution: 300 dpi, an A4 page 2480×3508.
pub const RENDER_DPI: f64 = 300.0;
/// A document of more pages is refused: a certificate or a report has a few.
pub const MAX_PAGES: usize = 50;
/// A rendered page never has more pixels than this (a poster-sized page renders at a lower
/// resolution instead): 40 MP, an A2 page at 300 dpi.
const MAX_RENDER_PIXELS: f64 = 40e6;

fn refused_password() -> Error {
    Error::Invalid {
        msg: Msg::new(
            "PDF 设有打开密码，无法读取：请用密码打开后“打印”为不加密的 PDF，或导出为 JPEG 后再试",
            "The PDF needs a password to open: open it with the password and print it to an unprotected PDF, or export it as JPEG, then try again",
        ),
    }
}

/// Opens a PDF (copying its bytes: the parser owns them).
pub(crate) fn open(data: &[u8]) -> Result<Pdf> {
    let pdf = Pdf::new(data.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(hayro::hayro_syntax::DecryptionError::PasswordProtected) => refused_password(),
        LoadPdfError::Decryption(other) => Error::Corrupt { detail: format!("PDF encryption not readable: {other:?}") },
        LoadPdfError::Invalid => Error::Corrupt { detail: "the PDF's structure cannot be read".into() },
    })?;
    match pdf.pages().len() {
        0 => Err(Error::Corrupt { detail: "the PDF has no page".into() }),
        n if n > MAX_PAGES => Err(Error::Invalid {
            msg: Msg::new(
                format!("PDF 有 {n} 页，最多可打开 {MAX_PAGES} 页：请只保留需要的页面"),
                format!("The PDF has {n} pages; at most {MAX_PAGES} can be opened: keep only the pages needed"),
            ),
        }),
        _ => Ok(pdf),
    }
}

/// The number of pages.
pub fn page_count(data: &[u8]) -> Result<usize> {
    Ok(open(data)?.pages().len())
}

/// EXIF-style orientation (1, 6, 3, 8) for a page's `/Rotate` (clockwise on display).
fn orientation(r: Rotation) -> u8 {
    match r {
        Rotation::None => 1,
        Rotation::Horizontal => 6,
        Rotation::Flipped => 3,
        Rotation::FlippedHorizontal => 8,
    }
}

/// A scanned page's JPEG and the page's turn: the page draws exactly one image, a plain JPEG
/// (DCTDecode only, no mask, no decode array), over (nearly) the whole page, with nothing else
/// but state and transforms. `None` for any other page.
pub(crate) fn scanned_jpeg(page: &Page) -> Option<(Vec<u8>, u8)> {
    let mut ctm = [1.0f64, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut stack = Vec::new();
    let mut image: Option<(Stream, [f64; 6])> = None;
    let mut ops = page.typed_operations();
    while let Some(op) = ops.next() {
        match op {
            TypedInstruction::SaveState(_) => stack.push(ctm),
            TypedInstruction::RestoreState(_) => ctm = stack.pop().unwrap_or(ctm),
            TypedInstruction::Transform(t) => {
                let m = [t.0.as_f64(), t.1.as_f64(), t.2.as_f64(), t.3.as_f64(), t.4.as_f64(), t.5.as_f64()];
                ctm = [
                    m[0] * ctm[0] + m[1] * ctm[2],
                    m[0] * ctm[1] + m[1] * ctm[3],
                    m[2] * ctm[0] + m[3] * ctm[2],
                    m[2] * ctm[1] + m[3] * ctm[3],
                    m[4] * ctm[0] + m[5] * ctm[2] + ctm[4],
                    m[4] * ctm[1] + m[5] * ctm[3] + ctm[5],
                ];
            }
            TypedInstruction::XObject(x) if image.is_none() => {
                let name: &Name = x.0;
                image = Some((page.resources().get_x_object(name)?, ctm));
            }
            _ => return None,
        }
    }
    let (stream, ctm) = image?;
    let dict = stream.dict();
    let is_image = dict.get::<Name>(b"Subtype".as_slice()).is_some_and(|n| n.as_ref() == b"Image");
    let plain = !dict.contains_key(b"SMask".as_slice())
        && !dict.contains_key(b"Mask".as_slice())
        && !dict.contains_key(b"Decode".as_slice())
        && !dict.get::<bool>(b"ImageMask".as_slice()).unwrap_or(false);
    if !is_image || !plain || stream.filters().as_slice() != [Filter::DctDecode] {
        return None;
    }
    // Drawn upright (no turn or skew in the matrix) over the page within 2 %.
    let b = page.intersected_crop_box();
    let (pw, ph) = (b.width(), b.height());
    let fits = ctm[1].abs() < 1e-6
        && ctm[2].abs() < 1e-6
        && (ctm[0] - pw).abs() <= 0.02 * pw
        && (ctm[3] - ph).abs() <= 0.02 * ph
        && (ctm[4] - b.x0).abs() <= 0.02 * pw
        && (ctm[5] - b.y0).abs() <= 0.02 * ph;
    if !fits {
        return None;
    }
    Some((stream.raw_data().into_owned(), orientation(page.rotation())))
}

/// The size in pixels a page renders to at `dpi` (turned by its `/Rotate`), lowered so that it
/// stays within [`MAX_RENDER_PIXELS`]; and the dpi used.
pub(crate) fn render_size(page: &Page, dpi: f64) -> (u32, u32, f64) {
    let (w, h) = page.render_dimensions();
    let dpi = dpi.min((MAX_RENDER_PIXELS / (w as f64 / 72.0 * h as f64 / 72.0)).sqrt());
    // As hayro sizes its canvas: points times the scale, truncated, at most 65535.
    let scale = (dpi / 72.0) as f32;
    let side = |pt: f32| ((pt * scale) as u32).clamp(1, u16::MAX as u32);
    (side(w), side(h), dpi)
}

/// Renders a page at `dpi` (lowered as [`render_size`] does) onto white, 8-bit RGB.
pub(crate) fn render(page: &Page, dpi: f64) -> Result<DynamicImage> {
    let (_, _, dpi) = render_size(page, dpi);
    let scale = (dpi / 72.0) as f32;
    let settings = hayro::PixmapSettings { x_scale: scale, y_scale: scale, ..Default::default() };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        hayro::render(page, &RenderCache::new(), &InterpreterSettings::default(), &RenderSettings::default(), &settings)
    }));
    let pixmap = run.map_err(|_| Error::Corrupt { detail: "the PDF page could not be drawn".into() })?;
    let (pw, ph) = (pixmap.width() as u32, pixmap.height() as u32);
    // Premultiplied RGBA over the white background: opaque, so the colour is as it is.
    let rgba = pixmap.data_as_u8_slice();
    let mut rgb = Vec::with_capacity(pw as usize * ph as usize * 3);
    for p in rgba.chunks_exact(4) {
        let a = p[3] as u32;
        for &c in &p[..3] {
            rgb.push((c as u32 + (255 - a)).min(255) as u8);
        }
    }
    let img = RgbImage::from_raw(pw, ph, rgb).ok_or_else(|| Error::Corrupt { detail: "the drawn page is short".into() })?;
    Ok(DynamicImage::ImageRgb8(img))
}
