mod detail;
mod detail_panels;
mod fields;
mod import;
mod list;
mod new;

pub use detail::LeadPage;
pub use import::{ImportPreviewPage, ImportUploadPage};
pub use list::LeadsPage;
pub use new::NewLeadPage;
