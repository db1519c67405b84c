//! A real S3-compatible server (s3s-fs: each directory under a root is a bucket) on a local
//! port, started in the test's runtime, with signed requests. It can hold uploads at the door,
//! for tests that kill an instance while it stores a photo.

use std::sync::{Arc, Mutex};

pub const ACCESS_KEY: &str = "quartier-test";
pub const SECRET_KEY: &str = "quartier-test-secret";

/// The settings that put an instance's photos in `bucket` (and under `prefix`) of `server`.
pub fn settings<'a>(server: &'a S3Server, location: &'a str) -> [(&'static str, &'a str); 5] {
    [
        ("QUARTIER_MEDIA_URL", location),
        ("AWS_ENDPOINT_URL", server.url.as_str()),
        ("AWS_REGION", "eu-west-3"),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
    ]
}

pub struct S3Server {
    /// Its endpoint (`http://127.0.0.1:PORT`).
    pub url: String,
    gate: Arc<Gate>,
}

#[derive(Default)]
struct Gate {
    door: Mutex<Door>,
    /// Lets the held uploads in.
    released: tokio::sync::Notify,
    /// Something changed at the door.
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct Door {
    /// While set: uploads (`PUT`) to a key ending so wait at the door.
    hold: Option<String>,
    /// The keys of the uploads that arrived and wait.
    arrived: Vec<String>,
    /// Held requests not yet over (answered, or dropped with their connection).
    waiting: usize,
}

/// Counts a held request as over however its future ends (answered, or dropped when the
/// client's connection closes).
struct Settled(Arc<Gate>);

impl Drop for Settled {
    fn drop(&mut self) {
        self.0.door.lock().unwrap().waiting -= 1;
        self.0.changed.notify_waiters();
    }
}

impl S3Server {
    /// A server over `root` (its subdirectories are the buckets).
    pub async fn start(root: &std::path::Path) -> S3Server {
        let fs = s3s_fs::FileSystem::new(root).expect("an s3s-fs root");
        let mut builder = s3s::service::S3ServiceBuilder::new(fs);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        let s3 = builder.build();
        let gate = Arc::new(Gate::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let door = gate.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let s3 = s3.clone();
                let gate = door.clone();
                let service = hyper::service::service_fn(
                    move |request: hyper::Request<hyper::body::Incoming>| {
                        let s3 = s3.clone();
                        let gate = gate.clone();
                        async move {
                            let key = request.uri().path().to_owned();
                            // Listening for the release before looking at the door: a release
                            // right after is not missed.
                            let released = gate.released.notified();
                            tokio::pin!(released);
                            released.as_mut().enable();
                            let settled = {
                                let mut door = gate.door.lock().unwrap();
                                let held = request.method() == hyper::Method::PUT
                                    && door
                                        .hold
                                        .as_deref()
                                        .is_some_and(|suffix| key.ends_with(suffix));
                                held.then(|| {
                                    door.waiting += 1;
                                    door.arrived.push(key);
                                    Settled(gate.clone())
                                })
                            };
                            if settled.is_some() {
                                gate.changed.notify_waiters();
                                released.await;
                            }
                            hyper::service::Service::call(&s3, request).await
                        }
                    },
                );
                tokio::spawn(async move {
                    let _ = hyper_util::server::conn::auto::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
                });
            }
        });
        S3Server { url, gate }
    }

    /// From now on, uploads to keys ending with `suffix` wait at the door until
    /// [`S3Server::release`].
    pub fn hold_uploads_ending(&self, suffix: &str) {
        self.gate.door.lock().unwrap().hold = Some(suffix.to_owned());
    }

    /// Waits (at most a minute) for a held upload to arrive; its key.
    pub async fn held_upload(&self) -> String {
        let wait = async {
            loop {
                let changed = self.gate.changed.notified();
                if let Some(key) = self.gate.door.lock().unwrap().arrived.pop() {
                    return key;
                }
                changed.await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), wait)
            .await
            .expect("an upload arrived within a minute")
    }

    /// Lets the held uploads in (and stops holding), and waits until each is over: stored, or
    /// given up with its client's connection.
    pub async fn release(&self) {
        self.gate.door.lock().unwrap().hold = None;
        self.gate.released.notify_waiters();
        let wait = async {
            loop {
                let changed = self.gate.changed.notified();
                if self.gate.door.lock().unwrap().waiting == 0 {
                    return;
                }
                changed.await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), wait)
            .await
            .expect("the held uploads over within a minute");
    }
}

/// The objects stored in `dir` (a bucket, or a prefix of one, under the server's root), by
/// name.
pub fn objects(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
