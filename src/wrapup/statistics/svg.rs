//! Bar charts of the statistics, drawn as SVG on the server (no charting service, no script):
//! a horizontal bar per community with its value, or a stacked bar of its parts with a legend.
//! Pure: text in, text out; every name is escaped.

use std::fmt::Write;

/// The bars' colours, in the order of a stack's parts.
const COLOURS: [&str; 6] = [
    "#4472c4", "#ed7d31", "#a5a5a5", "#ffc000", "#5b9bd5", "#70ad47",
];
const LABEL: u32 = 96;
const BAR: u32 = 22;
const GAP: u32 = 8;
const WIDTH: u32 = 560;
const VALUE: u32 = 70;

/// Text escaped for SVG.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, title: &str, height: u32) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}"><title>{t}</title><text x="0" y="16" font-size="14" font-weight="bold">{t}</text>"##,
        t = escape(title)
    );
}

/// A bar's label (the community), right-aligned before the bar at height `y`.
fn row_label(out: &mut String, y: u32, label: &str) {
    let _ = write!(
        out,
        r##"<text x="{x}" y="{ty}" font-size="12" text-anchor="end">{l}</text>"##,
        x = LABEL - 6,
        ty = y + 15,
        l = escape(label)
    );
}

/// Percent bars (0–100), one per `(label, value)`; a missing value is drawn as 无数据.
pub fn percent_bars(title: &str, items: &[(String, Option<f64>)]) -> String {
    let span = WIDTH - LABEL - VALUE;
    let height = 28 + items.len() as u32 * (BAR + GAP) + 4;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, (label, value)) in items.iter().enumerate() {
        let y = 28 + i as u32 * (BAR + GAP);
        row_label(&mut out, y, label);
        match value {
            Some(v) => {
                let w = (v.clamp(0.0, 100.0) / 100.0 * f64::from(span)).round() as u32;
                let _ = write!(
                    out,
                    r##"<rect x="{LABEL}" y="{y}" width="{w}" height="{BAR}" fill="{c}"/><text x="{tx}" y="{ty}" font-size="12">{v:.1}%</text>"##,
                    c = COLOURS[0],
                    tx = LABEL + w + 4,
                    ty = y + 15,
                );
            }
            None => {
                let _ = write!(
                    out,
                    r##"<text x="{LABEL}" y="{ty}" font-size="12" fill="#888">无数据</text>"##,
                    ty = y + 15
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// Stacked bars: each `(label, parts)` split into `parts` named by `legend`, scaled to the
/// largest total; each part's count written inside it when it fits.
pub fn stacked_bars(title: &str, legend: &[&str], items: &[(String, Vec<u32>)]) -> String {
    let span = WIDTH - LABEL - VALUE;
    let max = items
        .iter()
        .map(|(_, p)| p.iter().sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    let legend_y = 28 + items.len() as u32 * (BAR + GAP) + 8;
    let height = legend_y + 22;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, (label, parts)) in items.iter().enumerate() {
        let y = 28 + i as u32 * (BAR + GAP);
        row_label(&mut out, y, label);
        let mut x = LABEL;
        for (k, n) in parts.iter().enumerate() {
            let w = (f64::from(*n) / f64::from(max) * f64::from(span)).round() as u32;
            if w == 0 {
                continue;
            }
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{BAR}" fill="{c}"><title>{name}：{n}</title></rect>"##,
                c = COLOURS[k % COLOURS.len()],
                name = escape(legend.get(k).copied().unwrap_or("")),
            );
            if w >= 16 {
                let _ = write!(
                    out,
                    r##"<text x="{tx}" y="{ty}" font-size="11" fill="#fff" text-anchor="middle">{n}</text>"##,
                    tx = x + w / 2,
                    ty = y + 15
                );
            }
            x += w;
        }
        let total: u32 = parts.iter().sum();
        let _ = write!(
            out,
            r##"<text x="{tx}" y="{ty}" font-size="12">{total} 人</text>"##,
            tx = x + 4,
            ty = y + 15
        );
    }
    let mut x = LABEL;
    for (k, name) in legend.iter().enumerate() {
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{c}"/><text x="{tx}" y="{ty}" font-size="12">{n}</text>"##,
            c = COLOURS[k % COLOURS.len()],
            tx = x + 16,
            ty = legend_y + 11,
            n = escape(name)
        );
        x += 24 + 13 * name.chars().count() as u32;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_bar_is_as_long_as_its_share_and_names_are_escaped() {
        let svg = percent_bars(
            "参选率",
            &[("甲<社区>".into(), Some(50.0)), ("乙".into(), None)],
        );
        let span = WIDTH - LABEL - VALUE;
        assert!(svg.contains(&format!(r#"width="{}""#, span / 2)), "{svg}");
        assert!(svg.contains("甲&lt;社区&gt;"));
        assert!(svg.contains("50.0%"));
        assert!(svg.contains("无数据"));
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn stacked_bars_scale_to_the_largest_total_and_carry_a_legend() {
        let svg = stacked_bars(
            "年龄结构",
            &["35岁及以下", "36至45岁"],
            &[("甲".into(), vec![2, 2]), ("乙".into(), vec![1, 0])],
        );
        let span = WIDTH - LABEL - VALUE;
        let quarter = (f64::from(span) / 4.0).round() as u32;
        assert!(
            svg.contains(&format!(r#"width="{}""#, quarter * 2))
                || svg.contains(&format!(r#"width="{}""#, span / 2))
        );
        assert!(svg.contains(&format!(r#"width="{quarter}""#)), "{svg}");
        assert!(svg.contains("4 人") && svg.contains("1 人"));
        assert!(svg.contains("36至45岁"));
    }
}
