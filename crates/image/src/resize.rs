//! Stage 6: exact pixels with fast_image_resize (SIMD Lanczos3), cropping on the way.
use caiji_base::error::{Error, Result};
use fast_image_resize::{images::Image, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, GrayImage, RgbImage};

/// Resizes the region (`x`, `y`, `w`, `h`, in `src` pixels, fractional allowed) to `dw`×`dh`.
pub fn resize_region(src: &DynamicImage, region: (f64, f64, f64, f64), dw: u32, dh: u32) -> Result<DynamicImage> {
    let (pt, raw) = match src {
        DynamicImage::ImageRgb8(i) => (PixelType::U8x3, i.as_raw()),
        DynamicImage::ImageLuma8(i) => (PixelType::U8, i.as_raw()),
        _ => return Err(Error::Codec { detail: "resize expects 8-bit RGB or grey".into() }),
    };
    let (x, y, w, h) = region;
    let full = x == 0.0 && y == 0.0 && w == src.width() as f64 && h == src.height() as f64;
    if full && dw == src.width() && dh == src.height() {
        return Ok(src.clone());
    }
    let s = fast_image_resize::images::ImageRef::new(src.width(), src.height(), raw, pt).map_err(|e| Error::Codec { detail: e.to_string() })?;
    let mut dst = Image::new(dw, dh, pt);
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)).crop(x, y, w, h);
    Resizer::new().resize(&s, &mut dst, &opts).map_err(|e| Error::Codec { detail: e.to_string() })?;
    let buf = dst.into_vec();
    let short = || Error::Codec { detail: "the resized buffer is short".into() };
    Ok(match pt {
        PixelType::U8 => DynamicImage::ImageLuma8(GrayImage::from_raw(dw, dh, buf).ok_or_else(short)?),
        _ => DynamicImage::ImageRgb8(RgbImage::from_raw(dw, dh, buf).ok_or_else(short)?),
    })
}
