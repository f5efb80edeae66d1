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
    window: Window,
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
            window: Window::default(),
        }
    }

    /// Adds the items of one post.
    pub(crate) fn add(&mut self, post: Post, batch: &mut Batch<'_>) {
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
        let credits = vec![self.credit(post)];
        batch.push(self.document(
            post.path(),
            post.line,
            text,
            credits,
            post.license.spdx().to_owned(),
            post.tags.clone(),
        ));
    }

    fn code_documents(&mut self, post: &Post, batch: &mut Batch<'_>) {
        let rendered = html::render(&post.body);
        if rendered.code_blocks.is_empty() {
            batch.push(self.filtered(post.path(), post.line, "no code block".to_owned()));
            return;
        }
        let credit = self.credit(post);
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
            let credits = vec![credit.clone()];
            batch.push(self.document(
                key,
                post.line,
                code,
                credits,
                post.license.spdx().to_owned(),
                post.tags.clone(),
            ));
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
        batch.push(self.document(key, question.line, text, credits, license, question.tags));
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

    fn document(
        &self,
        key: String,
        line: u64,
        text: String,
        credits: Vec<Credit>,
        license: String,
        tags: Vec<String>,
    ) -> Item {
        Item::Doc(Document {
            source: self.source(key, line),
            content: Box::new(text.into_bytes()),
            meta: DocMeta {
                license: Some(license),
                stars: None,
                language: None,
                revision: None,
                tags,
                credits,
            },
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
