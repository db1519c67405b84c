//! Normalising the contact details found in OpenStreetMap.

/// A `tel:` URI (RFC 3966) for the first number of an OSM `phone` value, e.g.
/// `+32 63 42 22 33` → `tel:+3263422233`. Belgian national numbers (`063 42 22 33`) get +32.
pub fn phone_uri(phone: &str) -> Option<String> {
    let first = phone.split([';', ',']).next()?.trim();
    let mut digits: String = first
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if let Some(rest) = digits.strip_prefix("00") {
        digits = format!("+{rest}");
    } else if let Some(rest) = digits.strip_prefix('0') {
        digits = format!("+32{rest}");
    }
    let plus_ok = digits.starts_with('+') && !digits[1..].contains('+');
    let count = digits.chars().filter(char::is_ascii_digit).count();
    (plus_ok && (8..=15).contains(&count)).then(|| format!("tel:{digits}"))
}

/// A safe absolute `http(s)` URL for an OSM `website` value, or `None` if it is not one.
/// A bare domain such as `www.example.be` gets `https://`.
pub fn website_url(website: &str) -> Option<String> {
    let website = website.split(';').next()?.trim();
    if website.is_empty() || website.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = website.to_ascii_lowercase();
    let url = if lower.starts_with("https://") || lower.starts_with("http://") {
        website.to_owned()
    } else if lower.contains("://")
        || lower.starts_with("javascript:")
        || lower.starts_with("data:")
    {
        return None;
    } else {
        format!("https://{website}")
    };
    let host = url.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (host.contains('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-'))
    .then_some(url)
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces), or `None`.
pub fn email(email: &str) -> Option<String> {
    let email = email.split(';').next()?.trim();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && !domain.contains('@');
    ok.then(|| email.to_owned())
}

/// OpenStreetMap directions to a point (the visitor's start is left for them to fill in).
pub fn directions_url(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/directions?route=%3B{lat:.6}%2C{lon:.6}#map=18/{lat:.6}/{lon:.6}")
}

/// A `geo:` URI (RFC 5870) that opens the phone's map app at the shop, labelled with its name
/// (the `q` query understood by Android and most map apps).
pub fn geo_uri(lat: f64, lon: f64, name: &str) -> String {
    let label: String = name
        .chars()
        .map(|c| match c {
            ' ' => "+".to_owned(),
            c if c.is_ascii_alphanumeric() || "-._~".contains(c) => c.to_string(),
            c => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect();
    format!("geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}({label})")
}
