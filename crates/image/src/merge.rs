//! Scans: several pages (rotated and cropped each) merged into one image per the spec's page
//! rule, then fitted into the size window, reducing pixels only as the rule allows and never
//! below legibility.
use crate::encode;
use crate::fit::{cannot_fit, colour_for, goal, low_quality_note, padded_note, Prepared, LAST_RESORT_FLOOR};
use crate::geometry::Rect;
use crate::page::PageMode;
use crate::resize::resize_region;
use crate::source::{Source, MAX_SHORT_SIDE};
use crate::spec::{Colour, Layout, PageOrientation, PixelRuleKind, Spec};
use caiji_base::error::{Error, Result};
use caiji_base::i18n::Msg;
use image::{DynamicImage, GenericImage, Rgb, RgbImage};
use std::borrow::Cow;

pub struct Page<'a> {
    pub source: &'a Source,
    /// Crop in the page's upright full-resolution coordinates.
    pub crop: Option<Rect>,
    /// How a page photographed on a desk is found and flattened (when no crop is given).
    pub page: PageMode,
}

impl<'a> Page<'a> {
    /// A page as the person gave it: cropped as they framed it, or found and flattened when
    /// it is a photo of a paper ([`PageMode::Auto`]).
    pub fn new(source: &'a Source, crop: Option<Rect>) -> Page<'a> {
        Page { source, crop, page: PageMode::Auto }
    }
}

/// Page `i` turned to landscape when the rule asks for it, said in the notes.
fn turned(img: DynamicImage, landscape: bool, i: usize, notes: &mut Vec<Msg>) -> DynamicImage {
    if !(landscape && img.height() > img.width()) {
        return img;
    }
    notes.push(Msg::new(
        format!("第 {} 页是竖向的，已转为横向（如方向不对，请旋转该页）", i + 1),
        format!("Page {} was portrait and has been turned to landscape (rotate it if it is upside down)", i + 1),
    ));
    img.rotate270()
}

/// Quality floor for documents: text stays readable well below photo qualities.
const DOC_FLOOR: u8 = 40;

pub fn merge(pages: &[Page], spec: &Spec) -> Result<Prepared> {
    let n = pages.len() as u32;
    let rule = spec.pages.clone();
    if let Some(pg) = &rule {
        if n < pg.min || n > pg.max {
            return Err(Error::invalid(
                format!("此规格需要 {}–{} 页，给了 {n} 页", pg.min, pg.max),
                format!("This spec takes {}–{} pages; {n} given", pg.min, pg.max),
            ));
        }
    } else if n != 1 {
        return Err(Error::invalid("此规格只接受一页", "This spec takes one page"));
    }
    if n == 0 {
        return Err(Error::invalid("没有页面", "No pages"));
    }
    let layout = rule.as_ref().map(|p| p.layout).unwrap_or(Layout::Stacked);
    let landscape = rule.as_ref().is_some_and(|p| p.page_orientation == PageOrientation::Landscape);
    let mut notes = Vec::new();

    // Each page: crop, turn to landscape if the rule asks, to sRGB.
    let mut imgs: Vec<Cow<DynamicImage>> = Vec::with_capacity(pages.len());
    for (i, p) in pages.iter().enumerate() {
        let (w, h) = p.source.size();
        let crop = match p.crop {
            Some(r) => r.within(w, h)?,
            None => Rect::full(w, h),
        };
        // No finer than the page (or its crop) can keep: a 200 MP photo is not decoded whole again.
        let src = p.source.at_scale(crate::source::document_scale(crop.w.min(crop.h)))?;
        let (x, y, cw, ch) = src.region(crop);
        // A photo of a paper: the page found, flattened and cleaned (a crop given by hand wins).
        let flat = match p.crop {
            // Corners given in full-resolution pixels (checked there), the page decoded maybe
            // smaller; the scan's skew measured once per picture.
            None => {
                let mode = match p.page {
                    PageMode::Corners(c) => PageMode::Corners(crate::page::corners_within(c, w as f32, h as f32, (w as f32, h as f32))?),
                    other => other,
                };
                crate::page::process_cached(src.image(), mode.scaled(src.image().width() as f32 / w.max(1) as f32), p.source.skew_cell())?
            }
            Some(_) => crate::page::Outcome { image: None, note: None, found: None },
        };
        if let Some(n) = flat.note {
            notes.push(if pages.len() > 1 { Msg::new(format!("第 {} 页：{}", i + 1, n.zh), format!("Page {}: {}", i + 1, n.en)) } else { n });
        }
        if let Some(img) = flat.image {
            imgs.push(Cow::Owned(colour_for(&Spec { colour: Colour::Colour, ..spec.clone() }, turned(img, landscape, i, &mut notes), src.icc())));
            continue;
        }
        // A whole page, upright as it should be, already sRGB colour: used where it is (no copy).
        if let Cow::Borrowed(whole) = &src {
            let img = whole.image();
            let as_is = (x as u32, y as u32, cw as u32, ch as u32) == (0, 0, img.width(), img.height())
                && !(landscape && img.height() > img.width())
                && whole.icc().is_none()
                && matches!(img, DynamicImage::ImageRgb8(_));
            if as_is {
                imgs.push(Cow::Borrowed(img));
                continue;
            }
        }
        let img = src.image().crop_imm(x as u32, y as u32, cw as u32, ch as u32);
        imgs.push(Cow::Owned(colour_for(&Spec { colour: Colour::Colour, ..spec.clone() }, turned(img, landscape, i, &mut notes), src.icc())));
    }

    // Each page keeps its own pixels (never upscaled; shrunk only past an A4-at-300-dpi width),
    // centred across the layout: a small page beside a big one does not shrink the big one.
    let legible = spec.pixels.legible_long_side.unwrap_or(0);
    // How far pixels may shrink: until the first page that is legible now reaches the floor
    // (pages already below it are left as they are, never blocking the others).
    let floor_factor = imgs
        .iter()
        .map(|i| {
            let (w, h) = page_size(i, layout);
            w.max(h)
        })
        .filter(|&long| legible > 0 && long >= legible)
        .map(|long| legible as f64 / long as f64)
        .fold(if legible > 0 { 0.0 } else { 0.25 }, f64::max);
    // The pages are given up to the canvas (a page scan is ~25 MB of pixels: no copy kept).
    let canvas = compose(imgs, layout)?;
    let mut factor = 1.0f64;
    let mut floor = DOC_FLOOR;
    loop {
        let img: Cow<DynamicImage> = match fit_pixels(&canvas, spec, factor)? {
            Some(resized) => Cow::Owned(colour_for(spec, resized, None)),
            // The canvas as it is, when the spec's colour asks nothing of it (no copy).
            None if !(spec.colour == Colour::Colour && matches!(*canvas, DynamicImage::ImageLuma8(_))) => Cow::Borrowed(canvas.as_ref()),
            None => Cow::Owned(colour_for(spec, canvas.clone().into_owned(), None)),
        };
        match encode::encode_to_window(&img, &goal(spec, floor))? {
            Ok(mut encoded) => {
                if factor < 1.0 {
                    notes.push(Msg::new(
                        format!("为满足大小上限，像素缩小到 {}×{}", img.width(), img.height()),
                        format!("Pixels reduced to {}×{} to meet the size limit", img.width(), img.height()),
                    ));
                }
                if encoded.quality < DOC_FLOOR {
                    notes.push(low_quality_note(encoded.quality));
                }
                if encoded.padded > 0 {
                    notes.push(padded_note(encoded.padded));
                }
                return Ok(Prepared {
                    width: img.width(),
                    height: img.height(),
                    bytes: encoded.bytes.len() as u64,
                    jpeg: std::mem::take(&mut encoded.bytes),
                    encoded,
                    crop: None,
                    head: None,
                    head_out: None,
                    background: None,
                    face_checks: false,
                    notes,
                });
            }
            Err(miss) => {
                let max = spec.bytes.max.unwrap_or(0);
                let can_shrink = spec.pixels.downscale && spec.pixels.rule == PixelRuleKind::Any && factor > floor_factor + 1e-6;
                if can_shrink {
                    // Bytes scale roughly with pixels: aim a little under.
                    let step = ((max as f64 / miss.smallest as f64).sqrt() * 0.95).clamp(0.5, 0.92);
                    factor = (factor * step).max(floor_factor);
                    continue;
                }
                if floor > LAST_RESORT_FLOOR {
                    floor = LAST_RESORT_FLOOR;
                    continue;
                }
                return Err(if legible > 0 && spec.pixels.downscale {
                    cannot_fit(
                        miss.smallest,
                        max,
                        &format!("每页保持可辨认（长边不少于 {legible} 像素）时，"),
                        &format!("keeping each page legible (long side ≥ {legible} px),"),
                    )
                } else {
                    cannot_fit(miss.smallest, max, "在最低质量下", "even at the lowest quality")
                });
            }
        }
    }
}

/// A page's size in the composite: its own, shrunk so that its cross-layout side (width when
/// stacked, height side by side) is at most `MAX_SHORT_SIDE`.
fn page_size(i: &DynamicImage, layout: Layout) -> (u32, u32) {
    let cross = match layout {
        Layout::Stacked => i.width(),
        Layout::SideBySide => i.height(),
    };
    let s = (MAX_SHORT_SIDE as f64 / cross as f64).min(1.0);
    (((i.width() as f64 * s).round() as u32).max(1), ((i.height() as f64 * s).round() as u32).max(1))
}

fn compose(imgs: Vec<Cow<DynamicImage>>, layout: Layout) -> Result<Cow<DynamicImage>> {
    let scaled: Vec<Cow<DynamicImage>> = imgs
        .into_iter()
        .map(|i| {
            let (w, h) = page_size(&i, layout);
            // A page already at its size is passed on, not copied.
            if (w, h) == (i.width(), i.height()) {
                return Ok(i);
            }
            resize_region(&i, (0.0, 0.0, i.width() as f64, i.height() as f64), w, h).map(Cow::Owned)
        })
        .collect::<Result<_>>()?;
    if scaled.len() == 1 {
        if let Some(only) = scaled.into_iter().next() {
            return Ok(only);
        }
        return Err(Error::invalid("没有页面", "No pages"));
    }
    let Some(cross) = scaled.iter().map(|i| if layout == Layout::Stacked { i.width() } else { i.height() }).max() else {
        return Err(Error::invalid("没有页面", "No pages"));
    };
    let gap = (cross / 40).max(8);
    let (cw, ch) = match layout {
        Layout::Stacked => (cross + 2 * gap, scaled.iter().map(|i| i.height() + gap).sum::<u32>() + gap),
        Layout::SideBySide => (scaled.iter().map(|i| i.width() + gap).sum::<u32>() + gap, cross + 2 * gap),
    };
    let mut canvas = RgbImage::from_pixel(cw, ch, Rgb([255, 255, 255]));
    let mut at = gap;
    for i in &scaled {
        let rgb = i.to_rgb8();
        let (x, y) = match layout {
            Layout::Stacked => (gap + (cross - i.width()) / 2, at),
            Layout::SideBySide => (at, gap + (cross - i.height()) / 2),
        };
        canvas.copy_from(&rgb, x, y).map_err(|e| Error::Codec { detail: e.to_string() })?;
        at += match layout {
            Layout::Stacked => i.height(),
            Layout::SideBySide => i.width(),
        } + gap;
    }
    Ok(Cow::Owned(DynamicImage::ImageRgb8(canvas)))
}

/// Applies the pixel rule: exact sizes are letterboxed on white (documents), others scaled
/// by `factor`.
/// The canvas fitted to the spec's pixel rule and shrunk by `factor`; `None` when it stays as it is.
fn fit_pixels(img: &DynamicImage, spec: &Spec, factor: f64) -> Result<Option<DynamicImage>> {
    let full = (0.0, 0.0, img.width() as f64, img.height() as f64);
    match (spec.pixels.rule, spec.pixels.width, spec.pixels.height) {
        (PixelRuleKind::Exact, Some(w), Some(h)) => {
            let s = (w as f64 / img.width() as f64).min(h as f64 / img.height() as f64).min(1.0);
            let (iw, ih) = (((img.width() as f64 * s).round() as u32).max(1), ((img.height() as f64 * s).round() as u32).max(1));
            let inner = resize_region(img, full, iw, ih)?.to_rgb8();
            let mut canvas = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
            canvas.copy_from(&inner, (w - iw) / 2, (h - ih) / 2).map_err(|e| Error::Codec { detail: e.to_string() })?;
            Ok(Some(DynamicImage::ImageRgb8(canvas)))
        }
        _ if factor < 1.0 => {
            let (w, h) = (((img.width() as f64 * factor) as u32).max(1), ((img.height() as f64 * factor) as u32).max(1));
            resize_region(img, full, w, h).map(Some)
        }
        _ => Ok(None),
    }
}
