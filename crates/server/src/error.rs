//! Every refusal is `{code, message: {zh, en}}` with the HTTP status that fits and, where it
//! helps the client, details (the problems on a form, the current revision of a stale edit).
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use caiji_base::{ErrorBody, Msg};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: Msg,
    pub details: Option<Value>,
    /// Seconds after which trying again makes sense (a `Retry-After` header): busy, locked,
    /// rate-limited.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError { status, code, message: Msg::new(zh, en), details: None, retry_after: None }
    }
    /// Says when to try again (`Retry-After`, at least a second).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }
    /// Too much work at once: 503 with `Retry-After`, said at once rather than queued.
    pub fn busy() -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "服务器正忙，请稍后再试", "The server is busy: try again shortly").retry_after(1)
    }
    pub fn with(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
    pub fn internal(detail: String) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("服务器内部错误：{detail}"), format!("Internal error: {detail}"))
    }
    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", zh, en)
    }
    pub fn unauthorized() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "请先登录（登录已过期或无效）", "Sign in first (the session is missing or has expired)")
    }
    pub fn forbidden() -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "无权查看或修改这份填报", "Not allowed to see or change this filing")
    }
    pub fn not_found(what: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("没有找到{what}"), format!("{what} not found"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // What went wrong inside stays in the server's log; the caller learns only that it did
        // (a busy server says so: it is no secret, and the client waits and tries again).
        let (message, details) = if self.status.is_server_error() && self.status != StatusCode::SERVICE_UNAVAILABLE {
            eprintln!("caiji-server: {} {}: {}", self.status.as_u16(), self.code, self.message.en);
            (Msg::new("服务器内部错误，请稍后再试", "Internal error: try again later"), None)
        } else {
            (self.message, self.details)
        };
        let body = ErrorBody { code: self.code.into(), message, details };
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(v) = self.retry_after.and_then(|s| axum::http::HeaderValue::from_str(&s.to_string()).ok()) {
            r.headers_mut().insert("retry-after", v);
        }
        r
    }
}
