//! Request-rate limiting per client address: a token bucket each (`burst` requests at once,
//! refilled at `per_second`). A client over its rate gets 429 with `Retry-After`, which the
//! Caiji client honours in its backoff.
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Clone)]
pub struct Limiter {
    per_second: f64,
    burst: f64,
    buckets: Arc<Mutex<HashMap<IpAddr, (f64, Instant)>>>,
}

impl Limiter {
    pub fn new(per_second: f64, burst: f64) -> Self {
        Limiter { per_second, burst, buckets: Arc::new(Mutex::new(HashMap::new())) }
    }

    /// Takes a token for `ip`; `Err(seconds)` to wait when there is none.
    pub fn take(&self, ip: IpAddr) -> Result<(), f64> {
        let now = Instant::now();
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 100_000 {
            // Forget idle addresses rather than grow without bound.
            m.retain(|_, (tokens, at)| *tokens < self.burst || now.duration_since(*at).as_secs() < 60);
        }
        let (tokens, at) = m.entry(ip).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - *tokens) / self.per_second)
        }
    }
}

pub async fn middleware(State(l): State<Limiter>, ConnectInfo(addr): ConnectInfo<SocketAddr>, req: Request, next: Next) -> Response {
    match l.take(addr.ip()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut r =
                crate::error::ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "请求过于频繁，请稍后再试", "Too many requests: try again shortly")
                    .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("{}", wait.ceil().max(1.0) as u64)) {
                r.headers_mut().insert("retry-after", v);
            }
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate() {
        let l = Limiter::new(10.0, 3.0);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!((0..3).all(|_| l.take(ip).is_ok()));
        let wait = l.take(ip).unwrap_err();
        assert!(wait > 0.0 && wait <= 0.1, "{wait}");
        assert!(l.take("127.0.0.2".parse().unwrap()).is_ok(), "each address has its own bucket");
        std::thread::sleep(std::time::Duration::from_millis(120));
        assert!(l.take(ip).is_ok());
    }
}
