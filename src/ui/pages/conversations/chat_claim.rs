//! What a web-chat visitor claims to be, on their thread.

use crate::api::chat::LinkChat;
use crate::model::ChatClaim;
use crate::ui::components::{error_of, FieldError, FormMessage};
use leptos::prelude::*;
use uuid::Uuid;

/// Who a web-chat visitor says they are is a claim: shown as such, with a way for staff
/// who know the person to link the chat to them.
#[component]
pub fn ChatClaimPanel(id: Uuid, claim: ChatClaim, action: ServerAction<LinkChat>) -> AnyView {
    let error = error_of(action);
    let claimed = claim.claimed.clone().unwrap_or_default();
    let status = match (claim.verified_how.as_deref(), claim.ended) {
        (_, true) => "The visitor ended this chat.".to_string(),
        (Some("code"), _) => "The visitor proved this contact with a code.".to_string(),
        (Some(_), _) => "Linked to this lead by a member of staff.".to_string(),
        (None, _) if claimed.is_empty() => "Web chat from before claims were checked: not linked to a proven contact.".to_string(),
        (None, _) => format!("The visitor says they are {claimed}. Not proven: nothing typed here changes that number's consent."),
    };
    let form = (claim.verified_how.is_none() && !claim.ended).then(|| {
        view! {
            <ActionForm action attr:class="inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="link-contact">"Link to the lead with phone or e-mail"</label>
                <input id="link-contact" name="contact" type="text" value=claimed.clone() required/>
                <button type="submit">"Link"</button>
                <FieldError error field="contact"/>
                <FormMessage error/>
            </ActionForm>
        }
    });
    view! {
        <section class="panel notice" data-testid="chat-claim">
            <p>{status}</p>
            {form}
        </section>
    }
    .into_any()
}
