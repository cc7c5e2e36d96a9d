//! Authentication (passwords, sessions, sign-in) and the one authorization point.

mod caller;
pub mod login;
pub mod password;
pub mod passwords;
pub mod session;

pub use caller::{current_user, recheck, require, resolve, Caller, CallerCache};
