//! The datasheet's blocks as Markdown or as an HTML page.

mod html;
mod markdown;

pub use html::render as html;
pub use markdown::render as markdown;
