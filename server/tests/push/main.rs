//! Web Push delivery end to end: the outbox through the worker to a local push service that checks
//! VAPID and decrypts (both databases), and a server process killed in the middle of a fan-out.

#[path = "../common/mod.rs"]
mod common;

mod push_crash;
mod push_delivery;
mod upload_crash;
