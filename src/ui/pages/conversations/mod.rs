mod list;
mod thread;

pub use list::InboxPage;
pub use thread::ThreadPage;
