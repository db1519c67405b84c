//! The interactive units that are not a whole screen: `#[island]` components and the pieces
//! that call server functions (a screen that is interactive as a whole, such as the counter, is
//! a lazy island in its page file). `components/` call no server function.

pub mod account;
pub mod follow;
pub mod more_posts;
pub mod pending_posts;
pub mod share;
