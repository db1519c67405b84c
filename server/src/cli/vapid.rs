//! `quartier vapid [--town SLUG]`: prints the public key a town's browsers subscribe with
//! (made on first use).

use crate::config::Config;

pub async fn run(config: &Config, town: Option<String>) -> Result<(), String> {
    let store = super::open_store(config).await?;
    let town = super::admin::chosen_town(config, &store, town).await?;
    let keys = crate::push::vapid_keys(&store, town.id).await?;
    println!("{}", keys.public_key);
    Ok(())
}
