//! The compiled front end (`/pkg/…`): compressed once, when the server starts, into `.br` and
//! `.gz` files beside each file, then served as they are with `Content-Encoding` and
//! `Vary: Accept-Encoding`. File names that carry the build's hash (`quartier.3f2a….wasm`) are
//! cached for a year. (The site's other files are compressed as they are sent.)

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::prelude::LeptosOptions;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Extensions worth compressing (text and WebAssembly; images and fonts are compressed already).
const COMPRESSIBLE: &[&str] = &["js", "mjs", "wasm", "css", "svg", "json", "webmanifest"];

/// Writes `name.br` and `name.gz` beside every compressible file of the site's `pkg/`, unless
/// they are already there and newer. A file that cannot be written is logged and served
/// uncompressed from then on.
pub fn precompress(options: &LeptosOptions) {
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let mut files = Vec::new();
    collect(&pkg, 0, &mut files);
    for file in files {
        if let Err(error) = precompress_file(&file) {
            tracing::warn!(%error, file = %file.display(), "cannot write a compressed copy");
        }
    }
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // cargo-leptos writes pkg/ flat; a level below is kept for safety.
            if depth < 1 {
                collect(&path, depth + 1, out);
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e))
        {
            out.push(path);
        }
    }
}

fn precompress_file(file: &Path) -> std::io::Result<()> {
    let modified = std::fs::metadata(file)?.modified()?;
    let fresh = |suffix: &str| {
        let copy = with_suffix(file, suffix);
        std::fs::metadata(copy)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= modified)
    };
    if fresh("br") && fresh("gz") {
        return Ok(());
    }
    let bytes = std::fs::read(file)?;

    let mut brotli = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut brotli, &params)?;
    write_atomically(&with_suffix(file, "br"), &brotli)?;

    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&bytes)?;
    write_atomically(&with_suffix(file, "gz"), &gzip.finish()?)?;
    Ok(())
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Another instance may be serving the same directory: readers see the old file or the new.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = with_suffix(path, &format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// `/pkg/…`: the compiled front end, precompressed. With hashed names (cargo-leptos's
/// `hash-files`), each file is immutable; without, the browser revalidates each time.
pub fn pkg_routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let service = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    Router::new().nest_service(
        &format!("/{}", options.site_pkg_dir),
        tower::ServiceBuilder::new()
            // Caches keep the brotli, gzip and plain answers apart.
            .layer(SetResponseHeaderLayer::appending(
                header::VARY,
                HeaderValue::from_static("accept-encoding"),
            ))
            // Only found files: a missing one may exist after the next deployment.
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                move |response: &axum::http::Response<_>| {
                    response
                        .status()
                        .is_success()
                        .then(|| HeaderValue::from_static(cache))
                },
            ))
            .service(service),
    )
}
