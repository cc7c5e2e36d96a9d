use crate::api::auth::SendPasswordReset;
use crate::api::users::{list_users, ChangeRole, CreateUser, SetUserActive};
use crate::model::{CurrentUser, Role, UserSummary};
use crate::rules::authz::Capability;
use crate::ui::components::{when, DataTable, FieldError, FormMessage, Guard, Loaded, When};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsersPage() -> AnyView {
    view! {
        <Title text="Users"/>
        <Guard capability=Capability::ManageUsers>
            <UsersAdmin/>
        </Guard>
    }
    .into_any()
}

#[component]
fn UsersAdmin() -> AnyView {
    let create = ServerAction::<CreateUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<SendPasswordReset>::new();
    provide_context(reset);
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                change_role.version().get(),
                set_active.version().get(),
            )
        },
        |_| list_users(),
    );
    let row_error = Signal::derive(move || {
        change_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_active.value().get().and_then(Result::err))
            .or_else(|| reset.value().get().and_then(Result::err))
    });
    let reset_sent = move || matches!(reset.value().get(), Some(Ok(())));
    let me = use_context::<CurrentUser>().map(|u| u.user_id);

    view! {
        <h1>"Users"</h1>
        <div class="two-column">
            <section class="panel" aria-labelledby="team-heading">
                <h2 id="team-heading">"Team"</h2>
                <FormMessage error=row_error/>
                <Show when=reset_sent>
                    <p class="form-ok" role="status">"Reset link sent to the person's e-mail. You do not see it; it works once, for an hour."</p>
                </Show>
                <Loaded resource=users loading="Loading users…" let:list>
                    <UserTable list me change_role set_active/>
                </Loaded>
            </section>
            <section class="panel" aria-labelledby="add-heading">
                <h2 id="add-heading">"Add a user"</h2>
                <NewUserForm create/>
            </section>
        </div>
    }
    .into_any()
}

const COLUMNS: &[&str] = &["Name", "Email", "Role", "Status", "Last sign-in", "Actions"];

#[component]
fn UserTable(
    list: Vec<UserSummary>,
    me: Option<uuid::Uuid>,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    view! {
        <DataTable columns=COLUMNS rows=list empty="No users yet."
            row=move |user| view! { <UserRow user me change_role set_active/> }/>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    me: Option<uuid::Uuid>,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    let is_me = Some(user.id) == me;
    let last = user
        .last_sign_in_at
        .map(|t| when(t, When::MinuteAfterComma))
        .unwrap_or_else(|| "never".into());
    let status = if user.active { "Active" } else { "Deactivated" };
    let controls =
        (!is_me).then(|| view! { <UserControls user=user.clone() change_role set_active/> });
    view! {
        <tr class:inactive={!user.active}>
            <td>{user.name.clone()}{is_me.then_some(" (you)")}</td>
            <td>{user.email.clone()}</td>
            <td>{user.role.label()}</td>
            <td>{status}</td>
            <td class="nowrap">{last}</td>
            <td><div class="row-actions">{controls}</div></td>
        </tr>
    }
}

/// Another person's role, deactivation and password reset.
#[component]
fn UserControls(
    user: UserSummary,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    let reset = expect_context::<ServerAction<SendPasswordReset>>();
    let id = user.id.to_string();
    let select_id = format!("role-{id}");
    let label = format!("Role for {}", user.name);
    let current_role = user.role;
    let active = user.active;
    let (toggle_id, reset_id) = (id.clone(), id.clone());
    view! {
        <ActionForm action=change_role attr:class="inline">
            <input type="hidden" name="user_id" value=id.clone()/>
            <label class="visually-hidden" for=select_id.clone()>{label}</label>
            <select name="role" id=select_id>
                {Role::ALL
                    .into_iter()
                    .map(|role| view! {
                        <option value=role.as_str() selected={role == current_role}>{role.label()}</option>
                    })
                    .collect_view()}
            </select>
            <button type="submit">"Save role"</button>
        </ActionForm>
        <ActiveToggle set_active id=toggle_id name=user.name.clone() active/>
        {active.then(|| view! {
            <ActionForm action=reset attr:class="inline">
                <input type="hidden" name="user_id" value=reset_id.clone()/>
                <button type="submit" title="E-mails the person a link to choose a new password">"Send reset link"</button>
            </ActionForm>
        })}
    }
}

/// Deactivation asks for confirmation in place (works without JavaScript).
#[component]
fn ActiveToggle(
    set_active: ServerAction<SetUserActive>,
    id: String,
    name: String,
    active: bool,
) -> impl IntoView {
    if active {
        view! {
            <details class="confirm">
                <summary>"Deactivate…"</summary>
                <ActionForm action=set_active>
                    <input type="hidden" name="user_id" value=id/>
                    <input type="hidden" name="active" value="false"/>
                    <p>{format!("{name} will be signed out everywhere and can no longer sign in.")}</p>
                    <button type="submit" class="danger">{format!("Deactivate {name}")}</button>
                </ActionForm>
            </details>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=set_active attr:class="inline">
                <input type="hidden" name="user_id" value=id/>
                <input type="hidden" name="active" value="true"/>
                <button type="submit">"Reactivate"</button>
            </ActionForm>
        }
        .into_any()
    }
}

#[component]
fn NewUserForm(create: ServerAction<CreateUser>) -> AnyView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let created = move || matches!(create.value().get(), Some(Ok(())));
    let pending = create.pending();
    view! {
        <ActionForm action=create attr:class="stacked">
            <label for="new-name">"Name"</label>
            <input id="new-name" name="name" type="text" autocomplete="off" required/>
            <FieldError error field="name"/>
            <label for="new-email">"Email"</label>
            <input id="new-email" name="email" type="email" autocomplete="off" required/>
            <FieldError error field="email"/>
            <label for="new-role">"Role"</label>
            <select id="new-role" name="role">
                {Role::ALL
                    .into_iter()
                    .map(|role| view! {
                        <option value=role.as_str() selected={role == Role::Agent}>{role.label()}</option>
                    })
                    .collect_view()}
            </select>
            <FieldError error field="role"/>
            <label for="new-password">"Initial password"</label>
            <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="12" required/>
            <p class="hint">"At least 12 characters, for their first sign-in only: they must choose their own password then. Share it with the person privately."</p>
            <FieldError error field="password"/>
            <FormMessage error/>
            <Show when=created>
                <p class="form-ok" role="status">"User created."</p>
            </Show>
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Creating…" } else { "Create user" }}
            </button>
        </ActionForm>
    }
    .into_any()
}
