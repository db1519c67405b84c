//! Push notifications' domain: quiet hours and the `HH:MM` clock of settings forms, the records
//! the storage keeps (keys, subscriptions, settings, how notifications went), and Web Push
//! subscriptions as browsers give them (`PushSubscription.toJSON()`, RFC 8030 and
//! RFC 8291), checked before anything is stored or sent: the endpoint must be `https://` on the
//! default port and, once resolved, on public addresses only (no request of ours may be turned
//! towards the server's own network: SSRF). Development and tests may allow loopback endpoints.

use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Longest endpoint accepted (push services use a few hundred characters).
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// A subscription's checked parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    /// The browser's P-256 public key (uncompressed point, 65 bytes), base64url without padding.
    pub p256dh: String,
    /// The browser's 16-byte auth secret, base64url without padding.
    pub auth: String,
}

/// Why a subscription is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionError {
    /// Not a URL, too long, or with user information.
    BadEndpoint,
    /// Not `https://` (or `http://` on loopback when allowed).
    NotHttps,
    /// A port other than the scheme's default.
    NonDefaultPort,
    /// Resolves to a private, loopback or otherwise non-public address (or not at all).
    NotPublic,
    /// `p256dh` is not an uncompressed P-256 point, or `auth` not 16 bytes.
    BadKeys,
}

impl SubscriptionError {
    pub fn message_key(self) -> &'static str {
        match self {
            SubscriptionError::BadKeys => "push.error.keys",
            _ => "push.error.endpoint",
        }
    }
}

/// Checks the syntax of a subscription (its endpoint's addresses are checked by
/// [`check_addresses`] once resolved). Keys may come padded or in standard base64; they are
/// kept in base64url without padding.
pub fn parse_subscription(
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    allow_loopback: bool,
) -> Result<Subscription, SubscriptionError> {
    parse_subscription_url(endpoint, p256dh, auth, allow_loopback)
        .map(|(subscription, _)| subscription)
}

/// [`parse_subscription`], with the endpoint as a parsed URL (for resolving its host).
pub fn parse_subscription_url(
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    allow_loopback: bool,
) -> Result<(Subscription, url::Url), SubscriptionError> {
    let url = endpoint_url(endpoint, allow_loopback)?;
    let p256dh = decode_key(p256dh).filter(|k| k.len() == 65 && k[0] == 0x04);
    let auth = decode_key(auth).filter(|k| k.len() == 16);
    let (Some(p256dh), Some(auth)) = (p256dh, auth) else {
        return Err(SubscriptionError::BadKeys);
    };
    let subscription = Subscription {
        endpoint: url.to_string(),
        p256dh: URL_SAFE_NO_PAD.encode(p256dh),
        auth: URL_SAFE_NO_PAD.encode(auth),
    };
    Ok((subscription, url))
}

fn decode_key(text: &str) -> Option<Vec<u8>> {
    let text = text
        .trim()
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_");
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// The endpoint as a URL, if its form is acceptable.
pub fn endpoint_url(endpoint: &str, allow_loopback: bool) -> Result<url::Url, SubscriptionError> {
    if endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(SubscriptionError::BadEndpoint);
    }
    let url = url::Url::parse(endpoint).map_err(|_| SubscriptionError::BadEndpoint)?;
    if !url.username().is_empty() || url.password().is_some() || url.host().is_none() {
        return Err(SubscriptionError::BadEndpoint);
    }
    let loopback_host = match url.host() {
        Some(url::Host::Domain(host)) => host == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback && loopback_host => {}
        _ => return Err(SubscriptionError::NotHttps),
    }
    // Push services listen on 443; a test push service on loopback may use any port.
    if url.port().is_some() && !(allow_loopback && loopback_host) {
        return Err(SubscriptionError::NonDefaultPort);
    }
    Ok(url)
}

/// Quiet hours: from `start` to `end`, minutes after midnight in the town's time zone (they
/// may span midnight; equal: none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: u16,
    pub end: u16,
}

impl QuietHours {
    /// The default of a town: 21:00 to 08:00.
    pub const DEFAULT: QuietHours = QuietHours {
        start: 21 * 60,
        end: 8 * 60,
    };

    /// When the quiet period around `now` ends, if `now` is inside one (a push due then waits
    /// until that instant); `None` outside. An end skipped by the spring clock change moves
    /// with it (02:30 → 03:30).
    pub fn until(
        self,
        now: chrono::DateTime<chrono::Utc>,
        tz: chrono_tz::Tz,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::{Duration, TimeZone, Timelike};
        if self.start == self.end || self.start >= 1440 || self.end >= 1440 {
            return None;
        }
        let local = now.with_timezone(&tz);
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let (inside, end_date) = if self.start < self.end {
            ((self.start..self.end).contains(&minute), local.date_naive())
        } else if minute >= self.start {
            (true, local.date_naive() + Duration::days(1))
        } else {
            (minute < self.end, local.date_naive())
        };
        if !inside {
            return None;
        }
        let end = end_date.and_hms_opt(u32::from(self.end / 60), u32::from(self.end % 60), 0)?;
        let resolved = tz.from_local_datetime(&end).earliest().or_else(|| {
            // In the spring-forward gap: an hour later, as the clocks moved.
            tz.from_local_datetime(&(end + Duration::hours(1)))
                .earliest()
        })?;
        Some(resolved.with_timezone(&chrono::Utc))
    }
}

/// Whether every address the endpoint's host resolved to may be contacted: all public, or
/// loopback when allowed (development, tests). No address at all is refused.
pub fn check_addresses(
    addresses: &[IpAddr],
    allow_loopback: bool,
) -> Result<(), SubscriptionError> {
    let ok = !addresses.is_empty()
        && addresses
            .iter()
            .all(|ip| is_public(*ip) || (allow_loopback && ip.is_loopback()));
    if ok {
        Ok(())
    } else {
        Err(SubscriptionError::NotPublic)
    }
}

/// Whether `ip` is a global unicast address (not loopback, private, link-local, shared, carrier
/// NAT, documentation, benchmarking, multicast, reserved, or an IPv4 one of those inside IPv6).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0064 && v6.segments()[1] == 0xff9b // NAT64 (IPv4 inside)
                || (first & 0xe000) != 0x2000) // outside global unicast 2000::/3
        }
    }
}

/// `HH:MM` of minutes after midnight.
pub fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Minutes after midnight of `HH:MM` (or `H:MM`).
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// How the notifications of a post (or of a shop's posts) went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PushSummary {
    /// Phones and browsers it was meant for.
    pub targeted: i64,
    /// Accepted by their push services.
    pub delivered: i64,
    /// Still to go (quiet hours, retries).
    pub pending: i64,
    /// Not sent: the resident had had their share of pushes (the post is in their feed).
    pub capped: i64,
    /// Given up after retrying for a day.
    pub failed: i64,
    /// Subscriptions their push service said were gone (deleted).
    pub pruned: i64,
    /// Taps on the notification.
    pub clicks: i64,
}

/// This site's VAPID key pair (RFC 8292), both halves base64url without padding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VapidKeys {
    /// The P-256 private scalar (32 bytes).
    pub private_key: String,
    /// The uncompressed public point (65 bytes): the browsers' `applicationServerKey`.
    pub public_key: String,
}

/// A resident's push settings; `None`: the town's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PushSettings {
    pub quiet: Option<QuietHours>,
    pub shop_pushes_per_day: Option<i64>,
    pub district_pushes_per_week: Option<i64>,
}

/// A Web Push subscription of a device profile.
#[derive(Clone, Debug, PartialEq)]
pub struct PushSubscriptionRecord {
    pub id: i64,
    pub profile_id: i64,
    pub subscription: Subscription,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256DH: &str =
        "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    const AUTH: &str = "tBHItJI5svbpez7KI4CCXg";

    #[test]
    fn a_browser_subscription_is_accepted() {
        let sub = parse_subscription(
            "https://fcm.googleapis.com/fcm/send/abc:def",
            P256DH,
            AUTH,
            false,
        )
        .unwrap();
        assert_eq!(sub.endpoint, "https://fcm.googleapis.com/fcm/send/abc:def");
        assert_eq!(sub.p256dh, P256DH);
        // Padded standard base64 is read too.
        let padded = "tBHItJI5svbpez7KI4CCXg==";
        assert_eq!(
            parse_subscription("https://push.example.net/x", P256DH, padded, false)
                .unwrap()
                .auth,
            AUTH
        );
    }

    #[test]
    fn endpoints_must_be_https_on_the_default_port() {
        let check =
            |e: &str, loopback: bool| parse_subscription(e, P256DH, AUTH, loopback).map(|_| ());
        assert_eq!(
            check("http://push.example.net/x", false),
            Err(SubscriptionError::NotHttps)
        );
        assert_eq!(
            check("ftp://push.example.net/x", false),
            Err(SubscriptionError::NotHttps)
        );
        assert_eq!(
            check("https://push.example.net:8443/x", false),
            Err(SubscriptionError::NonDefaultPort)
        );
        assert_eq!(
            check("https://user:pw@push.example.net/x", false),
            Err(SubscriptionError::BadEndpoint)
        );
        assert_eq!(
            check("not a url", false),
            Err(SubscriptionError::BadEndpoint)
        );
        assert_eq!(
            check(&format!("https://p.example/{}", "a".repeat(3000)), false),
            Err(SubscriptionError::BadEndpoint)
        );
        // The explicit default port is the default port.
        assert_eq!(check("https://push.example.net:443/x", false), Ok(()));
        // Loopback test services, only when allowed.
        assert_eq!(
            check("http://127.0.0.1:9876/push/1", false),
            Err(SubscriptionError::NotHttps)
        );
        assert_eq!(check("http://127.0.0.1:9876/push/1", true), Ok(()));
        assert_eq!(
            check("http://push.example.net/x", true),
            Err(SubscriptionError::NotHttps)
        );
    }

    #[test]
    fn keys_must_be_a_p256_point_and_a_16_byte_secret() {
        let check = |p: &str, a: &str| {
            parse_subscription("https://push.example.net/x", p, a, false).map(|_| ())
        };
        assert_eq!(check(P256DH, "AAAA"), Err(SubscriptionError::BadKeys));
        assert_eq!(check(&P256DH[..40], AUTH), Err(SubscriptionError::BadKeys));
        assert_eq!(check("not base64 !", AUTH), Err(SubscriptionError::BadKeys));
        // A compressed point (0x02…) is not what browsers send.
        let mut compressed = URL_SAFE_NO_PAD.decode(P256DH).unwrap();
        compressed[0] = 0x02;
        assert_eq!(
            check(&URL_SAFE_NO_PAD.encode(compressed), AUTH),
            Err(SubscriptionError::BadKeys)
        );
    }

    #[test]
    fn only_public_addresses_are_contacted() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for public in ["142.250.179.138", "2a00:1450:4007:80e::200a", "8.8.8.8"] {
            assert!(is_public(ip(public)), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "ff02::1",
        ] {
            assert!(!is_public(ip(private)), "{private}");
        }
        assert_eq!(
            check_addresses(&[ip("8.8.8.8"), ip("10.0.0.1")], false),
            Err(SubscriptionError::NotPublic)
        );
        assert_eq!(
            check_addresses(&[], false),
            Err(SubscriptionError::NotPublic)
        );
        assert_eq!(
            check_addresses(&[ip("127.0.0.1")], false),
            Err(SubscriptionError::NotPublic)
        );
        assert_eq!(check_addresses(&[ip("127.0.0.1")], true), Ok(()));
        assert_eq!(
            check_addresses(&[ip("10.0.0.1")], true),
            Err(SubscriptionError::NotPublic)
        );
    }
}

#[cfg(test)]
mod quiet_tests {
    use super::QuietHours;
    use chrono::{TimeZone, Utc};
    use chrono_tz::Europe::Brussels;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> chrono::DateTime<Utc> {
        Brussels
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_span_midnight_in_the_town_time_zone() {
        let quiet = QuietHours::DEFAULT;
        // 22:00 → 08:00 the next morning; 07:59 → 08:00 the same morning.
        assert_eq!(
            quiet.until(at(2026, 11, 26, 22, 0), Brussels),
            Some(at(2026, 11, 27, 8, 0))
        );
        assert_eq!(
            quiet.until(at(2026, 11, 27, 7, 59), Brussels),
            Some(at(2026, 11, 27, 8, 0))
        );
        assert_eq!(
            quiet.until(at(2026, 11, 26, 21, 0), Brussels),
            Some(at(2026, 11, 27, 8, 0))
        );
        // Awake hours: no wait.
        assert_eq!(quiet.until(at(2026, 11, 26, 8, 0), Brussels), None);
        assert_eq!(quiet.until(at(2026, 11, 26, 20, 59), Brussels), None);
        // Across the spring clock change (29 March 2026, 02:00 → 03:00) and the autumn one.
        assert_eq!(
            quiet.until(at(2026, 3, 28, 23, 0), Brussels),
            Some(at(2026, 3, 29, 8, 0))
        );
        assert_eq!(
            quiet.until(at(2026, 10, 24, 23, 0), Brussels),
            Some(at(2026, 10, 25, 8, 0))
        );
        // A window within one day, and none at all.
        let afternoon = QuietHours {
            start: 12 * 60,
            end: 14 * 60,
        };
        assert_eq!(
            afternoon.until(at(2026, 11, 26, 13, 0), Brussels),
            Some(at(2026, 11, 26, 14, 0))
        );
        assert_eq!(afternoon.until(at(2026, 11, 26, 14, 0), Brussels), None);
        let none = QuietHours { start: 0, end: 0 };
        assert_eq!(none.until(at(2026, 11, 26, 3, 0), Brussels), None);
        // Ending inside the spring gap (02:30 does not exist on 29 March): 03:30 instead.
        let gap = QuietHours {
            start: 60,
            end: 150,
        };
        assert_eq!(
            gap.until(at(2026, 3, 29, 1, 30), Brussels),
            Some(Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap())
        );
    }
}

#[cfg(test)]
mod clock_tests {
    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(parse_clock("21:00"), Some(1260));
        assert_eq!(parse_clock("8:05"), Some(485));
        assert_eq!(parse_clock("07:30:00"), Some(450));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("12:60"), None);
        assert_eq!(parse_clock("midi"), None);
        assert_eq!(clock_text(485), "08:05");
    }
}
