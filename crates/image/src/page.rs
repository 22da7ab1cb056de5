//! A phone photo of a paper made a scan: the page found on the desk (its four corners), its
//! perspective undone to a flat rectangle of the page's own shape, the light evened out so that
//! the paper is white and the ink dark — each colour channel divided by the paper's own colour
//! around it, so a red seal stays red — and grey only when nothing on the page has colour.
//!
//! Detection works on a small copy: the page is the largest bright, neutral region that stands
//! out from what is around it and is shaped like a quadrilateral; its sides are fitted to its
//! edge and met at the corners. A picture that is the page already (a flatbed scan, a PDF page,
//! a screenshot) is left as it is, only turned straight when its lines of text run askew (up to
//! ±15°, measured by projection profiles); a page that cannot be found is said, and the photo
//! used as it is.
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use image::{DynamicImage, GrayImage, Rgb, RgbImage};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A point in the picture's upright full-resolution pixels.
pub type Point = [f32; 2];

/// How a document page is taken.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageMode {
    /// Find the page; flatten it when found on something else; else use the picture as it is.
    #[default]
    Auto,
    /// The picture as it is.
    Off,
    /// These corners (top-left, top-right, bottom-right, bottom-left).
    Corners([Point; 4]),
}

impl PageMode {
    /// `auto`, `off`, or eight numbers `x1,y1,…,x4,y4` (the corners clockwise from top-left).
    pub fn parse(s: &str) -> Result<PageMode> {
        match s.trim() {
            "auto" => return Ok(PageMode::Auto),
            "off" => return Ok(PageMode::Off),
            _ => {}
        }
        let v: Vec<f32> = s.split(',').map(|x| x.trim().parse::<f32>()).collect::<std::result::Result<_, _>>().map_err(|_| bad_corners(s))?;
        if v.len() != 8 || v.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(bad_corners(s));
        }
        Ok(PageMode::Corners([[v[0], v[1]], [v[2], v[3]], [v[4], v[5]], [v[6], v[7]]]))
    }
}

impl PageMode {
    /// The same mode for the picture at `k` times its size (corners scaled).
    pub fn scaled(self, k: f32) -> PageMode {
        match self {
            PageMode::Corners(c) => PageMode::Corners(c.map(|[x, y]| [x * k, y * k])),
            other => other,
        }
    }
}

fn bad_corners(s: &str) -> Error {
    Error::invalid(
        format!("纸张四角应为 auto、off 或 8 个数 x1,y1,…,x4,y4（左上、右上、右下、左下）：{s}"),
        format!("Page corners are auto, off, or 8 numbers x1,y1,…,x4,y4 (top-left, top-right, bottom-right, bottom-left): {s}"),
    )
}

/// A page found in a picture.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Found {
    /// Top-left, top-right, bottom-right, bottom-left, in the picture's pixels.
    pub corners: [Point; 4],
    /// Whether the page is the whole picture already (a scan): nothing to flatten.
    pub whole: bool,
}

/// What was done to a page.
pub struct Outcome {
    /// The flat, cleaned page; `None`: the picture as it is.
    pub image: Option<DynamicImage>,
    /// Said to the person (found and flattened, or not found).
    pub note: Option<Msg>,
    pub found: Option<Found>,
}

/// Paper sizes a flattened page snaps to when its measured shape is within 3 % (long/short).
const PAPER_RATIOS: [f32; 3] = [std::f32::consts::SQRT_2, 279.4 / 215.9, 85.6 / 53.98];
/// The small copy the page is looked for in: its long side.
const FIND_SIDE: u32 = 512;
/// A flattened page has at most this many pixels (A4 at 300 dpi is 8.7 MP).
const MAX_FLAT_PIXELS: f32 = 12e6;

/// Takes a page as `mode` says.
pub fn process(img: &DynamicImage, mode: PageMode) -> Result<Outcome> {
    process_cached(img, mode, &std::sync::OnceLock::new())
}

/// [`process`], the scan's skew measured once per picture (`skew` kept with it: a merge runs
/// again after every change on the scans screen).
pub fn process_cached(img: &DynamicImage, mode: PageMode, skew: &std::sync::OnceLock<Option<Skew>>) -> Result<Outcome> {
    let rgb = || match img {
        DynamicImage::ImageRgb8(i) => std::borrow::Cow::Borrowed(i),
        other => std::borrow::Cow::Owned(other.to_rgb8()),
    };
    let (w, h) = (img.width() as f32, img.height() as f32);
    let corners = match mode {
        PageMode::Off => return Ok(Outcome { image: None, note: None, found: None }),
        PageMode::Corners(c) => corners_within(c, w, h, (w, h))?,
        PageMode::Auto => match find(img) {
            // A scan: straightened when its lines of text run askew.
            Some(f) if f.whole => {
                let Some(sk) = (*skew.get_or_init(|| measure_skew(img))).filter(|s| s.deg.abs() >= MIN_SKEW) else {
                    return Ok(Outcome { image: None, note: None, found: Some(f) });
                };
                let deg = sk.deg;
                let note = Msg::new(format!("扫描件歪斜 {:.1}°，已摆正", deg.abs()), format!("The scan was askew by {:.1}°: straightened", deg.abs()));
                return Ok(Outcome { image: Some(deskewed(img, &sk)), note: Some(note), found: Some(f) });
            }
            Some(f) => f.corners,
            None => {
                return Ok(Outcome {
                    image: None,
                    note: Some(Msg::new(
                        "未能在照片中找到纸张的四条边，已按原照片使用：请把纸放在深色桌面上、四角都拍进画面后重拍，或手动给出四角",
                        "The page's four edges were not found in the photo, so it is used as it is: photograph the paper on a darker surface with all four corners in the frame, or give the corners by hand",
                    )),
                    found: None,
                })
            }
        },
    };
    let ratio = page_ratio(&corners, w, h);
    let flat = warp(&rgb(), &corners, ratio);
    let image = even_light(flat);
    let note = Msg::new(
        format!("已找到纸张并拉平：透视已校正，光照已均匀（{}×{}）", image.width(), image.height()),
        format!("The page was found and flattened: perspective corrected, light evened ({}×{})", image.width(), image.height()),
    );
    let found = Found { corners, whole: false };
    Ok(Outcome { image: Some(image), note: Some(note), found: Some(found) })
}

/// Corners given for a `w`×`h` picture, checked and kept inside it: finite, each within a
/// pixel (or 0.5 % of the side, for rounding between scales) of the picture, enclosing a
/// convex quadrilateral of some size. `shown` is the picture's size as the person knows it
/// (its full pixels), for the message.
pub fn corners_within(c: [Point; 4], w: f32, h: f32, shown: (f32, f32)) -> Result<[Point; 4]> {
    let (tx, ty) = ((0.005 * w).max(1.0), (0.005 * h).max(1.0));
    let inside = c.iter().all(|p| p[0].is_finite() && p[1].is_finite() && p[0] >= -tx && p[0] <= w + tx && p[1] >= -ty && p[1] <= h + ty);
    let c = c.map(|[x, y]| [x.clamp(0.0, w), y.clamp(0.0, h)]);
    if !inside || quad_area(&c) < 256.0 || !convex(&c) {
        return Err(Error::invalid(
            format!("纸张四角不在图片内或不成四边形（图片 {}×{}）", shown.0 as u32, shown.1 as u32),
            format!("The page corners are outside the picture or not a quadrilateral (picture {}×{})", shown.0 as u32, shown.1 as u32),
        ));
    }
    Ok(c)
}

/// Skews smaller than this are left alone: hardly seen (9 pixels across a 300-dpi letter
/// page at 0.2°), while a resampled page is a little softer.
const MIN_SKEW: f32 = 0.5;
/// The largest skew looked for, either way (a flatbed scan's page placed by hand).
pub const MAX_SKEW: f32 = 15.0;
/// The small copy the skew is measured on: its long side (a letter page's text lines then
/// stand ~12 pixels apart).
const SKEW_SIDE: u32 = 1000;

/// A scan's skew: how far its lines of text are turned, and where its ink lies once turned
/// straight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skew {
    /// Degrees, positive clockwise (lines across the page falling to the right).
    pub deg: f32,
    /// The ink's extent once turned back about the picture's centre: left, top, right, bottom
    /// as shares of the picture's width and height (below 0 or above 1: the ink would leave
    /// the frame).
    pub ink: [f32; 4],
}

/// How far a page's lines of text are turned from straight, in degrees (positive: clockwise,
/// lines across the page falling to the right), within ±[`MAX_SKEW`]; lines running down a
/// page scanned sideways count too (it stays sideways: turning it is the person's). `None`
/// when the picture shows no lines of text to tell by (a photo, an empty page).
pub fn skew(img: &DynamicImage) -> Option<f32> {
    measure_skew(img).map(|s| s.deg)
}

/// [`skew`] with the ink's extent. Measured by projection profiles: the ink's rows are
/// sharpest (largest sum of squared row counts) when projected along the lines' own angle,
/// searched every quarter degree, then every fortieth around the best.
pub fn measure_skew(img: &DynamicImage) -> Option<Skew> {
    let (w, h) = (img.width(), img.height());
    let k = (SKEW_SIDE as f32 / w.max(h) as f32).min(1.0);
    let (sw, sh) = (((w as f32 * k).round() as u32).max(8), ((h as f32 * k).round() as u32).max(8));
    let small = crate::resize::resize_region(img, (0.0, 0.0, w as f64, h as f64), sw, sh).ok()?.to_luma8();
    let v: Vec<f32> = small.as_raw().iter().map(|&p| p as f32).collect();
    let t = otsu(&v);
    // Ink: darker than the threshold, and clearly darker than the paper (the median).
    let mut hist = [0usize; 256];
    small.as_raw().iter().for_each(|&p| hist[p as usize] += 1);
    let half = small.as_raw().len() / 2;
    let mut below = 0usize;
    let paper = hist.iter().position(|&c| {
        below += c;
        below > half
    });
    let paper = paper.unwrap_or(255) as f32;
    let t = t.min(paper - 40.0);
    let ink: Vec<(f32, f32)> = small.enumerate_pixels().filter(|(_, _, p)| (p[0] as f32) < t).map(|(x, y, _)| (x as f32, y as f32)).collect();
    let n = (sw * sh) as usize;
    // Text covers a few per cent of a page; a photo or a dark picture is no page of text.
    if ink.len() < n / 500 || ink.len() > n / 4 {
        return None;
    }
    let diag = ((sw * sw + sh * sh) as f32).sqrt();
    let bins = (2.0 * diag) as usize + 2;
    let mut rows = vec![0u32; bins];
    // Rows of ink across (`sideways`: down) the page turned `deg` clockwise: the sum of their
    // squared counts.
    // (The coarse search reads every fourth ink pixel: the same profile's shape, a quarter
    // of the work.)
    let sparse: Vec<(f32, f32)> = ink.iter().step_by(4).copied().collect();
    let mut sharpness = |deg: f32, sideways: bool, ink: &[(f32, f32)]| {
        let (sn, cs) = deg.to_radians().sin_cos();
        rows.iter_mut().for_each(|r| *r = 0);
        for &(x, y) in ink {
            let r = if sideways { x * cs + y * sn } else { y * cs - x * sn };
            rows[(r + diag) as usize] += 1;
        }
        rows.iter().map(|&r| (r as f64) * (r as f64)).sum::<f64>()
    };
    // Lines of text across the page, or down it (a page scanned sideways): the family whose
    // best angle stands out most from its median. A photo's profile hardly changes with the
    // angle.
    let mut best: Option<(f32, bool, f64)> = None;
    for sideways in [false, true] {
        let coarse: Vec<(f32, f64)> = (-60..=60).map(|i| i as f32 * MAX_SKEW / 60.0).map(|d| (d, sharpness(d, sideways, &sparse))).collect();
        let &(d0, top) = coarse.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let mut all: Vec<f64> = coarse.iter().map(|c| c.1).collect();
        all.sort_by(f64::total_cmp);
        let contrast = top / all[all.len() / 2].max(1.0);
        if contrast >= SKEW_CONTRAST && d0.abs() < MAX_SKEW && best.is_none_or(|b| contrast > b.2) {
            best = Some((d0, sideways, contrast));
        }
    }
    let (d0, sideways, _) = best?;
    let fine = (-10..=10).map(|i| d0 + i as f32 * 0.025).map(|d| (d, sharpness(d, sideways, &ink))).max_by(|a, b| a.1.total_cmp(&b.1))?;
    // Where the ink goes when turned back by `fine` about the centre.
    let (sn, cs) = fine.0.to_radians().sin_cos();
    let (cx, cy) = (sw as f32 / 2.0, sh as f32 / 2.0);
    let mut ink_box = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for &(x, y) in &ink {
        let (dx, dy) = (x + 0.5 - cx, y + 0.5 - cy);
        let (qx, qy) = (cx + cs * dx + sn * dy, cy - sn * dx + cs * dy);
        ink_box = [ink_box[0].min(qx), ink_box[1].min(qy), ink_box[2].max(qx), ink_box[3].max(qy)];
    }
    let ink = [ink_box[0] / sw as f32, ink_box[1] / sh as f32, ink_box[2] / sw as f32, ink_box[3] / sh as f32];
    Some(Skew { deg: fine.0, ink })
}

/// How much sharper a page's rows must be at their best angle than at the median angle.
const SKEW_CONTRAST: f64 = 1.5;

/// `img` turned back by its skew about its centre, at its own size, grown where its ink would
/// otherwise leave the frame (a seal in a corner is never cut); what the turn uncovers is
/// filled with the paper's colour (the brightest tenth of the border).
fn deskewed(img: &DynamicImage, skew: &Skew) -> DynamicImage {
    let deg = skew.deg;
    let grey = matches!(img, DynamicImage::ImageLuma8(_));
    let src = match img {
        DynamicImage::ImageLuma8(g) => std::borrow::Cow::Owned(DynamicImage::ImageLuma8(g.clone()).to_rgb8()),
        DynamicImage::ImageRgb8(i) => std::borrow::Cow::Borrowed(i),
        other => std::borrow::Cow::Owned(other.to_rgb8()),
    };
    let (w, h) = src.dimensions();
    let mut border: Vec<[u8; 3]> = (0..w).flat_map(|x| [src.get_pixel(x, 0).0, src.get_pixel(x, h - 1).0]).collect();
    border.extend((0..h).flat_map(|y| [src.get_pixel(0, y).0, src.get_pixel(w - 1, y).0]));
    border.sort_by_key(|p| p.iter().map(|&c| c as u32).sum::<u32>());
    let top = &border[border.len() * 9 / 10..];
    let paper: [f32; 3] = std::array::from_fn(|c| top.iter().map(|p| p[c] as f32).sum::<f32>() / top.len().max(1) as f32);
    let (sn, cs) = deg.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    // The canvas: the frame, grown to the ink's extent plus a margin (never more than the
    // whole picture turned needs).
    let m = 0.01 * w.max(h) as f32;
    let left = (skew.ink[0] * w as f32 - m).clamp(-(w as f32) * 0.3, 0.0).floor();
    let top = (skew.ink[1] * h as f32 - m).clamp(-(h as f32) * 0.3, 0.0).floor();
    let right = (skew.ink[2] * w as f32 + m).clamp(w as f32, w as f32 * 1.3).ceil();
    let bottom = (skew.ink[3] * h as f32 + m).clamp(h as f32, h as f32 * 1.3).ceil();
    let (ow, oh) = ((right - left) as u32, (bottom - top) as u32);
    let mut out = RgbImage::new(ow, oh);
    out.par_chunks_mut(ow as usize * 3).enumerate().for_each(|(v, row)| {
        let dv = v as f32 + top + 0.5 - cy;
        for u in 0..ow as usize {
            let du = u as f32 + left + 0.5 - cx;
            let (x, y) = (cx + cs * du - sn * dv - 0.5, cy + sn * du + cs * dv - 0.5);
            let (x0, y0) = (x.floor(), y.floor());
            let (fx, fy) = (x - x0, y - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let at = |xx: i64, yy: i64| -> [f32; 3] {
                if xx < 0 || yy < 0 || xx >= w as i64 || yy >= h as i64 {
                    paper
                } else {
                    src.get_pixel(xx as u32, yy as u32).0.map(|c| c as f32)
                }
            };
            let (a, b, c, d) = (at(x0, y0), at(x0 + 1, y0), at(x0, y0 + 1), at(x0 + 1, y0 + 1));
            for i in 0..3 {
                let top = a[i] * (1.0 - fx) + b[i] * fx;
                let bottom = c[i] * (1.0 - fx) + d[i] * fx;
                row[u * 3 + i] = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
            }
        }
    });
    if grey {
        DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(out).to_luma8())
    } else {
        DynamicImage::ImageRgb8(out)
    }
}

fn luma(p: &Rgb<u8>) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

/// Finds the page in a picture (corners in its pixels), or `None`.
pub fn find(img: &DynamicImage) -> Option<Found> {
    let (w, h) = (img.width(), img.height());
    let k = (FIND_SIDE as f32 / w.max(h) as f32).min(1.0);
    let (sw, sh) = (((w as f32 * k).round() as u32).max(8), ((h as f32 * k).round() as u32).max(8));
    let small = crate::resize::resize_region(img, (0.0, 0.0, w as f64, h as f64), sw, sh).ok()?.to_rgb8();
    // Paper: bright and neutral. Score each pixel, split by Otsu's threshold.
    let score: Vec<f32> =
        small.pixels().map(|p| luma(p) - 1.5 * (p.0.iter().max().copied().unwrap_or(0) - p.0.iter().min().copied().unwrap_or(0)) as f32).collect();
    let t = otsu(&score);
    let n = (sw * sh) as usize;
    let mut paper: Vec<bool> = score.iter().map(|&s| s > t).collect();
    // Holes (the ink) filled: what the outside cannot reach is paper.
    fill_holes(&mut paper, sw as usize, sh as usize);
    let comp = largest_component(&paper, sw as usize, sh as usize)?;
    let area = comp.iter().filter(|&&c| c).count();
    if area < n / 5 {
        return None;
    }
    // It must stand out from what is around it.
    let (mut inside, mut outside, mut n_out) = (0f64, 0f64, 0usize);
    for (i, p) in small.pixels().enumerate() {
        if comp[i] {
            inside += luma(p) as f64;
        } else {
            outside += luma(p) as f64;
            n_out += 1;
        }
    }
    let touches = |x: usize, y: usize| comp[y * sw as usize + x];
    let border_share = (0..sw as usize).filter(|&x| touches(x, 0) || touches(x, sh as usize - 1)).count() as f32 / (2 * sw) as f32
        + (0..sh as usize).filter(|&y| touches(0, y) || touches(sw as usize - 1, y)).count() as f32 / (2 * sh) as f32;
    // The page fills the picture: a scan already.
    if n_out < n / 50 || border_share > 0.9 {
        return Some(Found { corners: [[0.0, 0.0], [w as f32, 0.0], [w as f32, h as f32], [0.0, h as f32]], whole: true });
    }
    if inside / area as f64 - outside / n_out as f64 <= 25.0 {
        return None;
    }
    let edge = edge_points(&comp, sw as usize, sh as usize);
    let coarse = extreme_corners(&comp, sw as usize, sh as usize);
    let corners = refine(&edge, sw.max(sh) as f32, coarse).unwrap_or(coarse);
    let qa = quad_area(&corners);
    if !convex(&corners) || qa < 0.2 * n as f32 || (area as f32) < 0.85 * qa || (area as f32) > 1.08 * qa || !angles_ok(&corners) {
        return None;
    }
    // A page's edges are straight: most of the region's edge lies on the quadrilateral's sides
    // (a white shirt, a cloud or a wall is no page).
    let near = edge.iter().filter(|p| (0..4).map(|i| side_distance(**p, corners[i], corners[(i + 1) % 4])).fold(f32::MAX, f32::min) <= 2.5).count();
    if edge.is_empty() || (near as f32) < 0.8 * edge.len() as f32 {
        return None;
    }
    let s = 1.0 / k;
    let corners = corners.map(|[x, y]| [(x * s).clamp(0.0, w as f32), (y * s).clamp(0.0, h as f32)]);
    Some(Found { corners, whole: false })
}

fn otsu(v: &[f32]) -> f32 {
    let (lo, hi) = v.iter().fold((f32::MAX, f32::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    if hi - lo < 1.0 {
        return hi;
    }
    let bins = 256usize;
    let mut hist = vec![0f64; bins];
    for &x in v {
        hist[(((x - lo) / (hi - lo)) * (bins - 1) as f32) as usize] += 1.0;
    }
    let total = v.len() as f64;
    let sum: f64 = hist.iter().enumerate().map(|(i, c)| i as f64 * c).sum();
    let (mut wb, mut sb, mut best, mut at) = (0f64, 0f64, 0f64, 0usize);
    for (i, c) in hist.iter().enumerate() {
        wb += c;
        if wb == 0.0 || wb == total {
            continue;
        }
        sb += i as f64 * c;
        let (mb, mf) = (sb / wb, (sum - sb) / (total - wb));
        let between = wb * (total - wb) * (mb - mf) * (mb - mf);
        if between > best {
            best = between;
            at = i;
        }
    }
    lo + (at as f32 + 0.5) / (bins - 1) as f32 * (hi - lo)
}

/// Pushes the 4-neighbours of pixel `i` of a `w`×`h` grid.
fn push_neighbours(stack: &mut Vec<usize>, i: usize, w: usize, h: usize) {
    let (x, y) = (i % w, i / w);
    if x > 0 {
        stack.push(i - 1);
    }
    if x + 1 < w {
        stack.push(i + 1);
    }
    if y > 0 {
        stack.push(i - w);
    }
    if y + 1 < h {
        stack.push(i + w);
    }
}

fn fill_holes(mask: &mut [bool], w: usize, h: usize) {
    let mut outside = vec![false; w * h];
    let mut stack: Vec<usize> = Vec::new();
    for x in 0..w {
        stack.extend([x, (h - 1) * w + x]);
    }
    for y in 0..h {
        stack.extend([y * w, y * w + w - 1]);
    }
    while let Some(i) = stack.pop() {
        if outside[i] || mask[i] {
            continue;
        }
        outside[i] = true;
        push_neighbours(&mut stack, i, w, h);
    }
    for (m, o) in mask.iter_mut().zip(outside) {
        *m = !o;
    }
}

fn largest_component(mask: &[bool], w: usize, h: usize) -> Option<Vec<bool>> {
    let mut label = vec![0u32; w * h];
    let (mut best, mut best_n, mut next) = (0u32, 0usize, 0u32);
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] || label[start] != 0 {
            continue;
        }
        next += 1;
        let mut n = 0;
        stack.push(start);
        while let Some(i) = stack.pop() {
            if !mask[i] || label[i] != 0 {
                continue;
            }
            label[i] = next;
            n += 1;
            push_neighbours(&mut stack, i, w, h);
        }
        if n > best_n {
            (best, best_n) = (next, n);
        }
    }
    (best_n > 0).then(|| label.iter().map(|&l| l == best).collect())
}

/// The region's extreme points: smallest and largest x+y and x−y.
fn extreme_corners(comp: &[bool], w: usize, h: usize) -> [Point; 4] {
    let mut best = [(f32::MAX, [0.0f32; 2]), (f32::MIN, [0.0; 2]), (f32::MIN, [0.0; 2]), (f32::MAX, [0.0; 2])];
    for y in 0..h {
        for x in 0..w {
            if !comp[y * w + x] {
                continue;
            }
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let p = [fx, fy];
            if fx + fy < best[0].0 {
                best[0] = (fx + fy, p);
            }
            if fx - fy > best[1].0 {
                best[1] = (fx - fy, p);
            }
            if fx + fy > best[2].0 {
                best[2] = (fx + fy, p);
            }
            if fx - fy < best[3].0 {
                best[3] = (fx - fy, p);
            }
        }
    }
    best.map(|b| b.1)
}

/// The region's edge pixels (the picture's own border is no edge of a page).
fn edge_points(comp: &[bool], w: usize, h: usize) -> Vec<Point> {
    let inside = |x: isize, y: isize| x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h && comp[y as usize * w + x as usize];
    let mut edge: Vec<Point> = Vec::new();
    for y in 1..h as isize - 1 {
        for x in 1..w as isize - 1 {
            if inside(x, y) && (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1)) {
                edge.push([x as f32 + 0.5, y as f32 + 0.5]);
            }
        }
    }
    edge
}

/// Distance from `p` to the segment `a`–`b`.
fn side_distance(p: Point, a: Point, b: Point) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = (dx * dx + dy * dy).max(1e-6);
    let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
    ((p[0] - a[0] - t * dx).powi(2) + (p[1] - a[1] - t * dy).powi(2)).sqrt()
}

/// The sides fitted to the region's edge pixels near each coarse side (total least squares), met
/// at the corners: a rounded or dog-eared corner does not pull them.
fn refine(edge: &[Point], long: f32, c: [Point; 4]) -> Option<[Point; 4]> {
    let mut lines = Vec::with_capacity(4);
    for s in 0..4 {
        let (a, b) = (c[s], c[(s + 1) % 4]);
        let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt().max(1.0);
        let (dx, dy) = ((b[0] - a[0]) / len, (b[1] - a[1]) / len);
        // Points near the side, away from its ends (the middle 80 %).
        let pts: Vec<Point> = edge
            .iter()
            .copied()
            .filter(|p| {
                let (px, py) = (p[0] - a[0], p[1] - a[1]);
                let along = px * dx + py * dy;
                let across = (px * dy - py * dx).abs();
                across < 0.04 * len + 2.0 && along > 0.1 * len && along < 0.9 * len
            })
            .collect();
        if pts.len() < 8 {
            return None;
        }
        lines.push(fit_line(&pts));
    }
    let mut out = [[0.0f32; 2]; 4];
    for (i, o) in out.iter_mut().enumerate() {
        // Corner i is where side i-1 (ending at it) meets side i (starting at it).
        *o = intersect(lines[(i + 3) % 4], lines[i])?;
        let d = ((o[0] - c[i][0]).powi(2) + (o[1] - c[i][1]).powi(2)).sqrt();
        if d > 0.1 * long {
            return None;
        }
    }
    Some(out)
}

/// A line as (point, unit direction), fitted by total least squares.
fn fit_line(p: &[Point]) -> (Point, Point) {
    let n = p.len() as f32;
    let (mx, my) = (p.iter().map(|q| q[0]).sum::<f32>() / n, p.iter().map(|q| q[1]).sum::<f32>() / n);
    let (mut sxx, mut sxy, mut syy) = (0f32, 0f32, 0f32);
    for q in p {
        let (x, y) = (q[0] - mx, q[1] - my);
        sxx += x * x;
        sxy += x * y;
        syy += y * y;
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    ([mx, my], [angle.cos(), angle.sin()])
}

fn intersect(a: (Point, Point), b: (Point, Point)) -> Option<Point> {
    let ((p, d), (q, e)) = (a, b);
    let den = d[0] * e[1] - d[1] * e[0];
    if den.abs() < 1e-4 {
        return None;
    }
    let t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / den;
    Some([p[0] + t * d[0], p[1] + t * d[1]])
}

fn quad_area(c: &[Point; 4]) -> f32 {
    let mut a = 0.0;
    for i in 0..4 {
        let (p, q) = (c[i], c[(i + 1) % 4]);
        a += p[0] * q[1] - q[0] * p[1];
    }
    (a / 2.0).abs()
}

fn convex(c: &[Point; 4]) -> bool {
    let cross = |i: usize| {
        let (a, b, d) = (c[i], c[(i + 1) % 4], c[(i + 2) % 4]);
        (b[0] - a[0]) * (d[1] - b[1]) - (b[1] - a[1]) * (d[0] - b[0])
    };
    let s: Vec<f32> = (0..4).map(cross).collect();
    s.iter().all(|&x| x > 0.0) || s.iter().all(|&x| x < 0.0)
}

fn angles_ok(c: &[Point; 4]) -> bool {
    (0..4).all(|i| {
        let (a, b, d) = (c[(i + 3) % 4], c[i], c[(i + 1) % 4]);
        let (u, v) = ([a[0] - b[0], a[1] - b[1]], [d[0] - b[0], d[1] - b[1]]);
        let cos = (u[0] * v[0] + u[1] * v[1]) / ((u[0].hypot(u[1]) * v[0].hypot(v[1])).max(1e-6));
        let deg = cos.clamp(-1.0, 1.0).acos().to_degrees();
        (40.0..=140.0).contains(&deg)
    })
}

/// The page's width / height, from its corners seen in perspective (Zhang and He's rectangle
/// from a photo: the focal length from the two vanishing points, the principal point at the
/// centre), snapped to a paper size within 3 %; the mean sides' ratio when the view is too
/// frontal to tell.
pub fn page_ratio(c: &[Point; 4], w: f32, h: f32) -> f32 {
    let (u0, v0) = (w / 2.0, h / 2.0);
    // Zhang's numbering: m1 top-left, m2 top-right, m3 bottom-left, m4 bottom-right.
    let m = |p: Point| [(p[0] - u0) as f64, (p[1] - v0) as f64, 1.0f64];
    let (m1, m2, m3, m4) = (m(c[0]), m(c[1]), m(c[3]), m(c[2]));
    let cross = |a: [f64; 3], b: [f64; 3]| [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let k2 = dot(cross(m1, m4), m3) / dot(cross(m2, m4), m3);
    let k3 = dot(cross(m1, m4), m2) / dot(cross(m3, m4), m2);
    let n2 = [k2 * m2[0] - m1[0], k2 * m2[1] - m1[1], k2 * m2[2] - m1[2]];
    let n3 = [k3 * m3[0] - m1[0], k3 * m3[1] - m1[1], k3 * m3[2] - m1[2]];
    let side = |a: Point, b: Point| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let frontal = (side(c[0], c[1]) + side(c[3], c[2])) / (side(c[0], c[3]) + side(c[1], c[2])).max(1.0);
    let long = w.max(h) as f64;
    // The focal length from the two vanishing points; when a pair of sides is parallel in the
    // picture it cannot be told, nor when it is far from a phone's (0.6–2 times the long side):
    // then a phone's main camera is assumed (26 mm equivalent, ~0.85 times the long side).
    let f2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2]);
    let f2 = if f2.is_finite() && f2 > (0.6 * long).powi(2) && f2 < (2.0 * long).powi(2) { f2 } else { (0.85 * long).powi(2) };
    let r2 = ((n2[0] * n2[0] + n2[1] * n2[1]) / f2 + n2[2] * n2[2]) / ((n3[0] * n3[0] + n3[1] * n3[1]) / f2 + n3[2] * n3[2]);
    let ratio = r2.sqrt() as f32;
    let ratio = if ratio.is_finite() && ratio > 0.2 && ratio < 5.0 { ratio } else { frontal };
    // Snapped to a paper size, portrait or landscape.
    for r in PAPER_RATIOS {
        for target in [r, 1.0 / r] {
            if (ratio / target - 1.0).abs() <= 0.03 {
                return target;
            }
        }
    }
    ratio
}

/// The quadrilateral `c` mapped onto a rectangle of `ratio` (width / height): as many pixels as
/// the page had in the photo (its longer sides), at most [`MAX_FLAT_PIXELS`].
pub fn warp(img: &RgbImage, c: &[Point; 4], ratio: f32) -> RgbImage {
    let side = |a: Point, b: Point| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let hgt = side(c[0], c[3]).max(side(c[1], c[2]));
    let wid = side(c[0], c[1]).max(side(c[3], c[2]));
    let ratio = ratio.clamp(0.1, 10.0);
    let (mut ow, mut oh) = if wid / ratio > hgt { (wid, wid / ratio) } else { (hgt * ratio, hgt) };
    let k = (MAX_FLAT_PIXELS / (ow * oh).max(1.0)).sqrt().min(1.0);
    // Each side also within twice the photo's long side (the product alone would let one side
    // grow without bound as the other rounds to a pixel).
    let (iw, ih) = img.dimensions();
    let most = 2.0 * iw.max(ih) as f32;
    ow = (ow * k).round().clamp(1.0, most);
    oh = (oh * k).round().clamp(1.0, most);
    let hm = square_to_quad(c);
    let (ow, oh) = (ow as u32, oh as u32);
    let src = img.as_raw();
    let mut out = vec![255u8; ow as usize * oh as usize * 3];
    out.par_chunks_mut(ow as usize * 3).enumerate().for_each(|(y, row)| {
        let v = (y as f64 + 0.5) / oh as f64;
        for x in 0..ow as usize {
            let u = (x as f64 + 0.5) / ow as f64;
            let d = hm[6] * u + hm[7] * v + 1.0;
            let sx = (hm[0] * u + hm[1] * v + hm[2]) / d - 0.5;
            let sy = (hm[3] * u + hm[4] * v + hm[5]) / d - 0.5;
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = ((sx - x0) as f32, (sy - y0) as f32);
            let at = |xx: f64, yy: f64, ch: usize| {
                let (xx, yy) = (xx.clamp(0.0, iw as f64 - 1.0) as usize, yy.clamp(0.0, ih as f64 - 1.0) as usize);
                src[(yy * iw as usize + xx) * 3 + ch] as f32
            };
            for ch in 0..3 {
                let top = at(x0, y0, ch) * (1.0 - fx) + at(x0 + 1.0, y0, ch) * fx;
                let bottom = at(x0, y0 + 1.0, ch) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0, ch) * fx;
                row[x * 3 + ch] = (top * (1.0 - fy) + bottom * fy).round() as u8;
            }
        }
    });
    RgbImage::from_raw(ow, oh, out).unwrap_or_else(|| RgbImage::new(1, 1))
}

/// The projective map of the unit square (u, v) onto the quadrilateral (Heckbert): x = (a u +
/// b v + c) / (g u + h v + 1), y = (d u + e v + f) / (g u + h v + 1).
pub fn square_to_quad(q: &[Point; 4]) -> [f64; 8] {
    let p = |i: usize| (q[i][0] as f64, q[i][1] as f64);
    let ((x0, y0), (x1, y1), (x2, y2), (x3, y3)) = (p(0), p(1), p(2), p(3));
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    if sx.abs() < 1e-9 && sy.abs() < 1e-9 {
        return [x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0.0, 0.0];
    }
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (sx * dy2 - dx2 * sy) / den;
    let h = (dx1 * sy - sx * dy1) / den;
    [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h]
}

/// Evens out the light: each channel divided by the paper's own colour around each place (the
/// ink removed from the estimate by taking the brightest of each neighbourhood), then levels so
/// that paper is white and ink dark. Grey when no more than a trace of the page has colour.
pub fn even_light(img: RgbImage) -> DynamicImage {
    let (w, h) = img.dimensions();
    // The paper's colour on a coarse grid: cells of ~1/48 of the short side, brightest-ish
    // (the 90th percentile of luma, its colour), then the brightest of the neighbours twice
    // (strokes wider than a cell vanish) and smoothed.
    let cell = (w.min(h) / 48).max(4);
    let (gw, gh) = (w.div_ceil(cell), h.div_ceil(cell));
    let mut grid = vec![[0f32; 3]; (gw * gh) as usize];
    grid.par_iter_mut().enumerate().for_each(|(i, g)| {
        let (cx, cy) = (i as u32 % gw, i as u32 / gw);
        let mut px: Vec<(f32, [u8; 3])> = Vec::with_capacity((cell * cell) as usize);
        for y in cy * cell..((cy + 1) * cell).min(h) {
            for x in cx * cell..((cx + 1) * cell).min(w) {
                let p = img.get_pixel(x, y);
                px.push((luma(p), p.0));
            }
        }
        px.sort_by(|a, b| a.0.total_cmp(&b.0));
        let top = &px[(px.len() * 9 / 10).min(px.len() - 1)..];
        for (c, v) in g.iter_mut().enumerate() {
            *v = top.iter().map(|p| p.1[c] as f32).sum::<f32>() / top.len() as f32;
        }
    });
    let pass = |grid: &Vec<[f32; 3]>, max: bool| -> Vec<[f32; 3]> {
        (0..grid.len())
            .map(|i| {
                let (x, y) = ((i as u32 % gw) as i64, (i as u32 / gw) as i64);
                let mut acc = [0.0f32; 3];
                let mut n = 0.0;
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        let (nx, ny) = (x + dx, y + dy);
                        if nx < 0 || ny < 0 || nx >= gw as i64 || ny >= gh as i64 {
                            continue;
                        }
                        let q = grid[(ny * gw as i64 + nx) as usize];
                        for c in 0..3 {
                            acc[c] = if max { acc[c].max(q[c]) } else { acc[c] + q[c] };
                        }
                        n += 1.0;
                    }
                }
                if max {
                    acc
                } else {
                    acc.map(|a| a / n)
                }
            })
            .collect()
    };
    let mut bg = pass(&pass(&grid, true), true);
    for _ in 0..3 {
        bg = pass(&bg, false);
    }
    // Divide, then levels: paper (≥ 92 % of its colour) white, ink (≤ 30 %) black.
    let (lo, hi) = (0.30f32, 0.92f32);
    let mut out = RgbImage::new(w, h);
    out.par_chunks_mut(w as usize * 3).enumerate().for_each(|(y, row)| {
        let gy = ((y as f32 + 0.5) / cell as f32 - 0.5).clamp(0.0, gh as f32 - 1.0);
        let (y0, fy) = (gy.floor() as u32, gy.fract());
        let y1 = (y0 + 1).min(gh - 1);
        for x in 0..w {
            let gx = ((x as f32 + 0.5) / cell as f32 - 0.5).clamp(0.0, gw as f32 - 1.0);
            let (x0, fx) = (gx.floor() as u32, gx.fract());
            let x1 = (x0 + 1).min(gw - 1);
            let p = img.get_pixel(x, y as u32);
            for c in 0..3 {
                let b = |xx: u32, yy: u32| bg[(yy * gw + xx) as usize][c];
                let paper = (b(x0, y0) * (1.0 - fx) + b(x1, y0) * fx) * (1.0 - fy) + (b(x0, y1) * (1.0 - fx) + b(x1, y1) * fx) * fy;
                let v = p[c] as f32 / paper.max(8.0);
                row[x as usize * 3 + c] = (((v - lo) / (hi - lo)).clamp(0.0, 1.0) * 255.0).round() as u8;
            }
        }
    });
    // Colour that matters: a share of clearly coloured pixels (a seal, a stamp, a signature).
    let coloured = out.pixels().filter(|p| (*p.0.iter().max().unwrap_or(&0) as i32 - *p.0.iter().min().unwrap_or(&0) as i32) > 80).count();
    if coloured * 2000 < (w * h) as usize {
        let grey: GrayImage = DynamicImage::ImageRgb8(out).to_luma8();
        DynamicImage::ImageLuma8(grey)
    } else {
        DynamicImage::ImageRgb8(out)
    }
}
