//! `quartier town add|list|set`: towns added and changed from the command line, each setting
//! checked as the environment variable it overrides, on a SQLite file.

use app::server::store::prelude::*;
use clap::Parser;
use server::cli::{Cli, Command};
use server::config::Config;

fn config(database_url: &str) -> Config {
    Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(database_url.to_owned()),
        "QUARTIER_BASE_URL" => Some("https://quartier.example.be".to_owned()),
        "QUARTIER_VAPID_SUBJECT" => Some("mailto:ops@quartier.example.be".to_owned()),
        _ => None,
    })
    .unwrap()
}

/// Runs `quartier town ARGS…`: what it prints, or its error.
async fn town(config: &Config, args: &[&str]) -> Result<String, String> {
    let cli =
        Cli::try_parse_from(["quartier", "town"].iter().chain(args)).map_err(|e| e.to_string())?;
    let Some(Command::Town { command }) = cli.command else {
        panic!("not a town command");
    };
    server::cli::town::run(config, command).await
}

#[tokio::test]
async fn towns_are_added_listed_and_changed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("q.db").display());
    let config = config(&url);

    let empty = town(&config, &["list"]).await.unwrap();
    assert!(empty.contains("No town yet"), "{empty}");

    let added = town(
        &config,
        &[
            "add",
            "arlon",
            "--name",
            "Arlon",
            "--host",
            "Arlon.Example.BE",
            "--locale",
            "nl",
            "--mail-from",
            "Quartier Arlon <quartier@arlon.be>",
        ],
    )
    .await
    .unwrap();
    assert!(added.contains("https://arlon.example.be"), "{added}");
    town(&config, &["add", "habay", "--name", "Habay"])
        .await
        .unwrap();

    // Commands about one town ask which, once there are several.
    let vapid = Cli::try_parse_from(["quartier", "vapid"]).unwrap().command;
    let error = server::cli::run(vapid, config.clone()).await.unwrap_err();
    assert!(error.contains("several towns (arlon, habay)"), "{error}");
    let vapid = Cli::try_parse_from(["quartier", "vapid", "--town", "arlon"])
        .unwrap()
        .command;
    server::cli::run(vapid, config.clone()).await.unwrap();

    let listed = town(&config, &["list"]).await.unwrap();
    assert!(listed.contains("arlon (Arlon)"), "{listed}");
    assert!(
        listed.contains("host:             arlon.example.be"),
        "{listed}"
    );
    assert!(listed.contains("language:         nl"), "{listed}");
    assert!(listed.contains("any host no other town claims"), "{listed}");
    assert!(
        listed.contains("language:         fr (instance)"),
        "{listed}"
    );
    assert!(
        listed.contains("public URL:       https://quartier.example.be"),
        "{listed}"
    );

    // Each value is checked as the setting it overrides, and nothing is saved on an error.
    let refused = [
        (
            vec!["set", "habay", "--host", "habay.example.be:8443"],
            "not a host name",
        ),
        (
            vec!["set", "habay", "--host", "https://habay.example.be"],
            "not a host name",
        ),
        (
            vec!["set", "habay", "--locale", "es"],
            "QUARTIER_DEFAULT_LOCALE",
        ),
        (
            vec![
                "set",
                "habay",
                "--tile-url",
                "https://tiles.example.be/x.png",
            ],
            "QUARTIER_TILE_URL",
        ),
        (
            vec!["set", "habay", "--vapid-subject", "commerce@habay.be"],
            "QUARTIER_VAPID_SUBJECT",
        ),
        (
            vec!["set", "habay", "--mail-from", "not an address"],
            "QUARTIER_SMTP_FROM",
        ),
        (
            vec!["set", "habay", "--base-url", "https://habay.example.be/app"],
            "QUARTIER_BASE_URL",
        ),
        (
            vec!["set", "habay", "--timezone", "Mars/Olympus"],
            "QUARTIER_TIMEZONE",
        ),
        (
            vec!["set", "habay", "--host", "arlon.example.be"],
            "another town is served on arlon.example.be",
        ),
        (vec!["set", "namur", "--name", "Namur"], "no town 'namur'"),
        (
            vec!["add", "arlon", "--name", "Arlon"],
            "there is a town 'arlon' already",
        ),
        (vec!["add", "Bad Slug", "--name", "X"], "not a town slug"),
        (
            vec![
                "add",
                "namur",
                "--name",
                "Namur",
                "--host",
                "arlon.example.be",
            ],
            "another town is served on arlon.example.be",
        ),
        (
            vec![
                "set",
                "habay",
                "--host",
                "habay.example.be",
                "--base-url",
                "https://www.habay.example.be",
            ],
            "not on the host name",
        ),
        (
            vec![
                "set",
                "habay",
                "--base-url",
                "https://habay.example.be/#top",
            ],
            "QUARTIER_BASE_URL",
        ),
    ];
    for (args, expected) in refused {
        let error = town(&config, &args).await.expect_err(&args.join(" "));
        assert!(error.contains(expected), "{args:?}: {error}");
    }

    assert!(
        town(&config, &["list"])
            .await
            .unwrap()
            .matches(" (")
            .count()
            >= 2
            && !town(&config, &["list"]).await.unwrap().contains("namur"),
        "a refused town is not added"
    );
    town(
        &config,
        &[
            "set",
            "habay",
            "--host",
            "habay.example.be",
            "--tile-url",
            "none",
            "--timezone",
            "Europe/Brussels",
        ],
    )
    .await
    .unwrap();
    let store = server::db::SqlStore::connect(&url).await.unwrap();
    let habay = store.town_by_slug("habay").await.unwrap().unwrap();
    assert_eq!(habay.host.as_deref(), Some("habay.example.be"));
    assert_eq!(habay.tile_url.as_deref(), Some("none"));
    assert_eq!(habay.default_locale, None, "left alone");
    // An empty value goes back to the instance's setting.
    town(&config, &["set", "arlon", "--locale", "", "--host", ""])
        .await
        .unwrap();
    let arlon = store.town_by_slug("arlon").await.unwrap().unwrap();
    assert_eq!(arlon.default_locale, None);
    assert_eq!(arlon.host, None);
    assert_eq!(
        arlon.mail_from.as_deref(),
        Some("Quartier Arlon <quartier@arlon.be>")
    );
}

/// `quartier import-osm FILE --town arlon` after `quartier town add arlon --name Arlon …` (as the
/// README says): the shops go to that town, whose name, time zone and settings stay as set,
/// whether it is named by its slug or its name; a town not yet there is created.
#[tokio::test]
async fn importing_shops_into_a_town_keeps_its_name_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("q.db").display());
    let config = config(&url);
    town(
        &config,
        &[
            "add",
            "arlon",
            "--name",
            "Arlon",
            "--host",
            "arlon.example.be",
            "--timezone",
            "Europe/Luxembourg",
        ],
    )
    .await
    .unwrap();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("test")
        .join("habay-shops-2016.geojson");
    let store = server::db::SqlStore::connect(&url).await.unwrap();
    for named in ["arlon", "Arlon"] {
        server::cli::import_osm::run(&config, &file, named)
            .await
            .unwrap();
        let arlon = store.town_by_slug("arlon").await.unwrap().unwrap();
        assert_eq!(arlon.name, "Arlon", "--town {named}");
        assert_eq!(arlon.timezone, "Europe/Luxembourg", "--town {named}");
        assert_eq!(arlon.host.as_deref(), Some("arlon.example.be"));
    }
    let all = app::server::ShopFilter::default();
    let shops = store.shops(arlon_id(&store).await, &all).await.unwrap();
    assert!(shops.len() > 20, "{} shops", shops.len());

    server::cli::import_osm::run(&config, &file, "Habay-la-Neuve")
        .await
        .unwrap();
    let new = store.town_by_slug("habay-la-neuve").await.unwrap().unwrap();
    assert_eq!(new.name, "Habay-la-Neuve");
    assert_eq!(new.timezone, config.timezone.name());
    assert_eq!(store.shops(new.id, &all).await.unwrap().len(), shops.len());
}

async fn arlon_id(store: &server::db::SqlStore) -> i64 {
    store.town_by_slug("arlon").await.unwrap().unwrap().id
}
