//! `/account/password`: choosing one's own password (required once after a manager chose
//! it), and `/reset-password?token=…`: choosing one from a manager's reset link.

use crate::api::auth::{signed_in_user, ChangePassword, ResetPassword};
use crate::ui::components::{FieldError, FormMessage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ChangePasswordPage() -> AnyView {
    let change = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let pending = change.pending();
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <Title text="Choose your password"/>
        <Suspense>
            {move || Suspend::new(async move {
                let user = user.await.ok().flatten();
                let must = user.as_ref().is_some_and(|u| u.must_change_password);
                match user {
                    None => view! { <Redirect path="/login"/> }.into_any(),
                    Some(_) => view! {
                        <main class="auth">
                            <h1 class="brand">"ConsentDesk"</h1>
                            <ActionForm action=change attr:class="card" attr:aria-label="Choose your password">
                                <h2>"Choose your password"</h2>
                                {must.then(|| view! {
                                    <p class="hint" data-testid="must-change">"Your manager chose the password you signed in with. Choose your own to continue."</p>
                                })}
                                <label for="current-password">"Current password"</label>
                                <input id="current-password" name="current_password" type="password" autocomplete="current-password" required/>
                                <FieldError error field="current_password"/>
                                <label for="new-password">"New password"</label>
                                <input id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="12" required/>
                                <p class="hint">"At least 12 characters."</p>
                                <FieldError error field="new_password"/>
                                <label for="confirm-password">"New password again"</label>
                                <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required/>
                                <FieldError error field="confirm"/>
                                <FormMessage error/>
                                <button type="submit" class="primary" disabled=move || pending.get()>
                                    {move || if pending.get() { "Saving…" } else { "Save password" }}
                                </button>
                                {(!must).then(|| view! { <p><A href="/leads">"Cancel"</A></p> })}
                            </ActionForm>
                        </main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn ResetPasswordPage() -> AnyView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let reset = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || reset.value().get().and_then(Result::err));
    let pending = reset.pending();
    view! {
        <Title text="Choose a new password"/>
        <main class="auth">
            <h1 class="brand">"ConsentDesk"</h1>
            <ActionForm action=reset attr:class="card" attr:aria-label="Choose a new password">
                <h2>"Choose a new password"</h2>
                <input type="hidden" name="token" value=token/>
                <label for="new-password">"New password"</label>
                <input id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="12" required/>
                <p class="hint">"At least 12 characters. Afterwards you sign in with it; every other session of yours ends."</p>
                <FieldError error field="new_password"/>
                <label for="confirm-password">"New password again"</label>
                <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required/>
                <FieldError error field="confirm"/>
                <FormMessage error/>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save password" }}
                </button>
            </ActionForm>
        </main>
    }
    .into_any()
}
