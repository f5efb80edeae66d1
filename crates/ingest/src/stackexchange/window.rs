//! Question-answer mode's waiting room: questions held until their accepted
//! answer is read, oldest let go first once their text passes
//! `qa-window-bytes`, so memory stays bounded on any dump.

use std::collections::{BTreeMap, HashMap};

use corpusledger_model::Credit;

use super::license::License;

/// A question waiting for its accepted answer.
#[derive(Debug)]
pub(crate) struct Held {
    /// The question's line.
    pub(crate) line: u64,
    /// Its `Id`.
    pub(crate) question_id: u64,
    /// Its `AcceptedAnswerId`.
    pub(crate) answer_id: u64,
    /// Title and text, ending with `\n`.
    pub(crate) text: String,
    /// The question's tags.
    pub(crate) tags: Vec<String>,
    /// The question's credit.
    pub(crate) credit: Credit,
    /// The question's license.
    pub(crate) license: License,
}

impl Held {
    /// About what it takes in memory.
    fn bytes(&self) -> u64 {
        let credit = &self.credit;
        let strings = [
            &credit.url,
            &credit.title,
            &credit.author,
            &credit.license_basis,
            &credit.created,
        ];
        let len: usize = self.text.len() + strings.iter().map(|s| s.len()).sum::<usize>();
        len as u64 + 256
    }
}

/// Questions held for question-answer mode, oldest first, by the id of the
/// answer they wait for; bounded by `qa-window-bytes`.
#[derive(Debug, Default)]
pub(crate) struct Window {
    held: BTreeMap<u64, Held>,
    seq_by_answer: HashMap<u64, u64>,
    next_seq: u64,
    bytes: u64,
}

impl Window {
    /// Holds `held`; returns the oldest questions let go to stay within
    /// `limit` bytes (possibly `held` itself, when it alone is over).
    pub(crate) fn hold(&mut self, held: Held, limit: u64) -> Vec<Held> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.bytes += held.bytes();
        self.seq_by_answer.insert(held.answer_id, seq);
        self.held.insert(seq, held);
        let mut evicted = Vec::new();
        while self.bytes > limit {
            let Some((seq, oldest)) = self.held.pop_first() else {
                break;
            };
            self.forget(seq, &oldest);
            evicted.push(oldest);
        }
        evicted
    }

    /// The question waiting for answer `answer_id`, taken out.
    pub(crate) fn take(&mut self, answer_id: u64) -> Option<Held> {
        let seq = *self.seq_by_answer.get(&answer_id)?;
        let held = self.held.remove(&seq)?;
        self.forget(seq, &held);
        Some(held)
    }

    /// All held questions, oldest first.
    pub(crate) fn drain(&mut self) -> Vec<Held> {
        self.seq_by_answer.clear();
        self.bytes = 0;
        std::mem::take(&mut self.held).into_values().collect()
    }

    fn forget(&mut self, seq: u64, held: &Held) {
        self.bytes = self.bytes.saturating_sub(held.bytes());
        if self.seq_by_answer.get(&held.answer_id) == Some(&seq) {
            self.seq_by_answer.remove(&held.answer_id);
        }
    }
}
