//! Push notifications: the browsers' subscriptions, and the residents' and the town's
//! settings (what each follow sends, quiet hours, limits).

pub mod settings;
pub mod subscriptions;

pub use settings::*;
pub use subscriptions::*;
