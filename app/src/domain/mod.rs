//! Pure logic with no I/O, and the records of each feature (what the storage ports read and
//! write): categories, slugs, opening hours, contact details, structured data.

pub mod accounts;
pub mod activity;
pub mod authz;
pub mod categories;
pub mod contact;
pub mod dashboard;
pub mod districts;
pub mod email;
pub mod feeds;
pub mod follows;
pub mod hours;
pub mod invitations;
pub mod links;
pub mod messages;
pub mod nearby;
pub mod onboarding;
pub mod outbox;
pub mod passkeys;
pub mod posting;
pub mod posts;
/// Kept with the shared types: the privacy page renders it (see `crate::model::privacy`).
pub use crate::model::privacy;
pub mod push;
pub mod reviews;
pub mod search;
pub mod shops;
pub mod slugs;
pub mod structured_data;
pub mod towns;
pub mod visibility;
pub mod weekly_hours;
