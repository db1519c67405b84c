//! Pure logic with no I/O: categories, slugs, opening hours, contact details, structured data.

pub mod categories;
pub mod contact;
pub mod hours;
pub mod nearby;
pub mod search;
pub mod slugs;
pub mod structured_data;
