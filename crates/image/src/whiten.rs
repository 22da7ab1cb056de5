//! Optional background replacement for ID photos ("whitening"): a near-uniform wall behind
//! the person is replaced by the spec's colour, with soft edges around hair and shoulders.
//!
//! Method (no model, a few milliseconds on an output-sized picture):
//! 1. The wall's colour is modelled as a plane per channel (it may darken across the picture
//!    with the light), fitted robustly to a thin band along the top and the sides above the
//!    chin. A wall that is not one colour (a flag, a room, a bookshelf) is refused.
//! 2. Every pixel's distance to the wall model is measured; the background is what can be
//!    reached from the band through wall-like pixels without entering the face.
//! 3. Its share of wall (1 inside, falling to 0 over a tolerance that follows the wall's own
//!    noise) is feathered by a pixel, and each pixel is moved by that share of the difference
//!    between the new colour and the wall: a strand of hair keeps its own colour and loses the
//!    old wall's, so no halo is left.
use crate::face::Face;
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use image::RgbImage;
use serde::Serialize;

/// The part that is always the person: the face (an ellipse) and the chin's row, below which
/// the picture's sides are shoulders rather than wall.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keep {
    pub cx: f32,
    pub cy: f32,
    pub rx: f32,
    pub ry: f32,
    pub chin: f32,
}

impl Keep {
    /// From a detected face box (forehead to chin) in the picture's pixels.
    pub fn from_face(f: &Face) -> Keep {
        Keep::from_box(f.x, f.y, f.w, f.h, f.y + f.h)
    }

    /// From a face box at (`x`, `y`) of `w`×`h` and the chin's row.
    pub fn from_box(x: f32, y: f32, w: f32, h: f32, chin: f32) -> Keep {
        Keep { cx: x + w / 2.0, cy: y + h / 2.0, rx: w * 0.55, ry: h * 0.6, chin }
    }

    fn contains(&self, x: f32, y: f32) -> bool {
        let (u, v) = ((x - self.cx) / self.rx, (y - self.cy) / self.ry);
        u * u + v * v <= 1.0
    }
}

/// What the replacement did, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Whitened {
    /// The wall's colour found (at the picture's middle).
    pub found: [u8; 3],
    pub target: [u8; 3],
    /// Share of the picture that became the new background (partly covered pixels count in part).
    pub replaced: f32,
}

impl Whitened {
    /// The report's label: an edited background must be visible to the person who uploads it.
    pub fn note(&self) -> Msg {
        let [r, g, b] = self.found;
        let [tr, tg, tb] = self.target;
        let pct = self.replaced * 100.0;
        Msg::new(
            format!("已替换背景：RGB({r},{g},{b}) → RGB({tr},{tg},{tb})，占画面 {pct:.0}%。注意：部分平台不接受修改过背景的照片"),
            format!("Background replaced: RGB({r},{g},{b}) → RGB({tr},{tg},{tb}), {pct:.0}% of the picture. Note: some portals refuse photos with an edited background"),
        )
    }
}

fn uneven(share: f32, rms: f32) -> Error {
    Error::Face {
        code: "background_uneven",
        msg: Msg::new(
            format!("背景不是一块均匀的颜色（边缘只有 {:.0}% 接近同一颜色，起伏 {rms:.0}），无法自动换底：请在纯色墙前重拍", share * 100.0),
            format!("The background is not one even colour (only {:.0}% of the edge is alike, spread {rms:.0}): it cannot be replaced automatically; retake in front of a plain wall", share * 100.0),
        ),
    }
}

/// A colour plane per channel: value = a + b·u + c·v with u, v the position in [-0.5, 0.5].
#[derive(Debug, Clone, Copy)]
struct Plane([[f32; 3]; 3]);

impl Plane {
    fn fit(samples: &[(f32, f32, [f32; 3])]) -> Option<Plane> {
        let mut m = [[0f64; 3]; 3];
        let mut rhs = [[0f64; 3]; 3];
        for &(u, v, p) in samples {
            let x = [1.0, u as f64, v as f64];
            for i in 0..3 {
                for j in 0..3 {
                    m[i][j] += x[i] * x[j];
                }
                for c in 0..3 {
                    rhs[c][i] += x[i] * p[c] as f64;
                }
            }
        }
        let mut out = [[0f32; 3]; 3];
        for c in 0..3 {
            let s = solve3(m, rhs[c])?;
            out[c] = [s[0] as f32, s[1] as f32, s[2] as f32];
        }
        Some(Plane(out))
    }

    fn at(&self, u: f32, v: f32) -> [f32; 3] {
        let k = &self.0;
        [k[0][0] + k[0][1] * u + k[0][2] * v, k[1][0] + k[1][1] * u + k[1][2] * v, k[2][0] + k[2][1] * u + k[2][2] * v]
    }
}

/// Solves a 3×3 linear system by Cramer's rule; `None` when it is singular.
fn solve3(m: [[f64; 3]; 3], b: [f64; 3]) -> Option<[f64; 3]> {
    let det = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-9 {
        return None;
    }
    let mut out = [0f64; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let mut a = m;
        for r in 0..3 {
            a[r][k] = b[r];
        }
        *o = det(a) / d;
    }
    Some(out)
}

fn dist(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

fn px(img: &RgbImage, x: u32, y: u32) -> [f32; 3] {
    let p = img.get_pixel(x, y).0;
    [p[0] as f32, p[1] as f32, p[2] as f32]
}

/// Replaces the background of `img` by `target`. `keep` is the face (found again on the
/// picture when not given). Refuses a background that is not one even colour.
pub fn whiten(img: &mut RgbImage, keep: Option<Keep>, target: [u8; 3]) -> Result<Whitened> {
    let (w, h) = img.dimensions();
    if w < 16 || h < 16 {
        return Err(Error::invalid("图片太小，无法换底", "The picture is too small to replace its background"));
    }
    let keep = match keep {
        Some(k) => Some(k),
        None => crate::face::detect(img)?.iter().max_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h))).map(Keep::from_face),
    };
    let (fw, fh) = (w as f32, h as f32);
    let uv = |x: u32, y: u32| ((x as f32 + 0.5) / fw - 0.5, (y as f32 + 0.5) / fh - 0.5);
    // 1. The band the wall is learnt from.
    let band = (w / 50).max(2);
    let sides_to = keep.map(|k| k.chin).unwrap_or(fh * 0.55).clamp(band as f32, fh) as u32;
    let mut seeds: Vec<(u32, u32)> = Vec::new();
    for y in 0..sides_to {
        for x in 0..w {
            let edge = y < band || x < band || x >= w - band;
            if edge && !keep.is_some_and(|k| k.contains(x as f32, y as f32)) {
                seeds.push((x, y));
            }
        }
    }
    let samples: Vec<_> = seeds.iter().map(|&(x, y)| (uv(x, y).0, uv(x, y).1, px(img, x, y))).collect();
    let first = Plane::fit(&samples).ok_or_else(|| uneven(0.0, 0.0))?;
    let mut res: Vec<f32> = samples.iter().map(|&(u, v, p)| dist(p, first.at(u, v))).collect();
    let mut sorted = res.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    let cut = (3.0 * median).max(12.0);
    let inliers: Vec<_> = samples.iter().zip(&res).filter(|(_, &r)| r < cut).map(|(s, _)| *s).collect();
    let share = inliers.len() as f32 / samples.len() as f32;
    let wall = Plane::fit(&inliers).ok_or_else(|| uneven(share, 0.0))?;
    res = inliers.iter().map(|&(u, v, p)| dist(p, wall.at(u, v))).collect();
    let rms = (res.iter().map(|r| r * r).sum::<f32>() / res.len().max(1) as f32).sqrt();
    // A wall: most of the band is one colour, and its spread is that of sensor noise and a
    // soft light fall-off, not of things.
    if share < 0.8 || rms > 16.0 {
        return Err(uneven(share, rms));
    }
    // 2. Distance to the wall, and the wall reachable from the band.
    let (lo, hi) = ((2.5 * rms).clamp(10.0, 28.0), (2.5 * rms).clamp(10.0, 28.0) + 30.0);
    let idx = |x: u32, y: u32| (y * w + x) as usize;
    let mut wall_at = Vec::with_capacity((w * h) as usize);
    let mut d = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let (u, v) = uv(x, y);
            let b = wall.at(u, v);
            d.push(dist(px(img, x, y), b));
            wall_at.push(b);
        }
    }
    let mut reached = vec![false; (w * h) as usize];
    let mut queue: Vec<(u32, u32)> = seeds.into_iter().filter(|&(x, y)| d[idx(x, y)] < lo).collect();
    for &(x, y) in &queue {
        reached[idx(x, y)] = true;
    }
    while let Some((x, y)) = queue.pop() {
        let mut go = |nx: u32, ny: u32| {
            let i = idx(nx, ny);
            if !reached[i] && d[i] < hi && !keep.is_some_and(|k| k.contains(nx as f32, ny as f32)) {
                reached[i] = true;
                queue.push((nx, ny));
            }
        };
        if x > 0 {
            go(x - 1, y);
        }
        if x + 1 < w {
            go(x + 1, y);
        }
        if y > 0 {
            go(x, y - 1);
        }
        if y + 1 < h {
            go(x, y + 1);
        }
    }
    // Specks in the wall (its texture, a mark) are wall: small islands the fill went round.
    fill_islands(&mut reached, w, h, (w * h / 500) as usize, |x, y| keep.is_some_and(|k| k.contains(x as f32, y as f32)));
    // 3. How much of each pixel is wall: all of it inside the wall, none inside the person,
    // and along the edge between them the share that mixes the wall's colour with the
    // person's nearby colour into the pixel's own (hair strands, soft shoulders).
    let r = 2 + (w / 300) as i64;
    let (wi, hi_) = (w as i64, h as i64);
    let near = |x: i64, y: i64, rad: i64, want: bool| {
        (-rad..=rad).any(|dy| {
            (-rad..=rad).any(|dx| {
                let (nx, ny) = (x + dx, y + dy);
                nx >= 0 && ny >= 0 && nx < wi && ny < hi_ && reached[(ny * wi + nx) as usize] == want
            })
        })
    };
    let mut alpha = vec![0f32; (w * h) as usize];
    for y in 0..hi_ {
        for x in 0..wi {
            let i = (y * wi + x) as usize;
            let on_wall = reached[i];
            if !near(x, y, r, !on_wall) {
                alpha[i] = if on_wall { 1.0 } else { 0.0 };
                continue;
            }
            // The person's colour nearby: the pixel least like the wall within reach.
            let b = wall_at[i];
            let mut f = None;
            let mut best = hi;
            for dy in -(r + 1)..=(r + 1) {
                for dx in -(r + 1)..=(r + 1) {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0 && ny >= 0 && nx < wi && ny < hi_ && !reached[(ny * wi + nx) as usize] {
                        let j = (ny * wi + nx) as usize;
                        if d[j] > best {
                            best = d[j];
                            f = Some(px(img, nx as u32, ny as u32));
                        }
                    }
                }
            }
            let p = px(img, x as u32, y as u32);
            alpha[i] = match f {
                // p = a·F + (1 − a)·B: the wall's share is 1 − a, by projection on B→F.
                Some(f) => {
                    let fb = [f[0] - b[0], f[1] - b[1], f[2] - b[2]];
                    let pb = [p[0] - b[0], p[1] - b[1], p[2] - b[2]];
                    let a = (pb[0] * fb[0] + pb[1] * fb[1] + pb[2] * fb[2]) / (fb[0] * fb[0] + fb[1] * fb[1] + fb[2] * fb[2]).max(1.0);
                    (1.0 - a).clamp(0.0, 1.0)
                }
                None if on_wall => ((hi - d[i]) / (hi - lo)).clamp(0.0, 1.0),
                None => 0.0,
            };
            if keep.is_some_and(|k| k.contains(x as f32, y as f32)) {
                alpha[i] = 0.0;
            }
        }
    }
    let alpha = box_blur(&alpha, w, h, (w / 400).max(1));
    let t = [target[0] as f32, target[1] as f32, target[2] as f32];
    let mut total = 0f32;
    for y in 0..h {
        for x in 0..w {
            let i = idx(x, y);
            let a = alpha[i];
            if a <= 0.0 {
                continue;
            }
            total += a;
            let p = img.get_pixel_mut(x, y);
            if a >= 0.98 {
                p.0 = target;
                continue;
            }
            let b = wall_at[i];
            for c in 0..3 {
                p.0[c] = (p.0[c] as f32 + a * (t[c] - b[c])).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    let mid = wall.at(0.0, 0.0).map(|c| c.round().clamp(0.0, 255.0) as u8);
    Ok(Whitened { found: mid, target, replaced: total / (w * h) as f32 })
}

/// Marks as wall the regions of not-wall pixels smaller than `max` that do not touch the
/// picture's edge or the kept part (`kept`).
fn fill_islands(reached: &mut [bool], w: u32, h: u32, max: usize, kept: impl Fn(u32, u32) -> bool) {
    let mut seen = vec![false; reached.len()];
    let mut region = Vec::new();
    for start in 0..reached.len() {
        if reached[start] || seen[start] {
            continue;
        }
        region.clear();
        seen[start] = true;
        let mut stack = vec![start];
        let mut open = false;
        while let Some(i) = stack.pop() {
            region.push(i);
            let (x, y) = ((i as u32) % w, (i as u32) / w);
            if x == 0 || y == 0 || x + 1 == w || y + 1 == h || kept(x, y) || region.len() > max {
                open = true;
            }
            let mut go = |j: usize| {
                if !reached[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                go(i - 1);
            }
            if x + 1 < w {
                go(i + 1);
            }
            if y > 0 {
                go(i - w as usize);
            }
            if y + 1 < h {
                go(i + w as usize);
            }
        }
        if !open {
            for &i in &region {
                reached[i] = true;
            }
        }
    }
}

/// A (2r+1)² box blur, separable, edges clamped.
fn box_blur(a: &[f32], w: u32, h: u32, r: u32) -> Vec<f32> {
    let (w, h, r) = (w as i64, h as i64, r as i64);
    let pass = |src: &[f32], horizontal: bool| {
        let mut out = vec![0f32; src.len()];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for k in -r..=r {
                    let (xx, yy) = if horizontal { ((x + k).clamp(0, w - 1), y) } else { (x, (y + k).clamp(0, h - 1)) };
                    s += src[(yy * w + xx) as usize];
                }
                out[(y * w + x) as usize] = s / (2 * r + 1) as f32;
            }
        }
        out
    };
    pass(&pass(a, true), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dark disc (a "head") and shoulders on a wall that darkens to the right, with noise.
    fn scene(wall: [u8; 3]) -> (RgbImage, Keep) {
        let (w, h) = (300u32, 400u32);
        let mut seed = 7u32;
        let img = RgbImage::from_fn(w, h, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let n = (seed >> 28) as f32 - 8.0;
            let (dx, dy) = (x as f32 - 150.0, y as f32 - 170.0);
            let body = y > 300 && (x as f32 - 150.0).abs() < 40.0 + (y as f32 - 300.0) * 1.2;
            if dx * dx / 80.0f32.powi(2) + dy * dy / 110.0f32.powi(2) <= 1.0 || body {
                image::Rgb([60, 40, 35])
            } else {
                let fall = x as f32 / 300.0 * 20.0;
                image::Rgb(wall.map(|c| (c as f32 - fall + n).clamp(0.0, 255.0) as u8))
            }
        });
        (img, Keep { cx: 150.0, cy: 180.0, rx: 60.0, ry: 80.0, chin: 280.0 })
    }

    #[test]
    fn a_grey_wall_becomes_white_and_the_person_stays() {
        let (mut img, keep) = scene([190, 195, 200]);
        let before = img.clone();
        let r = whiten(&mut img, Some(keep), [255, 255, 255]).unwrap();
        assert!(r.found.iter().all(|&c| (170..=205).contains(&c)), "{:?}", r.found);
        for (x, y) in [(5, 5), (290, 10), (10, 330), (290, 330), (150, 30)] {
            assert_eq!(img.get_pixel(x, y).0, [255, 255, 255], "wall at {x},{y}");
        }
        for (x, y) in [(150, 170), (150, 390), (100, 170)] {
            assert_eq!(img.get_pixel(x, y), before.get_pixel(x, y), "person at {x},{y}");
        }
        assert!((0.4..0.8).contains(&r.replaced), "{}", r.replaced);
    }

    #[test]
    fn a_busy_background_is_refused() {
        let (mut img, keep) = scene([190, 195, 200]);
        for y in 0..400 {
            for x in 0..120 {
                if (x / 20 + y / 20) % 2 == 0 {
                    img.put_pixel(x, y, image::Rgb([200, 30, 30]));
                }
            }
        }
        let before = img.clone();
        let e = whiten(&mut img, Some(keep), [255, 255, 255]).unwrap_err();
        assert_eq!(e.code(), "background_uneven");
        assert!(e.msg().zh.contains("纯色墙"), "{}", e.msg().zh);
        assert_eq!(img, before, "a refusal leaves the picture alone");
    }
}
