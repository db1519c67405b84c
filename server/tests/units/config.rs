//! Configuration: defaults, and a clear message naming any invalid setting.

use std::collections::HashMap;

use server::config::{Config, ConfigError};

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| map.get(name).cloned())
}

#[test]
fn defaults_work_out_of_the_box() {
    let c = config(&[]).unwrap();
    assert_eq!(c.database_url, "sqlite://./data/quartier.db");
    assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(c.base_url, "http://127.0.0.1:3000");
    assert_eq!(c.timezone, chrono_tz::Europe::Brussels);
    assert_eq!(c.default_locale.code(), "fr");
    assert_eq!(c.town_slug, None);
    assert!(
        !c.push_allow_loopback,
        "loopback push endpoints only when asked"
    );
}

#[test]
fn settings_are_read() {
    let c = config(&[
        ("DATABASE_URL", "postgres://q@127.0.0.1/quartier"),
        ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"),
        ("QUARTIER_BASE_URL", "https://habay.example.be/"),
        ("QUARTIER_TIMEZONE", "Europe/Amsterdam"),
        ("QUARTIER_DEFAULT_LOCALE", "en"),
        ("QUARTIER_TOWN", "habay"),
        ("QUARTIER_LOG_FORMAT", "json"),
        ("QUARTIER_PUSH_ALLOW_LOOPBACK", "true"),
        ("QUARTIER_VAPID_SUBJECT", "mailto:commerce@habay.be"),
    ])
    .unwrap();
    assert!(c.push_allow_loopback);
    assert_eq!(c.vapid_subject.as_deref(), Some("mailto:commerce@habay.be"));
    assert_eq!(c.base_url, "https://habay.example.be");
    assert_eq!(c.site_addr.port(), 8080);
    assert_eq!(c.default_locale.code(), "en");
    assert_eq!(c.town_slug.as_deref(), Some("habay"));
    assert!(c.log_json);
}

#[test]
fn invalid_settings_are_named() {
    let cases = [
        ("DATABASE_URL", "mysql://x"),
        ("DATABASE_URL", "sqlite://"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("QUARTIER_BASE_URL", "habay.be"),
        ("QUARTIER_TIMEZONE", "Europe/Habay"),
        ("QUARTIER_DEFAULT_LOCALE", "xx"),
        ("QUARTIER_TOWN", "Not A Slug"),
        ("QUARTIER_LOG_FORMAT", "xml"),
        ("QUARTIER_PUSH_ALLOW_LOOPBACK", "yes please"),
        ("QUARTIER_VAPID_SUBJECT", "commerce@habay.be"),
        ("QUARTIER_VAPID_SUBJECT", "mailto:nobody"),
        ("QUARTIER_VAPID_SUBJECT", "http://habay.be/contact"),
    ];
    for (name, value) in cases {
        let error = config(&[(name, value)]).unwrap_err();
        assert_eq!(error.name, name);
        assert!(
            error
                .to_string()
                .starts_with(&format!("invalid setting {name}:")),
            "{error}"
        );
    }
    let error = config(&[("DATABASE_URL", "mysql://root:hunter2@db/q")]).unwrap_err();
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[test]
fn mail_settings_are_checked() {
    // Without SMTP, sign-in links go to the log: nothing to configure for a first try.
    assert_eq!(config(&[]).unwrap().smtp, None);
    let ok = config(&[
        ("QUARTIER_SMTP_HOST", "smtp.habay.be"),
        ("QUARTIER_SMTP_FROM", "Quartier Habay <quartier@habay.be>"),
        ("QUARTIER_SMTP_USERNAME", "quartier"),
        ("QUARTIER_SMTP_PASSWORD", "secret"),
    ])
    .unwrap()
    .smtp
    .unwrap();
    assert_eq!(ok.port, 587, "starttls by default");
    assert_eq!(ok.tls, server::config::SmtpTls::StartTls);
    let tls = config(&[
        ("QUARTIER_SMTP_HOST", "smtp.habay.be"),
        ("QUARTIER_SMTP_TLS", "tls"),
        ("QUARTIER_SMTP_FROM", "quartier@habay.be"),
    ])
    .unwrap()
    .smtp
    .unwrap();
    assert_eq!(tls.port, 465);
    for (vars, name) in [
        (
            vec![("QUARTIER_SMTP_HOST", "smtp.habay.be")],
            "QUARTIER_SMTP_FROM",
        ),
        (
            vec![
                ("QUARTIER_SMTP_HOST", "smtp.habay.be"),
                ("QUARTIER_SMTP_FROM", "not an address"),
            ],
            "QUARTIER_SMTP_FROM",
        ),
        (
            vec![
                ("QUARTIER_SMTP_HOST", "smtp.habay.be"),
                ("QUARTIER_SMTP_FROM", "q@habay.be"),
                ("QUARTIER_SMTP_TLS", "ssl3"),
            ],
            "QUARTIER_SMTP_TLS",
        ),
        (
            vec![
                ("QUARTIER_SMTP_HOST", "smtp.habay.be"),
                ("QUARTIER_SMTP_FROM", "q@habay.be"),
                ("QUARTIER_SMTP_USERNAME", "quartier"),
            ],
            "QUARTIER_SMTP_USERNAME",
        ),
        (
            vec![
                ("QUARTIER_SMTP_HOST", "smtp.habay.be"),
                ("QUARTIER_SMTP_FROM", "q@habay.be"),
                ("QUARTIER_SMTP_PORT", "smtp"),
            ],
            "QUARTIER_SMTP_PORT",
        ),
        (
            vec![("QUARTIER_CLIENT_IP_HEADER", "bad header")],
            "QUARTIER_CLIENT_IP_HEADER",
        ),
    ] {
        let error = config(&vars).unwrap_err();
        assert_eq!(error.name, name, "{vars:?}: {error}");
    }
    assert_eq!(
        config(&[("QUARTIER_MEDIA_DIR", "/srv/quartier/media")])
            .unwrap()
            .media_dir,
        std::path::PathBuf::from("/srv/quartier/media")
    );
}

#[test]
fn production_needs_a_vapid_contact() {
    let error = config(&[("QUARTIER_BASE_URL", "https://habay.example.be")]).unwrap_err();
    assert_eq!(error.name, "QUARTIER_VAPID_SUBJECT");
    let c = config(&[
        ("QUARTIER_BASE_URL", "https://habay.example.be"),
        ("QUARTIER_VAPID_SUBJECT", "https://habay.example.be/contact"),
    ])
    .unwrap();
    assert_eq!(
        c.vapid_subject.as_deref(),
        Some("https://habay.example.be/contact")
    );
    // Development over http: optional.
    assert_eq!(config(&[]).unwrap().vapid_subject, None);
}
