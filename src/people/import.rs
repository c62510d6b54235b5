//! Importing people from a spreadsheet (SPEC §2): the file-format half.
//!
//! `read_rows` turns an uploaded `.xlsx` or CSV file into numbered [`RawPerson`] rows,
//! `check_rows` parses them and adds the checks that span rows, and the two template functions
//! produce the file users fill in. Importing is all-or-nothing: the caller shows the whole
//! per-row error list, and only when it is empty does it run its database checks and insert.

use std::collections::HashMap;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, XlsxError};
use serde::Serialize;

use crate::domain::idcard::IdNumber;
use crate::domain::person::{EDUCATION, PARTY_ORG, PARTY_STATUS, PersonDraft, RawPerson};

/// The columns: Chinese header, [`RawPerson`] field, and the hint shown in the template.
pub const COLUMNS: [(&str, &str, &str); 18] = [
    ("姓名", "name", "必填，最多 30 字"),
    ("性别", "gender", "男或女；留空时按身份证号自动填写"),
    (
        "出生日期",
        "birth_date",
        "如 1990-03-07；留空时按身份证号自动填写",
    ),
    ("民族", "ethnicity", "如 汉族、回族；留空默认为汉族"),
    ("文化程度", "education", "可留空"),
    (
        "身份证号",
        "id_number",
        "18 位，末位可为 X；该列须为文本格式，不能存为数字",
    ),
    ("户籍社区", "hukou_community", "户籍所在社区的编码；可留空"),
    (
        "居住社区",
        "residence_community",
        "实际居住社区的编码；可留空",
    ),
    (
        "居民小组",
        "resident_group",
        "居住社区内居民小组的名称；可留空",
    ),
    ("被剥夺政治权利", "rights_removed", "是或否；留空为否"),
    ("党员状态", "party_status", "留空为非党员"),
    (
        "党组织关系",
        "party_org",
        "党员填写组织关系所在：本社区或驻区单位",
    ),
    ("党组织名称", "party_org_name", "党员所在党组织的名称"),
    ("入党日期", "party_joined", "如 2010-07-01"),
    ("人大代表", "npc_deputy", "是或否；留空为否"),
    ("政协委员", "cppcc_member", "是或否；留空为否"),
    ("联系电话", "phone", "手机或固定电话，只含数字和“-”"),
    (
        "户号",
        "household_no",
        "同一户的成员填写相同户号（用于户代表选举），保留前导 0",
    ),
];

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 20_000;

/// Other headers people commonly use for the same columns, mapped to ours.
const ALIASES: [(&str, &str); 14] = [
    ("身份证号码", "身份证号"),
    ("公民身份号码", "身份证号"),
    ("身份证", "身份证号"),
    ("出生年月日", "出生日期"),
    ("学历", "文化程度"),
    ("手机号", "联系电话"),
    ("手机号码", "联系电话"),
    ("电话", "联系电话"),
    ("电话号码", "联系电话"),
    ("联系方式", "联系电话"),
    ("是否被剥夺政治权利", "被剥夺政治权利"),
    ("是否人大代表", "人大代表"),
    ("是否政协委员", "政协委员"),
    ("所在小组", "居民小组"),
];

/// How many rows from the top may precede the header row (a title row, say).
const HEADER_SEARCH_ROWS: usize = 10;

/// Starts a cell value that is not data but a problem found while reading the file, which
/// `check_rows` reports for its column. A control character, so typed text never carries it.
const CELL_PROBLEM: char = '\u{1}';

const NUMERIC_ID: &str = "身份证号被存为数字，末几位可能已丢失，请将该列设为文本后重新填写";

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// OLE compound file: a legacy `.xls`, or an encrypted `.xlsx`.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A problem in one cell (or row) of the file, for the list shown to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Spreadsheet row, 1-based and counting the header (the first data row is usually 2).
    pub row: usize,
    /// Chinese column header.
    pub column: String,
    /// What is wrong, in Chinese.
    pub problem: String,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Neither `.xlsx` nor CSV; holds the file name.
    UnknownFormat(String),
    /// The file is damaged or cannot be decoded; holds a Chinese description.
    Unreadable(String),
    /// Required headers that were not found.
    MissingColumns(Vec<String>),
    /// No data rows under the header.
    Empty,
    /// More data rows than [`MAX_ROWS`]; holds the number found.
    TooManyRows(usize),
}

impl ImportError {
    /// The message shown to the user, in Chinese.
    pub fn message(&self) -> String {
        match self {
            ImportError::UnknownFormat(name) => format!(
                "无法识别文件“{name}”的格式。请上传 Excel 工作簿（.xlsx）或 CSV 文件；\
                 旧版 .xls 或设置了密码的文件，请先在 Excel 中另存为不加密的 .xlsx。"
            ),
            ImportError::Unreadable(why) => format!("文件无法读取：{why}"),
            ImportError::MissingColumns(cols) => format!(
                "文件缺少必需的列：{}。请使用导入模板，并保留表头行。",
                cols.join("、")
            ),
            ImportError::Empty => "文件中没有人员数据（表头下方没有内容）。".into(),
            ImportError::TooManyRows(n) => format!(
                "文件有 {n} 行数据，超过单次导入上限 {MAX_ROWS} 行，请拆分为多个文件分批导入。"
            ),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ImportError {}

/// One cell as read, before it is assigned to a field.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    /// Text (and dates, booleans).
    Text(String),
    /// A number stored as a number, printed in full.
    Number(String),
    /// Not data: a problem to report for this cell.
    Problem(String),
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
            Cell::Problem(_) => "",
        }
    }
}

/// Non-empty rows of the file with their spreadsheet row numbers.
type Grid = Vec<(usize, Vec<Cell>)>;

/// Reads the people in an uploaded `.xlsx` or CSV file, with their spreadsheet row numbers.
///
/// The format comes from the content where it is unambiguous (a zip is an xlsx) and otherwise
/// from the extension. The header row may be preceded by a few title rows; columns may come in
/// any order, unknown ones are ignored, and only 姓名 is required. Rows with nothing in any
/// recognised column are skipped. Cells that cannot be trusted (an ID number stored as a number,
/// a formula error) come back marked so that [`check_rows`] reports them.
pub fn read_rows(filename: &str, bytes: &[u8]) -> Result<Vec<(usize, RawPerson)>, ImportError> {
    let grid = if is_xlsx(filename, bytes)? {
        xlsx_grid(bytes)?
    } else {
        csv_grid(bytes)?
    };
    people_from_grid(grid)
}

/// Decides between xlsx (true) and CSV (false), or refuses the file.
fn is_xlsx(filename: &str, bytes: &[u8]) -> Result<bool, ImportError> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.contains(['/', '\\']))
        .unwrap_or_default();
    let unknown = || ImportError::UnknownFormat(filename.to_string());
    if bytes.starts_with(OLE_MAGIC) {
        return Err(unknown());
    }
    match ext.as_str() {
        "xls" | "et" | "ods" | "numbers" | "doc" | "docx" | "wps" | "pdf" => Err(unknown()),
        _ if bytes.starts_with(ZIP_MAGIC) => Ok(true),
        // Not a workbook whatever its name says: read it as CSV when it looks like text.
        _ if encoding_rs::Encoding::for_bom(bytes).is_some() || !bytes.contains(&0) => Ok(false),
        _ => Err(unknown()),
    }
}

fn xlsx_grid(bytes: &[u8]) -> Result<Grid, ImportError> {
    let damaged = |e: &dyn fmt::Display| {
        ImportError::Unreadable(format!("Excel 文件已损坏或不是有效的 .xlsx 文件（{e}）"))
    };
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let range = match book.worksheet_range_at(0) {
        None => return Err(ImportError::Empty),
        Some(r) => r.map_err(|e| damaged(&e))?,
    };
    let Some((first_row, _)) = range.start() else {
        return Ok(Vec::new());
    };
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            (
                first_row as usize + i + 1,
                cells.iter().map(xlsx_cell).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Text(String::new())))
        .collect())
}

fn xlsx_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Text(String::new()),
        Data::String(s) => Cell::Text(clean_text(s)),
        Data::Int(i) => Cell::Number(i.to_string()),
        Data::Float(f) => Cell::Number(number_text(*f)),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(dt) if dt.is_duration() => Cell::Number(number_text(dt.as_f64())),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Cell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        // "2024-03-01T00:00:00" → the date; a bare time stays as it is.
        Data::DateTimeIso(s) => Cell::Text(match s.get(..10) {
            Some(date) if date.as_bytes().get(4) == Some(&b'-') => date.to_string(),
            _ => s.clone(),
        }),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Problem(format!("单元格为错误值 {e}，请改为实际内容")),
    }
}

/// A number in full: whole numbers without `.0`, never in scientific notation.
fn number_text(f: f64) -> String {
    // `Display` for f64 prints the shortest exact digits and never uses an exponent.
    if f == 0.0 { "0".into() } else { f.to_string() }
}

/// Trims a cell and removes the wrappers used to keep digits as text in CSV (`="0012"`, `'0012`).
fn clean_text(s: &str) -> String {
    let t = s.trim();
    let t = t
        .strip_prefix("=\"")
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(t);
    let t = match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => t,
    };
    t.trim().to_string()
}

fn csv_grid(bytes: &[u8]) -> Result<Grid, ImportError> {
    let text = decode_text(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    // The csv crate skips blank lines, which a spreadsheet shows as rows: count them back in. A
    // record's position is where reading it began, before the blank lines it skipped.
    let mut row = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable(format!("CSV 格式错误（{e}）")))?;
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        // After a CRLF the position may sit between the two characters.
        if start > 0 && text.as_bytes().get(start - 1..=start) == Some(b"\r\n") {
            start += 1;
        }
        row += 1 + blank_lines(text.as_bytes().get(start..).unwrap_or_default());
        let cells: Vec<Cell> = record.iter().map(|f| Cell::Text(clean_text(f))).collect();
        if cells.iter().any(|c| !c.text().is_empty()) {
            grid.push((row, cells));
        }
    }
    Ok(grid)
}

/// How many line breaks (`\n`, `\r\n` or `\r`) start the text.
fn blank_lines(text: &[u8]) -> usize {
    let mut n = 0;
    let mut rest = text;
    while let Some(skip) = match rest {
        [b'\r', b'\n', ..] => Some(2),
        [b'\n' | b'\r', ..] => Some(1),
        _ => None,
    } {
        n += 1;
        rest = &rest[skip..];
    }
    n
}

/// UTF-8 (BOM or not), UTF-16 with a BOM, or else GBK/GB18030 as Chinese Excel saves CSV.
fn decode_text(bytes: &[u8]) -> Result<String, ImportError> {
    let (encoding, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None if std::str::from_utf8(bytes).is_ok() => (encoding_rs::UTF_8, bytes),
        None => (encoding_rs::GB18030, bytes),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Err(ImportError::Unreadable(
            "无法识别 CSV 文件的文字编码，请以 UTF-8 或 GBK 编码保存后重新上传".into(),
        ));
    }
    Ok(text.into_owned())
}

/// A header as compared: no whitespace, no `*` marks, no trailing note like `（必填）`.
fn normalize_header(s: &str) -> String {
    let mut h: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .collect();
    if h.ends_with([')', '）'])
        && let Some(i) = h.rfind(['(', '（'])
        && i > 0
    {
        h.truncate(i);
    }
    h.trim_matches(['*', '＊']).to_string()
}

/// For each column of the header row, the index into [`COLUMNS`] it fills, if any.
/// An exact header wins over an alias; the first of equals wins.
fn map_header(header: &[Cell]) -> Vec<Option<usize>> {
    let names: Vec<String> = header.iter().map(|c| normalize_header(c.text())).collect();
    let mut mapping = vec![None; names.len()];
    for (field, (title, _, _)) in COLUMNS.iter().enumerate() {
        let alias = |n: &str| ALIASES.iter().any(|(a, t)| *a == n && t == title);
        let found = names
            .iter()
            .position(|n| n == title)
            .or_else(|| names.iter().position(|n| alias(n)));
        if let Some(col) = found {
            mapping[col] = Some(field);
        }
    }
    mapping
}

fn people_from_grid(grid: Grid) -> Result<Vec<(usize, RawPerson)>, ImportError> {
    if grid.is_empty() {
        return Err(ImportError::Empty);
    }
    let header_at = grid
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| normalize_header(c.text()) == COLUMNS[0].0)
        })
        .ok_or_else(|| ImportError::MissingColumns(vec![COLUMNS[0].0.to_string()]))?;
    let mapping = map_header(&grid[header_at].1);
    let mut people = Vec::new();
    for (row, cells) in grid.into_iter().skip(header_at + 1) {
        let mut person = RawPerson::default();
        let mut any = false;
        for (cell, field) in cells.into_iter().zip(&mapping) {
            let Some(field) = *field else { continue };
            let (_, name, _) = COLUMNS[field];
            let value = match cell {
                Cell::Problem(p) => format!("{CELL_PROBLEM}{p}"),
                Cell::Number(_) if name == "id_number" => format!("{CELL_PROBLEM}{NUMERIC_ID}"),
                // Excel writes a numeric ID into CSV as "3.70102E+17".
                Cell::Text(t) if name == "id_number" && looks_scientific(&t) => {
                    format!("{CELL_PROBLEM}{NUMERIC_ID}")
                }
                Cell::Text(t) | Cell::Number(t) => t,
            };
            if value.is_empty() {
                continue;
            }
            any = true;
            if let Some(slot) = field_mut(&mut person, name) {
                *slot = value;
            }
        }
        if any {
            people.push((row, person));
        }
    }
    match people.len() {
        0 => Err(ImportError::Empty),
        n if n > MAX_ROWS => Err(ImportError::TooManyRows(n)),
        _ => Ok(people),
    }
}

fn looks_scientific(t: &str) -> bool {
    t.contains(['E', 'e']) && t.contains('+') && t.parse::<f64>().is_ok()
}

/// The [`RawPerson`] field named in [`COLUMNS`].
fn field_mut<'a>(p: &'a mut RawPerson, field: &str) -> Option<&'a mut String> {
    Some(match field {
        "name" => &mut p.name,
        "gender" => &mut p.gender,
        "birth_date" => &mut p.birth_date,
        "ethnicity" => &mut p.ethnicity,
        "education" => &mut p.education,
        "id_number" => &mut p.id_number,
        "hukou_community" => &mut p.hukou_community,
        "residence_community" => &mut p.residence_community,
        "resident_group" => &mut p.resident_group,
        "rights_removed" => &mut p.rights_removed,
        "party_status" => &mut p.party_status,
        "party_org" => &mut p.party_org,
        "party_org_name" => &mut p.party_org_name,
        "party_joined" => &mut p.party_joined,
        "npc_deputy" => &mut p.npc_deputy,
        "cppcc_member" => &mut p.cppcc_member,
        "phone" => &mut p.phone,
        "household_no" => &mut p.household_no,
        _ => return None,
    })
}

fn column_rank(column: &str) -> usize {
    COLUMNS
        .iter()
        .position(|(h, _, _)| *h == column)
        .unwrap_or(COLUMNS.len())
}

/// Parses every row and checks across rows (an ID number may appear only once in the file).
///
/// Returns the drafts of the rows without problems and every problem, ordered by row and then
/// column. The import may go ahead only when the error list is empty.
pub fn check_rows(rows: &[(usize, RawPerson)]) -> (Vec<(usize, PersonDraft)>, Vec<RowError>) {
    let mut drafts = Vec::new();
    let mut errors = Vec::new();
    let mut rows_by_id: HashMap<String, Vec<usize>> = HashMap::new();
    for (row, raw) in rows {
        let mut raw = raw.clone();
        let mut row_errors = Vec::new();
        for (column, field, _) in COLUMNS {
            if let Some(value) = field_mut(&mut raw, field)
                && let Some(problem) = value.strip_prefix(CELL_PROBLEM)
            {
                row_errors.push(RowError {
                    row: *row,
                    column: column.into(),
                    problem: problem.into(),
                });
                value.clear();
            }
        }
        let id = IdNumber::parse(&raw.id_number);
        let id_given =
            !raw.id_number.trim().is_empty() || row_errors.iter().any(|e| e.column == "身份证号");
        if id.is_err() && id_given && raw.gender.trim().is_empty() {
            // The gender would have come from the ID number, whose own error says it all: keep
            // `parse` from adding a derived "性别" error (the draft is discarded anyway).
            raw.gender = "男".into();
        }
        if let Ok(id) = id {
            rows_by_id
                .entry(id.as_str().to_string())
                .or_default()
                .push(*row);
        }
        match raw.parse() {
            Ok(draft) if row_errors.is_empty() => drafts.push((*row, draft)),
            Ok(_) => {}
            Err(field_errors) => {
                for e in field_errors {
                    if !row_errors.iter().any(|r| r.column == e.field) {
                        row_errors.push(RowError {
                            row: *row,
                            column: e.field,
                            problem: e.message,
                        });
                    }
                }
            }
        }
        errors.append(&mut row_errors);
    }
    for same in rows_by_id.values().filter(|r| r.len() > 1) {
        for row in same {
            let others: Vec<String> = same
                .iter()
                .filter(|r| *r != row)
                .map(|r| r.to_string())
                .collect();
            errors.push(RowError {
                row: *row,
                column: "身份证号".into(),
                problem: format!("与第 {} 行的身份证号重复", others.join("、")),
            });
        }
        drafts.retain(|(r, _)| !same.contains(r));
    }
    errors.sort_by_key(|e| (e.row, column_rank(&e.column)));
    (drafts, errors)
}

/// The values a column accepts, where it has a fixed list.
fn allowed_values(field: &str) -> Option<Vec<&'static str>> {
    let labels = |t: &[(&'static str, &'static str)]| t.iter().map(|(_, l)| *l).collect();
    match field {
        "gender" => Some(vec!["男", "女"]),
        "education" => Some(EDUCATION.to_vec()),
        "party_status" => Some(labels(&PARTY_STATUS)),
        "party_org" => Some(labels(&PARTY_ORG)),
        "rights_removed" | "npc_deputy" | "cppcc_member" => Some(vec!["是", "否"]),
        _ => None,
    }
}

/// Columns kept as text in the template, so Excel keeps all 18 digits and leading zeros.
const TEXT_FIELDS: [&str; 5] = [
    "id_number",
    "phone",
    "household_no",
    "birth_date",
    "party_joined",
];

/// The template's example row (a made-up person with a valid ID number), in [`COLUMNS`] order.
const EXAMPLE: [&str; 18] = [
    "张三",
    "男",
    "1990-03-07",
    "汉族",
    "高中/中专",
    "110101199003070011",
    "",
    "",
    "",
    "否",
    "正式党员",
    "本社区党组织",
    "第一党支部",
    "2015-07-01",
    "否",
    "否",
    "13800000000",
    "0001",
];

fn column_width(field: &str) -> f64 {
    match field {
        "id_number" => 22.0,
        "party_org_name" => 20.0,
        "rights_removed" | "party_org" | "phone" => 16.0,
        "birth_date" | "party_joined" | "education" | "party_status" => 12.0,
        "hukou_community" | "residence_community" | "resident_group" => 11.0,
        _ => 10.0,
    }
}

/// The import template as `.xlsx`: sheet 人员 (header, one example row, text-formatted ID,
/// phone, 户号 and date columns, drop-down lists) and sheet 填写说明 (each column's hint and
/// allowed values).
pub fn template_xlsx() -> Result<Vec<u8>, String> {
    build_template().map_err(|e| e.to_string())
}

fn build_template() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let example = Format::new()
        .set_num_format("@")
        .set_font_color(Color::Gray)
        .set_italic();
    let last_row = MAX_ROWS as u32 + 1;

    let sheet = book.add_worksheet();
    sheet.set_name("人员")?;
    for (col, ((title, field, _), value)) in COLUMNS.iter().zip(EXAMPLE).enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, column_width(field))?;
        if TEXT_FIELDS.contains(field) {
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, *title, &header)?;
        sheet.write_string_with_format(1, col, value, &example)?;
        if let Some(values) = allowed_values(field) {
            let list = DataValidation::new().allow_list_strings(&values)?;
            sheet.add_data_validation(1, col, last_row, col, &list)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;

    let wrap = Format::new().set_text_wrap();
    let notes = book.add_worksheet();
    notes.set_name("填写说明")?;
    notes.set_column_width(0, 16)?;
    notes.set_column_width(1, 48)?;
    notes.set_column_width(2, 48)?;
    for (col, title) in ["列名", "填写说明", "可选值"].into_iter().enumerate() {
        notes.write_string_with_format(0, col as u16, title, &header)?;
    }
    for (i, (title, field, hint)) in COLUMNS.iter().enumerate() {
        let row = i as u32 + 1;
        notes.write_string(row, 0, *title)?;
        notes.write_string_with_format(row, 1, *hint, &wrap)?;
        if let Some(values) = allowed_values(field) {
            notes.write_string_with_format(row, 2, values.join("、"), &wrap)?;
        }
    }
    let general = [
        "1. 请在“人员”表中填写，第 1 行为表头，请勿修改或删除；各列顺序可以调整，不需要的列可以删除（“姓名”列必须保留）。".to_string(),
        "2. 第 2 行为示例，导入前请删除。".into(),
        "3. 身份证号、联系电话、户号和日期列已设为文本格式；从其他表格粘贴时请选择“只粘贴数值”，以免身份证号变成数字而丢失末几位。".into(),
        format!("4. 每个文件最多 {MAX_ROWS} 行；有任何一行出错时整个文件都不会导入，请按错误清单修改后重新上传。"),
        "5. 也可以上传 CSV 文件（UTF-8 或 GBK 编码），表头与本模板相同。".into(),
    ];
    let start = COLUMNS.len() as u32 + 2;
    for (i, line) in general.iter().enumerate() {
        notes.write_string(start + i as u32, 0, line)?;
    }
    book.save_to_buffer()
}

/// The import template as CSV: UTF-8 with a BOM (so Excel shows the Chinese), header row only.
pub fn template_csv() -> Vec<u8> {
    let header: Vec<&str> = COLUMNS.iter().map(|(h, _, _)| *h).collect();
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend_from_slice(header.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::idcard::check_char;
    use rust_xlsxwriter::ExcelDateTime;

    fn id(first17: &str) -> String {
        format!("{first17}{}", check_char(first17).unwrap())
    }

    fn header() -> String {
        COLUMNS
            .iter()
            .map(|(h, _, _)| *h)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn csv_with_bom(body: &str) -> Vec<u8> {
        let mut bytes = "\u{feff}".as_bytes().to_vec();
        bytes.extend_from_slice(body.as_bytes());
        bytes
    }

    #[test]
    fn a_utf8_csv_with_a_bom_is_read_with_spreadsheet_row_numbers() {
        let a = id("11010519491231002");
        let b = id("11010119900307001");
        let body =
            format!("姓名,身份证号,联系电话\r\n王芳,{a},010-12345678\r\n,,\r\n李四,{b},\r\n");
        let rows = read_rows("名单.csv", &csv_with_bom(&body)).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[0].0,
                rows[0].1.name.as_str(),
                rows[0].1.id_number.as_str()
            ),
            (2, "王芳", a.as_str())
        );
        assert_eq!(rows[0].1.phone, "010-12345678");
        assert_eq!((rows[1].0, rows[1].1.name.as_str()), (4, "李四"));
        let (drafts, errors) = check_rows(&rows);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(drafts.len(), 2);
    }

    #[test]
    fn a_blank_line_in_a_csv_still_counts_as_a_row() {
        let body = "姓名,居民小组\r\n张三,\"第一\r\n小组\"\r\n\r\n李四,2\r\n\n\n王五,3\n";
        let rows = read_rows("a.csv", body.as_bytes()).unwrap();
        let numbers: Vec<usize> = rows.iter().map(|(r, _)| *r).collect();
        assert_eq!(numbers, [2, 4, 7], "a quoted line break stays in its row");
        assert_eq!(rows[0].1.resident_group, "第一\r\n小组");
        let old_mac = read_rows("a.csv", "姓名\r张三\r\r李四\r".as_bytes()).unwrap();
        assert_eq!(old_mac.iter().map(|(r, _)| *r).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn a_gbk_encoded_csv_from_chinese_excel_is_decoded() {
        let text = format!(
            "姓名,性别,民族,身份证号\r\n欧阳娜娜,女,回族,{}\r\n",
            id("11010519491231002")
        );
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let rows = read_rows("名单.csv", &bytes).unwrap();
        assert_eq!(rows[0].1.name, "欧阳娜娜");
        assert_eq!(rows[0].1.ethnicity, "回族");
        assert!(check_rows(&rows).1.is_empty());
    }

    #[test]
    fn an_xlsx_keeps_text_ids_turns_dates_into_iso_and_reports_numeric_ids() {
        let good = id("37010219900101101");
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("yyyy/m/d");
        for (col, h) in ["姓名", "身份证号", "出生日期", "联系电话", "人大代表"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, col as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "赵六").unwrap();
        sheet.write_string(1, 1, &good).unwrap();
        let born = ExcelDateTime::from_ymd(1990, 1, 1).unwrap();
        sheet
            .write_datetime_with_format(1, 2, &born, &date)
            .unwrap();
        sheet.write_number(1, 3, 13800138000.0).unwrap();
        sheet.write_boolean(1, 4, true).unwrap();
        sheet.write_string(2, 0, "钱七").unwrap();
        sheet.write_number(2, 1, 370102199001011000.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();

        let rows = read_rows("人员.xlsx", &bytes).unwrap();
        assert_eq!(rows.len(), 2);
        let (row, p) = &rows[0];
        assert_eq!(
            (*row, p.id_number.as_str(), p.birth_date.as_str()),
            (2, good.as_str(), "1990-01-01")
        );
        assert_eq!(
            (p.phone.as_str(), p.npc_deputy.as_str()),
            ("13800138000", "是")
        );
        let (drafts, errors) = check_rows(&rows);
        assert_eq!(drafts.len(), 1);
        assert_eq!(
            errors,
            [RowError {
                row: 3,
                column: "身份证号".into(),
                problem: NUMERIC_ID.into()
            }]
        );
    }

    #[test]
    fn an_id_that_excel_wrote_to_csv_in_scientific_notation_is_reported() {
        let rows = read_rows("a.csv", "姓名,身份证号\n张三,3.70102E+17\n".as_bytes()).unwrap();
        let errors = check_rows(&rows).1;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].problem.contains("被存为数字"));
    }

    #[test]
    fn columns_may_come_in_any_order_with_notes_and_unknown_columns() {
        let body = format!(
            "序号,身份证号码,党员状态,* 姓 名（必填）,备注\n1,{},预备党员,孙八,无\n2,,,,\n",
            id("11010519491231002")
        );
        let rows = read_rows("a.csv", body.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1, "a row with only its 序号 is skipped");
        let (drafts, errors) = check_rows(&rows);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(drafts[0].1.name, "孙八");
        assert_eq!(drafts[0].1.party_status, "probationary");
    }

    #[test]
    fn a_title_row_above_the_header_is_allowed() {
        let rows = read_rows(
            "a.csv",
            "某某社区人员名单\n姓名(必填),性别\n张三,男\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(rows[0].0, 3);
    }

    #[test]
    fn a_file_without_a_name_column_is_refused() {
        let err = read_rows("a.csv", "身份证号,性别\n1,男\n".as_bytes()).unwrap_err();
        assert_eq!(err, ImportError::MissingColumns(vec!["姓名".into()]));
        assert!(err.message().contains("姓名"));
    }

    #[test]
    fn a_header_only_file_is_empty_and_too_many_rows_are_refused() {
        assert_eq!(
            read_rows("t.csv", &template_csv()).unwrap_err(),
            ImportError::Empty
        );
        assert_eq!(read_rows("t.csv", b"").unwrap_err(), ImportError::Empty);
        let body = format!("姓名\n{}", "张三\n".repeat(MAX_ROWS + 1));
        assert_eq!(
            read_rows("a.csv", body.as_bytes()).unwrap_err(),
            ImportError::TooManyRows(MAX_ROWS + 1)
        );
    }

    #[test]
    fn a_legacy_xls_or_a_binary_file_is_an_unknown_format() {
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0; 64]);
        assert!(matches!(
            read_rows("旧.xls", &ole),
            Err(ImportError::UnknownFormat(_))
        ));
        assert!(matches!(
            read_rows("伪装.xlsx", &[1, 0, 2, 0]),
            Err(ImportError::UnknownFormat(_))
        ));
        assert!(matches!(
            read_rows("坏.xlsx", b"PK\x03\x04garbage"),
            Err(ImportError::Unreadable(_))
        ));
    }

    #[test]
    fn the_format_is_sniffed_when_the_name_misleads() {
        let xlsx = template_xlsx().unwrap();
        assert_eq!(read_rows("模板.csv", &xlsx).unwrap().len(), 1);
        assert_eq!(read_rows("模板", &xlsx).unwrap().len(), 1);
        let csv = "姓名\n张三\n".as_bytes();
        assert_eq!(read_rows("名单.xlsx", csv).unwrap()[0].1.name, "张三");
    }

    #[test]
    fn one_bad_check_digit_is_reported_on_its_row_and_nothing_else() {
        let good = id("11010519491231002");
        let mut bad = id("11010119900307001");
        let last = if bad.ends_with('0') { '1' } else { '0' };
        bad.replace_range(17.., &last.to_string());
        let body = format!(
            "{}\n甲,,,,,{good},,,,,,,,,,,,\n乙,,,,,{bad},,,,,,,,,,,,\n",
            header()
        );
        let (drafts, errors) = check_rows(&read_rows("a.csv", body.as_bytes()).unwrap());
        assert_eq!(drafts.len(), 1);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].row, errors[0].column.as_str()), (3, "身份证号"));
    }

    #[test]
    fn the_same_id_number_twice_is_reported_on_both_rows() {
        let same = id("11010519491231002");
        let other = id("11010119900307001");
        let body = format!(
            "姓名,身份证号\n甲,{same}\n乙,{other}\n丙,{}\n",
            same.to_lowercase()
        );
        let (drafts, errors) = check_rows(&read_rows("a.csv", body.as_bytes()).unwrap());
        assert_eq!(drafts.iter().map(|(r, _)| *r).collect::<Vec<_>>(), [3]);
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.problem.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "身份证号", "与第 4 行的身份证号重复"),
                (4, "身份证号", "与第 2 行的身份证号重复")
            ]
        );
    }

    #[test]
    fn the_template_round_trips_with_no_errors_on_its_example_row() {
        let rows = read_rows("人员导入模板.xlsx", &template_xlsx().unwrap()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.household_no, "0001");
        let (drafts, errors) = check_rows(&rows);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(drafts[0].1.id_number.as_deref(), Some(EXAMPLE[5]));
        assert_eq!(drafts[0].1.party_org.as_deref(), Some("community"));
    }

    #[test]
    fn the_csv_template_is_the_header_behind_a_bom() {
        let csv = template_csv();
        assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(std::str::from_utf8(&csv[3..]).unwrap().trim_end(), header());
    }

    #[test]
    fn every_column_names_a_field_and_numbers_print_in_full() {
        let mut p = RawPerson::default();
        assert!(
            COLUMNS
                .iter()
                .all(|(_, f, _)| field_mut(&mut p, f).is_some())
        );
        assert_eq!(number_text(370102199001011000.0), "370102199001011000");
        assert_eq!(
            (number_text(3.0), number_text(1.5), number_text(-0.0)),
            ("3".into(), "1.5".into(), "0".into())
        );
        assert_eq!(normalize_header(" 身份证号 (18位) "), "身份证号");
    }
}
