//! Unit tests of reading and checking import files (well-formed ones; hostile files are in `hostile.rs`).

use super::template::EXAMPLE;
use super::*;
use crate::domain::idcard::check_char;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

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
    let body = format!("姓名,身份证号,联系电话\r\n王芳,{a},010-12345678\r\n,,\r\n李四,{b},\r\n");
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
