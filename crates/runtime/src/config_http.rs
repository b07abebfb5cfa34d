//! Configuration of the HTTP edge: allowed browser origins (`CORS_ORIGINS`) and trusted
//! proxies (`TRUST_PROXY`).

/// `TRUST_PROXY`: `off` (0), `on` (1) or a number of proxies up to 10.
pub(crate) fn trust_proxy(value: Option<String>, errors: &mut Vec<String>) -> u8 {
    match value.as_deref() {
        None | Some("off") | Some("false") => 0,
        Some("on") | Some("true") => 1,
        Some(n) => match n.parse::<u8>() {
            Ok(hops) if hops <= 10 => hops,
            _ => {
                errors.push(format!(
                    "TRUST_PROXY must be `off`, `on` or a number of proxies 0-10, not `{n}`"
                ));
                0
            }
        },
    }
}

/// `CORS_ORIGINS` (comma-separated origins), by default the web site's two origins and
/// `FRONTEND_URL` (see docs/OPERATIONS.md, CORS).
pub(crate) fn cors_origins(
    value: Option<String>,
    frontend_url: &str,
    errors: &mut Vec<String>,
) -> Vec<String> {
    let listed = value.unwrap_or_else(|| {
        format!("https://getpursue.app,https://www.getpursue.app,{frontend_url}")
    });
    let mut origins: Vec<String> = Vec::new();
    for origin in listed.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let origin = origin.trim_end_matches('/');
        let scheme_ok = origin.starts_with("http://") || origin.starts_with("https://");
        let host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if !scheme_ok || host.is_empty() || host.contains('/') {
            errors.push(format!(
                "CORS_ORIGINS must list origins like `https://example.org`, not `{origin}`"
            ));
        } else if !origins.iter().any(|o| o == origin) {
            origins.push(origin.to_string());
        }
    }
    origins
}
