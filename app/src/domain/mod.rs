//! Pure logic with no I/O: categories, slugs, opening hours, contact details, structured data.

pub mod authz;
pub mod categories;
pub mod contact;
pub mod email;
pub mod hours;
pub mod nearby;
pub mod posting;
pub mod push;
pub mod search;
pub mod slugs;
pub mod structured_data;
pub mod weekly_hours;
