//! The rules that need no server: configuration, categories and contacts, opening hours (and
//! against the reference implementation), property tests of posting, and the OpenStreetMap import.

#[path = "../common/mod.rs"]
mod common;

mod config;
mod domain;
mod hours;
mod hours_reference;
mod osm_import;
mod properties;
mod town_command;
