//! Where the head is: the one face of a portrait found by [`crate::face`], and the crown, chin,
//! centre line, eye line and tilt measured from it.
//!
//! The crown and chin come from the landmarks (eye line, mouth line and their distance, by
//! average head proportions); on a plain background the crown is then found where the hair
//! meets the wall.
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
}

impl Head {
    pub fn height(&self) -> f32 {
        self.chin - self.crown
    }

    /// The head in the pixels of an output made from `crop` at `w`×`h` (`levelled`: turned
    /// upright about the face).
    pub fn in_output(&self, crop: Rect, w: u32, h: u32, levelled: bool) -> Head {
        let head = self.mapped((crop.x as f32, crop.y as f32), (w as f32 / crop.w as f32, h as f32 / crop.h as f32));
        Head { roll: if levelled { 0.0 } else { self.roll }, ..head }
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
    let roll = (f.eye_r[1] - f.eye_l[1]).atan2(f.eye_r[0] - f.eye_l[0]).to_degrees();
    // Average proportions: chin about 0.8 eye-mouth distances below the mouth, the top of the
    // hair about 1.9 above the eyes.
    let chin = (mouth[1] + 0.8 * d).min(h);
    let estimate = eyes[1] - 1.9 * d;
    let found = crown_at_background(img, &f, eyes[1], d);
    let crown = found.unwrap_or(estimate.max(0.0));
    Ok(Head { face: f, faces: faces.len(), crown, chin, centre_x: (eyes[0] + mouth[0]) / 2.0, eye_y: eyes[1], roll, crown_from_background: found.is_some() })
}

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
