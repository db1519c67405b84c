//! Progressive Web App files: the manifest, the service worker and the offline page.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use app::server::request_locale;
use axum::extract::State;
use axum::http::{header, request::Parts};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::LeptosOptions;

use crate::web::routes::RouterState;

const SERVICE_WORKER_TEMPLATE: &str = include_str!("sw.js");

/// Identifies one build of the front end; the service worker's cache names carry it, so every
/// new build replaces the cached app shell.
#[derive(Clone, Debug)]
pub struct BuildInfo {
    pub version: String,
    pub output_name: String,
    /// What the worker pre-caches with the build: what reading a page offline needs (this
    /// build's style sheet, the site's small scripts). Scripts and WebAssembly of islands are
    /// kept the first time a page loads them: a resident's first visit downloads no code a
    /// page of theirs has not asked for.
    pub assets: Vec<String>,
    /// The URL of this build's style sheet (hashed in a release build).
    pub stylesheet: String,
}

/// Files of `public/` that the service worker pre-caches with the build (the map's scripts are
/// kept when the map is first opened).
const PUBLIC_ASSETS: &[&str] = &[
    "/register-sw.js",
    "/favicon.ico",
    "/pending-posts.js",
    "/push.js",
    "/passkeys.js",
];

/// Files of `public/` the worker keeps only once a page uses them, cache-first: they count in the
/// build's version all the same, so that a new map script replaces the kept one.
const PUBLIC_ON_USE: &[&str] = &["/map.js", "/leaflet/leaflet.js", "/leaflet/leaflet.css"];

impl BuildInfo {
    /// Hashes the compiled front end (`pkg/`), the public scripts and the service worker itself.
    pub fn from_site(options: &LeptosOptions) -> BuildInfo {
        let mut hasher = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        SERVICE_WORKER_TEMPLATE.hash(&mut hasher);
        let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let current = current_hashed_names(options);
        let mut files: Vec<_> = std::fs::read_dir(&pkg)
            .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        // With hashed names, only this build's files (earlier builds' may still be there).
        if let Some(current) = &current {
            files.retain(|f| {
                f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| current.iter().any(|c| c == n))
            });
        }
        files.sort();
        let mut assets = Vec::new();
        for file in files {
            file.file_name().hash(&mut hasher);
            if let Ok(bytes) = std::fs::read(&file) {
                bytes.hash(&mut hasher);
            }
            let is_asset = file.extension().is_some_and(|e| e == "css");
            if let (true, Some(name)) = (is_asset, file.file_name().and_then(|n| n.to_str())) {
                assets.push(format!("/{}/{name}", options.site_pkg_dir));
            }
        }
        // The site's own small scripts, also needed offline.
        for path in PUBLIC_ASSETS {
            let file = Path::new(options.site_root.as_ref()).join(path.trim_start_matches('/'));
            if let Ok(bytes) = std::fs::read(&file) {
                path.hash(&mut hasher);
                bytes.hash(&mut hasher);
                assets.push((*path).to_owned());
            }
        }
        for path in PUBLIC_ON_USE {
            let file = Path::new(options.site_root.as_ref()).join(path.trim_start_matches('/'));
            if let Ok(bytes) = std::fs::read(&file) {
                path.hash(&mut hasher);
                bytes.hash(&mut hasher);
            }
        }
        let stylesheet = assets
            .iter()
            .find(|a| a.ends_with(".css") && a.starts_with(&format!("/{}/", options.site_pkg_dir)))
            .cloned()
            .unwrap_or_else(|| format!("/{}/{}.css", options.site_pkg_dir, options.output_name));
        BuildInfo {
            stylesheet,
            version: format!("{:016x}", hasher.finish()),
            output_name: options.output_name.to_string(),
            assets,
        }
    }
}

/// This build's file names in `pkg/` when cargo-leptos hashed them (`hash.txt`, beside the
/// server's executable, as Leptos reads it): `quartier.<hash>.js`, `.wasm`, `.css` and the
/// split loader.
fn current_hashed_names(options: &LeptosOptions) -> Option<Vec<String>> {
    if !options.hash_files {
        return None;
    }
    let file = std::env::current_exe()
        .ok()?
        .parent()?
        .join(options.hash_file.as_ref());
    let hashes = std::fs::read_to_string(file).ok()?;
    let names: Vec<String> = hashes
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter_map(|(kind, hash)| {
            let hash = hash.trim();
            match kind.trim() {
                kind @ ("js" | "wasm" | "css") => {
                    Some(format!("{}.{hash}.{kind}", options.output_name))
                }
                // The loader of lazily loaded islands (`cargo leptos build --split`); the
                // islands' own files are kept by the worker the first time a page uses them.
                "split" => Some(format!("__wasm_split.{hash}.js")),
                _ => None,
            }
        })
        .collect();
    (!names.is_empty()).then_some(names)
}

/// `/sw.js`, from the root so that its scope is the whole site.
pub async fn service_worker(State(state): State<RouterState>) -> Response {
    let pkg = format!("/{}", state.leptos_options.site_pkg_dir);
    let body = SERVICE_WORKER_TEMPLATE
        .replace("__BUILD_VERSION__", &state.build.version)
        .replace("__PKG__", &pkg)
        .replace(
            "\"__ASSETS__\"",
            &serde_json::to_string(&state.build.assets).unwrap_or_else(|_| "[]".into()),
        );
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `/manifest.webmanifest` (W3C Web App Manifest).
pub async fn manifest(State(state): State<RouterState>, parts: Parts) -> Response {
    // Each town's site installs as its own app, named after the town.
    let town = app::server::request_town(&parts);
    let locale = match &town {
        Some(town) => state.app.settings.locale_of(town),
        None => state.app.settings.default_locale,
    };
    let name = match &town {
        Some(town) => format!("Quartier · {}", town.name),
        None => "Quartier".to_owned(),
    };
    let manifest = serde_json::json!({
        "id": "/",
        "name": name,
        "short_name": "Quartier",
        "description": locale.t("meta.description"),
        "lang": locale.code(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0b5d4b",
        "background_color": "#ffffff",
        "categories": ["shopping", "lifestyle"],
        // A long press on the installed icon: straight to one's feed, or to the counter.
        "shortcuts": [
            { "name": locale.t("nav.feed"), "url": "/feed", "icons": [{ "src": "/icons/icon-192.png", "sizes": "192x192" }] },
            { "name": locale.t("counter.title"), "url": "/counter", "icons": [{ "src": "/icons/icon-192.png", "sizes": "192x192" }] }
        ],
        "icons": [
            { "src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any" },
            { "src": "/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
            { "src": "/icons/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" }
        ]
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        manifest.to_string(),
    )
        .into_response()
}

/// `/offline`: what the service worker shows when a page is neither reachable nor cached.
pub async fn offline_page(State(state): State<RouterState>, parts: Parts) -> Response {
    let locale = request_locale(Some(&parts), state.app.settings.default_locale);
    let css = &state.build.stylesheet;
    let html = format!(
        r##"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Quartier</title>
<link rel="stylesheet" href="{css}">
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="#0b5d4b">
<script src="/register-sw.js" defer></script>
</head>
<body>
<header class="site-header"><a class="brand" href="/"><img src="/icons/icon.svg" alt="" width="32" height="32"><span>Quartier</span></a></header>
<main id="main" class="page offline">
<h1>{title}</h1>
<p>{text}</p>
<p><a class="button" href="">{retry}</a></p>
</main>
</body>
</html>"##,
        lang = locale.code(),
        title = escape(&locale.t("offline.title")),
        text = escape(&locale.t("offline.text")),
        retry = escape(&locale.t("offline.retry")),
    );
    ([(header::VARY, "Accept-Language, Cookie")], Html(html)).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
