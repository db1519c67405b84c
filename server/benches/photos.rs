//! Peak memory of photo processing (run with `cargo bench -p server --bench photos`): the
//! largest photos the server accepts (40 megapixels, under 10 MB), processed one at a time and
//! two at a time (the server processes at most two at once). Prints the process's peak resident
//! memory above what it held before (Linux: `VmHWM`, reset through `/proc/self/clear_refs`).

use std::io::Cursor;
use std::time::Instant;

use app::server::PhotoStore;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use server::photos::{process, DiskPhotos, MAX_PIXELS};

/// A field of the process's `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Makes the peak resident size start again from the current one.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The largest accepted size with a phone's 4:3 shape.
fn largest_4_3() -> (u32, u32) {
    let width = ((MAX_PIXELS as f64 * 4.0 / 3.0).sqrt()) as u32;
    let height = (MAX_PIXELS / u64::from(width)) as u32;
    (width, height)
}

/// A 40 MP JPEG under 10 MB (smooth gradients with some texture, as a photo).
fn big_jpeg() -> Vec<u8> {
    let (width, height) = largest_4_3();
    let picture = RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            (((x / 7) ^ (y / 5)) & 0x3f) as u8 + 96,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&picture)
        .unwrap();
    out
}

/// A 40 MP PNG with transparency under 10 MB (decoded as RGBA: the most memory per pixel).
fn big_png() -> Vec<u8> {
    let (width, height) = largest_4_3();
    let picture = RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x / 64) as u8,
            (y / 64) as u8,
            128,
            if x < width / 2 { 255 } else { 128 },
        ])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(Cursor::new(&mut out))
        .write_image(
            picture.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

fn measure(name: &str, bytes: &[u8]) {
    let before = status_kib("VmRSS:");
    reset_peak();
    let started = Instant::now();
    let processed = process(bytes).expect("accepted");
    let elapsed = started.elapsed();
    let peak = status_kib("VmHWM:");
    println!(
        "{name}: {:.1} MB file → {} KB large + {} KB thumb in {:.2} s; peak RSS {} MiB ({} MiB above the {} MiB before)",
        bytes.len() as f64 / 1e6,
        processed.large.len() / 1024,
        processed.thumb.len() / 1024,
        elapsed.as_secs_f64(),
        peak / 1024,
        peak.saturating_sub(before) / 1024,
        before / 1024,
    );
}

fn main() {
    let (width, height) = largest_4_3();
    println!("largest accepted photo: {width} × {height} ({MAX_PIXELS} pixels at most)");
    let jpeg = big_jpeg();
    let png = big_png();
    assert!(jpeg.len() <= app::server::PHOTO_MAX_BYTES, "{}", jpeg.len());
    assert!(png.len() <= app::server::PHOTO_MAX_BYTES, "{}", png.len());
    measure("JPEG (RGB)", &jpeg);
    measure("PNG with transparency (RGBA)", &png);

    // Four uploads at once through the server's photo store: two are processed, two wait.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let photos = std::sync::Arc::new(DiskPhotos::new(dir.path()).unwrap());
    let before = status_kib("VmRSS:");
    reset_peak();
    let started = Instant::now();
    runtime.block_on(async {
        let mut uploads = Vec::new();
        for bytes in [&png, &png, &png, &png] {
            let photos = photos.clone();
            let bytes = bytes.clone();
            uploads.push(tokio::spawn(async move { photos.save(bytes).await }));
        }
        for upload in uploads {
            upload.await.unwrap().expect("saved");
        }
    });
    let peak = status_kib("VmHWM:");
    println!(
        "four 40 MP PNG uploads at once (two processed at a time): {:.2} s; peak RSS {} MiB ({} MiB above the {} MiB before, the four uploads' bytes included)",
        started.elapsed().as_secs_f64(),
        peak / 1024,
        peak.saturating_sub(before) / 1024,
        before / 1024
    );
}
