//! The guard in front of calamine. An `.xlsx` is a zip of XML parts; this opens it with the zip
//! crate, finds the parts the import needs the way a spreadsheet program does (the workbook
//! through `_rels/.rels`, its first sheet through the workbook's relationships), decompresses
//! each once while counting its real bytes (declared sizes can lie), and builds a new package of
//! just those parts. calamine reads that package, never the upload.
//!
//! Why a rebuilt package rather than checks in front of the original: calamine parses whole
//! parts at open, and some of them multiply. Every `<sheet>` of the workbook copies its
//! relationship's target and every cell format copies its font, so a few megabytes of XML can
//! ask for terabytes. The rebuilt package holds a workbook and relationships written here (one
//! sheet), a styles part reduced to its number formats (all the import uses: they tell dates
//! from numbers), and the original sheet and shared strings, copied without recompression once
//! their size (and the number of strings) is known to be within bounds.

use std::collections::HashMap;
use std::io::{self, BufReader, Cursor, Read, Write};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{ImportError, Limit, MAX_CELLS};

/// The name of the one sheet in the rebuilt package.
pub(super) const SHEET_NAME: &str = "Sheet1";

/// Parts in one package at most (a workbook has a few dozen; one with pictures, a few hundred).
const MAX_PARTS: usize = 1_000;
/// The sheet, decompressed: 20,000 rows of 36 filled columns take about 35 MB.
const SHEET_BYTES: u64 = 64 << 20;
/// The shared strings, decompressed: 20,000 people's distinct texts take about 5 MB.
const STRINGS_BYTES: u64 = 16 << 20;
/// Each other part read (relationships, workbook, styles), decompressed.
const PART_BYTES: u64 = 4 << 20;
/// Cell formats: Excel allows 64,000.
const MAX_CELL_FORMATS: usize = 65_536;
/// Custom number formats: Excel allows some 250.
const MAX_NUMBER_FORMATS: usize = 4_096;
/// Excel's own limit on a number format's length; a longer one is dropped.
const MAX_FORMAT_CHARS: usize = 255;

type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn damaged() -> ImportError {
    ImportError::damaged()
}

/// The package calamine is to read, or `None` when the workbook has no sheet.
pub(super) fn rebuild(bytes: &[u8]) -> Result<Option<Vec<u8>>, ImportError> {
    check_directory(bytes)?;
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    if zip.len() > MAX_PARTS {
        return Err(ImportError::TooLarge(Limit::Parts));
    }
    let parts = Parts::index(&zip);
    let root = parts.find("_rels/.rels").ok_or_else(damaged)?;
    let workbook_path = office_document(&mut zip, root)?.ok_or_else(damaged)?;
    let workbook = parts.find(&workbook_path).ok_or_else(damaged)?;
    let (first_sheet, date1904) = read_workbook(&mut zip, workbook)?;
    let Some(sheet_id) = first_sheet else {
        return Ok(None);
    };
    let (dir, file) = match workbook_path.rfind('/') {
        Some(i) => workbook_path.split_at(i + 1),
        None => ("", workbook_path.as_str()),
    };
    let rels = parts
        .find(&format!("{dir}_rels/{file}.rels"))
        .ok_or_else(damaged)?;
    let targets = read_workbook_rels(&mut zip, rels, &sheet_id)?;
    let (sheet_target, sheet_type) = targets.sheet.ok_or_else(damaged)?;
    if !sheet_type.ends_with("/worksheet") {
        return Err(ImportError::Unreadable(
            "第一个工作表不是普通表格（可能是图表），请把人员名单放在第一个工作表".into(),
        ));
    }
    let sheet = parts.find(&join(dir, &sheet_target)).ok_or_else(damaged)?;
    count_bytes(&mut zip, sheet, SHEET_BYTES)?;
    let strings_target = targets.strings.as_deref().unwrap_or("sharedStrings.xml");
    let strings = parts.find(&join(dir, strings_target));
    if let Some(strings) = strings {
        check_strings(&mut zip, strings)?;
    }
    let styles_target = targets.styles.as_deref().unwrap_or("styles.xml");
    let styles = match parts.find(&join(dir, styles_target)) {
        Some(styles) => Some(reduce_styles(&mut zip, styles)?),
        None => None,
    };
    write_package(&mut zip, sheet, strings, styles, date1904)
        .map(Some)
        .map_err(|_| damaged())
}

/// The package calamine reads: generated workbook, relationships and styles; the checked sheet
/// and shared strings copied as they are compressed.
fn write_package(
    zip: &mut Zip<'_>,
    sheet: usize,
    strings: Option<usize>,
    styles: Option<String>,
    date1904: bool,
) -> zip::result::ZipResult<Vec<u8>> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    out.start_file("_rels/.rels", stored)?;
    write!(
        out,
        r#"<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    )?;
    out.start_file("xl/workbook.xml", stored)?;
    let pr = if date1904 {
        r#"<workbookPr date1904="1"/>"#
    } else {
        ""
    };
    write!(
        out,
        r#"<workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    )?;
    out.start_file("xl/_rels/workbook.xml.rels", stored)?;
    write!(
        out,
        r#"<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    )?;
    if let Some(styles) = styles {
        out.start_file("xl/styles.xml", stored)?;
        out.write_all(styles.as_bytes())?;
    }
    out.raw_copy_file_rename(zip.by_index_raw(sheet)?, "xl/worksheets/sheet1.xml")?;
    if let Some(strings) = strings {
        out.raw_copy_file_rename(zip.by_index_raw(strings)?, "xl/sharedStrings.xml")?;
    }
    Ok(out.finish()?.into_inner())
}

/// The zip's entry count as declared at its end, checked before the zip crate sizes its tables
/// by it. Each candidate end record (the zip crate may try several) is checked.
fn check_directory(bytes: &[u8]) -> Result<(), ImportError> {
    // End of central directory: its signature, then at 10 the total of entries (u16). At most
    // 64 KiB of comment follows it. A ZIP64 record declares its counts elsewhere: the zip crate
    // checks those against the directory it finds (a spreadsheet never needs ZIP64).
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail = bytes.len().saturating_sub(22 + 0xFFFF);
    let mut found = false;
    for at in (tail..bytes.len().saturating_sub(21)).filter(|&i| bytes[i..].starts_with(EOCD)) {
        found = true;
        let entries = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
        if usize::from(entries) > MAX_PARTS && entries != u16::MAX {
            return Err(ImportError::TooLarge(Limit::Parts));
        }
    }
    if found { Ok(()) } else { Err(damaged()) }
}

/// The package's parts by name as looked up: slashes forward, lower case, no leading slash.
struct Parts(HashMap<String, usize>);

impl Parts {
    fn index(zip: &Zip<'_>) -> Parts {
        let mut map = HashMap::new();
        for i in 0..zip.len() {
            if let Some(Ok(name)) = zip.name_for_index(i) {
                map.entry(normalize(&name)).or_insert(i);
            }
        }
        Parts(map)
    }

    fn find(&self, path: &str) -> Option<usize> {
        self.0.get(&normalize(path)).copied()
    }
}

fn normalize(path: &str) -> String {
    path.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

/// A relationship's target resolved against the directory of its source part.
fn join(dir: &str, target: &str) -> String {
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

/// Reads a part with its decompressed bytes capped at `budget`: the declared size first, then
/// the bytes as they come out of the decompressor.
fn part<'z, 'a>(
    zip: &'z mut Zip<'a>,
    index: usize,
    budget: u64,
) -> Result<Capped<impl Read + use<'z, 'a>>, ImportError> {
    let file = zip.by_index(index).map_err(|_| damaged())?;
    if file.size() > budget {
        return Err(too_large(budget));
    }
    Ok(Capped {
        inner: file,
        left: budget,
        over: false,
        budget,
    })
}

fn too_large(budget: u64) -> ImportError {
    ImportError::TooLarge(Limit::Unpacked(budget >> 20))
}

/// A reader that fails once more than its budget has come out of it.
struct Capped<R> {
    inner: R,
    left: u64,
    over: bool,
    budget: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            self.over = true;
            return Err(io::Error::other("over budget"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

impl<R> Capped<R> {
    /// The error for a read that failed: over budget, or a damaged part.
    fn error(&self) -> ImportError {
        if self.over {
            too_large(self.budget)
        } else {
            damaged()
        }
    }
}

/// Decompresses a part to count its bytes.
fn count_bytes(zip: &mut Zip<'_>, index: usize, budget: u64) -> Result<(), ImportError> {
    let mut capped = part(zip, index, budget)?;
    match io::copy(&mut capped, &mut io::sink()) {
        Ok(_) => Ok(()),
        Err(_) => Err(capped.error()),
    }
}

/// Runs `visit` on each start tag of a part, as calamine's parser sees them, until it answers
/// `false` or the part ends.
fn each_tag(
    zip: &mut Zip<'_>,
    index: usize,
    budget: u64,
    mut visit: impl FnMut(Tag<'_, '_>) -> Result<bool, ImportError>,
) -> Result<(), ImportError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part(zip, index, budget)?));
    // calamine's settings, so both see the same tags.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                depth += 1;
                if !visit(Tag { start: &e, depth })? {
                    return Ok(());
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(_) => return Err(xml.get_ref().get_ref().error()),
        }
    }
}

/// A start tag and how deep it is (the root element is at depth 1).
struct Tag<'t, 'b> {
    start: &'t BytesStart<'b>,
    depth: usize,
}

impl Tag<'_, '_> {
    fn is(&self, local: &str) -> bool {
        self.start.local_name().as_ref() == local
    }

    /// An attribute's value by local name (`r:id` is `id`), entities decoded.
    fn attr(&self, local: &str) -> Option<String> {
        self.start
            .attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == local)
            .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
            .map(|v| v.into_owned())
    }

    /// An attribute's value as written.
    fn raw_attr(&self, local: &str) -> Option<String> {
        self.start
            .attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == local)
            .map(|a| a.value.into_owned())
    }
}

/// The workbook's path from the package relationships.
fn office_document(zip: &mut Zip<'_>, index: usize) -> Result<Option<String>, ImportError> {
    let mut found = None;
    each_tag(zip, index, PART_BYTES, |tag| {
        if tag.is("Relationship")
            && tag
                .attr("Type")
                .is_some_and(|t| t.ends_with("/officeDocument"))
        {
            found = tag.attr("Target").map(|t| join("", &t));
        }
        Ok(found.is_none())
    })?;
    Ok(found)
}

/// The relationship id of the workbook's first sheet, and whether its dates count from 1904.
fn read_workbook(zip: &mut Zip<'_>, index: usize) -> Result<(Option<String>, bool), ImportError> {
    let (mut first_sheet, mut date1904) = (None, false);
    each_tag(zip, index, PART_BYTES, |tag| {
        if tag.is("sheet") && first_sheet.is_none() {
            first_sheet = Some(tag.attr("id").unwrap_or_default());
        } else if tag.is("workbookPr")
            && let Some(v) = tag.raw_attr("date1904")
        {
            date1904 = v == "1" || v == "true";
        }
        Ok(true)
    })?;
    Ok((first_sheet, date1904))
}

/// What the workbook's relationships say of the parts the import reads.
#[derive(Default)]
struct Targets {
    /// The first sheet's target and relationship type.
    sheet: Option<(String, String)>,
    strings: Option<String>,
    styles: Option<String>,
}

fn read_workbook_rels(
    zip: &mut Zip<'_>,
    index: usize,
    sheet_id: &str,
) -> Result<Targets, ImportError> {
    let mut targets = Targets::default();
    each_tag(zip, index, PART_BYTES, |tag| {
        if !tag.is("Relationship") {
            return Ok(true);
        }
        let (Some(kind), Some(target)) = (tag.attr("Type"), tag.attr("Target")) else {
            return Ok(true);
        };
        if targets.sheet.is_none() && tag.attr("Id").as_deref() == Some(sheet_id) {
            targets.sheet = Some((target, kind));
        } else if kind.ends_with("/sharedStrings") {
            targets.strings.get_or_insert(target);
        } else if kind.ends_with("/styles") {
            targets.styles.get_or_insert(target);
        }
        Ok(true)
    })?;
    Ok(targets)
}

/// Bounds the shared strings: their size, their number, and the count calamine reserves room
/// for before reading them (`uniqueCount`, which the file states).
fn check_strings(zip: &mut Zip<'_>, index: usize) -> Result<(), ImportError> {
    // A sheet within the limits uses at most one distinct text per cell.
    let too_many = || ImportError::TooLarge(Limit::Strings);
    let mut seen = 0usize;
    each_tag(zip, index, STRINGS_BYTES, |tag| {
        if tag.is("sst")
            && let Some(count) = tag.raw_attr("uniqueCount")
            && declared_count(&count) > MAX_CELLS as u128
        {
            return Err(too_many());
        }
        if tag.is("si") {
            seen += 1;
            if seen > MAX_CELLS {
                return Err(too_many());
            }
        }
        Ok(true)
    })
}

/// A count as a lenient parser could read it: every digit in the value, in order. Whatever
/// prefix of digits such a parser takes, its number is not larger.
fn declared_count(value: &str) -> u128 {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        u128::MAX
    } else {
        digits.parse().unwrap_or(0)
    }
}

/// The styles part reduced to what calamine needs to tell dates from numbers: the custom number
/// formats and each cell format's number format, in order.
fn reduce_styles(zip: &mut Zip<'_>, index: usize) -> Result<String, ImportError> {
    let mut formats: Vec<(String, String)> = Vec::new();
    let mut cells: Vec<Option<String>> = Vec::new();
    // Depth of the open <numFmts> or <cellXfs>, whose children are the entries.
    let (mut in_formats, mut in_cells) = (None, None);
    let digits = |v: Option<String>| {
        v.filter(|v| (1..=10).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
    };
    each_tag(zip, index, PART_BYTES, |tag| {
        in_formats = in_formats.filter(|&d| tag.depth > d);
        in_cells = in_cells.filter(|&d| tag.depth > d);
        if tag.is("numFmts") {
            in_formats = Some(tag.depth);
        } else if tag.is("cellXfs") {
            in_cells = Some(tag.depth);
        } else if tag.is("numFmt") && in_formats.is_some_and(|d| tag.depth == d + 1) {
            if formats.len() >= MAX_NUMBER_FORMATS {
                return Err(ImportError::TooLarge(Limit::Formats));
            }
            if let (Some(id), Some(code)) =
                (digits(tag.raw_attr("numFmtId")), tag.attr("formatCode"))
                && code.chars().count() <= MAX_FORMAT_CHARS
            {
                formats.push((id, code));
            }
        } else if tag.is("xf") && in_cells.is_some_and(|d| tag.depth == d + 1) {
            if cells.len() >= MAX_CELL_FORMATS {
                return Err(ImportError::TooLarge(Limit::Formats));
            }
            cells.push(digits(tag.raw_attr("numFmtId")));
        }
        Ok(true)
    })?;
    let mut xml = String::from(
        r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>"#,
    );
    for (id, code) in &formats {
        let code = quick_xml::escape::escape(code.as_str());
        xml.push_str(&format!(r#"<numFmt numFmtId="{id}" formatCode="{code}"/>"#));
    }
    xml.push_str("</numFmts><cellXfs>");
    for id in &cells {
        match id {
            Some(id) => xml.push_str(&format!(r#"<xf numFmtId="{id}"/>"#)),
            None => xml.push_str("<xf/>"),
        }
    }
    xml.push_str("</cellXfs></styleSheet>");
    Ok(xml)
}
