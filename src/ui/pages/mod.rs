pub mod chat;
pub mod consent;
pub mod conversations;
pub mod leads;
pub mod login;
pub mod placeholder;
pub mod settings;
pub mod users;
