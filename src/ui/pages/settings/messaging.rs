//! `/settings`: the carrier's settings beside the addresses to give the carrier.

use super::tabs::SettingsTabs;
use crate::api::settings::{get_messaging_settings, SaveMessagingSettings};
use crate::model::{CurrentUser, SettingsView};
use crate::rules::authz::Capability;
use crate::ui::components::{error_of, FieldError, FormMessage, Guard, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> AnyView {
    view! {
        <Title text="Settings"/>
        <Guard capability=Capability::ManageSettings>
            <MessagingSettings/>
        </Guard>
    }
    .into_any()
}

#[component]
fn MessagingSettings() -> AnyView {
    let save = ServerAction::<SaveMessagingSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_messaging_settings());
    view! {
        <h1>"Settings"</h1>
        <SettingsTabs/>
        <Loaded resource=settings loading="Loading settings…" let:current>
            <SettingsForm current save/>
        </Loaded>
    }
    .into_any()
}

/// The carrier's settings beside the addresses to give the carrier.
#[component]
fn SettingsForm(current: SettingsView, save: ServerAction<SaveMessagingSettings>) -> AnyView {
    let org_name = use_context::<CurrentUser>()
        .map(|u| u.org_name)
        .unwrap_or_default();
    let slug = current.org_slug.clone();
    let base = if current.public_base_url.is_empty() {
        "<public base URL>".to_string()
    } else {
        current.public_base_url.clone()
    };
    view! {
        <div class="two-column">
            <MessagingForm current save/>
            <WebhookAddresses org_name base slug/>
        </div>
    }
    .into_any()
}

fn secret_placeholder(stored: bool) -> &'static str {
    if stored {
        "Stored. Leave empty to keep it."
    } else {
        "Not set"
    }
}

#[component]
fn MessagingForm(
    current: SettingsView,
    save: ServerAction<SaveMessagingSettings>,
) -> impl IntoView {
    let error = error_of(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <ActionForm action=save attr:class="panel stacked">
            <h2>"Messaging"</h2>
            <label for="provider">"Provider"</label>
            <select id="provider" name="input[provider]">
                <option value="local" selected={current.provider == "local"}>"Built-in local provider (delivers nowhere; for trying things out)"</option>
                <option value="twilio" selected={current.provider == "twilio"}>"Twilio"</option>
                <option value="signalwire" selected={current.provider == "signalwire"}>"SignalWire"</option>
            </select>
            <FieldError error field="provider"/>
            <label for="account_sid">"Account SID / project ID"</label>
            <input id="account_sid" name="input[account_sid]" type="text" value=current.account_sid.clone() autocomplete="off"/>
            <FieldError error field="account_sid"/>
            <label for="auth_token">"Auth token"</label>
            <input id="auth_token" name="input[auth_token]" type="password" autocomplete="new-password"
                placeholder=secret_placeholder(current.has_auth_token)/>
            <p class="hint">"Encrypted at rest and never shown again. It also checks the carrier's webhook signatures."</p>
            <FieldError error field="auth_token"/>
            <label for="api_base_url">"API base URL"</label>
            <input id="api_base_url" name="input[api_base_url]" type="text" value=current.api_base_url.clone()
                placeholder="Empty for Twilio; https://<space>.signalwire.com for SignalWire"/>
            <FieldError error field="api_base_url"/>
            <label for="phone_numbers">"Phone numbers"</label>
            <input id="phone_numbers" name="input[phone_numbers]" type="text" value=current.phone_numbers.clone()
                placeholder="+13125550199, …"/>
            <p class="hint">"The first one sends replies."</p>
            <FieldError error field="phone_numbers"/>
            <label for="public_base_url">"Public base URL"</label>
            <input id="public_base_url" name="input[public_base_url]" type="text" value=current.public_base_url.clone()
                placeholder="https://desk.example.com"/>
            <p class="hint">"The address the carrier calls; signatures are checked against it."</p>
            <FieldError error field="public_base_url"/>
            <label class="choice" for="allow_foreign_numbers">
                <input id="allow_foreign_numbers" name="input[allow_foreign_numbers]" type="checkbox" value="yes"
                    checked=current.allow_foreign_numbers/>
                " Public pages may text numbers of other countries"
            </label>
            <p class="hint">"Codes and confirmations that people ask for on the chat, consent and privacy pages go only to numbers of your own country unless this is ticked."</p>
            <h2>"WhatsApp"</h2>
            <label for="whatsapp_app_secret">"App secret"</label>
            <input id="whatsapp_app_secret" name="input[whatsapp_app_secret]" type="password" autocomplete="new-password"
                placeholder=secret_placeholder(current.has_whatsapp_secret)/>
            <FieldError error field="whatsapp_app_secret"/>
            <label for="whatsapp_verify_token">"Verify token"</label>
            <input id="whatsapp_verify_token" name="input[whatsapp_verify_token]" type="text" value=current.whatsapp_verify_token.clone()/>
            <p class="hint">"To send WhatsApp through Meta's Cloud API directly (rather than through the carrier above), give the phone number ID and a permanent access token from Meta's WhatsApp Manager."</p>
            <label for="whatsapp_phone_number_id">"Phone number ID"</label>
            <input id="whatsapp_phone_number_id" name="input[whatsapp_phone_number_id]" type="text" inputmode="numeric"
                value=current.whatsapp_phone_number_id.clone()/>
            <FieldError error field="whatsapp_phone_number_id"/>
            <label for="whatsapp_access_token">"Access token"</label>
            <input id="whatsapp_access_token" name="input[whatsapp_access_token]" type="password" autocomplete="new-password"
                placeholder=secret_placeholder(current.has_whatsapp_access_token)/>
            <FieldError error field="whatsapp_access_token"/>
            <label for="whatsapp_api_base_url">"Cloud API address"</label>
            <input id="whatsapp_api_base_url" name="input[whatsapp_api_base_url]" type="text"
                value=current.whatsapp_api_base_url.clone() placeholder="https://graph.facebook.com/v21.0"/>
            <FieldError error field="whatsapp_api_base_url"/>
            <FormMessage error/>
            <Show when=saved><p class="form-ok" role="status">"Saved."</p></Show>
            <button type="submit" class="primary">"Save settings"</button>
        </ActionForm>
    }
}

/// Where the carrier sends this organisation's texts, calls and delivery reports.
#[component]
fn WebhookAddresses(org_name: String, base: String, slug: String) -> impl IntoView {
    let hook = move |path: &str| format!("{base}/hooks/{path}");
    view! {
        <section class="panel">
            <h2>"Webhook addresses"</h2>
            <p class="hint">{format!("Give these to the carrier for {org_name}:")}</p>
            <dl class="facts webhooks">
                <dt>"Incoming SMS"</dt><dd><code>{hook(&format!("twilio/{slug}/sms"))}</code></dd>
                <dt>"Status callback"</dt><dd><code>{hook(&format!("twilio/{slug}/status"))}</code></dd>
                <dt>"Voice"</dt><dd><code>{hook(&format!("twilio/{slug}/voice"))}</code></dd>
                <dt>"Transcription"</dt><dd><code>{hook(&format!("twilio/{slug}/transcription"))}</code></dd>
                <dt>"WhatsApp"</dt><dd><code>{hook(&format!("whatsapp/{slug}"))}</code></dd>
            </dl>
            <p class="hint">"Replies ask the carrier to report delivery to the status callback, so the thread shows delivered or failed."</p>
        </section>
    }
}
