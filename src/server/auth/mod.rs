//! Authentication (passwords, sessions, sign-in) and the one authorization point.

mod caller;
pub mod login;
pub mod password;
pub mod session;

pub use caller::{current_user, require, resolve, Caller, CallerCache};
