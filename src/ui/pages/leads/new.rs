use super::fields::LeadFields;
use crate::api::leads::CreateLead;
use crate::model::{CurrentUser, LeadInput};
use crate::rules::authz::Capability;
use crate::ui::components::{FormMessage, Guard};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NewLeadPage() -> AnyView {
    view! {
        <Title text="New lead"/>
        <Guard capability=Capability::EditLeads>
            <NewLeadForm/>
        </Guard>
    }
    .into_any()
}

#[component]
fn NewLeadForm() -> AnyView {
    let user = expect_context::<CurrentUser>();
    let create = ServerAction::<CreateLead>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let pending = create.pending();
    view! {
        <p class="breadcrumb"><A href="/leads">"← Leads"</A></p>
        <h1>"New lead"</h1>
        <ActionForm action=create attr:class="panel stacked narrow">
            <LeadFields initial=LeadInput::default() error vertical=user.vertical/>
            <FormMessage error/>
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Create lead" }}
            </button>
        </ActionForm>
    }
    .into_any()
}
