//! Hostile files against `read_rows`: sheets that declare or hold billions of cells, parts that
//! decompress to hundreds of megabytes, sizes that lie, counts that ask for terabytes, and random
//! damage. Inputs are built by hand and cheaply: a huge part is one deflated chunk repeated.

use std::time::Instant;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use proptest::prelude::*;

use super::*;

/// One part of a zip written by hand, so that its declared size can lie.
struct Part {
    name: String,
    /// 0 stored, 8 deflated.
    method: u16,
    data: Vec<u8>,
    crc: u32,
    /// The uncompressed size the zip declares.
    size: u32,
}

fn crc(data: &[u8]) -> u32 {
    let mut c = Crc::new();
    c.update(data);
    c.sum()
}

/// Raw deflate of `data`, ending with a full flush (so another stream may follow) or finished.
fn deflate(data: &[u8], finish: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::new();
    let flush = if finish {
        FlushCompress::Finish
    } else {
        FlushCompress::Full
    };
    loop {
        out.reserve(64 << 10);
        let consumed = c.total_in() as usize;
        let status = c.compress_vec(&data[consumed..], &mut out, flush).unwrap();
        let all_in = c.total_in() as usize == data.len();
        // Done when the stream ended, or (a flush) when output room was left over.
        if all_in && (status == Status::StreamEnd || (!finish && out.len() < out.capacity())) {
            return out;
        }
    }
}

fn stored(name: &str, data: &[u8]) -> Part {
    Part {
        name: name.into(),
        method: 0,
        data: data.to_vec(),
        crc: crc(data),
        size: data.len() as u32,
    }
}

/// `head`, `chunk` × `times`, `tail`, deflated without compressing more than one chunk: each
/// piece is a deflate stream of its own, flushed to a byte boundary, so they concatenate. The
/// declared size is the true one unless `declared` says otherwise; the CRC is true only when
/// `true_crc` (a reader refused before the end never reaches it).
fn repeated(
    name: &str,
    (head, chunk, times, tail): (&str, &str, usize, &str),
    declared: Option<u32>,
    true_crc: bool,
) -> Part {
    let (head_z, chunk_z, tail_z) = (
        deflate(head.as_bytes(), false),
        deflate(chunk.as_bytes(), false),
        deflate(tail.as_bytes(), true),
    );
    let mut data = head_z;
    data.reserve(chunk_z.len() * times + tail_z.len());
    for _ in 0..times {
        data.extend_from_slice(&chunk_z);
    }
    data.extend_from_slice(&tail_z);
    let size = head.len() as u64 + chunk.len() as u64 * times as u64 + tail.len() as u64;
    let crc = if true_crc {
        let mut c = Crc::new();
        c.update(head.as_bytes());
        for _ in 0..times {
            c.update(chunk.as_bytes());
        }
        c.update(tail.as_bytes());
        c.sum()
    } else {
        0
    };
    Part {
        name: name.into(),
        method: 8,
        data,
        crc,
        size: declared.unwrap_or(u32::try_from(size).unwrap()),
    }
}

/// A zip of the parts: local headers and data, the central directory, its end record.
fn zip_by_hand(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for p in parts {
        let offset = out.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&p.method.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            v.extend_from_slice(&p.crc.to_le_bytes());
            v.extend_from_slice(&(p.data.len() as u32).to_le_bytes());
            v.extend_from_slice(&p.size.to_le_bytes());
            v.extend_from_slice(&(p.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(p.name.as_bytes());
        out.extend_from_slice(&p.data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(p.name.as_bytes());
    }
    let (cd_offset, cd_size, n) = (out.len() as u32, central.len() as u32, parts.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The package around a sheet (and shared strings): what a spreadsheet program writes, minus
/// what calamine does not read.
fn workbook_parts(sheet_target: &str, sheets: usize) -> Vec<Part> {
    let rels = format!(
        r#"<Relationships><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let book = format!(
        r#"<workbook xmlns:r="{REL}"><sheets>{}</sheets></workbook>"#,
        r#"<sheet name="人员" sheetId="1" r:id="rId1"/>"#.repeat(sheets)
    );
    let book_rels = format!(
        r#"<Relationships><Relationship Id="rId1" Type="{REL}/worksheet" Target="{sheet_target}"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    vec![
        stored("_rels/.rels", rels.as_bytes()),
        stored("xl/workbook.xml", book.as_bytes()),
        stored("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
    ]
}

fn xlsx(sheet: Part, strings: Option<Part>) -> Vec<u8> {
    let mut parts = workbook_parts("worksheets/sheet1.xml", 1);
    parts.push(sheet);
    parts.extend(strings);
    zip_by_hand(&parts)
}

fn sheet(xml: &str) -> Part {
    stored(
        "xl/worksheets/sheet1.xml",
        format!("<worksheet><sheetData>{xml}</sheetData></worksheet>").as_bytes(),
    )
}

/// An inline-string cell.
fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn too_large(bytes: &[u8]) -> Limit {
    match read_rows("名单.xlsx", bytes) {
        Err(ImportError::TooLarge(limit)) => limit,
        other => panic!("expected a refusal as too large, got {other:?}"),
    }
}

/// Chinese, and no English beyond the names of formats and units.
fn is_chinese(message: &str) -> bool {
    const NAMES: [&str; 7] = ["excel", "csv", "xlsx", "xls", "utf", "gbk", "mb"];
    let cjk = message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let english = message
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| NAMES.contains(&w.to_ascii_lowercase().as_str()));
    cjk && english
}

#[test]
fn a_sheet_spanning_a1_to_xfd1048576_is_refused_before_a_cell_is_read() {
    // The issue's file: a declared dimension of 17 billion cells and its two cells.
    let far = format!(
        r#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row><row r="1048576">{}</row></sheetData></worksheet>"#,
        text_cell("A1", "姓名"),
        text_cell("XFD1048576", "张三")
    );
    let bytes = xlsx(stored("xl/worksheets/sheet1.xml", far.as_bytes()), None);
    assert!(
        bytes.len() < 2_000,
        "the hostile file is tiny: {}",
        bytes.len()
    );
    assert_eq!(too_large(&bytes), Limit::Rows);
    let message = read_rows("名单.xlsx", &bytes).unwrap_err().message();
    assert!(is_chinese(&message), "{message}");
}

#[test]
fn a_far_cell_is_refused_even_when_the_sheet_declares_no_dimension() {
    let bytes = xlsx(
        sheet(&format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            text_cell("A1", "姓名"),
            text_cell("XFD1048576", "张三")
        )),
        None,
    );
    assert_eq!(too_large(&bytes), Limit::Rows);
}

#[test]
fn cells_beyond_the_last_column_read_are_skipped_and_the_rest_imports() {
    let bytes = xlsx(
        sheet(&format!(
            r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
            text_cell("A1", "姓名"),
            text_cell("XFD1", "姓名"),
            text_cell("A2", "张三"),
            text_cell("XFD2", "李四"),
        )),
        None,
    );
    let rows = read_rows("名单.xlsx", &bytes).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0, rows[0].1.name.as_str()), (2, "张三"));
}

/// 2,000,000 rows of one person each, about 100 MB of XML in some 100 KB of zip.
fn two_million_rows(declared: Option<u32>) -> Vec<u8> {
    let row = format!(
        "<row>{}</row>",
        text_cell("A1", "张三").replace(r#" r="A1""#, "")
    );
    let head = format!(
        r#"<worksheet><sheetData><row r="1">{}</row>"#,
        text_cell("A1", "姓名")
    );
    let part = repeated(
        "xl/worksheets/sheet1.xml",
        (&head, &row.repeat(1_000), 2_000, "</sheetData></worksheet>"),
        declared,
        false,
    );
    xlsx(part, None)
}

#[test]
fn a_two_million_row_sheet_is_refused_by_its_declared_size_before_it_is_inflated() {
    let bytes = two_million_rows(None);
    assert!(
        bytes.len() < 1 << 20,
        "built cheaply: {} bytes",
        bytes.len()
    );
    let started = Instant::now();
    assert_eq!(too_large(&bytes), Limit::Unpacked(64));
    eprintln!("refused in {:?}", started.elapsed());
}

#[test]
fn a_two_million_row_sheet_that_understates_its_size_is_refused_at_the_stated_size() {
    // Declared as 1 KB: reading stops where the bytes out of the decompressor pass the
    // declaration, and a part that lies is damaged.
    let bytes = two_million_rows(Some(1_000));
    let started = Instant::now();
    assert_eq!(
        read_rows("名单.xlsx", &bytes).unwrap_err(),
        ImportError::damaged()
    );
    eprintln!("refused in {:?}", started.elapsed());
}

#[test]
fn rows_within_the_byte_budget_are_refused_at_the_row_limit() {
    // Compact rows (no cell references): 30,000 of them fit any byte budget.
    let head = format!(
        r#"<worksheet><sheetData><row>{}</row>"#,
        text_cell("A1", "姓名").replace(r#" r="A1""#, "")
    );
    let part = repeated(
        "xl/worksheets/sheet1.xml",
        (
            &head,
            &"<row><c><v>1</v></c></row>".repeat(100),
            300,
            "</sheetData></worksheet>",
        ),
        None,
        true,
    );
    assert_eq!(too_large(&xlsx(part, None)), Limit::Rows);
}

/// A shared-strings part whose one string is 300 MB of 'A'.
fn huge_string(declared: Option<u32>) -> Part {
    repeated(
        "xl/sharedStrings.xml",
        (
            r#"<sst uniqueCount="1"><si><t>"#,
            &"A".repeat(1 << 20),
            300,
            "</t></si></sst>",
        ),
        declared,
        false,
    )
}

#[test]
fn a_300_mb_shared_string_is_refused_by_its_declared_size_or_where_its_size_lies() {
    let cell = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let honest = xlsx(sheet(cell), Some(huge_string(None)));
    assert!(
        honest.len() < 1 << 20,
        "built cheaply: {} bytes",
        honest.len()
    );
    let started = Instant::now();
    assert_eq!(too_large(&honest), Limit::Unpacked(16));
    eprintln!("declared: refused in {:?}", started.elapsed());
    let lying = xlsx(sheet(cell), Some(huge_string(Some(100))));
    let started = Instant::now();
    assert_eq!(
        read_rows("名单.xlsx", &lying).unwrap_err(),
        ImportError::damaged()
    );
    eprintln!("understated: refused in {:?}", started.elapsed());
}

#[test]
fn a_shared_strings_count_that_would_reserve_terabytes_is_refused() {
    // calamine reserves room for `uniqueCount` strings before reading one.
    let strings = stored(
        "xl/sharedStrings.xml",
        br#"<sst uniqueCount="99999999999999"><si><t>x</t></si></sst>"#,
    );
    let bytes = xlsx(sheet(&text_cell("A1", "姓名")), Some(strings));
    assert_eq!(too_large(&bytes), Limit::Strings);
}

#[test]
fn more_shared_strings_than_cells_allowed_are_refused() {
    let strings = repeated(
        "xl/sharedStrings.xml",
        (
            "<sst>",
            &"<si><t/></si>".repeat(1_000),
            MAX_CELLS / 1_000 + 1,
            "</sst>",
        ),
        None,
        false,
    );
    let bytes = xlsx(sheet(&text_cell("A1", "姓名")), Some(strings));
    assert_eq!(too_large(&bytes), Limit::Strings);
}

#[test]
fn a_workbook_whose_sheets_multiply_a_long_target_is_read_through_its_first_sheet() {
    // calamine copies a sheet's target once per <sheet>: 50,000 sheets × a 100 KB target
    // would be 5 GB. The rebuilt package has one sheet.
    let target = format!("{}worksheets/sheet1.xml", "x/../".repeat(20_000));
    let mut parts = workbook_parts(&target, 50_000);
    parts.push(sheet(&format!(
        r#"<row r="1">{}</row><row r="2">{}</row>"#,
        text_cell("A1", "姓名"),
        text_cell("A2", "张三")
    )));
    let rows = read_rows("名单.xlsx", &zip_by_hand(&parts)).unwrap();
    assert_eq!(rows[0].1.name, "张三");
}

#[test]
fn a_styles_part_that_copies_a_long_font_into_every_format_is_reduced_and_dates_still_read() {
    // calamine clones each format's font: a 1 MB font name × 60,000 formats is 60 GB.
    let head = format!(
        r#"<styleSheet><fonts><font><name val="{}"/></font></fonts><cellXfs><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0"/>"#,
        "宋".repeat(1 << 18)
    );
    let styles = repeated(
        "xl/styles.xml",
        (
            &head,
            &r#"<xf numFmtId="0" fontId="0"/>"#.repeat(100),
            600,
            "</cellXfs></styleSheet>",
        ),
        None,
        true,
    );
    let mut parts = workbook_parts("worksheets/sheet1.xml", 1);
    parts.push(sheet(&format!(
        r#"<row r="1">{}{}</row><row r="2">{}<c r="B2" s="1"><v>32874</v></c></row>"#,
        text_cell("A1", "姓名"),
        text_cell("B1", "出生日期"),
        text_cell("A2", "张三")
    )));
    parts.push(styles);
    let rows = read_rows("名单.xlsx", &zip_by_hand(&parts)).unwrap();
    assert_eq!(rows[0].1.birth_date, "1990-01-01");
}

#[test]
fn a_zip_that_declares_more_parts_than_a_workbook_has_is_refused() {
    let mut bytes = xlsx(sheet(&text_cell("A1", "姓名")), None);
    // The end record's entry counts (at 8 and 10 from its start, 22 bytes from the end): 60,000.
    let end = bytes.len() - 22;
    bytes[end + 8..end + 12].copy_from_slice(&[0x60, 0xEA, 0x60, 0xEA]);
    assert_eq!(too_large(&bytes), Limit::Parts);
}

#[test]
fn every_limit_and_every_error_speaks_chinese() {
    let limits = [
        Limit::Parts,
        Limit::Unpacked(64),
        Limit::Strings,
        Limit::Formats,
        Limit::Rows,
        Limit::Cells,
        Limit::Text,
    ];
    let errors = limits.map(ImportError::TooLarge).into_iter().chain([
        ImportError::damaged(),
        ImportError::UnknownFormat("名单.xls".into()),
        ImportError::MissingColumns(vec!["姓名".into()]),
        ImportError::Empty,
        ImportError::TooManyRows(20_001),
    ]);
    for e in errors {
        assert!(is_chinese(&e.message()), "{e:?}: {}", e.message());
    }
    assert!(!is_chinese("文件无法读取（invalid Zip archive）"));
}

#[test]
fn a_csv_with_a_two_million_field_row_or_a_huge_field_is_read_without_holding_them() {
    // One line of 2,000,000 commas: fields past the last column read are not kept.
    let mut wide = "姓名\n张三".to_string();
    wide.push_str(&",".repeat(2_000_000));
    wide.push_str("\n李四\n");
    let rows = read_rows("名单.csv", wide.as_bytes()).unwrap();
    assert_eq!(rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(), [2, 3]);
    // A 10 MB field is reported on its row, its text not kept.
    let long = format!(
        "姓名,备注,民族\n张三,{},{}\n",
        "长".repeat((10 << 20) / 3),
        "汉族"
    );
    let rows = read_rows("名单.csv", long.as_bytes()).unwrap();
    assert_eq!(rows[0].1.ethnicity, "汉族");
    let huge_name = format!("姓名\n{}\n", "长".repeat(MAX_CELL_CHARS + 1));
    let rows = read_rows("名单.csv", huge_name.as_bytes()).unwrap();
    let errors = check_rows(&rows).1;
    assert!(errors[0].problem.contains("超过"), "{errors:?}");
}

#[test]
fn a_csv_past_the_row_or_cell_limits_is_refused() {
    let deep = format!("姓名\n{}张三\n", "\n".repeat(MAX_SHEET_ROWS));
    assert!(matches!(
        read_rows("名单.csv", deep.as_bytes()),
        Err(ImportError::TooLarge(Limit::Rows))
    ));
    // 20,001 rows of 40 filled columns: within the rows, past the cells.
    let line = format!("张三{}\n", ",1".repeat(39));
    let wide = format!("姓名{}\n{}", ",备注".repeat(39), line.repeat(MAX_ROWS));
    assert!(matches!(
        read_rows("名单.csv", wide.as_bytes()),
        Err(ImportError::TooLarge(Limit::Cells))
    ));
}

/// A well-formed small workbook's XML parts, to be damaged before they are zipped.
fn good_parts() -> [(String, String); 6] {
    let id = "110101199003070011";
    [
        (
            "_rels/.rels".into(),
            format!(r#"<Relationships><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml".into(),
            format!(r#"<workbook xmlns:r="{REL}"><workbookPr/><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            format!(r#"<Relationships><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml".into(),
            format!(r#"<worksheet><dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><t>{id}</t></is></c><c r="C2" s="1"><v>32874</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>李四</t></is></c><c r="B3"><v>1.5E+17</v></c><c r="C3" t="e"><v>#N/A</v></c></row></sheetData></worksheet>"#),
        ),
        (
            "xl/sharedStrings.xml".into(),
            r#"<sst uniqueCount="4"><si><t>姓名</t></si><si><t>身份证号</t></si><si><r><t>出生</t></r><r><t>日期</t></r></si><si><t>张三</t></si></sst>"#.into(),
        ),
        (
            "xl/styles.xml".into(),
            r#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"#.into(),
        ),
    ]
}

fn zip_xml(parts: &[(String, String)]) -> Vec<u8> {
    let parts: Vec<Part> = parts
        .iter()
        .map(|(name, xml)| stored(name, xml.as_bytes()))
        .collect();
    zip_by_hand(&parts)
}

/// Byte edits: overwrite, insert or delete at a position (taken modulo the length).
fn edits() -> impl Strategy<Value = Vec<(u8, usize, u8)>> {
    prop::collection::vec((0u8..3, any::<usize>(), any::<u8>()), 1..6)
}

fn damage(bytes: &mut Vec<u8>, edits: &[(u8, usize, u8)]) {
    for &(kind, at, byte) in edits {
        let at = at % (bytes.len() + 1);
        match kind {
            0 if at < bytes.len() => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {}
        }
    }
}

/// No panic, and a refusal is in Chinese.
fn reads_or_refuses_in_chinese(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(e) = read_rows(name, bytes) {
        let message = e.message();
        prop_assert!(is_chinese(&message), "{e:?}: {message}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_are_refused_in_chinese_or_read(
        bytes in prop::collection::vec(any::<u8>(), 0..2_000),
        name in prop_oneof![Just("名单.xlsx"), Just("名单.csv"), Just("名单")],
        zip in any::<bool>(),
    ) {
        let mut bytes = bytes;
        if zip {
            bytes.splice(0..0, ZIP_MAGIC.iter().copied());
        }
        reads_or_refuses_in_chinese(name, &bytes)?;
    }

    #[test]
    fn a_damaged_template_is_refused_in_chinese_or_read(edits in edits()) {
        let mut bytes = template_xlsx().unwrap();
        damage(&mut bytes, &edits);
        reads_or_refuses_in_chinese("人员导入模板.xlsx", &bytes)?;
    }

    #[test]
    fn damaged_workbook_xml_is_refused_in_chinese_or_read(
        part in 0usize..6,
        edits in edits(),
    ) {
        let mut parts = good_parts();
        let mut xml = std::mem::take(&mut parts[part].1).into_bytes();
        damage(&mut xml, &edits);
        parts[part].1 = String::from_utf8_lossy(&xml).into_owned();
        reads_or_refuses_in_chinese("名单.xlsx", &zip_xml(&parts))?;
    }

    #[test]
    fn a_damaged_csv_in_utf8_or_gbk_is_refused_in_chinese_or_read(
        edits in edits(),
        gbk in any::<bool>(),
    ) {
        let text = "某社区名单\n姓名,身份证号,性别,民族,\"居民\n小组\"\n张三,110101199003070011,男,汉族,一组\r\n李四,=\"0012\",,回族,\n";
        let mut bytes = if gbk {
            encoding_rs::GBK.encode(text).0.into_owned()
        } else {
            text.as_bytes().to_vec()
        };
        damage(&mut bytes, &edits);
        reads_or_refuses_in_chinese("名单.csv", &bytes)?;
    }
}

#[test]
fn the_undamaged_workbook_of_the_property_tests_reads() {
    let rows = read_rows("名单.xlsx", &zip_xml(&good_parts())).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].1.name.as_str(), rows[0].1.birth_date.as_str()),
        ("张三", "1990-01-01")
    );
    let errors = check_rows(&rows).1;
    assert!(
        errors.iter().any(|e| e.row == 3 && e.column == "身份证号"),
        "{errors:?}"
    );
}
