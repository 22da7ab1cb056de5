//! Where the head is: the one face of a portrait found by [`crate::face`], and the crown, chin,
//! centre line, eye line and tilt measured from it.
//!
//! The crown and chin come from the landmarks (eye line, mouth line and their distance, by
//! average head proportions); on a plain background the crown is then found where the hair
//! meets the wall. The tilt and the centre line come from the face's mirror symmetry.
use crate::background::corner_colour_rgb;
use crate::face::{self, Face};
use crate::geometry::Rect;
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use image::RgbImage;
use serde::{Deserialize, Serialize};

/// Where the head is, in the coordinates of the image it was measured on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub face: Face,
    /// Faces found in all (the chosen one is the largest).
    pub faces: usize,
    /// Top of the hair and bottom of the chin.
    pub crown: f32,
    pub chin: f32,
    /// The face's vertical centre line.
    pub centre_x: f32,
    pub eye_y: f32,
    /// Tilt of the eye line in degrees (positive: the image-right eye is lower).
    pub roll: f32,
    /// Whether the crown was found at the background's edge (else estimated from the face).
    pub crown_from_background: bool,
    /// Whether the tilt was measured from the face's symmetry (to a few tenths of a degree;
    /// else from the eye landmarks, to a few degrees).
    #[serde(default)]
    pub roll_from_symmetry: bool,
}

impl Head {
    pub fn height(&self) -> f32 {
        self.chin - self.crown
    }

    /// The head in the pixels of an output made from `crop` at `w`×`h` (`levelled`: turned
    /// upright about the face, with the tilt it then measures).
    pub fn in_output(&self, crop: Rect, w: u32, h: u32, levelled: Option<f32>) -> Head {
        let head = self.mapped((crop.x as f32, crop.y as f32), (w as f32 / crop.w as f32, h as f32 / crop.h as f32));
        Head { roll: levelled.unwrap_or(self.roll), ..head }
    }

    /// The head in other pixels: a point p goes to (p − origin) · scale.
    pub(crate) fn mapped(&self, (ox, oy): (f32, f32), (sx, sy): (f32, f32)) -> Head {
        Head {
            face: self.face.mapped((ox, oy), (sx, sy)),
            crown: (self.crown - oy) * sy,
            chin: (self.chin - oy) * sy,
            centre_x: (self.centre_x - ox) * sx,
            eye_y: (self.eye_y - oy) * sy,
            ..*self
        }
    }
}

fn mid(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

pub(crate) fn face_error(code: &'static str, zh: String, en: String) -> Error {
    Error::Face { code, msg: Msg::new(zh, en) }
}

/// Finds the one face of a portrait and measures the head. Refuses (with what was found) when
/// there is no face, several, or one cut by the edge.
pub fn measure(img: &RgbImage) -> Result<Head> {
    let faces = face::detect(img)?;
    let Some(&f) = faces.iter().max_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h))) else {
        return Err(face_error(
            "no_face",
            "照片中没有检测到人脸：请用正面、光线充足的免冠照片".into(),
            "No face found in the photo: use a frontal, well-lit photo without a hat".into(),
        ));
    };
    // Other faces at least a third the size of the main one: a group photo, not an ID photo.
    let others = faces.iter().filter(|o| **o != f && o.w * o.h >= f.w * f.h / 9.0).count();
    if others > 0 {
        return Err(face_error(
            "many_faces",
            format!("照片中检测到 {} 张人脸：证件照只能有本人", others + 1),
            format!("{} faces found in the photo: an ID photo shows one person only", others + 1),
        ));
    }
    let (w, h) = (img.width() as f32, img.height() as f32);
    let margin = 1.0;
    if f.x <= margin || f.x + f.w >= w - margin || f.y <= margin || f.y + f.h >= h - margin {
        return Err(face_error(
            "face_cut",
            "脸部被照片边缘截断：请让整个头部和肩膀都在画面内".into(),
            "The face is cut by the edge of the photo: keep the whole head and the shoulders in the picture".into(),
        ));
    }
    let eyes = mid(f.eye_l, f.eye_r);
    let mouth = mid(f.mouth_l, f.mouth_r);
    let d = ((mouth[0] - eyes[0]).powi(2) + (mouth[1] - eyes[1]).powi(2)).sqrt().max(1.0);
    let eye_line = (f.eye_r[1] - f.eye_l[1]).atan2(f.eye_r[0] - f.eye_l[0]).to_degrees();
    let centre = mid(eyes, mouth);
    let sym = symmetry(img, centre, d, eye_line);
    let (roll, axis_x) = sym.unwrap_or((eye_line, centre[0]));
    // Average proportions: chin about 0.8 eye-mouth distances below the mouth, the top of the
    // hair about 1.9 above the eyes.
    let chin = (mouth[1] + 0.8 * d).min(h);
    let estimate = eyes[1] - 1.9 * d;
    let found = crown_at_background(img, &f, eyes[1], d);
    let crown = found.unwrap_or(estimate.max(0.0));
    Ok(Head {
        face: f,
        faces: faces.len(),
        crown,
        chin,
        centre_x: axis_x,
        eye_y: eyes[1],
        roll,
        crown_from_background: found.is_some(),
        roll_from_symmetry: sym.is_some(),
    })
}

/// The face's tilt and centre line from its mirror symmetry, `(degrees, x at the face's
/// centre)`. The detector's eye landmarks place the eyes only to a pixel or two of its small
/// input, i.e. a tilt to ±2–7° (measured on portraits turned by known angles); the axis about
/// which the middle of the face (brows, eyes, nostrils, mouth: horizontal edges) best mirrors
/// itself is found to a few tenths of a degree, so a levelled photo measures level when it is
/// checked again. Searched within 10° of `coarse` (the eye line) and a sixth of the eye–mouth
/// distance `d` either side of `centre`; `None` when the face is too small to tell or the face
/// does not mirror (then the eye line stands).
fn symmetry(img: &RgbImage, centre: [f32; 2], d: f32, coarse: f32) -> Option<(f32, f32)> {
    if d < 6.0 {
        return None;
    }
    // The grey pixels within reach of every sample (with a margin for bilinear reads).
    let reach = 2.3 * d + 2.0;
    let x0 = (centre[0] - reach).floor().max(0.0) as u32;
    let y0 = (centre[1] - reach).floor().max(0.0) as u32;
    let x1 = ((centre[0] + reach).ceil() as u32).min(img.width());
    let y1 = ((centre[1] + reach).ceil() as u32).min(img.height());
    if x1 <= x0 + 1 || y1 <= y0 + 1 {
        return None;
    }
    let (gw, gh) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let mut grey = vec![0f32; gw * gh];
    for y in 0..gh {
        for x in 0..gw {
            let p = img.get_pixel(x0 + x as u32, y0 + y as u32).0;
            grey[y * gw + x] = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
        }
    }
    // Bilinear, the edge repeated (a face near the picture's edge).
    let (xmax, ymax) = ((gw - 2) as f32 + 0.999, (gh - 2) as f32 + 0.999);
    let at = |x: f32, y: f32| {
        let (x, y) = ((x - x0 as f32).clamp(0.0, xmax), (y - y0 as f32).clamp(0.0, ymax));
        let (xi, yi) = (x as usize, y as usize);
        let (fx, fy) = (x - xi as f32, y - yi as f32);
        let i = yi * gw + xi;
        let (top, bottom) = (&grey[i..i + 2], &grey[i + gw..i + gw + 2]);
        (top[0] + (top[1] - top[0]) * fx) * (1.0 - fy) + (bottom[0] + (bottom[1] - bottom[0]) * fx) * fy
    };
    // Samples across half the face (1.2 eye–mouth distances) and rows 1.5 of them above and
    // below its centre (from the forehead to below the chin); a patch `extra` samples wider on
    // each side serves every shift of the axis by whole samples.
    const HALF: i32 = 32;
    const ROWS: i32 = 40;
    let step = 1.2 * d / HALF as f32;
    let mut patch = Vec::new();
    let sample = |patch: &mut Vec<f32>, th: f32, s: f32, extra: i32| -> usize {
        let cols = (2 * (HALF + extra) - 1) as usize;
        patch.resize(cols * (2 * ROWS as usize + 2), 0.0);
        let (sn, cs) = th.to_radians().sin_cos();
        for (j, row) in patch.chunks_mut(cols).enumerate() {
            let v = (j as i32 - ROWS - 1) as f32 * step;
            for (i, p) in row.iter_mut().enumerate() {
                let u = s + (i as i32 - HALF - extra + 1) as f32 * step;
                *p = at(centre[0] + cs * u - sn * v, centre[1] + sn * u + cs * v);
            }
        }
        cols
    };
    // How well the face's horizontal edges mirror about the patch's column `mid`: the
    // correlation of each half's vertical differences with the other's mirror.
    let mirror = |patch: &[f32], cols: usize, mid: usize| {
        let (mut n, mut sa, mut sb, mut sab, mut saa, mut sbb) = (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for j in 1..=2 * ROWS as usize {
            let (up, down) = (&patch[(j - 1) * cols..j * cols], &patch[(j + 1) * cols..(j + 2) * cols]);
            for i in 1..HALF as usize {
                let (l, r) = (mid - i, mid + i);
                let (a, b) = (down[l] - up[l], down[r] - up[r]);
                n += 1.0;
                sa += a;
                sb += b;
                sab += a * b;
                saa += a * a;
                sbb += b * b;
            }
        }
        let (va, vb) = (saa - sa * sa / n, sbb - sb * sb / n);
        (sab - sa * sb / n) / (va * vb).sqrt().max(1e-3)
    };
    // Every degree within 10 of the eye line, the axis shifted by whole samples up to 4 either
    // way (one patch per turn); then every tenth of a degree and a third of a sample around it.
    let mut best = (f32::MIN, coarse, 0.0);
    for k in -10..=10 {
        let th = coarse + k as f32;
        let cols = sample(&mut patch, th, 0.0, 4);
        for m in -4..=4i32 {
            let v = mirror(&patch, cols, (HALF + 4 - 1 + m) as usize);
            if v > best.0 {
                best = (v, th, m as f32 * step);
            }
        }
    }
    let (_, t0, s0) = best;
    for k in -6..=6 {
        for m in -1..=1 {
            let (th, s) = (t0 + k as f32 * 0.1, s0 + m as f32 * step / 3.0);
            let cols = sample(&mut patch, th, s, 0);
            let v = mirror(&patch, cols, (HALF - 1) as usize);
            if v > best.0 {
                best = (v, th, s);
            }
        }
    }
    // A best turn at the edge of the search is no peak.
    let (v, th, s) = best;
    // The axis at the centre's row: from its point (s along the turned eye line), back along
    // its own direction to that row.
    (v >= SYMMETRY_MIN && (t0 - coarse).abs() < 9.5).then(|| (th, centre[0] + s / th.to_radians().cos()))
}

/// The correlation below which a face is not taken to mirror itself (a profile, a face mostly
/// hidden: the eye line is as good a guess). Frontal portraits score 0.6; a man whose camera
/// covers half his face 0.22, and his tilt still comes out within half a degree.
const SYMMETRY_MIN: f32 = 0.15;

/// On a plain background, the row where the hair starts above the face: scanning up from the
/// forehead, the first row across the head's width that is (nearly) all background. `None`
/// when the background is not plain or the edge is not where a head could end.
fn crown_at_background(img: &RgbImage, f: &Face, eye_y: f32, d: f32) -> Option<f32> {
    let (bg, sd) = corner_colour_rgb(img);
    if sd > 12.0 {
        return None;
    }
    let x0 = (f.x + 0.15 * f.w).max(0.0) as u32;
    let x1 = ((f.x + 0.85 * f.w) as u32).min(img.width());
    let far = (eye_y - 3.0 * d).max(0.0) as u32;
    let start = (eye_y - 1.2 * d).max(0.0) as u32;
    let differs = |y: u32| {
        let n = (x0..x1).filter(|&x| {
            let p = img.get_pixel(x, y);
            (0..3).map(|c| (p[c] as f32 - bg[c] as f32).abs()).fold(0.0, f32::max) > 40.0
        });
        n.count() as f32 / (x1 - x0).max(1) as f32
    };
    let mut y = start;
    while y > far {
        if differs(y) < 0.03 {
            let crown = y as f32 + 1.0;
            // Plausible only between 1.3 and 2.8 eye-mouth distances above the eyes.
            return (crown <= eye_y - 1.3 * d && crown >= eye_y - 2.8 * d).then_some(crown);
        }
        y -= 1;
    }
    None
}
