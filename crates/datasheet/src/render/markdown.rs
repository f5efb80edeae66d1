//! Markdown: CommonMark with GitHub tables. Charts are left out: each has a
//! table with the same numbers next to it.

use crate::doc::{Align, Block, Inline, Line, Table};
use crate::escape;

/// The blocks as Markdown, each followed by a blank line.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        let Some(text) = block_text(block) else { continue };
        out.push_str(&text);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn block_text(block: &Block) -> Option<String> {
    Some(match block {
        Block::Title(title) => format!("# {}", escape::markdown(title)),
        Block::Section { title, .. } => format!("## {}", escape::markdown(title)),
        Block::Subsection(title) => format!("### {}", escape::markdown(title)),
        Block::Minor(title) => format!("#### {}", escape::markdown(title)),
        Block::Para(line) => line_text(line),
        Block::List(items) => items
            .iter()
            .map(|item| format!("- {}", line_text(item)))
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Table(table) => table_text(table),
        Block::Prompt(question) => format!("> **{}** {}", crate::TO_ANSWER, escape::markdown(question)),
        Block::Code { lang, text } => {
            let fence = escape::fence_for(text);
            format!("{fence}{lang}\n{}\n{fence}", text.trim_end())
        }
        Block::Figures(figures) => {
            let mut table = Table::new(&[("Figure", Align::Left), ("Value", Align::Right)]);
            for (label, value) in figures {
                table.row(vec![
                    vec![Inline::Text((*label).to_owned())],
                    vec![Inline::Text(value.clone())],
                ]);
            }
            table_text(&table)
        }
        Block::Chart(_) => return None,
        Block::Group(blocks) => {
            let parts: Vec<String> = blocks.iter().filter_map(block_text).collect();
            if parts.is_empty() {
                return None;
            }
            parts.join("\n\n")
        }
    })
}

fn line_text(line: &Line) -> String {
    line.iter()
        .map(|inline| match inline {
            Inline::Text(s) => escape::markdown(s),
            Inline::Code(s) => escape::markdown_code(s),
            Inline::Strong(s) => format!("**{}**", escape::markdown(s)),
        })
        .collect()
}

fn table_text(table: &Table) -> String {
    let head: Vec<String> = table.head.iter().map(|(title, _)| escape::markdown(title)).collect();
    let rule: Vec<&str> = table
        .head
        .iter()
        .map(|(_, align)| match align {
            Align::Left => "---",
            Align::Right => "---:",
        })
        .collect();
    let mut lines = vec![format!("| {} |", head.join(" | ")), format!("|{}|", rule.join("|"))];
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(line_text).collect();
        lines.push(format!("| {} |", cells.join(" | ")));
    }
    if table.rows.is_empty() {
        let mut cells = vec![""; table.head.len()];
        cells[0] = "none";
        lines.push(format!("| {} |", cells.join(" | ")));
    }
    lines.join("\n")
}
