//! Server functions, one file per feature. Each gets `AppState` from context, checks who is
//! asking, calls the domain and the store.

pub mod districts;
pub mod shops;

#[cfg(feature = "ssr")]
mod views;
