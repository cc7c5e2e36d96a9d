mod chat_claim;
mod list;
mod messages;
mod reply;
mod thread;

pub use list::InboxPage;
pub use thread::ThreadPage;
