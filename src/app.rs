use crate::ui::components::NotFound;
use crate::ui::layout::Layout;
use crate::ui::pages::consent::{
    BlockedSendsPage, ConsentHomePage, ConsentNumberPage, LedgerPage, PacketPage,
    PublicConsentPage, WordingPage,
};
use crate::ui::pages::conversations::{InboxPage, ThreadPage};
use crate::ui::pages::leads::{
    ImportPreviewPage, ImportUploadPage, LeadPage, LeadsPage, NewLeadPage,
};
use crate::ui::pages::privacy::{
    NewPrivacyRequestPage, PrivacyRequestPage, PrivacyRequestsPage, PrivacySettingsPage,
    PublicPrivacyPage, PublicPrivacyVerifyPage, SimulatedMailPage,
};
use crate::ui::pages::{
    account::{ChangePasswordPage, ResetPasswordPage},
    audit::AuditPage,
    chat::ChatPage,
    login::LoginPage,
    settings::SettingsPage,
    users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path, SsrMode,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy names the nonce of its inline scripts.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(policy) =
            http::HeaderValue::from_str(&crate::server::security_headers::page_policy(&nonce))
        {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Async rendering: a page's status code (302, 403, 404) is known before it is sent.
    let ssr = SsrMode::Async;
    view! {
        <Stylesheet id="leptos" href="/pkg/consentdesk.css"/>
        <Title formatter=|text: String| {
            if text.is_empty() { "ConsentDesk".to_string() } else { format!("{text} · ConsentDesk") }
        }/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage ssr=ssr.clone()/>
                <Route path=path!("/account/password") view=ChangePasswordPage ssr=ssr.clone()/>
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=ssr.clone()/>
                <Route path=path!("/chat/:org") view=ChatPage ssr=ssr.clone()/>
                <Route path=path!("/consent/:org") view=PublicConsentPage ssr=ssr.clone()/>
                <Route path=path!("/privacy/:org") view=PublicPrivacyPage ssr=ssr.clone()/>
                <Route path=path!("/privacy/:org/verify") view=PublicPrivacyVerifyPage ssr=ssr.clone()/>
                <ParentRoute path=path!("") view=Layout ssr=ssr.clone()>
                    <Route path=path!("") view=|| view! { <Redirect path="/leads"/> }/>
                    <Route path=path!("leads") view=LeadsPage/>
                    <Route path=path!("leads/new") view=NewLeadPage/>
                    <Route path=path!("leads/import") view=ImportUploadPage/>
                    <Route path=path!("leads/import/:id") view=ImportPreviewPage/>
                    <Route path=path!("leads/:id") view=LeadPage/>
                    <Route path=path!("conversations") view=InboxPage/>
                    <Route path=path!("conversations/:id") view=ThreadPage/>
                    <Route path=path!("consent") view=ConsentHomePage/>
                    <Route path=path!("consent/number/:phone") view=ConsentNumberPage/>
                    <Route path=path!("consent/number/:phone/packet") view=PacketPage/>
                    <Route path=path!("consent/review/ledger") view=LedgerPage/>
                    <Route path=path!("consent/review/blocked") view=BlockedSendsPage/>
                    <Route path=path!("consent/review/wording") view=WordingPage/>
                    <Route path=path!("privacy-requests") view=PrivacyRequestsPage/>
                    <Route path=path!("privacy-requests/new") view=NewPrivacyRequestPage/>
                    <Route path=path!("privacy-requests/settings") view=PrivacySettingsPage/>
                    <Route path=path!("privacy-requests/mail") view=SimulatedMailPage/>
                    <Route path=path!("privacy-requests/:id") view=PrivacyRequestPage/>
                    <Route path=path!("audit") view=AuditPage/>
                    <Route path=path!("users") view=UsersPage/>
                    <Route path=path!("settings") view=SettingsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
