//! Reading a CSV (or tab-separated) file: the text decoded (UTF-8, UTF-16 with a BOM, else
//! GBK/GB18030 as Chinese Excel saves it), then tokenised field by field with csv-core, so that
//! no row is ever held whole. A field too long to be a cell is skipped over and reported; fields
//! right of the last column read are not kept; rows, cells and text are bounded by the grid.

use super::grid::{Cell, Grid, Row};
use super::{ImportError, MAX_CELL_CHARS};

/// Room for one field: a field of [`MAX_CELL_CHARS`] characters takes at most four bytes each,
/// so a field that overflows this is too long whatever its characters.
const FIELD_BYTES: usize = MAX_CELL_CHARS * 4 + 1;

/// The non-empty rows of a CSV file, numbered as a spreadsheet program shows them.
pub(super) fn grid(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    let text = decode_text(bytes)?;
    let data = text.as_bytes();
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut grid = Grid::default();
    let mut field = vec![0u8; FIELD_BYTES];
    let (mut pos, mut len) = (0usize, 0usize);
    let (mut row, mut column) = (0usize, 0usize);
    let (mut new_record, mut too_long) = (true, false);
    loop {
        if new_record {
            // csv-core skips blank lines, which a spreadsheet shows as rows: count them back in.
            // A record begins where the previous one's line break was read to, which after a
            // CRLF may be between its two characters.
            let mut start = pos;
            if start > 0 && data.get(start - 1..=start) == Some(b"\r\n") {
                start += 1;
            }
            row += 1 + blank_lines(data.get(start..).unwrap_or_default());
            new_record = false;
        }
        // At the end of the text the input is empty, which tells csv-core the data has ended.
        let (result, read, written) = reader.read_field(&data[pos..], &mut field[len..]);
        pos += read;
        len += written;
        match result {
            csv_core::ReadFieldResult::InputEmpty => {}
            csv_core::ReadFieldResult::OutputFull => {
                // Read the rest of the field over the same buffer: only its being long matters.
                too_long = true;
                len = 0;
            }
            csv_core::ReadFieldResult::Field { record_end } => {
                let value = String::from_utf8_lossy(&field[..len]);
                if (too_long || !value.trim().is_empty()) && grid.wants(row, column)? {
                    let cell = if too_long {
                        Cell::too_long()
                    } else {
                        Cell::typed(&value)
                    };
                    grid.push(row, column, cell)?;
                }
                (len, too_long) = (0, false);
                column += 1;
                if record_end {
                    column = 0;
                    new_record = true;
                }
            }
            csv_core::ReadFieldResult::End => break,
        }
    }
    Ok(grid.finish())
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
