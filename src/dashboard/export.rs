//! The dashboard's matrix as an Excel workbook (rust_xlsxwriter): one row per community, one
//! column per step, each cell coloured as on screen, overdue cells in red, and each cell's
//! explanation as a note; frozen headers, landscape A4.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Workbook, XlsxError};

use super::load::Board;
use super::matrix::CellState;
use crate::domain::procedure::Step;

/// The background of a state, as `static/style.css` colours it.
pub fn colour(state: CellState) -> u32 {
    match state {
        CellState::NotStarted => 0xF2F2F2,
        CellState::Open => 0xDDEBF7,
        CellState::Blocked => 0xFCE4D6,
        CellState::Done => 0xE2EFDA,
        CellState::Overridden => 0xFFF2CC,
    }
}

/// The overdue cells' font colour.
pub const OVERDUE: u32 = 0xC00000;

/// The workbook's bytes.
pub fn workbook(board: &Board, columns: &[&'static Step]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("换届进度")?;
    ws.set_landscape();
    ws.set_paper_size(9);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9D9D9));
    let plain = Format::new().set_border(FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(
        0,
        0,
        format!("社区“两委”换届选举进度总表（{}）", board.today),
        &title,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "当前阶段：{}；社区 {} 个，党组织换届完成 {} 个，居委会换届完成 {} 个，有逾期步骤的 {} 个。",
            board.phase,
            board.totals.communities,
            board.totals.party_done,
            board.totals.residents_done,
            board.totals.overdue
        ),
    )?;
    let top = 3u32;
    ws.write_string_with_format(top, 0, "社区", &head)?;
    ws.write_string_with_format(top, 1, "联系领导", &head)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 12)?;
    for (i, s) in columns.iter().enumerate() {
        let col = 2 + i as u16;
        ws.write_string_with_format(top, col, format!("{}\n{}", s.code, s.name), &head)?;
        ws.set_column_width(col, 11)?;
    }
    ws.set_row_height(top, 48)?;
    for (r, row) in board.rows.iter().enumerate() {
        let line = top + 1 + r as u32;
        ws.write_string_with_format(line, 0, &row.community.name, &plain)?;
        ws.write_string_with_format(line, 1, &row.liaison, &plain)?;
        if row.cells.is_empty() {
            ws.write_string_with_format(line, 2, "尚未创建换届工作", &plain)?;
            continue;
        }
        for (i, s) in columns.iter().enumerate() {
            let Some(cell) = row.cells.iter().find(|c| c.code == s.code) else {
                continue;
            };
            let mut f = Format::new()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(colour(cell.state)));
            let mut text = cell.short();
            if cell.overdue {
                f = f.set_font_color(Color::RGB(OVERDUE)).set_bold();
                text.push_str(" 逾期");
            }
            let col = 2 + i as u16;
            ws.write_string_with_format(line, col, &text, &f)?;
            let why = cell.why_text();
            if !why.is_empty() {
                ws.insert_note(line, col, &Note::new(why).set_width(360).set_height(180))?;
            }
        }
    }
    ws.set_freeze_panes(top + 1, 2)?;
    let legend = top + 2 + board.rows.len() as u32;
    ws.write_string(legend, 0, "图例")?;
    for (i, st) in CellState::ALL.iter().enumerate() {
        let f = Format::new()
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(colour(*st)));
        ws.write_string_with_format(legend, 1 + i as u16, st.zh(), &f)?;
    }
    let f = Format::new()
        .set_border(FormatBorder::Thin)
        .set_font_color(Color::RGB(OVERDUE))
        .set_bold();
    ws.write_string_with_format(legend, 1 + CellState::ALL.len() as u16, "逾期", &f)?;
    wb.save_to_buffer()
}
