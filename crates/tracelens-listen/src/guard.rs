//! Which Host and Origin values name this machine's loopback.

/// Whether a Host header value (`name[:port]`) names loopback: `localhost`
/// (and `*.localhost`, RFC 6761), 127.0.0.0/8, or `[::1]`. The port is not
/// checked: a rebound page cannot choose its Host name, only its port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = strip_port(host.trim());
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Whether an Origin header value (`scheme://host[:port]`) is a page served
/// from loopback. `null` (a sandboxed or file page) is not.
pub fn is_loopback_origin(origin: &str) -> bool {
    match origin.trim().split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            is_loopback_host(rest.split('/').next().unwrap_or(""))
        }
        _ => false,
    }
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        return match rest.find(']') {
            Some(end) => &host[..end + 2],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in [
            "localhost",
            "localhost:4318",
            "127.0.0.1:4318",
            "127.9.0.1",
            "[::1]:4318",
            "[::1]",
            "app.localhost:80",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:4318",
            "10.0.0.1:4318",
            "localhost.evil.example",
            "[::2]:1",
            "",
            "0.0.0.0:4318",
            "127.0.0.1.evil:80",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert!(is_loopback_origin("http://localhost:3000"));
        assert!(is_loopback_origin("https://127.0.0.1"));
        assert!(!is_loopback_origin("http://evil.example"));
        assert!(!is_loopback_origin("null"));
        assert!(!is_loopback_origin("file://"));
        assert!(!is_loopback_origin("http://localhost.evil.example:4318"));
    }
}
