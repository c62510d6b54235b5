//! The import template users fill in: an `.xlsx` with the columns, an example row, text-formatted
//! ID and phone columns, drop-down lists and a sheet of instructions; and the same header as CSV.

use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, XlsxError};

use super::{COLUMNS, MAX_ROWS};
use crate::domain::person::{EDUCATION, PARTY_ORG, PARTY_STATUS};

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
pub(super) const EXAMPLE: [&str; 18] = [
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
