//! Shared helpers: an app served on port 0 against the test's own database, and a tiny
//! HTTP client that keeps the session cookie by hand so tests can see and swap it.
#![allow(dead_code)]

use consentdesk::error::AppError;
use consentdesk::model::Role;
use consentdesk::server::{config::Config, orgs, router, users, AppState};
use leptos::config::LeptosOptions;
use reqwest::{header, Response, StatusCode};
use secrecy::SecretString;
use sqlx::PgPool;
use std::net::SocketAddr;

pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
}

pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, |_| {}).await
}

/// `spawn_app`, with the test configuration changed first (a proxy in front, https…).
pub async fn spawn_app_with(pool: PgPool, change: impl FnOnce(&mut Config)) -> TestApp {
    let leptos_options = LeptosOptions::builder().output_name("consentdesk").build();
    spawn(pool, leptos_options, change).await
}

/// `spawn_app`, serving the front-end build in `site_root` the way `consentdesk serve` does.
pub async fn spawn_app_serving(pool: PgPool, site_root: &std::path::Path) -> TestApp {
    let mut leptos_options = LeptosOptions::builder()
        .output_name("consentdesk")
        .site_root(site_root.to_string_lossy().to_string())
        .build();
    consentdesk::server::assets::use_current_build(&mut leptos_options);
    spawn(pool, leptos_options, |_| {}).await
}

async fn spawn(
    pool: PgPool,
    leptos_options: LeptosOptions,
    change: impl FnOnce(&mut Config),
) -> TestApp {
    // Server-side errors show in a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let mut config = Config::for_tests("");
    change(&mut config);
    let state = AppState::start(pool.clone(), leptos_options, config);
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        pool,
    }
}

/// Creates an organisation and returns its slug.
pub async fn org(pool: &PgPool, slug: &str) -> String {
    let input = orgs::NewOrgInput {
        name: &format!("Org {slug}"),
        slug,
        vertical: consentdesk::model::Vertical::Automotive,
        time_zone: "America/Chicago",
    };
    orgs::create(pool, input).await.unwrap();
    slug.to_string()
}

pub async fn user(pool: &PgPool, org: &str, email: &str, role: Role) -> uuid::Uuid {
    let org_id = consentdesk::server::db::orgs::id_by_slug(pool, org)
        .await
        .unwrap()
        .expect("the organisation exists");
    let input = users::NewUserInput {
        name: "Test Person".into(),
        email: email.into(),
        role: role.to_string(),
        password: SecretString::from(PASSWORD),
    };
    users::create(pool, org_id, users::AddedBy::Console, input)
        .await
        .unwrap()
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    pub cookie: Option<String>,
}

impl TestApp {
    pub fn client(&self) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Client {
            http,
            base: self.base.clone(),
            cookie: None,
        }
    }

    /// A client already signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.client();
        let response = client.login(email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "sign-in of {email} failed"
        );
        client
    }
}

impl Client {
    /// Calls a server function the way the hydrated app does (urlencoded form, JSON back).
    pub async fn call(&mut self, function: &str, form: &[(&str, &str)]) -> Response {
        self.call_with(function, form, &[("sec-fetch-site", "same-origin")])
            .await
    }

    pub async fn call_with(
        &mut self,
        function: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self
            .http
            .post(format!("{}/api/{function}", self.base))
            .header(header::ACCEPT, "application/json")
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    /// Calls a server function by its type, as the hydrated app does, and reads its typed
    /// answer: `client.run(CreateUser { .. }).await`. An error must come with the HTTP
    /// status the app gives that error (`AppError::status`).
    pub async fn run<F>(&mut self, call: F) -> Result<F::Output, AppError>
    where
        F: leptos::server_fn::ServerFn + serde::Serialize,
        F::Output: serde::de::DeserializeOwned,
    {
        self.run_with(call, &[]).await
    }

    /// `run` with more request headers, for what the server records of the request itself:
    /// a browser's `user-agent`, an `x-forwarded-for` from a trusted proxy.
    pub async fn run_with<F>(
        &mut self,
        call: F,
        headers: &[(&str, &str)],
    ) -> Result<F::Output, AppError>
    where
        F: leptos::server_fn::ServerFn + serde::Serialize,
        F::Output: serde::de::DeserializeOwned,
    {
        let body = serde_qs::to_string(&call).expect("the arguments encode as a form");
        let mut request = self
            .http
            .post(format!("{}{}", self.base, F::PATH))
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        let status = response.status();
        let text = response.text().await.unwrap();
        if status.is_success() {
            return Ok(
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}: {text}", F::PATH))
            );
        }
        let error: AppError = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{}: not an AppError: {text}", F::PATH));
        assert_eq!(status.as_u16(), error.status(), "{}: {error:?}", F::PATH);
        Err(error)
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let mut request = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    /// A browser-style multipart upload of one file field.
    pub async fn upload(
        &mut self,
        path: &str,
        field: &str,
        filename: &str,
        body: &str,
    ) -> Response {
        let part = reqwest::multipart::Part::text(body.to_string()).file_name(filename.to_string());
        let form = reqwest::multipart::Form::new().part(field.to_string(), part);
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .multipart(form);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send().await.unwrap()
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Response {
        self.call("login", &[("email", email), ("password", password)])
            .await
    }

    fn keep_cookie(&mut self, response: &Response) {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap().to_string();
            if pair.starts_with(&format!("{}=", router::SESSION_COOKIE)) {
                let expired = text.contains("Max-Age=0") || pair.ends_with('=');
                self.cookie = (!expired).then_some(pair);
            }
        }
    }
}

pub async fn error_of(response: Response) -> AppError {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not an AppError: {text}"))
}

pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Stores carrier settings for an organisation as the settings page would.
pub async fn configure_carrier(pool: &PgPool, org: &str, token: &str, api_base_url: Option<&str>) {
    use consentdesk::server::{config::TEST_DATA_KEY, crypto::DataKey};
    let key = DataKey::from_base64(TEST_DATA_KEY).unwrap();
    let provider = if api_base_url.is_some() {
        "twilio"
    } else {
        "local"
    };
    sqlx::query(
        "INSERT INTO messaging_settings (org_id, provider, account_sid, auth_token_enc, api_base_url, phone_numbers)
         SELECT id, $2::messaging_provider, 'AC123', $3, $4, ARRAY['+13125550199'] FROM organisations WHERE slug = $1",
    )
    .bind(org)
    .bind(provider)
    .bind(key.seal(token))
    .bind(api_base_url)
    .execute(pool)
    .await
    .unwrap();
}

/// Signs a webhook exactly as Twilio documents it: the full URL, then each POST field
/// sorted by name with its value appended, HMAC-SHA1 with the auth token, base64.
pub fn twilio_signature(token: &str, url: &str, fields: &[(&str, &str)]) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut sorted = fields.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The URL carriers sign: the configured public base URL plus the path.
pub const PUBLIC_BASE: &str = "http://127.0.0.1:3000";

impl TestApp {
    /// Posts a signed Twilio-format webhook and returns the response.
    pub async fn twilio(
        &self,
        org: &str,
        hook: &str,
        token: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let path = format!("/hooks/twilio/{org}/{hook}");
        let signature = twilio_signature(token, &format!("{PUBLIC_BASE}{path}"), fields);
        reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .header("x-twilio-signature", signature)
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// Runs the outbox worker once, as `serve` does, with the test data key.
pub async fn run_outbox(pool: &PgPool, http: &reqwest::Client, batch: i64) -> usize {
    use consentdesk::server::{config::TEST_DATA_KEY, crypto::DataKey, messaging::outbox};
    let key = DataKey::from_base64(TEST_DATA_KEY).unwrap();
    let sender = outbox::Sender {
        http,
        key: Some(&key),
        public_base_url: PUBLIC_BASE,
        // The tests' carrier is a local stub.
        allow_custom_urls: true,
        stale_after: outbox::STALE_AFTER,
    };
    outbox::run_once(pool, &sender, batch).await.unwrap()
}

/// The usual cast: organisation "north" with one person of each role, each signed in in
/// their own browser, and organisation "south" with a manager and an agent.
pub struct Cast {
    pub app: TestApp,
    pub manager: Client,
    pub compliance: Client,
    pub agent: Client,
    pub agent_id: uuid::Uuid,
    pub south_agent_id: uuid::Uuid,
}

pub async fn cast(pool: &PgPool) -> Cast {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    org(pool, "south").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    let agent_id = user(pool, "north", "ana@north.example", Role::Agent).await;
    user(pool, "south", "boss@south.example", Role::Manager).await;
    let south_agent_id = user(pool, "south", "sam@south.example", Role::Agent).await;
    Cast {
        manager: app.signed_in("boss@north.example").await,
        compliance: app.signed_in("comp@north.example").await,
        agent: app.signed_in("ana@north.example").await,
        app,
        agent_id,
        south_agent_id,
    }
}

/// Two organisations: "north" (a manager, a compliance officer, agents Ana and Bo, carrier
/// token "tok") and "south" (a compliance officer).
pub async fn two_stores(pool: &PgPool) -> TestApp {
    let app = spawn_app(pool.clone()).await;
    org(pool, "north").await;
    org(pool, "south").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    user(pool, "north", "ana@north.example", Role::Agent).await;
    user(pool, "north", "bo@north.example", Role::Agent).await;
    user(pool, "south", "comp@south.example", Role::Compliance).await;
    configure_carrier(pool, "north", "tok", None).await;
    app
}

/// A customer texts north (signed with north's token "tok"); the carrier hears 200.
pub async fn text_north(app: &TestApp, sid: &str, from: &str, body: &str) {
    let response = app
        .twilio(
            "north",
            "sms",
            "tok",
            &[
                ("MessageSid", sid),
                ("From", from),
                ("To", "+13125550199"),
                ("Body", body),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "texting {body:?}");
}

/// A web-chat visitor who started a chat: the client carries the chat cookie.
pub async fn chat_visitor(app: &TestApp, org: &str, name: &str, contact: &str) -> Client {
    let mut visitor = app.client();
    let started = visitor
        .call(
            "start_chat",
            &[("org", org), ("name", name), ("contact", contact)],
        )
        .await;
    assert_eq!(started.status(), StatusCode::OK, "starting a chat");
    visitor.cookie = Some(
        started.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string(),
    );
    visitor
}

/// What the newest system text of a purpose really says, as its recipient reads it (the
/// outbox's secret text when it carries a code, else the message).
pub async fn text_received(pool: &PgPool, purpose: &str) -> String {
    sqlx::query_scalar(
        "SELECT coalesce(o.secret_body, m.body) FROM messages m LEFT JOIN outbox o ON o.message_id = m.id
         WHERE m.purpose = $1 ORDER BY m.created_at DESC LIMIT 1",
    )
    .bind(purpose)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The newest mail to `to` that says `containing`, as its recipient reads it (before the
/// worker delivers it).
pub async fn mail_received(pool: &PgPool, to: &str, containing: &str) -> String {
    sqlx::query_scalar(
        "SELECT coalesce(secret_body, body) FROM outbound_mail
         WHERE recipient = $1 AND strpos(coalesce(secret_body, body), $2) > 0
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(to)
    .bind(containing)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The six-digit code in a message.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text:?}"))
        .to_string()
}

/// Organisation "north" (a manager, a compliance officer, carrier token "tok") served behind
/// one trusted proxy: a request comes from the address its `x-forwarded-for` names.
pub async fn store_behind_proxy(pool: &PgPool) -> TestApp {
    let app = spawn_app_with(pool.clone(), |c| c.trusted_proxies = 1).await;
    org(pool, "north").await;
    user(pool, "north", "boss@north.example", Role::Manager).await;
    user(pool, "north", "comp@north.example", Role::Compliance).await;
    configure_carrier(pool, "north", "tok", None).await;
    app
}

/// North's WhatsApp app secret (webhook signatures) is "app-secret".
pub async fn whatsapp_secret(pool: &PgPool, org: &str) {
    use consentdesk::server::{config::TEST_DATA_KEY, crypto::DataKey};
    let key = DataKey::from_base64(TEST_DATA_KEY).unwrap();
    sqlx::query(
        "UPDATE messaging_settings SET whatsapp_app_secret_enc = $1
         WHERE org_id = (SELECT id FROM organisations WHERE slug = $2)",
    )
    .bind(key.seal("app-secret"))
    .bind(org)
    .execute(pool)
    .await
    .unwrap();
}

/// Meta's `x-hub-signature-256` for a body: `sha256=` and the hex HMAC-SHA256 of the body
/// with the app secret.
pub fn meta_signature(secret: &str, body: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The customer (+1 415-555-0100) writes to north on WhatsApp, signed as Meta signs it.
pub async fn whatsapp_north(app: &TestApp, id: &str, text: &str) {
    let body = format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"messages":[{{"from":"14155550100","id":"{id}","type":"text","text":{{"body":"{text}"}}}}]}}}}]}}]}}"#
    );
    let response = reqwest::Client::new()
        .post(format!("{}/hooks/whatsapp/north", app.base))
        .header("x-hub-signature-256", meta_signature("app-secret", &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

/// A person's plain reply (conversational, typed by hand) to a conversation.
pub fn send_reply(id: uuid::Uuid, body: &str) -> consentdesk::api::conversations::SendReply {
    consentdesk::api::conversations::SendReply {
        id,
        body: body.into(),
        category: String::new(),
        ai_assisted: String::new(),
    }
}

/// The booking form for a test drive with `who` (the caller when none), from the store's
/// date `days` ahead (north is in Chicago): at least five free slots.
pub async fn test_drive_options(
    c: &mut Client,
    lead: uuid::Uuid,
    who: Option<uuid::Uuid>,
    days: i64,
) -> consentdesk::model::BookingOptions {
    use chrono::{Duration, Utc};
    use consentdesk::api::appointments::GetBookingOptions;
    let today = Utc::now()
        .with_timezone(&chrono_tz::America::Chicago)
        .date_naive();
    let mut form = GetBookingOptions {
        lead,
        type_id: None,
        assignee: who,
        from: Some(today + Duration::days(days)),
    };
    let types = c.run(form.clone()).await.unwrap().types;
    let drive = types.iter().find(|t| t.name == "Test drive");
    form.type_id = Some(drive.expect("a test drive type").id);
    let options = c.run(form).await.unwrap();
    assert!(options.slots.len() > 4, "{options:?}");
    options
}
