//! Request bodies and query strings read as the protocol's types. A body or a query that does
//! not parse (an unknown account kind or decision, a missing field, too many bytes) is refused
//! with the one error contract `{code, message: {zh, en}}`, not axum's plain-text rejection.
use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

/// A JSON body of type `T`.
pub struct Body<T>(pub T);

/// A query string of type `T`.
pub struct Params<T>(pub T);

/// A request that does not parse: a fixed message in both languages; what the parser said, cut
/// short, in the details (never the request echoed back at length).
fn refused(status: StatusCode, detail: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(status, "too_large", "请求过大", "The request is too large");
    }
    let reason: String = detail.chars().take(200).collect();
    ApiError::bad_request("请求格式不对（缺少字段、类型不对或取值无效）", "Malformed request (a missing field, a wrong type or an unknown value)")
        .with(serde_json::json!({ "reason": reason }))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) => Err(refused(e.status(), e.body_text())),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(Params(v)),
            Err(e) => Err(refused(e.status(), e.body_text())),
        }
    }
}
