//! Lead CSV files: what an export writes and how an import's columns are read.

use crate::model::{Lead, LeadInput, E164};

const EXPORT_HEADER: [&str; 23] = [
    "id",
    "name",
    "email",
    "phone",
    "source",
    "status",
    "assignee",
    "tags",
    "time_zone",
    "interest_year",
    "interest_make",
    "interest_model",
    "interest_vin",
    "owned_year",
    "owned_make",
    "owned_model",
    "owned_vin",
    "budget_min",
    "budget_max",
    "locations",
    "property_type",
    "timeline",
    "created_at",
];

/// Spreadsheets run a cell that starts with = + - @ as a formula; such text is prefixed
/// with an apostrophe so an exported file cannot run anything when opened.
/// Text a spreadsheet would run as a formula is quoted so it stays text.
pub fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The export's header line.
pub fn export_header() -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(EXPORT_HEADER)?;
    out.into_inner().map_err(|e| e.into_error().into())
}

/// One lead as a line of the export.
pub fn export_row<W: std::io::Write>(
    out: &mut csv::Writer<W>,
    lead: &Lead,
) -> Result<(), csv::Error> {
    let text = |v: &Option<String>| inert(v.as_deref().unwrap_or_default());
    let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    {
        out.write_record([
            lead.id.to_string(),
            inert(&lead.name),
            text(&lead.email),
            lead.phone.clone().unwrap_or_default(), // E.164, checked by the database
            lead.source.as_str().to_string(),
            lead.status.as_str().to_string(),
            text(&lead.assignee),
            inert(&lead.tags.join(";")),
            text(&lead.time_zone),
            num(lead.interest_year.map(i64::from)),
            text(&lead.interest_make),
            text(&lead.interest_model),
            text(&lead.interest_vin),
            num(lead.owned_year.map(i64::from)),
            text(&lead.owned_make),
            text(&lead.owned_model),
            text(&lead.owned_vin),
            num(lead.budget_min.map(i64::from)),
            num(lead.budget_max.map(i64::from)),
            text(&lead.locations),
            text(&lead.property_type),
            text(&lead.timeline),
            lead.created_at.to_rfc3339(),
        ])?;
    }
    Ok(())
}

/// One data row of an uploaded file, with its line number for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub input: LeadInput,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    pub rows: Vec<ImportRow>,
    pub ignored_columns: Vec<String>,
}

fn field<'a>(input: &'a mut LeadInput, column: &str) -> Option<&'a mut String> {
    let normal = column.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match normal.as_str() {
        "name" | "full_name" | "customer" | "customer_name" => &mut input.name,
        "email" | "e_mail" | "email_address" => &mut input.email,
        "phone" | "mobile" | "cell" | "phone_number" | "mobile_phone" => &mut input.phone,
        "tags" | "tag" => &mut input.tags,
        "time_zone" | "timezone" => &mut input.time_zone,
        "year" | "vehicle_year" | "interest_year" => &mut input.interest_year,
        "make" | "vehicle_make" | "interest_make" => &mut input.interest_make,
        "model" | "vehicle_model" | "interest_model" => &mut input.interest_model,
        "vin" | "vehicle_vin" | "interest_vin" => &mut input.interest_vin,
        "owned_year" | "trade_in_year" => &mut input.owned_year,
        "owned_make" | "trade_in_make" => &mut input.owned_make,
        "owned_model" | "trade_in_model" => &mut input.owned_model,
        "owned_vin" | "trade_in_vin" => &mut input.owned_vin,
        "budget_min" => &mut input.budget_min,
        "budget_max" => &mut input.budget_max,
        "locations" | "location" => &mut input.locations,
        "property_type" => &mut input.property_type,
        "timeline" => &mut input.timeline,
        _ => return None,
    })
}

/// Reads a CSV with a header row. Unknown columns are reported, not fatal.
pub fn parse(body: &str) -> Result<ParsedFile, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("The file could not be read as CSV: {e}"))?
        .clone();
    let mut probe = LeadInput::default();
    let mut ignored_columns = Vec::new();
    for column in headers.iter() {
        match field(&mut probe, column) {
            Some(slot) => *slot = "present".into(),
            None => ignored_columns.push(column.to_string()),
        }
    }
    if probe.name.is_empty() {
        return Err("The first row must name the columns, including a name column.".into());
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("Row {} could not be read: {e}", index + 2))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let mut input = LeadInput {
            source: "import".into(),
            ..LeadInput::default()
        };
        for (column, value) in headers.iter().zip(record.iter()) {
            if let Some(slot) = field(&mut input, column) {
                *slot = value.to_string();
            }
        }
        rows.push(ImportRow {
            line: record.position().map_or(index as u64 + 2, |p| p.line()),
            input,
        });
    }
    Ok(ParsedFile {
        rows,
        ignored_columns,
    })
}

/// The phone as it would be stored, for spotting duplicates before insert.
pub fn phone_key(input: &LeadInput, region: &str) -> Option<String> {
    E164::parse(&input.phone, region)
        .ok()
        .map(|p| p.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_aliases_and_reports_unknown_columns() {
        let file = parse("Full Name,Mobile,E-mail,Favourite colour\nAna Diaz,(415) 555-0100,ana@x.example,blue\n").unwrap();
        assert_eq!(file.ignored_columns, vec!["Favourite colour".to_string()]);
        assert_eq!(file.rows.len(), 1);
        assert_eq!(file.rows[0].line, 2);
        assert_eq!(file.rows[0].input.name, "Ana Diaz");
        assert_eq!(file.rows[0].input.phone, "(415) 555-0100");
        assert_eq!(file.rows[0].input.source, "import");
    }

    #[test]
    fn a_file_without_a_name_column_is_refused() {
        assert!(parse("phone,email\n4155550100,a@b.example\n").is_err());
    }

    #[test]
    fn blank_lines_are_skipped() {
        let file = parse("name,phone\nAna,4155550100\n,\nBo,4155550101\n").unwrap();
        assert_eq!(
            file.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 4]
        );
    }

    #[test]
    fn exported_text_cannot_start_a_formula() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("Ana"), "Ana");
    }
}
