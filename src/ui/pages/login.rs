use crate::api::auth::{signed_in_user, Login};
use crate::ui::components::{FieldError, FormMessage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> AnyView {
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    let pending = login.pending();
    let already = Resource::new_blocking(|| (), |_| signed_in_user());
    let query = use_query_map();
    let reset_done = move || query.with(|q| q.get("reset").as_deref() == Some("done"));
    view! {
        <Title text="Sign in"/>
        <Suspense>
            {move || Suspend::new(async move {
                matches!(already.await, Ok(Some(_))).then(|| view! { <Redirect path="/leads"/> })
            })}
        </Suspense>
        <main class="auth">
            <h1 class="brand">"ConsentDesk"</h1>
            <ActionForm action=login attr:class="card" attr:aria-label="Sign in">
                <h2>"Sign in"</h2>
                <Show when=reset_done>
                    <p class="form-ok" role="status">"Your new password is saved. Sign in with it."</p>
                </Show>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                <FieldError error field="email"/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <FormMessage error/>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </main>
    }
    .into_any()
}
