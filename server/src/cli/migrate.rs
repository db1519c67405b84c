//! `quartier migrate`: applies the database migrations and exits.

use crate::config::Config;

pub async fn run(config: &Config) -> Result<(), String> {
    let store = super::open_store(config).await?;
    println!("migrations applied ({})", store.backend());
    Ok(())
}
