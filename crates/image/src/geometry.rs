//! Stage 5 geometry: crop rectangles in upright, full-resolution source pixels.
use caiji_base::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    pub fn full(w: u32, h: u32) -> Rect {
        Rect { x: 0, y: 0, w, h }
    }

    /// "x,y,w,h" or ImageMagick's "WxH+X+Y".
    pub fn parse(s: &str) -> Result<Rect> {
        let bad = || Error::BadCrop { detail: format!("{s:?}: expected x,y,w,h or WxH+X+Y") };
        let s = s.trim();
        let nums: Vec<u32> = if s.contains('x') && s.contains('+') {
            let (wh, xy) = s.split_once('+').ok_or_else(bad)?;
            let (w, h) = wh.split_once('x').ok_or_else(bad)?;
            let (x, y) = xy.split_once('+').ok_or_else(bad)?;
            [x, y, w, h].iter().map(|v| v.trim().parse().map_err(|_| bad())).collect::<Result<_>>()?
        } else {
            s.split(',').map(|v| v.trim().parse().map_err(|_| bad())).collect::<Result<_>>()?
        };
        let [x, y, w, h] = nums[..] else {
            return Err(bad());
        };
        if w == 0 || h == 0 {
            return Err(Error::BadCrop { detail: "width and height must be > 0".into() });
        }
        Ok(Rect { x, y, w, h })
    }

    /// Checks the rectangle lies inside a `w`×`h` image.
    pub fn within(self, w: u32, h: u32) -> Result<Rect> {
        if self.w == 0 || self.h == 0 || self.x as u64 + self.w as u64 > w as u64 || self.y as u64 + self.h as u64 > h as u64 {
            return Err(Error::BadCrop { detail: format!("{}x{}+{}+{} is outside the {w}x{h} image", self.w, self.h, self.x, self.y) });
        }
        Ok(self)
    }

    /// The largest rectangle of aspect `aw:ah` inside `self`, centred on it (crop, never pad).
    pub fn fit_aspect(self, aw: u32, ah: u32) -> Rect {
        let (w, h) = (self.w as u64, self.h as u64);
        // Compare w/h with aw/ah without floats.
        if w * ah as u64 > h * aw as u64 {
            let nw = ((h * aw as u64 + ah as u64 / 2) / ah as u64).clamp(1, w) as u32;
            Rect { x: self.x + (self.w - nw) / 2, y: self.y, w: nw, h: self.h }
        } else {
            let nh = ((w * ah as u64 + aw as u64 / 2) / aw as u64).clamp(1, h) as u32;
            Rect { x: self.x, y: self.y + (self.h - nh) / 2, w: self.w, h: nh }
        }
    }
}

/// Where a photo is cropped when the caller gives no rectangle and no face framing is asked
/// for (face framing, which needs the pixels, is `pipeline::FrameMode::Face` and `framing`).
pub trait Framer: Send + Sync {
    fn frame(&self, image_w: u32, image_h: u32, aspect: (u32, u32)) -> Rect;
}

/// The centred crop of the largest region with the spec's aspect.
pub struct CentreFramer;

impl Framer for CentreFramer {
    fn frame(&self, w: u32, h: u32, (aw, ah): (u32, u32)) -> Rect {
        Rect::full(w, h).fit_aspect(aw, ah)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_both_forms() {
        assert_eq!(Rect::parse("10,20,300,400").unwrap(), Rect { x: 10, y: 20, w: 300, h: 400 });
        assert_eq!(Rect::parse("300x400+10+20").unwrap(), Rect { x: 10, y: 20, w: 300, h: 400 });
        assert!(Rect::parse("1,2,3").is_err());
        assert!(Rect::parse("0,0,0,5").is_err());
    }

    #[test]
    fn centred_aspect_crop() {
        // A 3000x4000 portrait to 295:413 keeps the full height.
        let r = CentreFramer.frame(3000, 4000, (295, 413));
        assert_eq!((r.h, r.y), (4000, 0));
        assert_eq!(r.w, 2857);
        assert_eq!(r.x, (3000 - 2857) / 2);
        // A landscape image keeps the full height too, narrower width.
        let r = CentreFramer.frame(4000, 3000, (295, 413));
        assert_eq!((r.w, r.h), (2143, 3000));
        assert!(Rect { x: 3000, y: 0, w: 10, h: 10 }.within(3000, 10).is_err());
    }
}
