//! The words a privacy request is stored with (SPEC §4), as types: how it arrived, and
//! which of its contacts the requester proved by receiving the code.

use crate::model::ConsentMedium;

/// How a request reached the organisation (the `received_via` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceivedVia {
    /// The public request page.
    Web,
    Email,
    Phone,
    InPerson,
}

impl ReceivedVia {
    pub const ALL: [ReceivedVia; 4] = [
        ReceivedVia::Web,
        ReceivedVia::Email,
        ReceivedVia::Phone,
        ReceivedVia::InPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReceivedVia::Web => "web",
            ReceivedVia::Email => "email",
            ReceivedVia::Phone => "phone",
            ReceivedVia::InPerson => "in_person",
        }
    }

    pub fn parse(text: &str) -> Option<ReceivedVia> {
        ReceivedVia::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// What staff may record: every way but the public page, which records itself.
    pub fn parse_staff(text: &str) -> Option<ReceivedVia> {
        ReceivedVia::parse(text).filter(|v| *v != ReceivedVia::Web)
    }

    /// The medium of the consent events a request of this kind records.
    pub fn consent_medium(self) -> ConsentMedium {
        match self {
            ReceivedVia::Web => ConsentMedium::WebForm,
            ReceivedVia::Phone => ConsentMedium::VerbalCall,
            ReceivedVia::InPerson => ConsentMedium::InPerson,
            ReceivedVia::Email => ConsentMedium::Email,
        }
    }

    /// The medium for a stored `received_via`; an unknown one counts as e-mail.
    pub fn consent_medium_of(stored: &str) -> ConsentMedium {
        ReceivedVia::parse(stored).map_or(ConsentMedium::Email, ReceivedVia::consent_medium)
    }
}

/// The contact a code went to, and so the one the requester proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Email,
    Phone,
}

impl Contact {
    fn word(self) -> &'static str {
        match self {
            Contact::Email => "e-mail",
            Contact::Phone => "text",
        }
    }

    /// How a message sent to `to` is described on the request (`code_sent_to`).
    pub fn sent_to(self, to: &str) -> String {
        format!("{} to {to}", self.word())
    }

    /// Which contact a stored `code_sent_to` names: a text went to the phone, anything
    /// else to the e-mail address.
    pub fn of_sent_to(description: &str) -> Contact {
        if description.starts_with(Contact::Phone.word()) {
            Contact::Phone
        } else {
            Contact::Email
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_way_in_reads_back_from_its_stored_text() {
        for via in ReceivedVia::ALL {
            assert_eq!(ReceivedVia::parse(via.as_str()), Some(via));
        }
        assert_eq!(ReceivedVia::parse("fax"), None);
    }

    #[test]
    fn staff_cannot_record_a_request_as_from_the_public_page() {
        assert_eq!(ReceivedVia::parse_staff("web"), None);
        assert_eq!(
            ReceivedVia::parse_staff("in_person"),
            Some(ReceivedVia::InPerson)
        );
    }

    #[test]
    fn a_request_by_phone_records_a_verbal_opt_out_and_an_unknown_way_counts_as_email() {
        assert_eq!(
            ReceivedVia::consent_medium_of("phone"),
            ConsentMedium::VerbalCall
        );
        assert_eq!(
            ReceivedVia::consent_medium_of("web"),
            ConsentMedium::WebForm
        );
        assert_eq!(ReceivedVia::consent_medium_of("??"), ConsentMedium::Email);
    }

    #[test]
    fn a_code_sent_by_text_proves_the_phone() {
        assert_eq!(
            Contact::of_sent_to("text to +1 312 555 0100"),
            Contact::Phone
        );
        assert_eq!(
            Contact::of_sent_to("e-mail to text@example.com"),
            Contact::Email
        );
    }

    proptest! {
        #[test]
        fn the_proven_contact_reads_back_from_its_description(
            to in "[ -~]{0,40}",
            phone in any::<bool>(),
        ) {
            let contact = if phone { Contact::Phone } else { Contact::Email };
            prop_assert_eq!(Contact::of_sent_to(&contact.sent_to(&to)), contact);
        }
    }
}
