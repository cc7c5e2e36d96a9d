//! Privacy requests: the list, logging one, a request's page, the policies, the simulated
//! mail, and the public request and verification pages.

mod detail;
mod detail_forms;
mod list;
mod public;
mod settings;

pub use detail::PrivacyRequestPage;
pub use list::{NewPrivacyRequestPage, PrivacyRequestsPage};
pub use public::{PublicPrivacyPage, PublicPrivacyVerifyPage};
pub use settings::{PrivacySettingsPage, SimulatedMailPage};
