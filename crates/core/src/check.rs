//! Stage 8 and `caiji check`: measure any file and judge it against a spec like the official
//! checkers do, rule by rule, with the measured value and a message in zh and en.
use crate::decode::{self, Limits, SourceFormat};
use crate::i18n::{human_bytes, Msg};
use crate::jpeg_markers;
use crate::spec::{Background, Colour, Format, Kind, PageOrientation, PixelRuleKind, Spec};
use image::DynamicImage;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The portal rejects the file.
    Error,
    /// Worth fixing; the portal may accept it.
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub id: &'static str,
    pub level: Level,
    pub passed: bool,
    pub measured: String,
    pub expected: String,
    pub message: Msg,
}

/// What a file is, measured from its bytes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub format: Option<SourceFormat>,
    pub bytes: u64,
    /// Stored pixel size (what a portal's validator sees).
    pub width: u32,
    pub height: u32,
    pub grey: bool,
    pub progressive: bool,
    pub dpi: Option<u16>,
    pub exif: bool,
    pub gps: bool,
    pub xmp: bool,
    pub icc: bool,
    pub orientation: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub spec_id: String,
    pub spec_version: u32,
    pub passed: bool,
    pub facts: Facts,
    pub rules: Vec<RuleResult>,
}

impl Report {
    /// Adds rules; one with the id of a rule already there replaces it (the background judged
    /// around the head replaces the corners' verdict).
    pub(crate) fn add(&mut self, rules: Vec<RuleResult>) {
        for r in rules {
            match self.rules.iter_mut().find(|x| x.id == r.id) {
                Some(old) => *old = r,
                None => self.rules.push(r),
            }
        }
        self.passed = self.rules.iter().all(|r| r.passed || r.level == Level::Warning);
    }

    pub fn failures(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| !r.passed && r.level == Level::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| !r.passed && r.level == Level::Warning)
    }
}

pub(crate) fn rule(id: &'static str, level: Level, passed: bool, measured: String, expected: String, message: Msg) -> RuleResult {
    RuleResult { id, level, passed, measured, expected, message }
}

fn has_gps(exif_tiff: &[u8]) -> bool {
    exif::Reader::new().read_raw(exif_tiff.to_vec()).map(|e| e.fields().any(|f| f.tag.context() == exif::Context::Gps)).unwrap_or(false)
}

/// Measures a file's bytes. `Err` when it is not a readable image at all.
pub fn facts(data: &[u8]) -> crate::Result<(Facts, DynamicImage)> {
    let format = decode::sniff(data)?;
    let mut f = Facts { format: Some(format), bytes: data.len() as u64, orientation: 1, ..Default::default() };
    // Decode small: enough for the colour and background checks, and proves the data decodes.
    let d = decode::decode(data, 0.0, Limits::default())?;
    f.width = d.full_width;
    f.height = d.full_height;
    f.orientation = d.orientation;
    f.grey = matches!(d.image, DynamicImage::ImageLuma8(_));
    if format == SourceFormat::Jpeg {
        if let Some(st) = jpeg_markers::parse(data) {
            f.progressive = st.progressive;
            f.grey = st.components == 1;
            f.dpi = st.jfif_density.and_then(|(u, x, _)| match u {
                1 => Some(x),
                2 => Some((x as f64 * 2.54).round() as u16),
                _ => None,
            });
            f.exif = st.has_exif;
            f.gps = st.exif.as_deref().is_some_and(has_gps);
            f.xmp = st.has_xmp;
            f.icc = st.has_icc;
        }
    } else {
        f.icc = d.icc.is_some();
    }
    // Judge the picture the way a viewer shows it.
    Ok((f, crate::orient::Transform::from_exif(d.orientation).apply(&d.image)))
}

/// Judges `data` against `spec`. Never fails: an unreadable file is a failed rule.
pub fn check(data: &[u8], spec: &Spec) -> Report {
    check_inner(data, spec, false)
}

/// The report for a prepared output: when its head is known (framed from the face), the face
/// checks use it instead of finding the face again (fast enough for live previews; a saved
/// file is checked from scratch by [`check_photo`]).
pub fn check_prepared(p: &crate::pipeline::Prepared, spec: &Spec) -> Report {
    match (&p.head_out, p.face_checks) {
        (Some(head), true) if spec.head.is_some() => {
            let mut report = check(&p.jpeg, spec);
            if let Ok(img) = image::load_from_memory(&p.jpeg) {
                report.add(crate::framing::head_rules(&img.to_rgb8(), spec, head));
            }
            report
        }
        (_, true) => check_photo(&p.jpeg, spec),
        _ => check(&p.jpeg, spec),
    }
}

/// As [`check`], plus the face checks of a photo spec with head rules (one face, head size and
/// place, upright, sharp, exposed, the background around the head): what the official photo
/// checkers look at.
pub fn check_photo(data: &[u8], spec: &Spec) -> Report {
    check_inner(data, spec, spec.head.is_some())
}

fn check_inner(data: &[u8], spec: &Spec, face: bool) -> Report {
    let mut rules = Vec::new();
    let (facts, img) = match facts(data) {
        Ok(v) => v,
        Err(e) => {
            rules.push(rule("readable", Level::Error, false, e.code().into(), "image".into(), e.msg()));
            return Report {
                spec_id: spec.id.clone(),
                spec_version: spec.version,
                passed: false,
                facts: Facts { bytes: data.len() as u64, ..Default::default() },
                rules,
            };
        }
    };
    let f = &facts;
    // Format
    let fmt_ok = match f.format {
        Some(SourceFormat::Jpeg) => spec.formats.contains(&Format::Jpeg),
        Some(SourceFormat::Png) => spec.formats.contains(&Format::Png),
        _ => false,
    };
    let want_fmt = spec.formats.iter().map(|x| if *x == Format::Jpeg { "JPEG" } else { "PNG" }).collect::<Vec<_>>().join("/");
    let got_fmt = f.format.map(|x| x.name()).unwrap_or("?");
    rules.push(rule(
        "format",
        Level::Error,
        fmt_ok,
        got_fmt.into(),
        want_fmt.clone(),
        if fmt_ok {
            Msg::new(format!("格式 {got_fmt} 符合要求"), format!("Format {got_fmt} is accepted"))
        } else {
            Msg::new(
                format!("文件实际是 {got_fmt} 格式（与扩展名无关），要求 {want_fmt}：请用本工具转换"),
                format!("The file really is {got_fmt} (whatever its name says); {want_fmt} is required: convert it with this tool"),
            )
        },
    ));
    // Pixels
    let p = &spec.pixels;
    let measured = format!("{}×{}", f.width, f.height);
    match (p.rule, p.width, p.height) {
        (PixelRuleKind::Exact, Some(w), Some(h)) => {
            let ok = f.width == w && f.height == h;
            rules.push(rule(
                "pixels",
                Level::Error,
                ok,
                measured.clone(),
                format!("= {w}×{h}"),
                if ok {
                    Msg::new(format!("像素 {measured} 正确"), format!("Pixels {measured} are right"))
                } else {
                    Msg::new(
                        format!("像素为 {measured}，必须恰好是 {w}×{h}（宽×高）"),
                        format!("Pixels are {measured}; must be exactly {w}×{h} (width×height)"),
                    )
                },
            ));
        }
        (PixelRuleKind::Min, Some(w), Some(h)) => {
            let ok = f.width >= w && f.height >= h;
            rules.push(rule(
                "pixels",
                Level::Error,
                ok,
                measured.clone(),
                format!("≥ {w}×{h}"),
                if ok {
                    Msg::new(format!("像素 {measured} 不小于 {w}×{h}"), format!("Pixels {measured} are at least {w}×{h}"))
                } else {
                    Msg::new(format!("像素为 {measured}，至少需要 {w}×{h}（宽×高）"), format!("Pixels are {measured}; at least {w}×{h} (width×height) needed"))
                },
            ));
        }
        _ => {}
    }
    // Bytes
    if spec.bytes.min.is_some() || spec.bytes.max.is_some() {
        let b = f.bytes;
        let lo_ok = spec.bytes.min.is_none_or(|m| b >= m);
        let hi_ok = spec.bytes.max.is_none_or(|m| b <= m);
        let expected = match (spec.bytes.min, spec.bytes.max) {
            (Some(a), Some(z)) => format!("{}–{}", human_bytes(a), human_bytes(z)),
            (Some(a), None) => format!("≥ {}", human_bytes(a)),
            (None, Some(z)) => format!("≤ {}", human_bytes(z)),
            _ => unreachable!(),
        };
        let msg = if !lo_ok {
            Msg::new(
                format!("文件只有 {}，低于下限（要求 {}）：门户会判为不清晰", human_bytes(b), expected),
                format!("The file is only {}, under the minimum (required {}): the portal treats it as unclear", human_bytes(b), expected),
            )
        } else if !hi_ok {
            Msg::new(
                format!("文件有 {}，超过上限（要求 {}）：请用本工具压缩", human_bytes(b), expected),
                format!("The file is {}, over the limit ({}): compress it with this tool", human_bytes(b), expected),
            )
        } else {
            Msg::new(format!("大小 {} 符合要求（{}）", human_bytes(b), expected), format!("Size {} meets {}", human_bytes(b), expected))
        };
        rules.push(rule("bytes", Level::Error, lo_ok && hi_ok, format!("{b} B"), expected, msg));
    }
    // Colour
    match spec.colour {
        Colour::Colour => rules.push(rule(
            "colour",
            Level::Error,
            !f.grey,
            if f.grey { "grey" } else { "colour" }.into(),
            "colour".into(),
            if f.grey {
                Msg::new("要求彩色图片，此文件是灰度（黑白）", "A colour image is required; this file is greyscale")
            } else {
                Msg::new("彩色图片", "Colour image")
            },
        )),
        Colour::Grey => rules.push(rule(
            "colour",
            Level::Error,
            f.grey,
            if f.grey { "grey" } else { "colour" }.into(),
            "grey".into(),
            if f.grey { Msg::new("灰度图片", "Greyscale image") } else { Msg::new("要求灰度图片", "A greyscale image is required") },
        )),
        Colour::Either => {}
    }
    // Landscape pages (ID cards)
    if spec.pages.as_ref().is_some_and(|pg| pg.page_orientation == PageOrientation::Landscape) {
        let (uw, uh) = (img.width(), img.height());
        let ok = uw >= uh;
        rules.push(rule(
            "landscape",
            Level::Error,
            ok,
            if ok { "landscape" } else { "portrait" }.into(),
            "landscape".into(),
            if ok {
                Msg::new("横向图片", "Landscape image")
            } else {
                Msg::new("图片是竖向的，身份证须横向放置：请旋转 90°", "The image is portrait; the ID card must be landscape: rotate it 90°")
            },
        ));
    }
    // DPI
    if let Some(want) = spec.dpi {
        let ok = f.dpi == Some(want);
        let got = f.dpi.map(|d| format!("{d} dpi")).unwrap_or_else(|| "—".into());
        rules.push(rule(
            "dpi",
            Level::Warning,
            ok,
            got.clone(),
            format!("{want} dpi"),
            if ok {
                Msg::new(format!("分辨率 {want} dpi"), format!("Resolution {want} dpi"))
            } else {
                Msg::new(
                    format!("分辨率为 {got}，规格建议 {want} dpi（多数门户不检查此项）"),
                    format!("Resolution is {got}; the spec suggests {want} dpi (most portals do not check it)"),
                )
            },
        ));
    }
    // Orientation tag
    let upright = f.orientation == 1;
    rules.push(rule(
        "orientation",
        Level::Warning,
        upright,
        f.orientation.to_string(),
        "1".into(),
        if upright {
            Msg::new("像素方向正确，无旋转标记", "Pixels are upright; no rotation tag")
        } else {
            Msg::new(
                "照片靠 EXIF 旋转标记显示为正，门户上可能是横躺的：请用本工具转正",
                "The photo relies on an EXIF rotation tag; portals may show it sideways: straighten it with this tool",
            )
        },
    ));
    // Privacy
    let meta: Vec<&str> = [(f.gps, "GPS"), (f.exif, "EXIF"), (f.xmp, "XMP")].into_iter().filter(|x| x.0).map(|x| x.1).collect();
    rules.push(rule(
        "metadata",
        Level::Warning,
        meta.is_empty(),
        if meta.is_empty() { "none".into() } else { meta.join(",") },
        "none".into(),
        if meta.is_empty() {
            Msg::new("不含位置、相机等隐私信息", "No location, camera or other private metadata")
        } else if f.gps {
            Msg::new(
                "文件含 GPS 位置等隐私信息：上传前请用本工具清除",
                "The file carries GPS location and other private data: strip it with this tool before uploading",
            )
        } else {
            Msg::new(
                format!("文件含 {} 元数据（相机信息等）", meta.join("、")),
                format!("The file carries {} metadata (camera details and so on)", meta.join(", ")),
            )
        },
    ));
    if f.format == Some(SourceFormat::Jpeg) {
        rules.push(rule(
            "baseline",
            Level::Warning,
            !f.progressive,
            if f.progressive { "progressive" } else { "baseline" }.into(),
            "baseline".into(),
            if f.progressive {
                Msg::new("渐进式 JPEG：部分旧门户无法识别", "Progressive JPEG: some old portals cannot read it")
            } else {
                Msg::new("标准（基线）JPEG", "Baseline JPEG")
            },
        ));
    }
    if spec.kind == Kind::Photo && !spec.background.is_empty() {
        rules.push(background_rule(&img, &spec.background));
    }
    if face {
        // Faces need more pixels than the colour checks: decode again, the long side near 800.
        let k = (800.0 / f.width.max(f.height).max(1) as f64).min(1.0);
        if let Ok(d) = decode::decode(data, k, Limits::default()) {
            let upright = crate::orient::Transform::from_exif(d.orientation).apply(&d.image);
            let passed = rules.iter().all(|r| r.passed || r.level == Level::Warning);
            let mut report = Report { spec_id: spec.id.clone(), spec_version: spec.version, passed, facts, rules };
            report.add(crate::framing::face_rules(&upright, spec));
            return report;
        }
    }
    let passed = rules.iter().all(|r| r.passed || r.level == Level::Warning);
    Report { spec_id: spec.id.clone(), spec_version: spec.version, passed, facts, rules }
}

/// Mean colour of the two top corners, where an ID photo shows only background.
pub fn corner_colour(img: &DynamicImage) -> ([f64; 3], f64) {
    match img {
        DynamicImage::ImageRgb8(rgb) => corner_colour_rgb(rgb),
        other => corner_colour_rgb(&other.to_rgb8()),
    }
}

pub fn corner_colour_rgb(rgb: &image::RgbImage) -> ([f64; 3], f64) {
    let (w, h) = rgb.dimensions();
    let (pw, ph) = ((w / 8).max(1), (h / 10).max(1));
    let corners = [(0, 0), (w - pw, 0)].into_iter().flat_map(|(x0, y0)| (y0..y0 + ph).flat_map(move |y| (x0..x0 + pw).map(move |x| (x, y))));
    let (mean, sd, _) = colour_stats(rgb, corners);
    (mean, sd)
}

/// Mean colour, spread of the luma and count of some pixels of `rgb`.
fn colour_stats(rgb: &image::RgbImage, pixels: impl Iterator<Item = (u32, u32)>) -> ([f64; 3], f64, usize) {
    let (mut sum, mut sq, mut n) = ([0f64; 3], 0f64, 0usize);
    for (x, y) in pixels {
        let p = rgb.get_pixel(x, y);
        let l = 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
        for c in 0..3 {
            sum[c] += p[c] as f64;
        }
        sq += l * l;
        n += 1;
    }
    let k = n.max(1) as f64;
    let mean = [sum[0] / k, sum[1] / k, sum[2] / k];
    let ml = 0.299 * mean[0] + 0.587 * mean[1] + 0.114 * mean[2];
    (mean, (sq / k - ml * ml).max(0.0).sqrt(), n)
}

fn background_rule(img: &DynamicImage, allowed: &[Background]) -> RuleResult {
    let (m, sd) = corner_colour(img);
    background_verdict(m, sd, allowed, ("照片上角", "at the top corners"))
}

/// The background in a band around the head: above the crown across the photo, and beside the
/// head (clear of the hair) down to the eyes. `None` when the band is too thin to judge.
pub(crate) fn background_around(rgb: &image::RgbImage, head: &crate::framing::Head, allowed: &[Background]) -> Option<RuleResult> {
    let (w, h) = rgb.dimensions();
    let above = (head.crown - 2.0).clamp(0.0, h as f32) as u32;
    let clear = 0.75 * head.face.w; // from the face's centre line: past the ears and most hair
    let (left, right) = ((head.centre_x - clear).max(0.0) as u32, (head.centre_x + clear).clamp(0.0, w as f32) as u32);
    let side_rows = above..(head.eye_y.clamp(0.0, h as f32) as u32);
    let pixels = (0..above).flat_map(|y| (0..w).map(move |x| (x, y))).chain(side_rows.flat_map(|y| (0..left).chain(right..w).map(move |x| (x, y))));
    let (m, sd, n) = colour_stats(rgb, pixels);
    if (n as f64) < (w as f64 * 2.0).max(100.0) {
        return None;
    }
    Some(background_verdict(m, sd, allowed, ("头部周围", "around the head")))
}

fn background_verdict(m: [f64; 3], sd: f64, allowed: &[Background], (where_zh, where_en): (&str, &str)) -> RuleResult {
    let close = |b: Background| {
        let t = b.rgb();
        let d = ((m[0] - t[0] as f64).powi(2) + (m[1] - t[1] as f64).powi(2) + (m[2] - t[2] as f64).powi(2)).sqrt();
        match b {
            Background::White => m.iter().all(|&c| c >= 200.0) && d < 60.0,
            _ => d < 90.0,
        }
    };
    let hit = allowed.iter().copied().find(|&b| close(b));
    let ok = hit.is_some() && sd < 28.0;
    let names_zh = allowed.iter().map(|b| b.name().zh).collect::<Vec<_>>().join("/");
    let names_en = allowed.iter().map(|b| b.name().en).collect::<Vec<_>>().join("/");
    let measured = format!("RGB({:.0},{:.0},{:.0}) σ{:.0}", m[0], m[1], m[2], sd);
    rule(
        "background",
        Level::Warning,
        ok,
        measured.clone(),
        names_en.clone(),
        if ok {
            Msg::new(format!("{where_zh}的背景接近{names_zh}且均匀"), format!("The background {where_en} is even and close to {names_en}"))
        } else {
            Msg::new(
                format!("{where_zh}的背景为 {measured}，不像均匀的{names_zh}背景：官方审核可能不通过，请在{names_zh}墙前重拍"),
                format!(
                    "The background {where_en} is {measured}, not an even {names_en}: official checks may reject it; retake it in front of a {names_en} wall"
                ),
            )
        },
    )
}
