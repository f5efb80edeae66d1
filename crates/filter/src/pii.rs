//! Personal data: email addresses and public IP addresses.
//!
//! Not personal data, and so never found:
//! - addresses at the reserved example domains (RFC 2606 and RFC 6761:
//!   `example.com`, `.org`, `.net`, `*.example`, `*.test`, `*.invalid`,
//!   `*.localhost`) and private-use names (`.local`, `.internal`,
//!   `home.arpa`), at the domains given in `allow-email-domains`, the
//!   credentials of a URL (`scheme://user:password@host`), and
//!   "addresses" whose top-level domain is a file extension (`icon@2x.png`);
//! - IPv4 addresses in private, loopback, link-local, shared, benchmarking,
//!   documentation (RFC 5737), multicast and reserved ranges; dotted numbers
//!   that are part of a longer dotted run, follow `v`, or stand on a line
//!   that says `version` before them (version numbers);
//! - IPv6 addresses outside global unicast (2000::/3) and in the
//!   documentation range 2001:db8::/32.

use std::net::{Ipv4Addr, Ipv6Addr};

use regex::bytes::{Regex, RegexBuilder};

use crate::secrets::line_windows;
use crate::{Finding, Kind};

/// The personal-data filter.
#[derive(Debug)]
pub struct Pii {
    email: Regex,
    ipv4: Regex,
    ipv6: Regex,
    allow_domains: Vec<String>,
}

/// Domains reserved for documentation and tests.
const RESERVED_DOMAINS: [&str; 11] = [
    "example.com",
    "example.org",
    "example.net",
    "example",
    "test",
    "invalid",
    "localhost",
    "local",
    "localdomain",
    "internal",
    "home.arpa",
];

/// Top-level "domains" that are file extensions: `logo@2x.png` names a file.
const FILE_EXTENSIONS: [&str; 16] = [
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "css", "py", "rs", "ts", "json", "html", "md", "txt",
];

impl Pii {
    /// The filter, with `allow_domains` beside the reserved domains.
    pub fn new(allow_domains: &[String]) -> Pii {
        Pii {
            email: ascii(r"(?i)\b[a-z0-9][a-z0-9._%+-]{0,63}@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b")
                .expect("a valid pattern"),
            ipv4: ascii(r"\b(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}\b")
                .expect("a valid pattern"),
            ipv6: ascii(r"(?i)(?:^|[^0-9a-z:.])((?:[0-9a-f]{1,4}:){1,7}:?(?:[0-9a-f]{1,4}:?){0,7}[0-9a-f]{1,4})")
                .expect("a valid pattern"),
            allow_domains: allow_domains.iter().map(|d| d.trim_start_matches('.').to_lowercase()).collect(),
        }
    }

    /// Appends the personal data in `text` to `found`. Each pattern runs
    /// only on the lines that hold what it needs: `@`, a digit-dot-digit,
    /// or a colon after four hex digits starting with 2 or 3 (global
    /// unicast).
    pub fn scan(&self, text: &str, found: &mut Vec<Finding>) {
        let bytes = text.as_bytes();
        let positions = |byte: u8, want: &dyn Fn(usize) -> bool| -> Vec<usize> {
            memchr::memchr_iter(byte, bytes).filter(|&i| want(i)).collect()
        };
        let ats = positions(b'@', &|_| true);
        for window in line_windows(bytes, &ats) {
            for caps in self.email.captures_iter(&bytes[window.clone()]) {
                let whole = caps.get(0).expect("group 0");
                let range = window.start + whole.start()..window.start + whole.end();
                let domain = caps.get(1).expect("group 1");
                let domain = text[window.start + domain.start()..window.start + domain.end()].to_lowercase();
                // `user:password@host` in a URL is credentials, not an
                // address.
                if self.allowed_domain(&domain) || text[..range.start].ends_with([':', '/']) {
                    continue;
                }
                found.push(finding("pii:email", range, "<EMAIL>"));
            }
        }
        let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        let dots = positions(b'.', &|i| i > 0 && digit(i - 1) && digit(i + 1));
        for window in line_windows(bytes, &dots) {
            for m in self.ipv4.find_iter(&bytes[window.clone()]) {
                let range = window.start + m.start()..window.start + m.end();
                let before = &text[..range.start];
                let after = &text[range.end..];
                // Part of a longer dotted run (1.2.3.4.5) or a version
                // number.
                if before.ends_with('.') || after.starts_with(|c: char| c == '.' || c.is_ascii_alphanumeric()) {
                    continue;
                }
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                if before.ends_with(['v', 'V']) || before[line_start..].to_ascii_lowercase().contains("version") {
                    continue;
                }
                let Ok(ip) = text[range.clone()].parse::<Ipv4Addr>() else {
                    continue;
                };
                if public_v4(ip) {
                    found.push(finding("pii:ip-address", range, "<IP_ADDRESS>"));
                }
            }
        }
        let global = |i: usize| {
            i >= 4 && matches!(bytes[i - 4], b'2' | b'3') && bytes[i - 3..i].iter().all(u8::is_ascii_hexdigit)
        };
        let colons = positions(b':', &global);
        for window in line_windows(bytes, &colons) {
            for caps in self.ipv6.captures_iter(&bytes[window.clone()]) {
                let m = caps.get(1).expect("group 1");
                let range = window.start + m.start()..window.start + m.end();
                if text[range.end..].starts_with(|c: char| c == ':' || c == '.' || c.is_ascii_alphanumeric()) {
                    continue;
                }
                let Ok(ip) = text[range.clone()].parse::<Ipv6Addr>() else {
                    continue;
                };
                if public_v6(ip) {
                    found.push(finding("pii:ip-address", range, "<IP_ADDRESS>"));
                }
            }
        }
    }

    fn allowed_domain(&self, domain: &str) -> bool {
        let under = |base: &str| domain == base || domain.ends_with(&format!(".{base}"));
        let tld = domain.rsplit('.').next().unwrap_or(domain);
        RESERVED_DOMAINS.iter().any(|d| under(d))
            || self.allow_domains.iter().any(|d| under(d))
            || FILE_EXTENSIONS.contains(&tld)
    }
}

/// A pattern of ASCII classes matched on bytes (every class here is ASCII,
/// and the matches start and end at ASCII characters).
fn ascii(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).unicode(false).build()
}

fn finding(rule: &str, span: std::ops::Range<usize>, placeholder: &'static str) -> Finding {
    Finding {
        kind: Kind::Pii,
        rule: rule.to_owned(),
        line: 0,
        span,
        placeholder: Some(placeholder),
        note: None,
    }
}

/// An IPv4 address that can name a host on the public internet.
pub fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        // Shared address space (RFC 6598), benchmarking (RFC 2544), IETF
        // protocol assignments (RFC 6890).
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 192 && b == 0 && c == 0))
}

/// An IPv6 global unicast address outside the documentation range.
pub fn public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    (s[0] & 0xe000) == 0x2000 && !(s[0] == 0x2001 && s[1] == 0x0db8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        Pii::new(&["corp.internal".to_owned()]).scan(text, &mut found);
        found
            .into_iter()
            .map(|f| format!("{}={}", f.rule, &text[f.span]))
            .collect()
    }

    #[test]
    fn emails_and_public_addresses_are_found() {
        assert_eq!(
            find("Author: Ada <ada@lovelace.dev>"),
            vec!["pii:email=ada@lovelace.dev"]
        );
        assert_eq!(find("host = 8.8.4.4;"), vec!["pii:ip-address=8.8.4.4"]);
        assert_eq!(
            find("addr 2a00:1450:4001:81c::200e ok"),
            vec!["pii:ip-address=2a00:1450:4001:81c::200e"]
        );
    }

    #[test]
    fn documentation_private_and_version_numbers_are_not() {
        for text in [
            "mail me at someone@example.com or x@sub.example.org",
            "bob@corp.internal",
            "postgres://app:Xk9v2Lq7Wz@db.example.com:5432/app",
            "mail root@build.local",
            "icon@2x.png",
            "ip 192.0.2.10 and 198.51.100.7 and 203.0.113.255",
            "10.0.0.1 192.168.1.1 127.0.0.1 172.16.5.4 169.254.0.1 0.0.0.0 255.255.255.0",
            "version 2.10.0.1, v1.2.3.4, 1.2.3.4.5",
            "export const appVersion: string = \"9.9.1.2\";",
            "addr 2001:db8::1 ::1 fe80::1 fd00::5",
            "std::vector<int> a; Foo::Bar::baz(); 12:30:45",
        ] {
            assert_eq!(find(text), Vec::<String>::new(), "{text}");
        }
    }
}
