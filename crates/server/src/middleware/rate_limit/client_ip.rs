//! The client's IP for per-IP limits (see docs/SECURITY.md, "Behind a proxy").
//!
//! With `TRUST_PROXY=n` (n ≥ 1) the server sits behind `n` reverse proxies, each of which
//! appends the address it received the request from to `Forwarded` / `X-Forwarded-For`.
//! Only the last `n` entries were written by those proxies; anything to their left came
//! from the client and may be forged. The client is therefore the `n`-th entry from the
//! right, never the leftmost. The server must not be reachable except through those
//! proxies (a client talking to it directly could write the whole header).

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;

/// The client IP of a request from TCP peer `peer` behind `hops` trusted proxies.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, hops: u8) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    // Proxies commonly append to X-Forwarded-For and leave `Forwarded` as the client sent
    // it, so `Forwarded` counts only when there is no X-Forwarded-For at all.
    let mut chain = x_forwarded_for_chain(headers);
    if chain.is_empty() {
        chain = forwarded_chain(headers);
    }
    if chain.is_empty() {
        return peer;
    }
    let hops = usize::from(hops);
    // Fewer entries than proxies: the leftmost entry is the best the proxies recorded.
    let index = chain.len().saturating_sub(hops);
    chain[index].or(peer)
}

/// `for=` values of every `Forwarded` header, left to right (unparsable ones as `None`).
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value))
            })
        })
        .collect()
}

/// Entries of every `X-Forwarded-For` header, left to right.
fn x_forwarded_for_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// `1.2.3.4`, `1.2.3.4:80`, `"[::1]:80"`, `::1` → the address.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let node = raw.trim().trim_matches('"');
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, _port) = node.rsplit_once(':')?;
    host.parse().ok()
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let h = headers(&[("x-forwarded-for", "10.9.1.1")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, 0), ip("127.0.0.1"));
    }

    #[test]
    fn one_proxy_takes_the_rightmost_entry_never_the_leftmost() {
        let h = headers(&[("x-forwarded-for", "10.9.3.1, 127.0.0.17")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, 1), ip("127.0.0.17"));
        let h = headers(&[
            ("x-forwarded-for", "10.9.3.1"),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, 1), ip("203.0.113.7"));
    }

    #[test]
    fn two_proxies_take_the_second_from_the_right() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.2")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, 2), ip("203.0.113.7"));
        let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, 2), ip("203.0.113.7"));
    }

    #[test]
    fn forwarded_counts_without_x_forwarded_for_and_understands_ports() {
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https",
        )]);
        assert_eq!(client_ip(None, &h, 1), ip("2001:db8::1"));
        let h = headers(&[("forwarded", "for=6.6.6.6"), ("x-forwarded-for", "9.9.9.9")]);
        assert_eq!(client_ip(None, &h, 1), ip("9.9.9.9"));
        let h = headers(&[("forwarded", "for=192.0.2.60:8080;by=203.0.113.43")]);
        assert_eq!(client_ip(None, &h, 1), ip("192.0.2.60"));
    }

    #[test]
    fn unparsable_entries_fall_back_to_the_peer() {
        let h = headers(&[("x-forwarded-for", "1.1.1.1, garbage")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, 1), ip("127.0.0.1"));
        assert_eq!(
            client_ip(ip("127.0.0.1"), &HeaderMap::new(), 1),
            ip("127.0.0.1")
        );
    }
}
