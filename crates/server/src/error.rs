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
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError { status, code, message: Msg::new(zh, en), details: None }
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
        // What went wrong inside stays in the server's log; the caller learns only that it did.
        let (message, details) = if self.status.is_server_error() {
            eprintln!("caiji-server: {} {}: {}", self.status.as_u16(), self.code, self.message.en);
            (Msg::new("服务器内部错误，请稍后再试", "Internal error: try again later"), None)
        } else {
            (self.message, self.details)
        };
        let body = ErrorBody { code: self.code.into(), message, details };
        (self.status, axum::Json(body)).into_response()
    }
}
