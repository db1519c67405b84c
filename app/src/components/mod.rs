//! Presentational pieces of pages: they render their props and call no server function (the
//! interactive pieces are in `islands/`).

pub mod category_filter;
pub mod layout;
pub mod pager;
pub mod passkeys;
pub mod posts;
pub mod push_settings;
pub mod query;
pub mod reviews;
pub mod shop_list;
pub mod status;
