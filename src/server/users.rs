//! User administration within one organisation (managers only; checked by the caller).

use super::auth::{password, Caller};
use super::db::{self, users::NewUser};
use crate::error::AppError;
use crate::model::{AuditAction, AuditObject, Email, FieldErrors, Role};
use crate::rules::account;
use secrecy::SecretString;
use serde_json::json;
use sqlx::PgPool;
use std::net::IpAddr;
use uuid::Uuid;

pub struct NewUserInput {
    pub name: String,
    pub email: String,
    pub role: String,
    pub password: SecretString,
}

/// Who adds the account, which decides how its first password is treated and whom the
/// audit log names.
pub enum AddedBy {
    /// A manager on the users page: the password they chose works once, then the person
    /// chooses their own.
    Manager(Caller, Option<IpAddr>),
    /// The administrator at the server's console (`consentdesk create-user`, the demo
    /// seed), typing a password for themselves.
    Console,
}

/// Adds a person to an organisation: the one way an account is made.
#[tracing::instrument(skip_all, fields(org = %org_id))]
pub async fn create(
    pool: &PgPool,
    org_id: Uuid,
    added_by: AddedBy,
    input: NewUserInput,
) -> Result<Uuid, AppError> {
    use secrecy::ExposeSecret;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", account::person_name(&input.name));
    let email = errors.check("email", Email::parse(&input.email));
    let role = errors.check("role", input.role.parse::<Role>());
    errors.check(
        "password",
        account::new_password(input.password.expose_secret()),
    );
    let (Some(name), Some(email), Some(role), true) = (name, email, role, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };

    let password_hash = password::hash(input.password).await?;
    let mut tx = pool.begin().await?;
    let new_user = NewUser {
        org_id,
        name: &name,
        email: &email,
        role,
        password_hash: &password_hash,
        must_change_password: matches!(added_by, AddedBy::Manager(..)),
    };
    let id = match db::users::insert(&mut *tx, &new_user).await {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e, db::users::EMAIL_KEY) => {
            return Err(AppError::field(
                "email",
                "Someone in your organisation already has an account with this email.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let detail = json!({ "email": email.as_str(), "role": role });
    let object = (AuditObject::User, id.to_string());
    let event = match added_by {
        AddedBy::Manager(caller, ip) => {
            db::audit::AuditEvent::by(caller, ip, AuditAction::UserCreated, object, detail)
        }
        AddedBy::Console => {
            db::audit::AuditEvent::system(org_id, AuditAction::UserCreated, object, detail)
        }
    };
    db::audit::record(&mut *tx, event).await?;
    tx.commit().await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn change_role(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    role: &str,
) -> Result<(), AppError> {
    let role = role
        .parse::<Role>()
        .map_err(|e| AppError::field("role", e))?;
    if id == caller.user_id {
        return Err(AppError::Conflict(
            "You cannot change your own role; ask another manager.".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    let previous = db::users::set_role(&mut *tx, caller.org_id, id, role)
        .await?
        .ok_or(AppError::NotFound)?;
    if previous != role {
        audit(
            &mut tx,
            caller,
            ip,
            AuditAction::UserRoleChanged,
            id,
            json!({ "from": previous, "to": role }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(org = %caller.org_id))]
pub async fn set_active(
    pool: &PgPool,
    caller: Caller,
    ip: Option<IpAddr>,
    id: Uuid,
    active: bool,
) -> Result<(), AppError> {
    if id == caller.user_id {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    if !db::users::set_active(&mut *tx, caller.org_id, id, active).await? {
        return Err(AppError::NotFound);
    }
    let action = if active {
        AuditAction::UserReactivated
    } else {
        AuditAction::UserDeactivated
    };
    audit(&mut tx, caller, ip, action, id, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

async fn audit(
    tx: &mut sqlx::PgConnection,
    caller: Caller,
    ip: Option<IpAddr>,
    action: AuditAction,
    user_id: Uuid,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    db::audit::record(
        tx,
        db::audit::AuditEvent::by(
            caller,
            ip,
            action,
            (AuditObject::User, user_id.to_string()),
            detail,
        ),
    )
    .await
}
