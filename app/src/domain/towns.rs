//! A town: what one site of a deployment serves. A deployment may serve many, each on its own
//! host name; a town's own settings override the instance's.

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Town {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// IANA time zone name, e.g. `Europe/Brussels`.
    pub timezone: String,
    /// The host name it is served on (`habay.example.be`: lower case, no port). `None`: any
    /// host no other town claims.
    pub host: Option<String>,
    /// Its public base URL, without a trailing slash. `None`: the instance's URL with this
    /// town's host name (or the instance's URL itself when the town has no host).
    pub base_url: Option<String>,
    /// Language for visitors who chose none (`fr`, `nl`, `de`, `en`). `None`: the instance's.
    pub default_locale: Option<String>,
    /// The VAPID `sub` contact of its pushes. `None`: the instance's.
    pub vapid_subject: Option<String>,
    /// Map tiles (`https://…/{z}/{x}/{y}.png`, or `none`). `None`: the instance's.
    pub tile_url: Option<String>,
    /// The tiles' credit. `None`: the instance's.
    pub tile_attribution: Option<String>,
    /// The sender of its e-mails (`Quartier Arlon <quartier@arlon.be>`). `None`: the instance's.
    pub mail_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewTown {
    pub slug: String,
    pub name: String,
    pub timezone: String,
}

/// A request's host name as towns are matched by it: the `Host` header (or the URL's
/// authority) without its port, lower case, without a final dot. `None` when it is not a
/// plausible host name.
pub fn normalize_host(host: &str) -> Option<String> {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // An IPv6 literal: `[::1]:3000`.
        &host[..rest.find(']')? + 2]
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(name, _)| name)
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::normalize_host;

    #[test]
    fn hosts_are_compared_without_port_case_or_final_dot() {
        assert_eq!(
            normalize_host("Habay.Example.BE").as_deref(),
            Some("habay.example.be")
        );
        assert_eq!(
            normalize_host("habay.example.be:8443").as_deref(),
            Some("habay.example.be")
        );
        assert_eq!(
            normalize_host("habay.example.be.").as_deref(),
            Some("habay.example.be")
        );
        assert_eq!(
            normalize_host("127.0.0.1:3000").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(normalize_host("[::1]:3000").as_deref(), Some("[::1]"));
        assert_eq!(normalize_host("").as_deref(), None);
        assert_eq!(normalize_host("a b").as_deref(), None);
        assert_eq!(normalize_host("évil.be").as_deref(), None);
        assert_eq!(normalize_host("x/y").as_deref(), None);
    }
}
