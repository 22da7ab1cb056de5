//! Request-rate limiting per client address: a token bucket each (`burst` requests at once,
//! refilled at `per_second`). A client over its rate gets 429 with `Retry-After`, which the
//! Caiji client honours in its backoff.
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The most client addresses remembered at once: past it the idle ones are forgotten, and if
/// none is idle the least recently seen half goes (a full bucket is all a forgotten one loses).
pub const MAX_CLIENTS: usize = 50_000;

/// Whom a bucket belongs to: an IPv4 address, or an IPv6 /64 (one subscriber's network: the
/// addresses inside it are free for the taking, so they share one limit).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

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

    /// How many clients are remembered now.
    pub fn clients(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Takes a token for `ip` (by its [`client_key`]); `Err(seconds)` to wait when there is none.
    pub fn take(&self, ip: IpAddr) -> Result<(), f64> {
        let now = Instant::now();
        let key = client_key(ip);
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_CLIENTS && !m.contains_key(&key) {
            // Full: forget whoever would have a full bucket again by now; if that frees nothing,
            // the least recently seen half. Done once per filling, not per request.
            let refill = self.burst / self.per_second.max(f64::MIN_POSITIVE);
            m.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * self.per_second < self.burst && now.duration_since(*at).as_secs_f64() < refill
            });
            if m.len() >= MAX_CLIENTS {
                let mut seen: Vec<Instant> = m.values().map(|(_, at)| *at).collect();
                seen.sort_unstable();
                let cut = seen[seen.len() / 2];
                m.retain(|_, (_, at)| *at > cut);
            }
        }
        let (tokens, at) = m.entry(key).or_insert((self.burst, now));
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
            crate::error::ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "请求过于频繁，请稍后再试", "Too many requests: try again shortly")
                .retry_after(wait.ceil() as u64)
                .into_response()
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
        // An IPv6 /64 is one client: a new address inside it gets no fresh limit.
        let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!((0..3).all(|_| l.take(v6("2001:db8:1:2::1")).is_ok()));
        assert!(l.take(v6("2001:db8:1:2:ffff::9")).is_err(), "same /64");
        assert!(l.take(v6("2001:db8:1:3::1")).is_ok(), "another /64");
        assert_eq!(client_key(v6("::ffff:10.0.0.1")), v6("10.0.0.1"), "an IPv4 address mapped into IPv6 is that IPv4 address");
        std::thread::sleep(std::time::Duration::from_millis(120));
        assert!(l.take(ip).is_ok());
    }
}

#[cfg(test)]
mod bounded {
    use super::*;

    #[test]
    fn the_table_of_clients_stays_bounded() {
        let l = Limiter::new(1.0, 5.0);
        for i in 0..(MAX_CLIENTS as u32 + 20_000) {
            let _ = l.take(IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i)));
        }
        assert!(l.clients() <= MAX_CLIENTS, "{} remembered", l.clients());
        // The newest are still limited as they were.
        let last = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + MAX_CLIENTS as u32 + 19_999));
        assert!((0..4).all(|_| l.take(last).is_ok()) && l.take(last).is_err());
    }
}
