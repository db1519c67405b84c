//! Reusable pieces of pages. Most take props only; the follow button and paged lists call
//! their server functions.

pub mod account;
pub mod category_filter;
pub mod follow;
pub mod layout;
pub mod outbox;
pub mod pager;
pub mod passkeys;
pub mod posts;
pub mod push_settings;
pub mod query;
pub mod share;
pub mod shop_list;
pub mod status;
