//! Importing people from a spreadsheet (SPEC §2): the file-format half.
//!
//! `read_rows` turns an uploaded `.xlsx` or CSV file into numbered [`RawPerson`] rows,
//! `check_rows` parses them and adds the checks that span rows, and the two template functions
//! produce the file users fill in. Importing is all-or-nothing: the caller shows the whole
//! per-row error list, and only when it is empty does it run its database checks and insert.
//!
//! An uploaded file is hostile until read: a few kilobytes of zip can declare a sheet of 17
//! billion cells or decompress to gigabytes. Reading is bounded before anything is allocated
//! for what the file claims: the package's parts by their real decompressed size (`package`),
//! the sheet and the CSV by the rows, columns, cells and text kept (`grid`). Whatever passes
//! holds at most [`MAX_CELLS`] cells and [`MAX_TEXT_BYTES`] of text. Reading is CPU work:
//! callers on the async runtime run [`read_rows`] in `spawn_blocking`.

mod delimited;
mod grid;
mod package;
mod template;
mod xlsx;

#[cfg(test)]
mod hostile;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::domain::idcard::IdNumber;
use crate::domain::person::{PersonDraft, RawPerson};
use grid::{Cell, Row};

pub use template::{template_csv, template_xlsx};

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

/// The last spreadsheet row that may hold data: the [`MAX_ROWS`] people, the header and title
/// rows, and room for blank lines between them. Data further down refuses the file.
pub const MAX_SHEET_ROWS: usize = MAX_ROWS + 1_000;

/// Columns read, from the left. Cells further right are skipped without being kept (files from
/// other systems add columns the import ignores anyway).
pub const MAX_SHEET_COLUMNS: usize = 64;

/// Non-empty cells kept from one file: the [`MAX_ROWS`] people and the header rows, times twice
/// the template's columns (room for the 序号 and 备注 columns other systems add).
pub const MAX_CELLS: usize = (MAX_ROWS + HEADER_SEARCH_ROWS) * COLUMNS.len() * 2;

/// Characters in one cell. A longer cell is reported as a problem of its row and not kept (the
/// longest field, a Party organisation's name, is far shorter).
pub const MAX_CELL_CHARS: usize = 500;

/// Bytes of text kept over all cells (20,000 full rows of the template take about 4 MB).
pub const MAX_TEXT_BYTES: usize = 32 << 20;

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

/// Which bound a file that is too large went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// More parts in the zip than any workbook has.
    Parts,
    /// A part of the package decompresses to more than its budget; holds the budget in MB.
    Unpacked(u64),
    /// More distinct texts (shared strings) than a sheet within the limits can use.
    Strings,
    /// More cell formats (or number formats) than Excel allows.
    Formats,
    /// Data below [`MAX_SHEET_ROWS`], or a sheet that declares it spans further.
    Rows,
    /// More than [`MAX_CELLS`] non-empty cells.
    Cells,
    /// More than [`MAX_TEXT_BYTES`] of text in the cells.
    Text,
}

impl Limit {
    fn describe(self) -> String {
        match self {
            Limit::Parts => "文件内部的组成部分过多，不像是 Excel 保存的表格".into(),
            Limit::Unpacked(mb) => format!("文件解压后的内容超过 {mb} MB"),
            Limit::Strings => format!("表格中的文字超过 {MAX_CELLS} 条"),
            Limit::Formats => "单元格格式的种类超过 Excel 允许的数量".into(),
            Limit::Rows => format!("表格的内容超过第 {MAX_SHEET_ROWS} 行"),
            Limit::Cells => format!("有内容的单元格超过 {MAX_CELLS} 个"),
            Limit::Text => format!("单元格中的文字合计超过 {} MB", MAX_TEXT_BYTES >> 20),
        }
    }
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
    /// The file is larger than any import file can be; refused before it is read in full.
    TooLarge(Limit),
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
            ImportError::TooLarge(limit) => format!(
                "文件过大，未予读取：{}。每个文件最多导入 {MAX_ROWS} 人，\
                 请只保留要导入的人员数据，必要时拆分为多个文件。",
                limit.describe()
            ),
        }
    }

    /// A damaged or invalid `.xlsx`.
    fn damaged() -> ImportError {
        ImportError::Unreadable(
            "Excel 文件已损坏或不是有效的 .xlsx 文件。请在 Excel 中打开它，另存为 .xlsx 后重新上传。"
                .into(),
        )
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ImportError {}

/// Reads the people in an uploaded `.xlsx` or CSV file, with their spreadsheet row numbers.
///
/// The format comes from the content where it is unambiguous (a zip is an xlsx) and otherwise
/// from the extension. The header row may be preceded by a few title rows; columns may come in
/// any order, unknown ones are ignored, and only 姓名 is required. Rows with nothing in any
/// recognised column are skipped. Cells that cannot be trusted (an ID number stored as a number,
/// a formula error, a cell too long) come back marked so that [`check_rows`] reports them.
///
/// A file past the limits ([`MAX_SHEET_ROWS`], [`MAX_CELLS`], the package's part budgets) is
/// refused with [`ImportError::TooLarge`] as soon as reading meets the excess. This is blocking
/// CPU work (up to a second for the largest files): call it from `spawn_blocking`.
pub fn read_rows(filename: &str, bytes: &[u8]) -> Result<Vec<(usize, RawPerson)>, ImportError> {
    let grid = if is_xlsx(filename, bytes)? {
        xlsx::grid(bytes)?
    } else {
        delimited::grid(bytes)?
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

/// For the columns of the header row, `(column, index into COLUMNS)` of those it fills.
/// An exact header wins over an alias; the first of equals wins.
fn map_header(header: &[(usize, Cell)]) -> Vec<(usize, usize)> {
    let names: Vec<(usize, String)> = header
        .iter()
        .map(|(col, c)| (*col, normalize_header(c.text())))
        .collect();
    let mut mapping = Vec::new();
    for (field, (title, _, _)) in COLUMNS.iter().enumerate() {
        let alias = |n: &str| ALIASES.iter().any(|(a, t)| *a == n && t == title);
        let found = names
            .iter()
            .find(|(_, n)| n == title)
            .or_else(|| names.iter().find(|(_, n)| alias(n)));
        if let Some((col, _)) = found {
            mapping.push((*col, field));
        }
    }
    mapping
}

fn people_from_grid(grid: Vec<Row>) -> Result<Vec<(usize, RawPerson)>, ImportError> {
    if grid.is_empty() {
        return Err(ImportError::Empty);
    }
    let header_at = grid
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|(_, c)| normalize_header(c.text()) == COLUMNS[0].0)
        })
        .ok_or_else(|| ImportError::MissingColumns(vec![COLUMNS[0].0.to_string()]))?;
    let mapping = map_header(&grid[header_at].1);
    let mut people = Vec::new();
    for (row, cells) in grid.into_iter().skip(header_at + 1) {
        let mut person = RawPerson::default();
        let mut any = false;
        for (col, cell) in cells {
            let Some(&(_, field)) = mapping.iter().find(|(c, _)| *c == col) else {
                continue;
            };
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

/// What the database checks of one row read: its communities, its group and its ID number.
/// Rows with problems of their own are still looked up, so that one pass reports everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Lookup {
    /// 户籍社区 as written (code or name).
    pub hukou_community: Option<String>,
    /// 居住社区 as written.
    pub residence_community: Option<String>,
    /// 居民小组 as written.
    pub resident_group: Option<String>,
    /// The ID number, when it is a valid one.
    pub id_number: Option<String>,
}

impl Lookup {
    /// The lookups of a checked row.
    pub fn of_draft(d: &PersonDraft) -> Lookup {
        Lookup {
            hukou_community: d.hukou_community.clone(),
            residence_community: d.residence_community.clone(),
            resident_group: d.resident_group.clone(),
            id_number: d.id_number.clone(),
        }
    }
}

/// The lookups of the rows that have problems: every field the row's own problems do not
/// concern, trimmed, within its length limit.
pub fn lookups_of_refused(
    rows: &[(usize, RawPerson)],
    errors: &[RowError],
) -> Vec<(usize, Lookup)> {
    let usable = |row: usize, column: &str, v: &str| {
        let v = v.trim();
        let fine = !v.is_empty()
            && !v.starts_with(CELL_PROBLEM)
            && v.chars().count() <= crate::domain::person::field_max(column)
            && !errors.iter().any(|e| e.row == row && e.column == column);
        fine.then(|| v.to_string())
    };
    rows.iter()
        .filter(|(row, _)| errors.iter().any(|e| e.row == *row))
        .map(|(row, raw)| {
            (
                *row,
                Lookup {
                    hukou_community: usable(*row, "户籍社区", &raw.hukou_community),
                    residence_community: usable(*row, "居住社区", &raw.residence_community),
                    resident_group: usable(*row, "居民小组", &raw.resident_group),
                    id_number: usable(*row, "身份证号", &raw.id_number)
                        .and_then(|id| IdNumber::parse(&id).ok())
                        .map(|id| id.as_str().to_string()),
                },
            )
        })
        .collect()
}
