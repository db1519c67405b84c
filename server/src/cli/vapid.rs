//! `quartier vapid`: prints the public key browsers subscribe with (made on first use).

use crate::config::Config;

pub async fn run(config: &Config) -> Result<(), String> {
    let store = super::open_store(config).await?;
    let keys = crate::push::vapid_keys(&store).await?;
    println!("{}", keys.public_key);
    Ok(())
}
