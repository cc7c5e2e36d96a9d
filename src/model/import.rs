use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What importing one row would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    New,
    /// Matches an existing lead (or an earlier row) by phone or e-mail.
    Duplicate(String),
    Invalid(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: u64,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub outcome: RowOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: Uuid,
    pub filename: String,
    pub total: usize,
    pub new: usize,
    pub duplicates: usize,
    pub invalid: usize,
    /// The first rows, for the person to check before importing.
    pub rows: Vec<PreviewRow>,
    pub ignored_columns: Vec<String>,
    pub report: Option<ImportReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub line: u64,
    pub name: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: usize,
    pub merged: usize,
    pub skipped: usize,
    pub rejected: Vec<RejectedRow>,
}
