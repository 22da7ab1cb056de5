//! The one error type every command returns, serialised as `{code, message}`. Codes are stable
//! (the UI and the tests match on them); messages are in the language the UI asked for.
use caiji_core::{Error, Lang};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError { code: code.into(), message: message.into() }
    }
    pub fn from_core(e: Error, lang: Lang) -> Self {
        AppError { code: e.code().into(), message: e.message(lang) }
    }
    pub fn not_open(lang: Lang) -> Self {
        AppError::new(
            "not_open",
            match lang {
                Lang::Zh => "图片已关闭，请重新打开",
                Lang::En => "The picture is no longer open: open it again",
            },
        )
    }
    /// The drafts store could not be opened at start (`why`: the reason, already worded).
    pub fn drafts_unavailable(why: &str, lang: Lang) -> Self {
        AppError::new(
            "drafts_unavailable",
            match lang {
                Lang::Zh => format!("草稿库无法打开：{why}"),
                Lang::En => format!("The drafts store cannot be opened: {why}"),
            },
        )
    }
    /// A draft names an attachment the store does not hold.
    pub fn attachment_missing(lang: Lang) -> Self {
        AppError::new(
            "attachment_missing",
            match lang {
                Lang::Zh => "附件文件不在草稿库中",
                Lang::En => "The attachment is not in the drafts store",
            },
        )
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire format is part of the UI contract: pin it.
    #[test]
    fn serialises_to_code_and_message() {
        let e = AppError::from_core(Error::TooSmall { src_w: 91, src_h: 128, need_w: 295, need_h: 413 }, Lang::En);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "too_small", "message": "Source 91×128, needs at least 295×413; small images are never upscaled: use a sharper photo"})
        );
        let e = AppError::from_core(Error::Truncated, Lang::Zh);
        assert_eq!(e.code, "truncated");
        assert!(e.message.contains("不完整"));
        assert_eq!(serde_json::to_value(AppError::not_open(Lang::En)).unwrap()["code"], "not_open");
        let e = AppError::drafts_unavailable("disk full", Lang::Zh);
        assert_eq!((e.code.as_str(), e.message.as_str()), ("drafts_unavailable", "草稿库无法打开：disk full"));
        assert_eq!(AppError::attachment_missing(Lang::En).code, "attachment_missing");
        // A core error from the drafts store keeps the core's code.
        let e = AppError::from_core(caiji_core::Error::invalid("只有草稿才能定稿", "Only a draft can be finalized"), Lang::En);
        assert_eq!((e.code.as_str(), e.message.as_str()), ("invalid", "Only a draft can be finalized"));
        // Sync errors keep theirs: the UI opens the sign-in on `signed_out`.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = caiji_core::sync::connect(&format!("http://127.0.0.1:{port}"), "x", "y", std::time::Duration::from_secs(2)).unwrap_err();
        assert_eq!(AppError::from_core(e, Lang::Zh).code, "offline");
        let e = caiji_core::sync::connect("ftp://example", "x", "y", std::time::Duration::from_secs(2)).unwrap_err();
        assert_eq!(AppError::from_core(e, Lang::En).code, "bad_server");
        let dir = std::env::temp_dir().join(format!("caiji-error-test-{}", std::process::id()));
        let store = caiji_core::drafts::Store::open(&dir).unwrap();
        let e = caiji_core::sync::run(&store, &caiji_core::forms::Forms::builtin().unwrap(), std::time::Duration::from_secs(1)).unwrap_err();
        let e = AppError::from_core(e, Lang::Zh);
        assert_eq!((e.code.as_str(), e.message.as_str()), ("signed_out", "尚未登录或登录已过期，请重新登录"));
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }
}
