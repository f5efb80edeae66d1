//! One self-contained HTML page: inline CSS, inline SVG, no scripts, and a
//! Content-Security-Policy that forbids scripts and network fetches, so even
//! a missed escape could not run code.

use crate::doc::{Align, Block, Inline, Line, Table};
use crate::escape::html as esc;

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="corpusledger-datasheet">
"#;

const CSS: &str = include_str!("datasheet.css");

/// The blocks as a page.
pub fn render(blocks: &[Block]) -> String {
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(t) => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or("Datasheet");
    let mut out = String::from(HEAD);
    out.push_str(&format!(
        "<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    ));
    for block in blocks {
        out.push_str(&block_html(block));
        if matches!(block, Block::Title(_)) {
            out.push_str(&nav(blocks));
        }
        out.push('\n');
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Links to every section.
fn nav(blocks: &[Block]) -> String {
    let links: String = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Section { id, title } => Some(format!("<a href=\"#{}\">{}</a>", esc(id), esc(title))),
            _ => None,
        })
        .collect();
    format!("\n<nav>{links}</nav>")
}

fn block_html(block: &Block) -> String {
    match block {
        Block::Title(title) => format!("<h1>{}</h1>", esc(title)),
        Block::Section { id, title } => format!("<h2 id=\"{}\">{}</h2>", esc(id), esc(title)),
        Block::Subsection(title) => format!("<h3>{}</h3>", esc(title)),
        Block::Minor(title) => format!("<h4>{}</h4>", esc(title)),
        Block::Para(line) => format!("<p>{}</p>", line_html(line)),
        Block::List(items) => {
            let items: String = items.iter().map(|i| format!("<li>{}</li>", line_html(i))).collect();
            format!("<ul>{items}</ul>")
        }
        Block::Table(table) => table_html(table),
        Block::Prompt(question) => format!(
            "<div class=\"{}\"><strong>{}</strong> {}</div>",
            crate::TO_ANSWER_CLASS,
            esc(crate::TO_ANSWER),
            esc(question)
        ),
        Block::Code { lang, text } => {
            format!(
                "<pre class=\"{}\"><code>{}</code></pre>",
                esc(lang),
                esc(text.trim_end())
            )
        }
        Block::Figures(figures) => {
            let cards: String = figures
                .iter()
                .map(|(label, value)| {
                    format!(
                        "<div><span class=\"value\">{}</span><span class=\"label\">{}</span></div>",
                        esc(value),
                        esc(label)
                    )
                })
                .collect();
            format!("<div class=\"figures\">{cards}</div>")
        }
        Block::Chart(chart) => chart.to_html(),
        Block::Group(blocks) => {
            let parts: String = blocks
                .iter()
                .map(|b| format!("<div>{}</div>\n", block_html(b)))
                .collect();
            format!("<div class=\"group\">\n{parts}</div>")
        }
    }
}

fn line_html(line: &Line) -> String {
    line.iter()
        .map(|inline| match inline {
            Inline::Text(s) => esc(s),
            Inline::Code(s) if is_hash(s) => format!("<code class=\"hash\">{}</code>", esc(s)),
            Inline::Code(s) => format!("<code>{}</code>", esc(s)),
            Inline::Strong(s) => format!("<strong>{}</strong>", esc(s)),
        })
        .collect()
}

/// A long hex digest: allowed to wrap anywhere, where paths and ids are not.
fn is_hash(s: &str) -> bool {
    s.len() > 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn table_html(table: &Table) -> String {
    let class = |align: Align| match align {
        Align::Left => "",
        Align::Right => " class=\"num\"",
    };
    let head: String = table
        .head
        .iter()
        .map(|(title, align)| format!("<th{}>{}</th>", class(*align), esc(title)))
        .collect();
    let mut body = String::new();
    for row in &table.rows {
        body.push_str("<tr>");
        for (cell, (_, align)) in row.iter().zip(&table.head) {
            body.push_str(&format!("<td{}>{}</td>", class(*align), line_html(cell)));
        }
        body.push_str("</tr>\n");
    }
    if table.rows.is_empty() {
        body = format!(
            "<tr><td colspan=\"{}\" class=\"none\">none</td></tr>\n",
            table.head.len()
        );
    }
    format!("<div class=\"table\"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>")
}
