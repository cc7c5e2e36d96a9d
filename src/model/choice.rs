//! A closed set of values a person picks from (a status, a channel, a kind): what a
//! select shows, and what its value is in a form, a URL and the database.

pub trait Choice: Copy + Send + Sync + 'static {
    /// The value in forms, URLs and the database.
    fn as_str(self) -> &'static str;
    /// What a person reads.
    fn label(self) -> &'static str;
}
