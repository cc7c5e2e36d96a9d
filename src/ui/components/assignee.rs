use crate::model::Assignee;
use leptos::prelude::*;
use uuid::Uuid;

/// The `<select name="assignee">` of an assign form: nobody, or one of `people`.
#[component]
pub fn AssigneeSelect(
    id: &'static str,
    people: Vec<Assignee>,
    current: Option<Uuid>,
) -> impl IntoView {
    view! {
        <select id=id name="assignee">
            <option value="">"Nobody"</option>
            {people.into_iter().map(|p| view! {
                <option value=p.id.to_string() selected={Some(p.id) == current}>{p.name}</option>
            }).collect_view()}
        </select>
    }
}
