//! Presentational pieces: props only, no server calls.

pub mod category_filter;
pub mod layout;
pub mod shop_list;
pub mod status;
