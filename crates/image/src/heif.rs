//! HEIF-family files (ISO media with an `ftyp` box): HEIC, the iPhone's default since 2017 and
//! many Android phones', decoded by zune-heic (pure Rust, its own HEVC decoder: nothing to ship
//! or license per platform). The primary image is the photo (a burst or a live photo keeps its
//! others as secondary items); its rotation and mirroring (`irot`, `imir`) and clean aperture
//! are applied by the decoder, so the EXIF orientation it may also carry is not applied again.
use caiji_base::error::{Error, Result};
use image::{DynamicImage, GrayImage, RgbImage, RgbaImage};
use zune_heic::zune_core::bytestream::ZCursor;
use zune_heic::zune_core::colorspace::ColorSpace;
use zune_heic::zune_core::options::DecoderOptions;
use zune_heic::HeifDecoder;

/// What an ISO-media file holds, by its brands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Brand {
    Heic,
    Avif,
    /// Anything else in an ISO-media box (a video, a HEIF with another codec): its major brand.
    Other(String),
}

const HEVC_BRANDS: [&[u8; 4]; 7] = [b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm"];

/// The brand of a file that starts with an `ftyp` box, if it does.
pub(crate) fn brand(data: &[u8]) -> Option<Brand> {
    if data.len() < 16 || &data[4..8] != b"ftyp" {
        return None;
    }
    let size = (u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize).clamp(16, data.len());
    let major: &[u8] = &data[8..12];
    // After the major brand and the minor version: the compatible brands.
    let compatible: Vec<&[u8]> = data[16..size].chunks_exact(4).collect();
    let is = |set: &[&[u8; 4]], b: &[u8]| set.iter().any(|s| &s[..] == b);
    if is(&[b"avif", b"avis"], major) {
        return Some(Brand::Avif);
    }
    if is(&HEVC_BRANDS, major) {
        return Some(Brand::Heic);
    }
    if is(&[b"mif1", b"msf1", b"miaf"], major) {
        if compatible.iter().any(|b| is(&HEVC_BRANDS, b)) {
            return Some(Brand::Heic);
        }
        if compatible.iter().any(|b| is(&[b"avif", b"avis"], b)) {
            return Some(Brand::Avif);
        }
    }
    Some(Brand::Other(String::from_utf8_lossy(major).trim().to_string()))
}

fn options(data: &[u8]) -> DecoderOptions {
    DecoderOptions::default()
        // The pixel limit is ours (`Limits`); the decoder's own 16384 would refuse a 200 MP
        // phone photo turned upright.
        .set_max_width(1 << 16)
        .set_max_height(1 << 16)
        // The coded data is read into memory: never more than the file itself.
        .set_hevc_max_mdat_size(data.len())
}

fn map_error(e: zune_heic::HeicErrors) -> Error {
    let text = e.to_string();
    if text.contains("bit_depth") {
        // 10-bit HEIF (some cameras' HDR mode): refused by name, with what to do.
        return Error::UnsupportedFormat { format: "HEIF 10-bit".into() };
    }
    match e {
        zune_heic::HeicErrors::UnexpectedEof { .. } => Error::Truncated,
        _ => Error::Corrupt { detail: text },
    }
}

/// A HEIC file whose headers are read: its size, profile and EXIF known, its pixels not yet
/// decoded (the caller checks the size against its limits first).
pub(crate) struct Heic<'a> {
    d: HeifDecoder<ZCursor<&'a [u8]>>,
}

/// Runs decoder code, turning a panic (never expected: the decoder is safe Rust) into an error.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::Corrupt { detail: "the HEIC decoder stopped on damaged data".into() }))
}

impl<'a> Heic<'a> {
    pub(crate) fn open(data: &'a [u8]) -> Result<Heic<'a>> {
        let mut d = HeifDecoder::new_with_options(ZCursor::new(data), options(data));
        guarded(|| d.decode_headers().map_err(map_error))?;
        Ok(Heic { d })
    }

    /// The picture's size as it is shown (the decoder applies the file's rotation).
    pub(crate) fn size(&self) -> (u32, u32) {
        (self.d.width().unwrap_or(0) as u32, self.d.height().unwrap_or(0) as u32)
    }

    pub(crate) fn icc(&self) -> Option<Vec<u8>> {
        self.d.icc_data().cloned()
    }

    /// The EXIF block (TIFF, from its byte-order mark), if the file carries one.
    pub(crate) fn exif(&self) -> Option<Vec<u8>> {
        let exif = self.d.exif_data()?;
        // Usually the TIFF header itself; some writers keep an "Exif\0\0" prefix.
        let start = exif.windows(4).position(|w| w == b"II*\0" || w == b"MM\0*")?;
        Some(exif[start..].to_vec())
    }

    /// The pixels, 8-bit RGB or grey, alpha (if any) as stored.
    pub(crate) fn pixels(mut self) -> Result<DynamicImage> {
        let (w, h) = self.size();
        guarded(|| {
            let px = self.d.decode().map_err(map_error)?;
            let short = || Error::Corrupt { detail: "the decoded picture is short".into() };
            Ok(match self.d.colorspace() {
                Some(ColorSpace::RGB) => DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, px).ok_or_else(short)?),
                Some(ColorSpace::RGBA) => DynamicImage::ImageRgba8(RgbaImage::from_raw(w, h, px).ok_or_else(short)?),
                Some(ColorSpace::Luma) => DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, px).ok_or_else(short)?),
                Some(ColorSpace::LumaA) => DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_raw(w, h, px).ok_or_else(short)?),
                other => return Err(Error::Corrupt { detail: format!("unexpected colour layout {other:?}") }),
            })
        })
    }
}

/// What the container says of its primary picture, in the order the turns apply.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Properties {
    /// `irot` (anticlockwise quarter turns) and `imir` (0: top and bottom exchanged, 1: left and
    /// right), in order.
    pub(crate) transforms: Vec<Transform>,
    /// The ICC profile of a `colr` box, if any.
    pub(crate) icc: Option<Vec<u8>>,
    /// The stored size (`ispe`), before any crop or turn.
    pub(crate) size: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Transform {
    RotateCcw(u8),
    Mirror(u8),
}

/// The boxes in `data`: type and contents (a box running past the end ends the list).
fn boxes(data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        let head = data.get(i..i + 8)?;
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let (body, len) = match size {
            0 => (data.get(i + 8..)?, data.len() - i),
            1 => {
                let big = u64::from_be_bytes(data.get(i + 8..i + 16)?.try_into().ok()?) as usize;
                (data.get(i + 16..i.checked_add(big)?)?, big)
            }
            n if n >= 8 => (data.get(i + 8..i + n)?, n),
            _ => return None,
        };
        let kind = &head[4..8];
        i += len;
        Some((kind, body))
    })
}

fn child<'a>(data: &'a [u8], kind: &[u8]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| *k == kind).map(|(_, b)| b)
}

fn be(data: &[u8], at: usize, n: usize) -> Option<u32> {
    Some(data.get(at..at + n)?.iter().fold(0u32, |a, &b| a << 8 | b as u32))
}

/// Reads the primary picture's `irot`, `imir` and `colr` (ICC) from an ISO-media picture's
/// `meta` box. Missing or malformed boxes give what could be read.
pub(crate) fn primary_properties(data: &[u8]) -> Properties {
    let mut out = Properties::default();
    let Some(meta) = child(data, b"meta").and_then(|m| m.get(4..)) else {
        return out;
    };
    let primary = child(meta, b"pitm").and_then(|p| if p.first() == Some(&0) { be(p, 4, 2) } else { be(p, 4, 4) });
    let (Some(primary), Some(iprp)) = (primary, child(meta, b"iprp")) else {
        return out;
    };
    let props: Vec<(&[u8], &[u8])> = child(iprp, b"ipco").map(|c| boxes(c).collect()).unwrap_or_default();
    let Some(ipma) = child(iprp, b"ipma") else {
        return out;
    };
    let (version, wide) = (ipma.first().copied().unwrap_or(0), ipma.get(3).is_some_and(|f| f & 1 == 1));
    let mut at = 8;
    for _ in 0..be(ipma, 4, 4).unwrap_or(0).min(1 << 16) {
        let id_len = if version < 1 { 2 } else { 4 };
        let (Some(id), Some(n)) = (be(ipma, at, id_len), be(ipma, at + id_len, 1)) else {
            return out;
        };
        at += id_len + 1;
        let step = if wide { 2 } else { 1 };
        for k in 0..n as usize {
            let Some(v) = be(ipma, at + k * step, step) else {
                return out;
            };
            let index = (v & if wide { 0x7FFF } else { 0x7F }) as usize;
            if id != primary || index == 0 {
                continue;
            }
            match props.get(index - 1) {
                Some((b"irot", b)) => out.transforms.push(Transform::RotateCcw(b.first().map_or(0, |a| a & 3))),
                Some((b"imir", b)) => out.transforms.push(Transform::Mirror(b.first().map_or(0, |a| a & 1))),
                Some((b"colr", b)) if b.starts_with(b"prof") || b.starts_with(b"rICC") => out.icc = Some(b[4..].to_vec()),
                Some((b"ispe", b)) => out.size = be(b, 4, 4).zip(be(b, 8, 4)),
                _ => {}
            }
        }
        at += n as usize * step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((16 + 4 * compatible.len()) as u32).to_be_bytes());
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0; 4]);
        for c in compatible {
            v.extend_from_slice(&c[..]);
        }
        v
    }

    #[test]
    fn brands_tell_heic_from_avif_and_video() {
        assert_eq!(brand(&ftyp(b"heic", &[b"mif1", b"heic"])), Some(Brand::Heic));
        assert_eq!(brand(&ftyp(b"mif1", &[b"mif1", b"heic"])), Some(Brand::Heic));
        assert_eq!(brand(&ftyp(b"avif", &[b"mif1", b"miaf"])), Some(Brand::Avif));
        assert_eq!(brand(&ftyp(b"mif1", &[b"avif", b"miaf"])), Some(Brand::Avif));
        assert_eq!(brand(&ftyp(b"isom", &[b"mp41"])), Some(Brand::Other("isom".into())));
        assert_eq!(brand(b"\x89PNG\r\n\x1a\n0000000000"), None);
    }

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        [&((8 + body.len()) as u32).to_be_bytes()[..], kind, body].concat()
    }

    #[test]
    fn the_primary_pictures_turns_and_profile_are_read_and_others_ignored() {
        let ipco = [bx(b"irot", &[1]), bx(b"imir", &[0]), bx(b"colr", b"profICCDATA"), bx(b"irot", &[2])].concat();
        // Item 1 (primary): irot 1, imir 0, colr; item 2 (a thumbnail): irot 2.
        let ipma = [&[0u8, 0, 0, 0, 0, 0, 0, 2][..], &[0, 1, 3, 0x81, 0x82, 3], &[0, 2, 1, 4]].concat();
        let meta = [&[0u8; 4][..], &bx(b"pitm", &[0, 0, 0, 0, 0, 1]), &bx(b"iprp", &[bx(b"ipco", &ipco), bx(b"ipma", &ipma)].concat())].concat();
        let file = [bx(b"ftyp", b"avif\0\0\0\0mif1"), bx(b"meta", &meta)].concat();
        let p = primary_properties(&file);
        assert_eq!(p.transforms, [Transform::RotateCcw(1), Transform::Mirror(0)]);
        assert_eq!(p.icc.as_deref(), Some(&b"ICCDATA"[..]));
        // Cut anywhere: what could be read, never a panic.
        for n in 0..file.len() {
            let _ = primary_properties(&file[..n]);
        }
    }
}
