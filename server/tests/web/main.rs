//! The whole router driven in-process over HTTP, one module per feature: pages, server functions,
//! plain routes and headers, who may do what. One test binary (each binary links the whole
//! server: twenty of them made CI's build twice as long).

#[path = "../common/mod.rs"]
mod common;

mod activity;
mod authorization;
mod backup;
mod broadcasts;
mod dashboard;
mod districts_admin;
mod hardening;
mod http;
mod invitation_sheet;
mod merchants;
mod messages;
mod notifications;
mod object_storage;
mod operations;
mod passkeys;
mod photos;
mod privacy;
mod profiles;
mod push_subscriptions;
mod resident;
mod reviews;
mod shop_notes;
mod towns;
