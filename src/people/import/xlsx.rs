//! Reading the first sheet of an `.xlsx`: the package checked and rebuilt by `package`, then
//! calamine's streaming cell reader into the sparse grid, cell by cell. calamine's
//! `worksheet_range` is never called: it allocates the declared rows × columns at once.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, DataType, Reader, Xlsx};

use super::grid::{Cell, Grid, Row};
use super::{ImportError, Limit, MAX_SHEET_ROWS, number_text, package};

/// The non-empty rows of the workbook's first sheet.
pub(super) fn grid(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    // zip and calamine do arithmetic on numbers taken from the file (cell references, sizes)
    // that overflows on hostile values, which panics in debug builds: such a file is damaged,
    // whatever the build.
    catch_unwind(AssertUnwindSafe(|| read(bytes))).unwrap_or_else(|_| Err(ImportError::damaged()))
}

fn read(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    let Some(package) = package::rebuild(bytes)? else {
        return Err(ImportError::Empty);
    };
    let damaged = |_| ImportError::damaged();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(package)).map_err(damaged)?;
    let mut cells = book
        .worksheet_cells_reader(package::SHEET_NAME)
        .map_err(damaged)?;
    // The declared extent: a sheet that claims rows past the limit is refused unread.
    if cells.dimensions().end.0 as usize >= MAX_SHEET_ROWS {
        return Err(ImportError::TooLarge(Limit::Rows));
    }
    let mut grid = Grid::default();
    while let Some(cell) = cells.next_cell().map_err(damaged)? {
        let value = cell.get_value();
        if value.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize + 1, column as usize);
        if grid.wants(row, column)? {
            grid.push(row, column, xlsx_cell(value))?;
        }
    }
    Ok(grid.finish())
}

fn xlsx_cell(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Text(String::new()),
        DataRef::String(s) => Cell::typed(s),
        DataRef::SharedString(s) => Cell::typed(s),
        DataRef::Int(i) => Cell::Number(i.to_string()),
        DataRef::Float(f) => Cell::Number(number_text(*f)),
        DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        DataRef::DateTime(dt) if dt.is_duration() => Cell::Number(number_text(dt.as_f64())),
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Cell::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        // "2024-03-01T00:00:00" → the date; a bare time stays as it is.
        DataRef::DateTimeIso(s) => match s.get(..10) {
            Some(date) if date.as_bytes().get(4) == Some(&b'-') => Cell::Text(date.to_string()),
            _ => Cell::typed(s),
        },
        DataRef::DurationIso(s) => Cell::typed(s),
        DataRef::Error(e) => Cell::Problem(format!("单元格为错误值 {e}，请改为实际内容")),
    }
}
