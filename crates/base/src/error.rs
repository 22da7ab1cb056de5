//! The one error contract. Every crate returns [`Error`]; each variant has a stable `code` and
//! a message in Chinese and English that says what happened and what to do. On every wire — the
//! CLI's `--json`, the app's commands, the server's responses — it travels as an [`ErrorBody`]:
//! `{code, message: {zh, en}, details?}`. The codes are pinned by `tests/tests/contract.rs`.
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// An error as it travels: a stable code, the message in both languages, and for some codes
/// machine-readable details (the problems of a refused filing, the server's copy of a stale one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ErrorBody {
    pub code: String,
    pub message: Msg,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub details: Option<serde_json::Value>,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: Msg) -> Self {
        ErrorBody { code: code.into(), message, details: None }
    }
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        ErrorBody::new(e.code(), e.msg())
    }
}

impl From<Error> for ErrorBody {
    fn from(e: Error) -> Self {
        ErrorBody::from(&e)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read or write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("not an image: {}", detail.en)]
    NotAnImage { detail: Msg },
    #[error("unsupported format {format}")]
    UnsupportedFormat { format: String },
    #[error("the file is truncated")]
    Truncated,
    #[error("the image data is damaged: {detail}")]
    Corrupt { detail: String },
    #[error("image too large: {width}x{height}")]
    TooLarge { width: u64, height: u64, limit_pixels: u64 },
    #[error("source {src_w}x{src_h}, needs at least {need_w}x{need_h}")]
    TooSmall { src_w: u32, src_h: u32, need_w: u32, need_h: u32 },
    #[error("cannot fit the size window")]
    CannotFit { msg: Msg },
    #[error("spec file {file}, line {line}: {}", detail.en)]
    SpecInvalid { file: String, line: usize, detail: Msg },
    #[error("{}", msg.en)]
    Face { code: &'static str, msg: Msg },
    #[error("unknown spec {id}")]
    UnknownSpec { id: String },
    #[error("bad crop: {detail}")]
    BadCrop { detail: String },
    #[error("{}", .msg.en)]
    Invalid { msg: Msg },
    #[error("cancelled")]
    Cancelled,
    #[error("JPEG codec error: {detail}")]
    Codec { detail: String },
    /// Talking to the server: `offline` (no answer), `signed_out` (no session or it expired),
    /// `bad_login`, `refused` (the server said no, with its reason).
    #[error("{}", msg.en)]
    Sync { code: &'static str, msg: Msg },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an operating system's error means, in plain Chinese (the OS's own words are English or
/// in the system's locale); the OS's text for the rare kinds without a name here.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if in_use(e) {
        return "文件正被其他程序打开（如看图软件或 Excel），请关闭后重试".into();
    }
    let said = match e.kind() {
        K::NotFound => "找不到文件或文件夹",
        K::PermissionDenied => "没有权限（文件可能是只读的，或正被其他程序打开）",
        K::AlreadyExists => "文件已存在",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "所在磁盘是只读的",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一段不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::InvalidFilename => "文件名不合法（含有不允许的字符或过长）",
        K::FileTooLarge => "文件太大",
        K::ResourceBusy => "文件正被其他程序使用",
        K::UnexpectedEof => "文件不完整（读到一半就结束了）",
        K::InvalidData => "内容无法读取",
        K::TimedOut => "操作超时",
        K::Interrupted => "操作被中断",
        K::OutOfMemory => "内存不足",
        _ => return e.to_string(),
    };
    said.to_string()
}

/// Windows' "another program has the file open" (a sharing or lock violation: a picture
/// viewer or Excel holding an output that is to be replaced).
pub fn in_use(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33))
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Invalid { msg: Msg::new(zh, en) }
    }

    /// A stable machine-readable code. Never rename one: the app and scripts match on them.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::NotAnImage { .. } => "not_an_image",
            Error::UnsupportedFormat { .. } => "unsupported_format",
            Error::Truncated => "truncated",
            Error::Corrupt { .. } => "corrupt",
            Error::TooLarge { .. } => "too_large",
            Error::TooSmall { .. } => "too_small",
            Error::CannotFit { .. } => "cannot_fit",
            Error::SpecInvalid { .. } => "spec_invalid",
            Error::Face { code, .. } => code,
            Error::UnknownSpec { .. } => "unknown_spec",
            Error::BadCrop { .. } => "bad_crop",
            Error::Invalid { .. } => "invalid",
            Error::Cancelled => "cancelled",
            Error::Codec { .. } => "codec",
            Error::Sync { code, .. } => code,
        }
    }

    pub fn msg(&self) -> Msg {
        match self {
            Error::Io { path, source } => Msg::new(
                format!("无法读写文件 {}：{}", path.display(), io_zh(source)),
                format!(
                    "Cannot read or write {}: {}",
                    path.display(),
                    if in_use(source) {
                        "another program has it open (a picture viewer, Excel): close it and try again".to_string()
                    } else {
                        source.to_string()
                    }
                ),
            ),
            Error::NotAnImage { detail } => Msg::new(
                format!("不是可识别的图片（支持 JPEG、PNG、HEIC、AVIF、WebP、TIFF、BMP、GIF 和 PDF）：{}", detail.zh),
                format!("Not a recognisable image (JPEG, PNG, HEIC, AVIF, WebP, TIFF, BMP, GIF and PDF are supported): {}", detail.en),
            ),
            Error::UnsupportedFormat { format } => Msg::new(
                format!("不支持 {format} 格式：请在手机或电脑上另存为 JPEG 后再试"),
                format!("{format} is not supported: save it as JPEG on the phone or computer and try again"),
            ),
            Error::Truncated => Msg::new(
                "文件不完整（传输或保存时被截断），请重新拷贝或重新拍摄",
                "The file is incomplete (cut short while copying or saving): copy or take it again",
            ),
            Error::Corrupt { detail } => {
                Msg::new(format!("图片数据已损坏，无法解码：{detail}"), format!("The image data is damaged and cannot be decoded: {detail}"))
            }
            Error::TooLarge { width, height, limit_pixels } => Msg::new(
                format!("图片声明的尺寸 {width}×{height}（{} 万像素）超过上限 {} 万像素，为防止耗尽内存已拒绝", width * height / 10_000, limit_pixels / 10_000),
                format!(
                    "The image declares {width}×{height} ({:.1} MP), above the limit of {:.1} MP: refused to protect memory",
                    (*width * *height) as f64 / 1e6,
                    *limit_pixels as f64 / 1e6
                ),
            ),
            Error::TooSmall { src_w, src_h, need_w, need_h } => Msg::new(
                format!("原图（裁剪区域）只有 {src_w}×{src_h} 像素，至少需要 {need_w}×{need_h}；不会放大小图，请换一张更清晰的照片"),
                format!("Source {src_w}×{src_h}, needs at least {need_w}×{need_h}; small images are never upscaled: use a sharper photo"),
            ),
            Error::CannotFit { msg } => msg.clone(),
            Error::Face { msg, .. } => msg.clone(),
            Error::SpecInvalid { file, line, detail } => {
                Msg::new(format!("规格文件 {file} 第 {line} 行有误：{}", detail.zh), format!("Spec file {file}, line {line}: {}", detail.en))
            }
            Error::UnknownSpec { id } => {
                Msg::new(format!("没有名为 “{id}” 的规格；用 `caiji specs list` 查看全部"), format!("No spec named “{id}”; `caiji specs list` shows them all"))
            }
            Error::BadCrop { detail } => Msg::new(format!("裁剪区域无效：{detail}"), format!("Invalid crop: {detail}")),
            Error::Invalid { msg } => msg.clone(),
            Error::Cancelled => Msg::new("已取消", "Cancelled"),
            Error::Codec { detail } => Msg::new(format!("JPEG 编解码出错：{detail}"), format!("JPEG codec error: {detail}")),
            Error::Sync { msg, .. } => msg.clone(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        self.msg().get(lang).to_string()
    }
}
