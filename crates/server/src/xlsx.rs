//! Writes the group export as an `.xlsx` workbook (see docs/API.md, Export).

use pursue_app::insights::ExportReport;
use rust_xlsxwriter::{DocProperties, Format, Workbook, XlsxError};

/// Header row (row 4).
const HEADERS: [&str; 4] = ["Goal", "Cadence", "Completion", "Days/Times"];

/// The workbook: creator `Pursue`, title `<group> Progress Report`, one sheet per member.
pub fn workbook(report: &ExportReport) -> anyhow::Result<Vec<u8>> {
    Ok(build(report)?)
}

fn build(report: &ExportReport) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let props = DocProperties::new()
        .set_author("Pursue")
        .set_title(format!("{} Progress Report", report.group_name));
    book.set_properties(&props);
    let bold = Format::new().set_bold();
    let period = format!(
        "{} | {} - {}",
        report.group_name,
        report.range.start().format("%b %-d, %Y"),
        report.range.end().format("%b %-d, %Y")
    );
    for sheet in &report.sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.sheet_name)?;
        ws.write_string_with_format(
            0,
            0,
            format!("{} - PROGRESS SUMMARY", sheet.display_name.to_uppercase()),
            &bold,
        )?;
        ws.write_string(1, 0, &period)?;
        for (col, h) in (0u16..).zip(HEADERS) {
            ws.write_string_with_format(3, col, h, &bold)?;
        }
        let mut row: u32 = 4;
        for r in &sheet.rows {
            ws.write_string(row, 0, &r.title)?;
            ws.write_string(row, 1, r.cadence)?;
            ws.write_string(row, 2, &r.completion)?;
            ws.write_string(row, 3, &r.days)?;
            row += 1;
        }
        row += 1;
        ws.write_string_with_format(row, 0, "YEARLY GOALS", &bold)?;
        row += 1;
        for y in &sheet.yearly {
            ws.write_string(row, 0, &y.title)?;
            ws.write_string(row, 1, "Yearly")?;
            ws.write_string(row, 2, if y.complete { "Complete" } else { "Pending" })?;
            ws.write_string(row, 3, if y.complete { "✓" } else { "-" })?;
            row += 1;
        }
        ws.set_column_width(0, 40)?;
        ws.set_column_width(1, 12)?;
        ws.set_column_width(2, 14)?;
        ws.set_column_width(3, 14)?;
    }
    if report.sheets.is_empty() {
        book.add_worksheet().set_name("Sheet")?;
    }
    book.save_to_buffer()
}
