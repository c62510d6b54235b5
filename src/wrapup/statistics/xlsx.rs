//! The 统计报表 as an Excel workbook (rust_xlsxwriter): one sheet per table, a title, the
//! Chinese header row, one row per community and the street's 合计 row written as formulas of
//! each column's kind (with their results stored, so a reader that does not calculate sees
//! them too); frozen panes, the print area set, A4 landscape one page wide.

use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Formula, Workbook, XlsxError};

use crate::domain::statistics::table::{Cell, Kind, Table};

/// The row of the header (0-based); the communities follow it.
pub const HEADER_ROW: u32 = 1;

/// The workbook's bytes: `title` above each table.
pub fn workbook(title: &str, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9D9D9));
    let heading = Format::new().set_bold().set_font_size(14);
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.write_string_with_format(0, 0, format!("{title}：{}", t.name), &heading)?;
        for (c, col) in t.columns.iter().enumerate() {
            ws.write_string_with_format(HEADER_ROW, c as u16, &col.header, &head)?;
            ws.set_column_width(c as u16, if c == 0 { 14 } else { 9 })?;
        }
        ws.set_row_height(HEADER_ROW, 36)?;
        let first = HEADER_ROW + 1;
        for (r, row) in t.rows.iter().enumerate() {
            let line = first + r as u32;
            for (c, cell) in row.iter().enumerate() {
                write(
                    ws,
                    line,
                    c as u16,
                    t.columns[c].kind,
                    cell,
                    row_formula(t, line, c),
                )?;
            }
        }
        let total = first + t.rows.len() as u32;
        let bold = |f: Format| f.set_bold();
        for (c, cell) in t.total.iter().enumerate() {
            let kind = t.columns[c].kind;
            let formula = if t.rows.is_empty() {
                None
            } else {
                total_formula(kind, c as u16, first, total - 1, total)
            };
            let f = bold(format(kind));
            write_with(ws, total, c as u16, cell, formula, &f, kind)?;
        }
        ws.set_freeze_panes(first, 1)?;
        ws.set_print_area(0, 0, total, t.columns.len().saturating_sub(1) as u16)?;
    }
    wb.save_to_buffer()
}

fn format(kind: Kind) -> Format {
    let f = Format::new().set_border(FormatBorder::Thin);
    match kind {
        Kind::Percent { .. } => f.set_num_format("0.0%"),
        Kind::Average { .. } => f.set_num_format("0.0"),
        Kind::Count | Kind::Max | Kind::Flag => f.set_num_format("0"),
        Kind::Label | Kind::Text => f,
    }
}

/// A community row's percent cells are formulas of their row too.
fn row_formula(t: &Table, line: u32, c: usize) -> Option<String> {
    match t.columns[c].kind {
        Kind::Percent { num, den } => {
            let n = row_col_to_cell(line, num as u16);
            let d = row_col_to_cell(line, den as u16);
            Some(format!("=IF(N({d})=0,\"\",{n}/{d})"))
        }
        _ => None,
    }
}

fn range(c: u16, from: u32, to: u32) -> String {
    format!("{}:{}", row_col_to_cell(from, c), row_col_to_cell(to, c))
}

/// The total row's formula of a column of `kind`.
fn total_formula(kind: Kind, c: u16, from: u32, to: u32, total: u32) -> Option<String> {
    let r = range(c, from, to);
    match kind {
        Kind::Label | Kind::Text => None,
        Kind::Count => Some(format!("=SUM({r})")),
        Kind::Max => Some(format!("=MAX({r})")),
        Kind::Flag => Some(format!("=COUNTIF({r},\"是\")")),
        Kind::Percent { num, den } => {
            let n = row_col_to_cell(total, num as u16);
            let d = row_col_to_cell(total, den as u16);
            Some(format!("=IF(N({d})=0,\"\",{n}/{d})"))
        }
        Kind::Average { weight } => {
            let w = range(weight as u16, from, to);
            Some(format!("=IF(SUM({w})=0,\"\",SUMPRODUCT({r},{w})/SUM({w}))"))
        }
    }
}

fn write(
    ws: &mut rust_xlsxwriter::Worksheet,
    line: u32,
    c: u16,
    kind: Kind,
    cell: &Cell,
    formula: Option<String>,
) -> Result<(), XlsxError> {
    write_with(ws, line, c, cell, formula, &format(kind), kind)
}

/// Writes one cell: a formula with its result, a number (a percent as a fraction), text, or
/// a bordered blank.
fn write_with(
    ws: &mut rust_xlsxwriter::Worksheet,
    line: u32,
    c: u16,
    cell: &Cell,
    formula: Option<String>,
    f: &Format,
    kind: Kind,
) -> Result<(), XlsxError> {
    let value = match (cell, kind) {
        (Cell::Num(n), Kind::Percent { .. }) => Some(n / 100.0),
        (Cell::Num(n), _) => Some(*n),
        _ => None,
    };
    match (formula, cell) {
        (Some(formula), _) => {
            let result = value.map_or(String::new(), |v| v.to_string());
            ws.write_formula_with_format(line, c, Formula::new(formula).set_result(result), f)?;
        }
        (None, Cell::Text(t)) => {
            ws.write_string_with_format(line, c, t, f)?;
        }
        (None, _) => match value {
            Some(v) => {
                ws.write_number_with_format(line, c, v, f)?;
            }
            None => {
                ws.write_blank(line, c, f)?;
            }
        },
    }
    Ok(())
}
