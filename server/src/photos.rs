//! Photos of posts: checked, decoded and re-encoded on the server. Whatever arrives (JPEG,
//! PNG or WebP up to 10 MB), what is kept is a fresh JPEG in two sizes, turned upright, without
//! any of the original's metadata (EXIF, GPS position, camera serial…), under a name made of
//! its content's hash so it can be cached for ever.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use app::server::{PhotoError, PhotoStore, PHOTO_MAX_BYTES};
use async_trait::async_trait;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

/// Longest side of the large version (a phone screen at 2×, a poster).
pub const LARGE_SIDE: u32 = 1600;
/// Longest side of the thumbnail (cards in feeds).
pub const THUMB_SIDE: u32 = 480;
/// Pictures larger than this (in pixels per side) are refused before decoding.
const MAX_SIDE: u32 = 12_000;
/// Pictures with more pixels than this are refused before decoding (a 40 MP phone photo is
/// about 7 300 × 5 500); with the one decoded copy, this bounds the memory a photo takes.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most memory a decoded picture may take (40 MP at 4 bytes a pixel: 8-bit RGBA; a 16-bit
/// picture may then have half as many pixels).
pub const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;
/// Photos processed at once (each may hold a decoded picture of up to [`MAX_DECODED_BYTES`]).
pub const PHOTOS_AT_ONCE: usize = 2;

/// The two JPEG files made from an upload.
pub struct Processed {
    pub large: Vec<u8>,
    pub thumb: Vec<u8>,
    /// 32 hex digits of the SHA-256 of the large file.
    pub name: String,
}

/// HEIF/HEIC and AVIF files start with an ISO-BMFF `ftyp` box naming their brand.
fn heif_brand(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    match &bytes[8..12] {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
            Some("HEIC")
        }
        b"avif" | b"avis" => Some("AVIF"),
        _ => None,
    }
}

/// Whether a JPEG file is complete: walking its segments from the start (so that a thumbnail
/// inside EXIF does not count), the scan data of the image must be followed by an end marker.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    while i + 2 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        match marker {
            0xFF => {
                i += 1; // fill byte
                continue;
            }
            0xD8 | 0x01 | 0xD0..=0xD7 => {
                i += 2;
                continue;
            }
            0xD9 => return true,
            _ => {}
        }
        if i + 4 > bytes.len() {
            return false;
        }
        let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let segment_end = i + 2 + length;
        if length < 2 || segment_end > bytes.len() {
            return false;
        }
        if marker != 0xDA {
            i = segment_end;
            continue;
        }
        // Entropy-coded data: ends at a marker other than a stuffed 0x00 or a restart marker.
        let mut j = segment_end;
        loop {
            if j + 1 >= bytes.len() {
                return false;
            }
            if bytes[j] == 0xFF && !matches!(bytes[j + 1], 0x00 | 0xD0..=0xD7 | 0xFF) {
                break;
            }
            j += 1;
        }
        i = j;
    }
    false
}

/// Decodes, turns upright, resizes and re-encodes a photo.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    if let Some(format) = heif_brand(bytes) {
        return Err(PhotoError::Unsupported(format));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAnImage)?;
    let format = reader.format().ok_or(PhotoError::NotAnImage)?;
    match format {
        ImageFormat::Jpeg => {
            if !jpeg_is_complete(bytes) {
                return Err(PhotoError::Unreadable);
            }
        }
        ImageFormat::Png | ImageFormat::WebP => {}
        _ => return Err(PhotoError::NotAnImage),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > MAX_DECODED_BYTES
    {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // One full-size copy only: shrunk first, turned upright afterwards (on the small copy).
    let picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    let mut large = shrink(picture, LARGE_SIDE);
    large.apply_orientation(orientation);
    let large = flatten(large);
    let thumb = shrink(DynamicImage::ImageRgb8(large.clone()), THUMB_SIDE).into_rgb8();
    let large = encode(&large, 82)?;
    let thumb = encode(&thumb, 75)?;
    let name = hex::encode(&Sha256::digest(&large)[..16]);
    Ok(Processed { large, thumb, name })
}

fn decode_error(error: image::ImageError) -> PhotoError {
    match error {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Unreadable,
    }
}

/// The picture fitted within `side` × `side`. A large reduction averages blocks of pixels
/// first (no intermediate copy of the full picture), then filters to the exact size.
fn shrink(picture: DynamicImage, side: u32) -> DynamicImage {
    if picture.width() <= side && picture.height() <= side {
        return picture;
    }
    let picture = if picture.width().max(picture.height()) > side * 2 {
        picture.thumbnail(side * 2, side * 2)
    } else {
        picture
    };
    picture.resize(side, side, FilterType::Triangle)
}

/// RGB on a white background (transparent PNG areas would otherwise turn black).
fn flatten(picture: DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn encode(picture: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(picture)
        .map_err(|e| PhotoError::Storage(e.to_string()))?;
    Ok(out)
}

/// Photos in a directory of the server (`QUARTIER_MEDIA_DIR`).
pub struct DiskPhotos {
    dir: PathBuf,
    /// At most [`PHOTOS_AT_ONCE`] decoded at a time; the others wait their turn.
    processing: std::sync::Arc<tokio::sync::Semaphore>,
}

impl DiskPhotos {
    pub fn new(dir: &Path) -> std::io::Result<DiskPhotos> {
        std::fs::create_dir_all(dir)?;
        Ok(DiskPhotos {
            dir: dir.to_owned(),
            processing: std::sync::Arc::new(tokio::sync::Semaphore::new(PHOTOS_AT_ONCE)),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Processes a photo off the async threads, at most [`PHOTOS_AT_ONCE`] at a time.
async fn process_in_turn(
    processing: &std::sync::Arc<tokio::sync::Semaphore>,
    bytes: Vec<u8>,
) -> Result<Processed, PhotoError> {
    // The turn goes with the work: if the request is dropped meanwhile, the decoding still
    // holds it until it ends.
    let turn = processing
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| PhotoError::Storage(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let processed = process(&bytes);
        drop(turn);
        processed
    })
    .await
    .map_err(|e| PhotoError::Storage(e.to_string()))?
}

#[async_trait]
impl PhotoStore for DiskPhotos {
    async fn save(&self, bytes: Vec<u8>) -> Result<String, PhotoError> {
        let processed = process_in_turn(&self.processing, bytes).await?;
        for (suffix, data) in [("l", &processed.large), ("t", &processed.thumb)] {
            let path = self.dir.join(format!("{}-{suffix}.jpg", processed.name));
            // Write then rename: a reader never sees half a file.
            let partial = path.with_extension("part");
            tokio::fs::write(&partial, data)
                .await
                .map_err(|e| PhotoError::Storage(e.to_string()))?;
            tokio::fs::rename(&partial, &path)
                .await
                .map_err(|e| PhotoError::Storage(e.to_string()))?;
        }
        Ok(processed.name)
    }

    /// Each file is first renamed aside, and only then its time read: an upload of the same
    /// picture (which writes by renaming too, see `save`) either lands before, and the file
    /// aside is recent and put back, or after, and stays. `true` when no file is left.
    async fn delete(&self, name: &str, written_before: SystemTime) -> Result<bool, PhotoError> {
        let storage = |e: std::io::Error| PhotoError::Storage(e.to_string());
        if !app::server::is_photo_name(name) {
            return Ok(false);
        }
        let mut gone = true;
        for suffix in ["l", "t"] {
            let file = self.dir.join(format!("{name}-{suffix}.jpg"));
            let mut tag = [0u8; 8];
            getrandom::fill(&mut tag).map_err(|e| PhotoError::Storage(e.to_string()))?;
            let aside = self
                .dir
                .join(format!("{name}-{suffix}.{}.deleting", hex::encode(tag)));
            match tokio::fs::rename(&file, &aside).await {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(storage(error)),
            }
            let written = tokio::fs::metadata(&aside)
                .await
                .and_then(|m| m.modified())
                .map_err(storage)?;
            if written >= written_before {
                // Recent: put back, unless an upload put the same picture there meanwhile.
                if tokio::fs::metadata(&file).await.is_err() {
                    tokio::fs::rename(&aside, &file).await.map_err(storage)?;
                } else {
                    tokio::fs::remove_file(&aside).await.map_err(storage)?;
                }
                gone = false;
            } else {
                tokio::fs::remove_file(&aside).await.map_err(storage)?;
            }
        }
        Ok(gone)
    }

    async fn list(&self) -> Result<Vec<(String, SystemTime)>, PhotoError> {
        let storage = |e: std::io::Error| PhotoError::Storage(e.to_string());
        let mut photos: std::collections::BTreeMap<String, SystemTime> = Default::default();
        let mut entries = tokio::fs::read_dir(&self.dir).await.map_err(storage)?;
        while let Some(entry) = entries.next_entry().await.map_err(storage)? {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if !is_media_name(&file_name) {
                continue;
            }
            let written = match entry.metadata().await.and_then(|m| m.modified()) {
                Ok(written) => written,
                // Deleted meanwhile.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(storage(error)),
            };
            let latest = photos
                .entry(file_name[..32].to_owned())
                .or_insert(SystemTime::UNIX_EPOCH);
            *latest = (*latest).max(written);
        }
        Ok(photos.into_iter().collect())
    }

    async fn read(&self, file: &str) -> Result<Option<Vec<u8>>, PhotoError> {
        if !is_media_name(file) {
            return Ok(None);
        }
        match tokio::fs::read(self.dir.join(file)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(PhotoError::Storage(error.to_string())),
        }
    }
}

/// Photos on an S3-compatible object store (`QUARTIER_MEDIA_URL`), shared by every instance,
/// through the `object_store` crate: each file is put whole (a reader never sees half of one).
pub struct ObjectPhotos {
    store: std::sync::Arc<dyn object_store::ObjectStore>,
    processing: std::sync::Arc<tokio::sync::Semaphore>,
}

impl ObjectPhotos {
    /// The bucket (and key prefix) `media` names, with its endpoint and credentials (else
    /// those the environment gives, as AWS tools find them: `AWS_SESSION_TOKEN`, a web
    /// identity or container role, the instance's role). Nothing is sent yet: see
    /// [`ObjectPhotos::check`].
    pub fn s3(media: &crate::config::S3Media) -> Result<ObjectPhotos, String> {
        use object_store::aws::AmazonS3Builder;
        use std::time::Duration;
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&media.bucket)
            .with_region(&media.region)
            // A slow or absent store answers a page's photo or an upload within seconds, not
            // after minutes of retries.
            .with_retry(object_store::RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(10),
                ..Default::default()
            })
            .with_client_options(
                object_store::ClientOptions::new()
                    .with_timeout(Duration::from_secs(20))
                    .with_connect_timeout(Duration::from_secs(5)),
            );
        if let Some(endpoint) = &media.endpoint {
            let http = url::Url::parse(endpoint).is_ok_and(|u| u.scheme() == "http");
            builder = builder.with_endpoint(endpoint).with_allow_http(http);
        }
        if let Some((key_id, secret)) = &media.credentials {
            builder = builder
                .with_access_key_id(key_id)
                .with_secret_access_key(secret);
        }
        let s3 = builder.build().map_err(|e| e.to_string())?;
        let store: std::sync::Arc<dyn object_store::ObjectStore> = if media.prefix.is_empty() {
            std::sync::Arc::new(s3)
        } else {
            std::sync::Arc::new(object_store::prefix::PrefixStore::new(
                s3,
                media.prefix.as_str(),
            ))
        };
        Ok(ObjectPhotos {
            store,
            processing: std::sync::Arc::new(tokio::sync::Semaphore::new(PHOTOS_AT_ONCE)),
        })
    }
}

impl ObjectPhotos {
    /// Lists the bucket once (at start): a missing bucket, refused credentials or an endpoint
    /// that does not answer stop the server, instead of photos failing one by one.
    pub async fn check(&self) -> Result<(), String> {
        self.store
            .list_with_delimiter(None)
            .await
            .map(|_| ())
            .map_err(|error| format!("the object store does not answer as expected: {error}"))
    }

    /// The object store of `media`, set up and checked (see [`ObjectPhotos::check`]): for the
    /// start and the commands. Errors name `QUARTIER_MEDIA_URL`.
    pub async fn connect(media: &crate::config::S3Media) -> Result<ObjectPhotos, String> {
        let photos = ObjectPhotos::set_up(media)?;
        photos.check().await.map_err(|e| {
            format!(
                "the object store of QUARTIER_MEDIA_URL cannot be used (check it, \
                 AWS_ENDPOINT_URL, AWS_REGION and the access keys): {e}"
            )
        })?;
        Ok(photos)
    }

    /// The object store of `media`, set up without a request; its error names the setting.
    fn set_up(media: &crate::config::S3Media) -> Result<ObjectPhotos, String> {
        ObjectPhotos::s3(media)
            .map_err(|e| format!("cannot set up the object store (QUARTIER_MEDIA_URL): {e}"))
    }
}

/// What [`ObjectPhotos::upload_dir`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Uploaded {
    /// Photo files put on the object store.
    pub copied: usize,
    /// Photo files already there, with the same size (photos are named by their content).
    pub present: usize,
    /// Files named as photos that are not whole ones (a large picture whose content is not
    /// its name's, a cut JPEG, over 16 MB, a link, a pipe), by name, and those that cannot be
    /// read, with why: left out, so that a damaged copy never replaces a good one.
    pub damaged: Vec<String>,
    /// Other entries of the directory, left alone (half-written `.part` files, anything else).
    pub skipped: usize,
}

/// A photo file of a directory, as [`open_photo_file`] finds it.
enum PhotoFile {
    /// Removed meanwhile.
    Gone,
    /// A link, a pipe, a device…: never read.
    NotRegular,
    /// A regular file, and its size.
    Regular(std::fs::File, u64),
}

/// Opens photo file `name` of `dir` without following a link (`O_NOFOLLOW`) nor waiting on a
/// pipe (`O_NONBLOCK`), and tells what it is from the opened file itself.
fn open_photo_file(dir: &Path, name: &str) -> Result<PhotoFile, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(dir.join(name));
    let file = match opened {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(PhotoFile::Gone),
        // A link (refused by O_NOFOLLOW), a socket.
        Err(error) if matches!(error.raw_os_error(), Some(libc::ELOOP | libc::ENXIO)) => {
            return Ok(PhotoFile::NotRegular)
        }
        Err(error) => return Err(format!("cannot read {name}: {error}")),
    };
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if !meta.is_file() {
        return Ok(PhotoFile::NotRegular);
    }
    // A regular file now: reads block again (some network file systems honour O_NONBLOCK).
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns, with flags it read just before.
        let unblocked = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
        };
        if !unblocked {
            let error = std::io::Error::last_os_error();
            return Err(format!("cannot read {name}: {error}"));
        }
    }
    Ok(PhotoFile::Regular(file, meta.len()))
}

/// The content of photo file `name` if it is a whole photo: a JPEG from its start marker to its
/// end marker and nothing after (as this software writes them), at most 16 MB, and for a large
/// picture, content whose hash is its name.
fn whole_photo(name: &str, file: std::fs::File) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(MAX_STORED_PHOTO + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    let whole = bytes.len() as u64 <= MAX_STORED_PHOTO
        && bytes.starts_with(&[0xFF, 0xD8])
        && bytes.ends_with(&[0xFF, 0xD9])
        && jpeg_is_complete(&bytes)
        && (!name.ends_with("-l.jpg") || hex::encode(&Sha256::digest(&bytes)[..16]) == name[..32]);
    Ok(whole.then_some(bytes))
}

impl ObjectPhotos {
    /// Puts the photo files of directory `from` (a photo directory, or a backup's `media/`) on
    /// the object store, leaving those already there (same name and size). Only regular files
    /// named as photos and whole are put (see [`whole_photo`]); other files named as photos are
    /// listed as damaged. For commands: it reads the directory with blocking calls.
    pub async fn upload_dir(&self, from: &Path) -> Result<Uploaded, String> {
        use object_store::ObjectStoreExt;
        let mut done = Uploaded::default();
        let entries = match std::fs::read_dir(from) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(done),
            Err(error) => return Err(format!("cannot read {}: {error}", from.display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().filter(|n| is_media_name(n)) else {
                done.skipped += 1;
                continue;
            };
            let (file, size) = match open_photo_file(from, name) {
                Ok(PhotoFile::Gone) => continue,
                Ok(PhotoFile::NotRegular) => {
                    done.damaged.push(name.to_owned());
                    continue;
                }
                Ok(PhotoFile::Regular(file, size)) => (file, size),
                // Unreadable (permissions, a disk error): named, and the others still put.
                Err(why) => {
                    done.damaged.push(why);
                    continue;
                }
            };
            let path = object_store::path::Path::from(name);
            match self.store.head(&path).await {
                Ok(meta) if meta.size == size => {
                    done.present += 1;
                    continue;
                }
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(format!("the object store refused {name}: {error}")),
            }
            let bytes = match whole_photo(name, file) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => {
                    done.damaged.push(name.to_owned());
                    continue;
                }
                Err(why) => {
                    done.damaged.push(why);
                    continue;
                }
            };
            self.store
                .put(&path, object_store::PutPayload::from(bytes))
                .await
                .map_err(|error| format!("the object store refused {name}: {error}"))?;
            done.copied += 1;
        }
        done.damaged.sort();
        Ok(done)
    }
}

/// The largest object read back as a photo (the large size is a few hundred kilobytes).
const MAX_STORED_PHOTO: u64 = 16 * 1024 * 1024;

fn storage_error(error: object_store::Error) -> PhotoError {
    PhotoError::Storage(error.to_string())
}

#[async_trait]
impl PhotoStore for ObjectPhotos {
    async fn save(&self, bytes: Vec<u8>) -> Result<String, PhotoError> {
        use object_store::ObjectStoreExt;
        let processed = process_in_turn(&self.processing, bytes).await?;
        for (suffix, data) in [("l", processed.large), ("t", processed.thumb)] {
            let path = object_store::path::Path::from(format!("{}-{suffix}.jpg", processed.name));
            self.store
                .put(&path, object_store::PutPayload::from(data))
                .await
                .map_err(storage_error)?;
        }
        Ok(processed.name)
    }

    /// An object store cannot rename: each file's time is read, then the file deleted when
    /// old enough. An upload of the same picture between the two (a few milliseconds, for a
    /// photo nothing showed) is lost; the hourly collection keeps a 10-minute margin.
    async fn delete(&self, name: &str, written_before: SystemTime) -> Result<bool, PhotoError> {
        use object_store::ObjectStoreExt;
        if !app::server::is_photo_name(name) {
            return Ok(false);
        }
        let written_before = chrono::DateTime::<chrono::Utc>::from(written_before);
        let mut gone = true;
        for suffix in ["l", "t"] {
            let path = object_store::path::Path::from(format!("{name}-{suffix}.jpg"));
            let meta = match self.store.head(&path).await {
                Ok(meta) => meta,
                Err(object_store::Error::NotFound { .. }) => continue,
                Err(error) => return Err(storage_error(error)),
            };
            if meta.last_modified >= written_before {
                gone = false;
                continue;
            }
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(storage_error(error)),
            }
        }
        Ok(gone)
    }

    async fn list(&self) -> Result<Vec<(String, SystemTime)>, PhotoError> {
        use futures_util::TryStreamExt;
        let mut photos: std::collections::BTreeMap<String, SystemTime> = Default::default();
        let mut listing = self.store.list(None);
        while let Some(meta) = listing.try_next().await.map_err(storage_error)? {
            let key = meta.location.as_ref();
            if !is_media_name(key) {
                continue;
            }
            let latest = photos
                .entry(key[..32].to_owned())
                .or_insert(SystemTime::UNIX_EPOCH);
            *latest = (*latest).max(SystemTime::from(meta.last_modified));
        }
        Ok(photos.into_iter().collect())
    }

    async fn read(&self, file: &str) -> Result<Option<Vec<u8>>, PhotoError> {
        use object_store::ObjectStoreExt;
        if !is_media_name(file) {
            return Ok(None);
        }
        let path = object_store::path::Path::from(file);
        match self.store.get(&path).await {
            Ok(found) if found.meta.size > MAX_STORED_PHOTO => Err(PhotoError::Storage(format!(
                "{file} holds {} bytes: not a photo of Quartier",
                found.meta.size
            ))),
            Ok(found) => Ok(Some(found.bytes().await.map_err(storage_error)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(storage_error(error)),
        }
    }
}

/// The configured photo store: the object store of `QUARTIER_MEDIA_URL`, else the directory
/// `QUARTIER_MEDIA_DIR` (created if missing). Fails naming the setting.
pub fn open(config: &crate::config::Config) -> Result<std::sync::Arc<dyn PhotoStore>, String> {
    match &config.media_store {
        Some(media) => Ok(std::sync::Arc::new(ObjectPhotos::set_up(media)?)),
        None => Ok(std::sync::Arc::new(
            DiskPhotos::new(&config.media_dir).map_err(|error| {
                format!(
                    "cannot create the photo directory {} (QUARTIER_MEDIA_DIR): {error}",
                    config.media_dir.display()
                )
            })?,
        )),
    }
}

/// Whether `name` is a stored photo's file name (`<32 hex>-l.jpg` or `-t.jpg`).
pub fn is_media_name(name: &str) -> bool {
    name.len() == 38
        && (name.ends_with("-l.jpg") || name.ends_with("-t.jpg"))
        && name[..32]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
