use crate::ui::components::NotFound;
use crate::ui::layout::Layout;
use crate::ui::pages::calendar::{AppointmentPage, CalendarPage};
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
    settings::{AiActivityPage, AiSettingsPage, CalendarSettingsPage, SettingsPage},
    users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

/// A route whose page, and all the code only that page uses, is a chunk of WebAssembly
/// of its own, fetched when the route is first shown (and preloaded by the server-rendered
/// page that needs it): a first visit downloads the shell and one page, not all of them.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    AiActivityRoute => AiActivityPage,
    AiSettingsRoute => AiSettingsPage,
    AppointmentRoute => AppointmentPage,
    AuditRoute => AuditPage,
    BlockedSendsRoute => BlockedSendsPage,
    CalendarRoute => CalendarPage,
    CalendarSettingsRoute => CalendarSettingsPage,
    ChangePasswordRoute => ChangePasswordPage,
    ChatRoute => ChatPage,
    ConsentHomeRoute => ConsentHomePage,
    ConsentNumberRoute => ConsentNumberPage,
    ImportPreviewRoute => ImportPreviewPage,
    ImportUploadRoute => ImportUploadPage,
    InboxRoute => InboxPage,
    LeadRoute => LeadPage,
    LeadsRoute => LeadsPage,
    LedgerRoute => LedgerPage,
    LoginRoute => LoginPage,
    NewLeadRoute => NewLeadPage,
    NewPrivacyRequestRoute => NewPrivacyRequestPage,
    PacketRoute => PacketPage,
    PrivacyRequestRoute => PrivacyRequestPage,
    PrivacyRequestsRoute => PrivacyRequestsPage,
    PrivacySettingsRoute => PrivacySettingsPage,
    PublicConsentRoute => PublicConsentPage,
    PublicPrivacyRoute => PublicPrivacyPage,
    PublicPrivacyVerifyRoute => PublicPrivacyVerifyPage,
    ResetPasswordRoute => ResetPasswordPage,
    SettingsRoute => SettingsPage,
    SimulatedMailRoute => SimulatedMailPage,
    ThreadRoute => ThreadPage,
    UsersRoute => UsersPage,
    WordingRoute => WordingPage,
}

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
                <link rel="stylesheet" href=format!("/{}/consentdesk.css", options.site_pkg_dir)/>
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
pub fn App() -> AnyView {
    provide_meta_context();
    // Async rendering: a page's status code (302, 403, 404) is known before it is sent.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=|text: String| {
            if text.is_empty() { "ConsentDesk".to_string() } else { format!("{text} · ConsentDesk") }
        }/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=ssr.clone()/>
                <Route path=path!("/account/password") view={Lazy::<ChangePasswordRoute>::new()} ssr=ssr.clone()/>
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=ssr.clone()/>
                <Route path=path!("/chat/:org") view={Lazy::<ChatRoute>::new()} ssr=ssr.clone()/>
                <Route path=path!("/consent/:org") view={Lazy::<PublicConsentRoute>::new()} ssr=ssr.clone()/>
                <Route path=path!("/privacy/:org") view={Lazy::<PublicPrivacyRoute>::new()} ssr=ssr.clone()/>
                <Route path=path!("/privacy/:org/verify") view={Lazy::<PublicPrivacyVerifyRoute>::new()} ssr=ssr.clone()/>
                <ParentRoute path=path!("") view=Layout ssr=ssr.clone()>
                    <Route path=path!("") view=|| view! { <Redirect path="/leads"/> }/>
                    <Route path=path!("leads") view={Lazy::<LeadsRoute>::new()}/>
                    <Route path=path!("leads/new") view={Lazy::<NewLeadRoute>::new()}/>
                    <Route path=path!("leads/import") view={Lazy::<ImportUploadRoute>::new()}/>
                    <Route path=path!("leads/import/:id") view={Lazy::<ImportPreviewRoute>::new()}/>
                    <Route path=path!("leads/:id") view={Lazy::<LeadRoute>::new()}/>
                    <Route path=path!("conversations") view={Lazy::<InboxRoute>::new()}/>
                    <Route path=path!("conversations/:id") view={Lazy::<ThreadRoute>::new()}/>
                    <Route path=path!("calendar") view={Lazy::<CalendarRoute>::new()}/>
                    <Route path=path!("calendar/:id") view={Lazy::<AppointmentRoute>::new()}/>
                    <Route path=path!("consent") view={Lazy::<ConsentHomeRoute>::new()}/>
                    <Route path=path!("consent/number/:phone") view={Lazy::<ConsentNumberRoute>::new()}/>
                    <Route path=path!("consent/number/:phone/packet") view={Lazy::<PacketRoute>::new()}/>
                    <Route path=path!("consent/review/ledger") view={Lazy::<LedgerRoute>::new()}/>
                    <Route path=path!("consent/review/blocked") view={Lazy::<BlockedSendsRoute>::new()}/>
                    <Route path=path!("consent/review/wording") view={Lazy::<WordingRoute>::new()}/>
                    <Route path=path!("privacy-requests") view={Lazy::<PrivacyRequestsRoute>::new()}/>
                    <Route path=path!("privacy-requests/new") view={Lazy::<NewPrivacyRequestRoute>::new()}/>
                    <Route path=path!("privacy-requests/settings") view={Lazy::<PrivacySettingsRoute>::new()}/>
                    <Route path=path!("privacy-requests/mail") view={Lazy::<SimulatedMailRoute>::new()}/>
                    <Route path=path!("privacy-requests/:id") view={Lazy::<PrivacyRequestRoute>::new()}/>
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()}/>
                    <Route path=path!("users") view={Lazy::<UsersRoute>::new()}/>
                    <Route path=path!("settings") view={Lazy::<SettingsRoute>::new()}/>
                    <Route path=path!("settings/ai") view={Lazy::<AiSettingsRoute>::new()}/>
                    <Route path=path!("settings/ai/activity") view={Lazy::<AiActivityRoute>::new()}/>
                    <Route path=path!("settings/calendar") view={Lazy::<CalendarSettingsRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
    .into_any()
}
