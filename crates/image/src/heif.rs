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
}
