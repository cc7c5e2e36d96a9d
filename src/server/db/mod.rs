//! SQL, one file per area. Every query that touches tenant data takes the caller's `org_id`.

pub mod audit;
pub mod lead_list;
pub mod leads;
pub mod orgs;
pub mod pool;
pub mod scope;
pub mod users;

/// Whether `error` is a violation of the named unique constraint or index.
pub fn is_unique_violation(error: &sqlx::Error, constraint: &str) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation() && e.constraint() == Some(constraint))
}

/// Whether `error` is a violation of the named exclusion constraint (two live
/// appointments of one person that overlap).
pub fn is_exclusion_violation(error: &sqlx::Error, constraint: &str) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.code().as_deref() == Some("23P01") && e.constraint() == Some(constraint))
}
