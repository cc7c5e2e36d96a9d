pub mod leads;
pub mod login;
pub mod placeholder;
pub mod users;
