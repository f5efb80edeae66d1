//! Valid posts to documents: the configured filters first, then the mode
//! (a post, its code blocks, or a question with its accepted answer).
//! Whatever a filter or the mode leaves out is a `filtered` row that says
//! which rule and which values.

use std::collections::HashSet;
use std::sync::Arc;

use corpusledger_model::{Credit, DocMeta, Document, Reason, Rejection, SourceRef};

use super::html;
use super::row::{Post, PostKind};
use super::users::Users;
use super::window::{Held, Window};
use super::{Batch, site};
use crate::{Input, Item, SeMode, SePostType, StackExchangeConfig};

/// Turns one input's posts into items, holding the state the filters and
/// question-answer mode need across rows.
pub(crate) struct Assembler<'a> {
    input: &'a Input,
    config: &'a StackExchangeConfig,
    site: String,
    host: Arc<str>,
    users: Option<Users>,
    /// The wanted tags, lower-cased; empty: all.
    tags: Vec<String>,
    /// Ids of questions with a wanted tag; filled only with a tag filter.
    tagged: HashSet<u64>,
    /// The language each question's tags name, for its answers.
    languages: QuestionLanguages,
    window: Window,
}

/// The language of each question read whose tags name one: 8 bytes a
/// question (ids past `u32::MAX` are not kept), so that answers, which
/// carry no tags, take their question's language.
#[derive(Default)]
struct QuestionLanguages {
    /// (question id, index into `names`), sorted by id once looked up.
    ids: Vec<(u32, u16)>,
    names: Vec<&'static str>,
    /// An id came after a larger one (a dump lists posts by id, so it
    /// does not happen there): sort before the next lookup.
    unsorted: bool,
}

impl QuestionLanguages {
    fn remember(&mut self, question: u64, language: &'static str) {
        let Ok(id) = u32::try_from(question) else { return };
        let name = match self.names.iter().position(|&n| n == language) {
            Some(i) => i,
            None => {
                self.names.push(language);
                self.names.len() - 1
            }
        };
        let Ok(name) = u16::try_from(name) else { return };
        self.unsorted |= self.ids.last().is_some_and(|&(last, _)| last >= id);
        self.ids.push((id, name));
    }

    fn of(&mut self, question: u64) -> Option<&'static str> {
        let id = u32::try_from(question).ok()?;
        if self.unsorted {
            self.ids.sort_by_key(|&(id, _)| id);
            self.ids.dedup_by_key(|(id, _)| *id);
            self.unsorted = false;
        }
        let at = self.ids.binary_search_by_key(&id, |&(id, _)| id).ok()?;
        Some(self.names[self.ids[at].1 as usize])
    }
}

impl<'a> Assembler<'a> {
    /// An assembler for `input` of site `site` (`https://host`).
    pub(crate) fn new(input: &'a Input, config: &'a StackExchangeConfig, site: String, users: Option<Users>) -> Self {
        Assembler {
            input,
            config,
            host: site::host_of(&site).into(),
            site,
            users,
            tags: config.tags.iter().map(|tag| tag.trim().to_ascii_lowercase()).collect(),
            tagged: HashSet::new(),
            languages: QuestionLanguages::default(),
            window: Window::default(),
        }
    }

    /// Adds the items of one post.
    pub(crate) fn add(&mut self, post: Post, batch: &mut Batch<'_>) {
        if let (PostKind::Question, Some(tag_language)) = (post.kind, self.config.tag_language) {
            let tags: Vec<&str> = post.tags.iter().map(String::as_str).collect();
            if let Some(language) = (tag_language.0)(&tags) {
                self.languages.remember(post.id, language);
            }
        }
        if let Some(reason) = self.filter(&post) {
            self.filter_out(&post, reason, batch);
            return;
        }
        match self.config.mode {
            SeMode::Post => self.post_document(&post, batch),
            SeMode::CodeBlock => self.code_documents(&post, batch),
            SeMode::QuestionAnswer => self.question_answer(&post, batch),
        }
    }

    /// Lets go of the questions still waiting for their accepted answer.
    pub(crate) fn finish(&mut self, batch: &mut Batch<'_>) {
        for held in self.window.drain() {
            let detail = format!(
                "accepted answer {} was not found by the end of the file",
                held.answer_id
            );
            batch.push(self.filtered(format!("q/{}", held.question_id), held.line, detail));
        }
    }

    /// Why the configured filters leave `post` out, if they do.
    fn filter(&mut self, post: &Post) -> Option<String> {
        let kind = match post.kind {
            PostKind::Question => SePostType::Question,
            PostKind::Answer => SePostType::Answer,
            PostKind::Other(id) => {
                return Some(format!(
                    "post type {id} ({}) is not a question or answer",
                    post.kind.name()
                ));
            }
        };
        // Before the post-type check: an answer's question must be
        // remembered even when questions themselves are left out.
        let tag_reason = self.tag_filter(post);
        let post_types = &self.config.post_types;
        if !post_types.is_empty() && !post_types.contains(&kind) {
            let kept: Vec<&str> = post_types.iter().map(|kind| kind.as_str()).collect();
            return Some(format!(
                "post type {} ({}) is not in post-types = {}",
                post.kind.id(),
                post.kind.name(),
                kept.join(", ")
            ));
        }
        if tag_reason.is_some() {
            return tag_reason;
        }
        match self.config.min_score {
            Some(min_score) if post.score < min_score => {
                Some(format!("score {} is below min-score = {min_score}", post.score))
            }
            _ => None,
        }
    }

    /// The tag filter: a question passes with any wanted tag (and is
    /// remembered), an answer when its question passed before it.
    fn tag_filter(&mut self, post: &Post) -> Option<String> {
        if self.tags.is_empty() {
            return None;
        }
        match (post.kind, post.parent_id) {
            (PostKind::Question, _) => {
                let wanted = |tag: &String| self.tags.contains(&tag.to_ascii_lowercase());
                if post.tags.iter().any(wanted) {
                    self.tagged.insert(post.id);
                    return None;
                }
                let has = if post.tags.is_empty() {
                    "none".to_owned()
                } else {
                    post.tags.join(", ")
                };
                Some(format!(
                    "question has none of the tags {} (it has {has})",
                    self.tags.join(", ")
                ))
            }
            (_, Some(parent)) if self.tagged.contains(&parent) => None,
            (_, Some(parent)) => Some(format!(
                "answer to question {parent}, which was not read before it or has none of the tags {}",
                self.tags.join(", ")
            )),
            (_, None) => Some("answer has no ParentId, so the tags of its question are not known".to_owned()),
        }
    }

    /// A filtered row for `post`; in question-answer mode, a question held
    /// for this answer goes with it.
    fn filter_out(&mut self, post: &Post, reason: String, batch: &mut Batch<'_>) {
        let held = match (self.config.mode, post.kind) {
            (SeMode::QuestionAnswer, PostKind::Answer) => self.window.take(post.id),
            _ => None,
        };
        batch.push(self.filtered(post.path(), post.line, reason.clone()));
        if let Some(held) = held {
            let detail = format!("accepted answer {} was filtered: {reason}", held.answer_id);
            batch.push(self.filtered(format!("q/{}", held.question_id), held.line, detail));
        }
    }

    fn post_document(&mut self, post: &Post, batch: &mut Batch<'_>) {
        let rendered = html::render(&post.body);
        let code_bytes: usize = rendered.code_blocks.iter().map(String::len).sum();
        if (code_bytes as u64) < self.config.min_code_bytes {
            let detail = format!(
                "code blocks hold {code_bytes} bytes, below min-code-bytes = {}",
                self.config.min_code_bytes
            );
            batch.push(self.filtered(post.path(), post.line, detail));
            return;
        }
        let text = join_text(&[question_title(post), &rendered.text]);
        let meta = DocMeta {
            language: self.answer_language(post),
            ..post_meta(post, vec![self.credit(post)])
        };
        batch.push(self.document(post.path(), post.line, text, meta));
    }

    /// An answer's language: its question's, when the question's tags name
    /// one.
    fn answer_language(&mut self, post: &Post) -> Option<String> {
        match (post.kind, post.parent_id) {
            (PostKind::Answer, Some(parent)) => self.languages.of(parent).map(str::to_owned),
            _ => None,
        }
    }

    fn code_documents(&mut self, post: &Post, batch: &mut Batch<'_>) {
        let rendered = html::render(&post.body);
        if rendered.code_blocks.is_empty() {
            batch.push(self.filtered(post.path(), post.line, "no code block".to_owned()));
            return;
        }
        let credit = self.credit(post);
        let language = self.answer_language(post);
        let min_bytes = self.config.min_code_bytes;
        for (block_idx, mut code) in rendered.code_blocks.into_iter().enumerate() {
            let key = format!("{}/code-{}", post.path(), block_idx + 1);
            if (code.len() as u64) < min_bytes {
                let detail = format!(
                    "code block {} holds {} bytes, below min-code-bytes = {min_bytes}",
                    block_idx + 1,
                    code.len()
                );
                batch.push(self.filtered(key, post.line, detail));
                continue;
            }
            if !code.ends_with('\n') {
                code.push('\n');
            }
            let meta = DocMeta {
                language: language.clone(),
                ..post_meta(post, vec![credit.clone()])
            };
            batch.push(self.document(key, post.line, code, meta));
        }
    }

    fn question_answer(&mut self, post: &Post, batch: &mut Batch<'_>) {
        match (post.kind, post.accepted_answer_id) {
            (PostKind::Question, None) => {
                batch.push(self.filtered(post.path(), post.line, "question has no accepted answer".to_owned()));
            }
            (PostKind::Question, Some(answer_id)) => self.hold(post, answer_id, batch),
            (_, _) => match self.window.take(post.id) {
                Some(question) => self.join(question, post, batch),
                None => {
                    let detail = "answer is not the accepted answer of a question held for question-answer mode";
                    batch.push(self.filtered(post.path(), post.line, detail.to_owned()));
                }
            },
        }
    }

    fn hold(&mut self, post: &Post, answer_id: u64, batch: &mut Batch<'_>) {
        let rendered = html::render(&post.body);
        let held = Held {
            line: post.line,
            question_id: post.id,
            answer_id,
            text: join_text(&[question_title(post), &rendered.text]),
            tags: post.tags.clone(),
            credit: self.credit(post),
            license: post.license,
        };
        for evicted in self.window.hold(held, self.config.qa_window_bytes) {
            let detail = format!(
                "accepted answer {} was not read within qa-window-bytes = {} of held questions",
                evicted.answer_id, self.config.qa_window_bytes
            );
            batch.push(self.filtered(format!("q/{}", evicted.question_id), evicted.line, detail));
        }
    }

    fn join(&mut self, question: Held, answer: &Post, batch: &mut Batch<'_>) {
        let rendered = html::render(&answer.body);
        let text = join_text(&[question.text.trim_end(), &rendered.text]);
        let license = if question.license == answer.license {
            question.license.spdx().to_owned()
        } else {
            format!("{} AND {}", question.license.spdx(), answer.license.spdx())
        };
        let key = format!("q/{}+a/{}", question.question_id, answer.id);
        let credits = vec![question.credit, self.credit(answer)];
        let meta = DocMeta {
            license: Some(license),
            tags: question.tags,
            credits,
            ..DocMeta::default()
        };
        batch.push(self.document(key, question.line, text, meta));
    }

    /// The credit CC BY-SA asks for: where, who, which license and why.
    fn credit(&self, post: &Post) -> Credit {
        let kind = if post.kind == PostKind::Question { "q" } else { "a" };
        Credit {
            url: format!("{}/{kind}/{}", self.site, post.id),
            title: question_title(post).to_owned(),
            author: self.author(post),
            author_url: post.owner_user_id.map(|id| format!("{}/users/{id}", self.site)),
            license: post.license.spdx().to_owned(),
            license_basis: post.license_basis.clone(),
            created: post.created.clone(),
            last_edited: post.last_edited.clone(),
        }
    }

    /// `Users.xml`'s name, else `OwnerDisplayName`, else `user N`, else
    /// `deleted user`.
    fn author(&self, post: &Post) -> String {
        let known = post
            .owner_user_id
            .and_then(|id| self.users.as_ref()?.name(id))
            .filter(|name| !name.is_empty());
        match (known, &post.owner_display_name, post.owner_user_id) {
            (Some(name), _, _) => name.to_owned(),
            (None, Some(name), _) => name.clone(),
            (None, None, Some(id)) => format!("user {id}"),
            (None, None, None) => "deleted user".to_owned(),
        }
    }

    fn source(&self, key: String, line: u64) -> SourceRef {
        SourceRef {
            input: self.input.label.clone(),
            path: Some(key.clone()),
            key,
            row: line,
            repo: Some(self.host.clone()),
        }
    }

    fn document(&self, key: String, line: u64, text: String, meta: DocMeta) -> Item {
        Item::Doc(Document {
            source: self.source(key, line),
            content: Box::new(text.into_bytes()),
            meta,
            local: None,
        })
    }

    fn filtered(&self, key: String, line: u64, detail: String) -> Item {
        Item::Rejected(Rejection {
            source: self.source(key, line),
            reason: Reason::Filtered,
            detail,
            content_sha256: None,
            bytes: 0,
        })
    }
}

/// The title of a question; empty for other posts.
fn question_title(post: &Post) -> &str {
    if post.kind == PostKind::Question {
        &post.title
    } else {
        ""
    }
}

/// A post's license, tags and `credits`, as a document's metadata.
fn post_meta(post: &Post, credits: Vec<Credit>) -> DocMeta {
    DocMeta {
        license: Some(post.license.spdx().to_owned()),
        tags: post.tags.clone(),
        credits,
        ..DocMeta::default()
    }
}

/// The non-empty parts set apart by a blank line, ending with one `\n`.
fn join_text(parts: &[&str]) -> String {
    let mut text = parts
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n");
    text.push('\n');
    text
}
