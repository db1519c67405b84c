//! Quartier: the user interface and the API surface, compiled twice
//! (`ssr` for the server, `hydrate` for the browser).

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod hydration;
pub mod i18n;
pub mod islands;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;

pub use app::{shell, App};
