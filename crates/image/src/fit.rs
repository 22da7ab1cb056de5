//! Fitting into a spec's byte window: the colour stages and quality floors an output may use,
//! the prepared result ([`Prepared`]) and the notes about what fitting cost. The search itself
//! (bracketing quality, probing neighbours, padding with a COM segment) is
//! [`crate::encode::encode_to_window`]; photos ([`crate::photo`]) and merged pages
//! ([`crate::merge`]) both go through the [`goal`] made here.
use crate::decode;
use crate::encode::{Chroma, Encoded, Goal};
use crate::geometry::Rect;
use crate::head::Head;
use crate::spec::{Colour, Spec};
use crate::whiten::Whitened;
use caiji_base::error::Error;
use caiji_base::i18n::{size_against, size_limit, Msg};
use image::DynamicImage;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Prepared {
    #[serde(skip)]
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub encoded: Encoded,
    /// The crop used, in upright full-resolution coordinates (photos).
    pub crop: Option<Rect>,
    /// The head found when the photo was framed from its face.
    pub head: Option<Head>,
    /// That head in the output's pixels.
    #[serde(skip)]
    pub head_out: Option<Head>,
    /// What the background replacement did, when it was asked for.
    pub background: Option<Whitened>,
    /// Judge the result with the face checks too (photo specs with head rules, face mode).
    #[serde(skip)]
    pub face_checks: bool,
    pub notes: Vec<Msg>,
}

/// Colour stages in order of preference, each with its lowest acceptable quality.
pub(crate) fn stages(spec: &Spec, floor: u8) -> Vec<(Chroma, u8)> {
    match spec.colour {
        Colour::Grey => vec![(Chroma::Grey, floor)],
        Colour::Colour => vec![(Chroma::S444, 90.max(floor)), (Chroma::S420, floor)],
        Colour::Either => vec![(Chroma::S444, 90.max(floor)), (Chroma::S420, floor), (Chroma::Grey, floor)],
    }
}

pub(crate) fn goal(spec: &Spec, floor: u8) -> Goal {
    Goal { min: spec.bytes.min, max: spec.bytes.max, dpi: spec.dpi, stages: stages(spec, floor), cap: if spec.bytes.max.is_some() { 95 } else { 92 } }
}

/// Makes pixels match the spec's colour rule before encoding.
pub(crate) fn colour_for(spec: &Spec, img: DynamicImage, icc: Option<&[u8]>) -> DynamicImage {
    let mut img = match (spec.colour, img) {
        (Colour::Colour, DynamicImage::ImageLuma8(g)) => DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(g).to_rgb8()),
        (_, i) => i,
    };
    decode::to_srgb(&mut img, icc);
    img
}

pub(crate) const QUALITY_FLOOR: u8 = 50;
pub(crate) const LAST_RESORT_FLOOR: u8 = 25;

pub(crate) fn low_quality_note(q: u8) -> Msg {
    Msg::new(
        format!("为满足大小上限，质量降到了 {q}，请检查画面是否清晰"),
        format!("Quality was lowered to {q} to meet the size limit: check the picture is still clear"),
    )
}

pub(crate) fn padded_note(n: usize) -> Msg {
    Msg::new(
        format!("图片本身小于下限，已在 JPEG 注释段中补足 {n} 字节（合法 JPEG，不影响画面）"),
        format!("The picture alone is under the minimum: {n} bytes added in a JPEG comment segment (valid JPEG, picture unchanged)"),
    )
}

/// The limit as the portal wrote it ("20 KB"), the smallest result in the same unit.
pub(crate) fn cannot_fit(best: u64, max: u64, what_zh: &str, what_en: &str) -> Error {
    let limit = size_limit(max);
    let best = size_against(best, None, Some(max));
    Error::CannotFit {
        msg: Msg::new(
            format!("无法压到 {} 以内：{what_zh}最小也有 {best}", limit.text),
            format!("Cannot fit under {}: {what_en} the smallest is {best}", limit.text),
        ),
    }
}
