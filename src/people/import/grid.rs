//! The cells read from a file before they become people: a sparse grid of the non-empty cells,
//! filled cell by cell under the limits that keep a hostile file's grid small.
//!
//! Nothing is allocated for empty cells or for columns past [`MAX_SHEET_COLUMNS`], so a sheet
//! that declares (or holds) one cell at A1 and one at XFD1048576 costs two cells, not a range.

use std::collections::BTreeMap;

use super::{
    ImportError, Limit, MAX_CELL_CHARS, MAX_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS,
    MAX_TEXT_BYTES, clean_text,
};

/// One cell as read, before it is assigned to a field.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
    /// Text (and dates, booleans).
    Text(String),
    /// A number stored as a number, printed in full.
    Number(String),
    /// Not data: a problem to report for this cell.
    Problem(String),
}

impl Cell {
    /// Text as typed: cleaned of CSV's digit wrappers, or a problem when too long to be a field.
    pub(super) fn typed(s: &str) -> Cell {
        if s.chars().nth(MAX_CELL_CHARS).is_some() {
            Cell::too_long()
        } else {
            Cell::Text(clean_text(s))
        }
    }

    /// The problem of a cell longer than [`MAX_CELL_CHARS`] (its text is not kept).
    pub(super) fn too_long() -> Cell {
        Cell::Problem(format!("内容超过 {MAX_CELL_CHARS} 字，请检查该单元格"))
    }

    /// The text of a value cell ("" for a problem).
    pub(super) fn text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) => s,
            Cell::Problem(_) => "",
        }
    }

    fn kept_bytes(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::Number(s) | Cell::Problem(s) => s.len(),
        }
    }

    fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(s) | Cell::Number(s) if s.is_empty())
    }
}

/// A non-empty row: its spreadsheet row number (from 1) and its non-empty cells as
/// `(column from 0, cell)`, in column order.
pub(super) type Row = (usize, Vec<(usize, Cell)>);

/// The grid being read, with what it holds so far.
#[derive(Default)]
pub(super) struct Grid {
    rows: BTreeMap<usize, Vec<(usize, Cell)>>,
    cells: usize,
    text: usize,
}

impl Grid {
    /// Whether a non-empty cell at `row` (from 1) and `column` (from 0) is to be read: not past
    /// [`MAX_SHEET_COLUMNS`]; data past [`MAX_SHEET_ROWS`], in any column, refuses the whole file.
    /// Asked before the cell's value is copied out of the file.
    pub(super) fn wants(&self, row: usize, column: usize) -> Result<bool, ImportError> {
        if row > MAX_SHEET_ROWS {
            return Err(ImportError::TooLarge(Limit::Rows));
        }
        Ok(column < MAX_SHEET_COLUMNS)
    }

    /// Keeps a cell that [`Grid::wants`] accepted (a blank one is dropped); refuses the file past
    /// [`MAX_CELLS`] cells or [`MAX_TEXT_BYTES`] of text.
    pub(super) fn push(
        &mut self,
        row: usize,
        column: usize,
        cell: Cell,
    ) -> Result<(), ImportError> {
        if cell.is_blank() {
            return Ok(());
        }
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(ImportError::TooLarge(Limit::Cells));
        }
        self.text += cell.kept_bytes();
        if self.text > MAX_TEXT_BYTES {
            return Err(ImportError::TooLarge(Limit::Text));
        }
        self.rows.entry(row).or_default().push((column, cell));
        Ok(())
    }

    /// The rows in order, each with its cells in column order (a cell given twice: the last).
    pub(super) fn finish(self) -> Vec<Row> {
        self.rows
            .into_iter()
            .map(|(row, mut cells)| {
                // Stable: of two cells in one column, the later one read ends up last.
                cells.sort_by_key(|(col, _)| *col);
                let mut kept: Vec<(usize, Cell)> = Vec::with_capacity(cells.len());
                for (col, cell) in cells {
                    match kept.last_mut() {
                        Some(last) if last.0 == col => last.1 = cell,
                        _ => kept.push((col, cell)),
                    }
                }
                (row, kept)
            })
            .collect()
    }
}
