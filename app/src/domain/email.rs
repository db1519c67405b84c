//! E-mail addresses as people type them: trimmed, lower-cased, checked for the shape every
//! mail server accepts (RFC 5321 lengths, one `@`, a domain with a dot, no spaces or quotes).

/// The address to store and send to, or `None` if it cannot be one.
pub fn normalize_email(input: &str) -> Option<String> {
    let email = input.trim().to_lowercase();
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = email.rsplit_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    (local_ok && domain_ok).then_some(email)
}

/// `j…@example.be`: enough for the owner to recognise, little for anyone else.
pub fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_or_refused() {
        assert_eq!(
            normalize_email("  Marie.Dupont@Habay.BE "),
            Some("marie.dupont@habay.be".into())
        );
        assert_eq!(
            normalize_email("a+tag@élan.be"),
            Some("a+tag@élan.be".into())
        );
        for bad in [
            "",
            "marie",
            "marie@",
            "@habay.be",
            "marie@habay",
            "marie dupont@habay.be",
            "marie@habay..be",
            ".marie@habay.be",
            "marie@-habay.be",
            "<script>@habay.be",
            "marie@habay.be\r\nBcc: x@y.z",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad:?}");
        }
        assert_eq!(
            normalize_email(&format!("{}@habay.be", "a".repeat(65))),
            None
        );
        assert_eq!(masked_email("marie@habay.be"), "m…@habay.be");
    }
}
