//! Stage 3 without touching the big image: EXIF orientation and the user's quarter turns as a
//! small transform. Crops are given upright; they map back to the stored pixels, the resize runs
//! there, and only the small output is turned (cheaper than turning a decoded photo).
use image::DynamicImage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A quarter turn clockwise.
    R,
    /// Mirror left–right.
    H,
    /// Mirror top–bottom.
    V,
}

/// Stored pixels → upright pixels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transform {
    ops: Vec<Op>,
}

impl Transform {
    /// The transform for EXIF orientation 1–8 (anything else: identity).
    pub fn from_exif(o: u8) -> Transform {
        use Op::*;
        let ops = match o {
            2 => vec![H],
            3 => vec![R, R],
            4 => vec![V],
            5 => vec![R, H],
            6 => vec![R],
            7 => vec![R, R, R, H],
            8 => vec![R, R, R],
            _ => vec![],
        };
        Transform { ops }
    }

    /// Followed by `turns` quarter turns clockwise.
    pub fn then_turns(mut self, turns: u8) -> Transform {
        self.ops.extend(std::iter::repeat_n(Op::R, (turns % 4) as usize));
        self
    }

    pub fn is_identity(&self) -> bool {
        self.ops.len() % 4 == 0 && self.ops.iter().all(|&o| o == Op::R)
    }

    /// Whether width and height swap.
    pub fn swaps(&self) -> bool {
        self.ops.iter().filter(|&&o| o == Op::R).count() % 2 == 1
    }

    pub fn upright_size(&self, w: u32, h: u32) -> (u32, u32) {
        if self.swaps() {
            (h, w)
        } else {
            (w, h)
        }
    }

    pub fn apply(&self, img: &DynamicImage) -> DynamicImage {
        if self.is_identity() {
            return img.clone();
        }
        let mut out = img.clone();
        // Collapse runs of turns: one rotation call per run.
        let mut i = 0;
        while i < self.ops.len() {
            match self.ops[i] {
                Op::H => out = out.fliph(),
                Op::V => out = out.flipv(),
                Op::R => {
                    let n = self.ops[i..].iter().take_while(|&&o| o == Op::R).count();
                    out = match n % 4 {
                        1 => out.rotate90(),
                        2 => out.rotate180(),
                        3 => out.rotate270(),
                        _ => out,
                    };
                    i += n;
                    continue;
                }
            }
            i += 1;
        }
        out
    }

    /// Maps a rectangle (x, y, w, h) of the upright frame back into the stored frame of a
    /// `stored_w`×`stored_h` image.
    pub fn rect_to_stored(&self, r: (f64, f64, f64, f64), stored_w: f64, stored_h: f64) -> (f64, f64, f64, f64) {
        // Size before each op.
        let mut sizes = Vec::with_capacity(self.ops.len());
        let (mut w, mut h) = (stored_w, stored_h);
        for &op in &self.ops {
            sizes.push((w, h));
            if op == Op::R {
                std::mem::swap(&mut w, &mut h);
            }
        }
        let (mut x, mut y, mut rw, mut rh) = r;
        for (&op, &(iw, ih)) in self.ops.iter().zip(&sizes).rev() {
            match op {
                Op::H => x = iw - x - rw,
                Op::V => y = ih - y - rh,
                // Clockwise: input (x, y) went to (ih - y, x).
                Op::R => (x, y, rw, rh) = (y, ih - x - rw, rh, rw),
            }
        }
        (x, y, rw, rh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// Every orientation and turn: cropping the upright image equals cropping the stored one
    /// through the mapping and turning the result.
    #[test]
    fn rect_mapping_agrees_with_turning_the_image() {
        let stored = DynamicImage::ImageRgb8(RgbImage::from_fn(7, 5, |x, y| Rgb([x as u8 * 30, y as u8 * 40, (x * y) as u8])));
        for o in 1..=8 {
            for turns in 0..4 {
                let t = Transform::from_exif(o).then_turns(turns);
                let up = t.apply(&stored);
                assert_eq!((up.width(), up.height()), t.upright_size(7, 5));
                let (x, y, w, h) = (1u32, 1u32, 2u32, 3u32.min(up.height() - 1));
                let want = up.crop_imm(x, y, w, h);
                let (sx, sy, sw, sh) = t.rect_to_stored((x as f64, y as f64, w as f64, h as f64), 7.0, 5.0);
                let got = t.apply(&stored.crop_imm(sx as u32, sy as u32, sw as u32, sh as u32));
                assert_eq!(got.to_rgb8(), want.to_rgb8(), "orientation {o}, turns {turns}");
            }
        }
    }
}
