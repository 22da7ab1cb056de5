//! Stage 8 and `caiji check`: measure any file and judge it against a spec like the official
//! checkers do, rule by rule, with the measured value and a message in zh and en.
use crate::background::background_rule;
use crate::decode::{self, Limits, SourceFormat};
use crate::face_check::face_rules;
use crate::jpeg_markers;
use crate::report::rule;
pub use crate::report::{Facts, Level, Report, RuleResult};
use crate::spec::{Colour, Format, Kind, PageOrientation, PixelRuleKind, Spec};
use caiji_base::i18n::{group_digits, size_against, size_limit, Msg};
use image::DynamicImage;

fn has_gps(exif_tiff: &[u8]) -> bool {
    exif::Reader::new().read_raw(exif_tiff.to_vec()).map(|e| e.fields().any(|f| f.tag.context() == exif::Context::Gps)).unwrap_or(false)
}

/// Measures a file's bytes. `Err` when it is not a readable image at all.
pub fn facts(data: &[u8]) -> caiji_base::Result<(Facts, DynamicImage)> {
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
        // A PNG's or WebP's own EXIF chunk: a phone's location travels there too.
        if let Some(exif) = decode::container_exif(format, data) {
            f.exif = true;
            f.gps = has_gps(&exif);
        }
    }
    // Judge the picture the way a viewer shows it.
    Ok((f, crate::orient::Transform::from_exif(d.orientation).apply(&d.image)))
}

/// Judges `data` against `spec`. Never fails: an unreadable file is a failed rule.
pub fn check(data: &[u8], spec: &Spec) -> Report {
    check_inner(data, spec, false)
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
    // Bytes: limits as the portal wrote them ("20 KB"), the file's size in the same unit.
    if spec.bytes.min.is_some() || spec.bytes.max.is_some() {
        let b = f.bytes;
        let (min, max) = (spec.bytes.min.map(size_limit), spec.bytes.max.map(size_limit));
        let lo_ok = spec.bytes.min.is_none_or(|m| b >= m);
        let hi_ok = spec.bytes.max.is_none_or(|m| b <= m);
        let expected = match (&min, &max) {
            (Some(a), Some(z)) => format!("{}–{}", a.text, z.text),
            (Some(a), None) => format!("≥ {}", a.text),
            (None, Some(z)) => format!("≤ {}", z.text),
            _ => unreachable!(),
        };
        let measured = size_against(b, spec.bytes.min, spec.bytes.max);
        let n = group_digits(b);
        // A limit as the portal wrote it; with its bytes when it is a byte off that round size
        // ("more than 10 KB" is 10241) or not round at all.
        let said = |bytes: u64| -> Msg {
            let l = size_limit(bytes);
            if l.exact {
                Msg::new(l.text.clone(), l.text)
            } else {
                Msg::new(format!("{}（{} 字节）", l.text, group_digits(bytes)), format!("{} ({} bytes)", l.text, group_digits(bytes)))
            }
        };
        let msg = match (spec.bytes.min, spec.bytes.max) {
            (Some(m), _) if !lo_ok => {
                let l = said(m);
                Msg::new(
                    format!("文件只有 {measured}（{n} 字节），低于下限 {}：门户会判为不清晰", l.zh),
                    format!("The file is only {measured} ({n} bytes), under the minimum of {}: the portal treats it as unclear", l.en),
                )
            }
            (_, Some(m)) if !hi_ok => {
                let l = said(m);
                Msg::new(
                    format!("文件有 {measured}（{n} 字节），超过上限 {}：请用本工具压缩", l.zh),
                    format!("The file is {measured} ({n} bytes), over the limit of {}: compress it with this tool", l.en),
                )
            }
            _ => Msg::new(format!("大小 {measured} 符合要求（{expected}）"), format!("Size {measured} meets {expected}")),
        };
        rules.push(rule("bytes", Level::Error, lo_ok && hi_ok, measured, expected, msg));
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
            } else if f.dpi.is_none() {
                Msg::new(
                    format!("文件里没有记录分辨率，规格建议 {want} dpi（多数门户不检查此项）"),
                    format!("The file records no resolution; the spec suggests {want} dpi (most portals do not check it)"),
                )
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
            report.add(face_rules(&upright, spec));
            return report;
        }
    }
    let passed = rules.iter().all(|r| r.passed || r.level == Level::Warning);
    Report { spec_id: spec.id.clone(), spec_version: spec.version, passed, facts, rules }
}
