//! The one error every command returns: the contract of all Caiji's wires,
//! `{code, message: {zh, en}, details?}` ([`caiji_base::ErrorBody`]). Codes are stable (the UI
//! and the tests match on them); the UI shows the message in its language. A core error turns
//! into one with `?`; the few codes of the shell itself are made here.
use caiji_base::{Error, ErrorBody, Msg};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct AppError(pub ErrorBody);

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError(ErrorBody::from(&e))
    }
}

impl AppError {
    pub fn new(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError(ErrorBody::new(code, Msg::new(zh, en)))
    }
    pub fn code(&self) -> &str {
        &self.0.code
    }
    pub fn message(&self) -> &Msg {
        &self.0.message
    }
    /// Something that should not happen (a worker thread gone).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        AppError::new("internal", format!("内部错误：{detail}"), format!("Internal error: {detail}"))
    }
    pub fn not_open() -> Self {
        AppError::new("not_open", "图片已关闭，请重新打开", "The picture is no longer open: open it again")
    }
    /// The drafts store could not be opened at start (`why`: the reason, already worded).
    pub fn drafts_unavailable(why: &str) -> Self {
        AppError::new("drafts_unavailable", format!("草稿库无法打开：{why}"), format!("The drafts store cannot be opened: {why}"))
    }
    /// A draft names an attachment the store does not hold.
    pub fn attachment_missing() -> Self {
        AppError::new("attachment_missing", "附件文件不在草稿库中", "The attachment is not in the drafts store")
    }
    /// A help topic asked for by an id the help does not have.
    pub fn unknown_topic(id: &str) -> Self {
        AppError::new("unknown_topic", format!("没有答疑条目 {id}"), format!("No help topic {id}"))
    }
    /// The platform's print dialog could not be opened.
    pub fn print_failed(why: impl std::fmt::Display) -> Self {
        AppError::new("print_failed", format!("无法打开打印：{why}"), format!("Cannot print: {why}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The wire format is part of the UI contract: pin it.
    #[test]
    fn serialises_to_the_error_contract() {
        let e = AppError::from(Error::TooSmall { src_w: 91, src_h: 128, need_w: 295, need_h: 413 });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "too_small", "message": {
                "zh": "原图（裁剪区域）只有 91×128 像素，至少需要 295×413；不会放大小图，请换一张更清晰的照片",
                "en": "Source 91×128, needs at least 295×413; small images are never upscaled: use a sharper photo"}})
        );
        let e = AppError::from(Error::Truncated);
        assert_eq!(e.code(), "truncated");
        assert!(e.message().zh.contains("不完整"));
        assert_eq!(serde_json::to_value(AppError::not_open()).unwrap()["code"], "not_open");
        let e = AppError::drafts_unavailable("disk full");
        assert_eq!((e.code(), e.message().zh.as_str()), ("drafts_unavailable", "草稿库无法打开：disk full"));
        assert_eq!(AppError::attachment_missing().code(), "attachment_missing");
        assert_eq!(AppError::unknown_topic("x").code(), "unknown_topic");
        assert_eq!(AppError::print_failed("no printer").code(), "print_failed");
        // A core error from the drafts store keeps the core's code.
        let e = AppError::from(Error::invalid("只有草稿才能定稿", "Only a draft can be finalized"));
        assert_eq!((e.code(), e.message().en.as_str()), ("invalid", "Only a draft can be finalized"));
        // Sync errors keep theirs: the UI opens the sign-in on `signed_out`.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = caiji_sync::connect(&format!("http://127.0.0.1:{port}"), "x", "y", std::time::Duration::from_secs(2)).unwrap_err();
        assert_eq!(AppError::from(e).code(), "offline");
        let e = caiji_sync::connect("ftp://example", "x", "y", std::time::Duration::from_secs(2)).unwrap_err();
        assert_eq!(AppError::from(e).code(), "bad_server");
        let dir = tempfile::tempdir().unwrap();
        let store = caiji_filing::store::Store::open(dir.path()).unwrap();
        let e = caiji_sync::run(&store, &caiji_forms::Forms::builtin().unwrap(), std::time::Duration::from_secs(1)).unwrap_err();
        let e = AppError::from(e);
        assert_eq!((e.code(), e.message().zh.as_str()), ("signed_out", "尚未登录或登录已过期，请重新登录"));
    }
}
