//! Real `quartier serve` processes, for the tests and the soak bench that run instances side by
//! side (as behind a reverse proxy) and kill them.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::server::store::prelude::*;
use app::server::{InvitedRole, NewInvitation, NewSignInLink};
use server::db::SqlStore;

/// A local port nothing listens on.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `quartier serve` process on a local port, killed when dropped.
pub struct Instance {
    /// Its URL (`http://127.0.0.1:PORT`).
    pub base: String,
    pub child: Child,
}

impl Instance {
    /// An instance on `database_url`, its site and photo directory under `dir`, the client's
    /// address taken from `X-Forwarded-For` (as behind Caddy), with these other settings.
    pub fn start(database_url: &str, dir: &std::path::Path, settings: &[(&str, &str)]) -> Instance {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(env!("CARGO_BIN_EXE_quartier"));
        // Only the settings given here: none of the developer's own (a town, an object store).
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("QUARTIER_") || name.starts_with("AWS_") {
                command.env_remove(&*name);
            }
        }
        let child = command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", dir.join("site"))
            .env("LEPTOS_OUTPUT_NAME", "quartier")
            .env("QUARTIER_BASE_URL", &base)
            .env("QUARTIER_MEDIA_DIR", dir.join("media"))
            .env("QUARTIER_PUSH_ALLOW_LOOPBACK", "true")
            .env("QUARTIER_CLIENT_IP_HEADER", "X-Forwarded-For")
            .env("RUST_LOG", "warn")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the quartier binary starts");
        Instance { base, child }
    }

    /// Waits until the instance answers `/readyz` (database reachable, schema current, worker
    /// alive); panics after a minute, or if the process has ended.
    pub async fn ready(&mut self, client: &reqwest::Client) {
        let started = Instant::now();
        loop {
            let answer = client.get(format!("{}/readyz", self.base)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the instance at {} ended: {status}", self.base);
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the instance at {} never got ready",
                self.base
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL, as a crash or a machine lost: nothing of the process runs after this returns.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the killed instance reaped");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A session cookie (`quartier_session=…`) for a new owner of shop `slug`: an invitation and a
/// sign-in link written in the database, the link completed over HTTP at `base`.
pub async fn owner_session(
    store: &SqlStore,
    client: &reqwest::Client,
    base: &str,
    town_id: i64,
    slug: &str,
) -> String {
    use app::server::auth::{new_secret, secret_hash, SIGN_IN_LINK_LIFETIME};
    let now = chrono::Utc::now();
    let shop = store
        .shop_by_slug(town_id, slug)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo shop {slug}"));
    let invitation_token = new_secret().unwrap();
    let invitation = store
        .create_invitation(
            town_id,
            &NewInvitation {
                token_hash: secret_hash(&invitation_token),
                role: InvitedRole::Owner,
                shop_id: Some(shop.id),
                district_id: None,
                created_by: None,
                expires_at: now + chrono::TimeDelta::days(1),
            },
            now,
        )
        .await
        .unwrap();
    let token = new_secret().unwrap();
    store
        .create_sign_in_link(
            &NewSignInLink {
                token_hash: secret_hash(&token),
                email: format!("owner@{slug}.test"),
                invitation_id: Some(invitation.id),
                return_to: None,
                expires_at: now + SIGN_IN_LINK_LIFETIME,
            },
            now,
        )
        .await
        .unwrap();
    let response = client
        .post(format!("{base}/api/auth/complete"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Forwarded-For", "10.9.9.9")
        .body(format!("token={token}"))
        .send()
        .await
        .unwrap();
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("quartier_session="))
        .expect("a session cookie")
        .to_owned()
}
