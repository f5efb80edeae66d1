//! Directory trees of repositories.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use corpusledger_model::{DocMeta, Document, LocalFile, Reason, Rejection, SourceRef};

use crate::check::too_large;
use crate::{IngestConfig, Input, Item};

/// A file of a tree, as listed by the plan.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TreeEntry {
    /// The path relative to the input root, with `/` separators.
    pub rel: String,
    /// The repository's path relative to the input root (empty: the root),
    /// shared by the files of the repository.
    pub repo: Arc<str>,
}

pub(crate) struct Listing {
    pub entries: Vec<TreeEntry>,
    pub rejections: Vec<Rejection>,
}

/// Lists the regular files under a tree input, sorted by path. Symbolic links
/// are read only when they point to a file inside the input root; `.git`
/// folders are version-control data, not documents, and are not entered.
pub(crate) fn list(input: &Input, config: &IngestConfig) -> Listing {
    let mut listing = Listing {
        entries: Vec::new(),
        rejections: Vec::new(),
    };
    let canonical_root = std::fs::canonicalize(&input.path).unwrap_or_else(|_| input.path.clone());
    let mut repos = RepoFinder::new(&input.path, config.repo_depth);
    let walker = walkdir::WalkDir::new(&input.path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&input.path).to_owned();
                let (rel, repo) = (rel_of(&input.path, &path), repos.repo_of(&path));
                let detail = format!("cannot list: {err}; check permissions");
                listing
                    .rejections
                    .push(rejection(input, &rel, &repo, Reason::Unreadable, detail));
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let rel = rel_of(&input.path, entry.path());
        let repo = repos.repo_of(entry.path());
        if entry.path().to_str().is_none() {
            // The key shows the name with U+FFFD, which names no file on disk
            // (and two such names could share it), so the file is not read.
            let detail = "the path is not valid UTF-8 (shown with U+FFFD); rename it to keep the file".to_owned();
            listing
                .rejections
                .push(rejection(input, &rel, &repo, Reason::NotUtf8, detail));
            continue;
        }
        if file_type.is_symlink() {
            if let Some(detail) = link_problem(entry.path(), &canonical_root) {
                listing
                    .rejections
                    .push(rejection(input, &rel, &repo, Reason::NotAFile, detail));
                continue;
            }
        } else if !file_type.is_file() {
            let detail = "not a regular file (FIFO, socket or device); not opened".to_owned();
            listing
                .rejections
                .push(rejection(input, &rel, &repo, Reason::NotAFile, detail));
            continue;
        }
        listing.entries.push(TreeEntry { rel, repo });
    }
    listing
}

/// Why a symbolic link is not read, or `None` when it points to a regular
/// file inside the input root.
fn link_problem(link: &Path, canonical_root: &Path) -> Option<String> {
    match std::fs::canonicalize(link) {
        Err(err) => Some(format!("broken symbolic link: {err}")),
        Ok(target) if !target.starts_with(canonical_root) => Some(format!(
            "symbolic link to {} outside the input root; not followed",
            target.display()
        )),
        Ok(target) if target.is_dir() => {
            Some("symbolic link to a directory; its files are read where they are".to_owned())
        }
        Ok(target) if !target.is_file() => Some(format!(
            "symbolic link to {}, not a regular file (FIFO, socket or device); not opened",
            target.display()
        )),
        Ok(_) => None,
    }
}

fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn rejection(input: &Input, rel: &str, repo: &Arc<str>, reason: Reason, detail: String) -> Rejection {
    Rejection {
        source: source_of(input, rel, repo),
        reason,
        detail,
        content_sha256: None,
        bytes: 0,
    }
}

fn split_repo(rel: &str, depth: usize) -> (String, String) {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.len() <= depth {
        return (String::new(), rel.to_owned());
    }
    (parts[..depth].join("/"), parts[depth..].join("/"))
}

/// The source of the file at `rel` in repository `repo` (empty: the
/// input root, which then stands as the repository under the input's label).
fn source_of(input: &Input, rel: &str, repo: &Arc<str>) -> SourceRef {
    let in_repo = rel.strip_prefix(&**repo).unwrap_or(rel).trim_start_matches('/');
    SourceRef {
        input: input.label.clone(),
        key: rel.to_owned(),
        row: 0,
        repo: Some(if repo.is_empty() {
            input.label.clone()
        } else {
            repo.clone()
        }),
        path: Some(in_repo.to_owned()),
    }
}

/// Finds the repository of a file: the nearest folder holding `.git`, else the
/// folder at `depth` below the root. Answers are cached per folder.
struct RepoFinder {
    root: PathBuf,
    depth: usize,
    has_git: HashMap<PathBuf, bool>,
    names: HashMap<String, Arc<str>>,
}

impl RepoFinder {
    fn new(root: &Path, depth: usize) -> Self {
        RepoFinder {
            root: root.to_owned(),
            depth,
            has_git: HashMap::new(),
            names: HashMap::new(),
        }
    }

    /// The repository of `file`, one shared name per repository.
    fn repo_of(&mut self, file: &Path) -> Arc<str> {
        let name = self.repo_name(file);
        if let Some(shared) = self.names.get(name.as_str()) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(name.as_str());
        self.names.insert(name, shared.clone());
        shared
    }

    fn repo_name(&mut self, file: &Path) -> String {
        let mut dir = file.parent();
        while let Some(d) = dir {
            if !d.starts_with(&self.root) {
                break;
            }
            let has_git = *self
                .has_git
                .entry(d.to_owned())
                .or_insert_with(|| d.join(".git").exists());
            if has_git {
                return rel_of(&self.root, d);
            }
            if d == self.root {
                break;
            }
            dir = d.parent();
        }
        split_repo(&rel_of(&self.root, file), self.depth).0
    }
}

/// Reads the files of one unit, in order, in batches.
pub(crate) fn read_files(input: &Input, files: &[TreeEntry], config: &IngestConfig, sink: &mut dyn FnMut(Vec<Item>)) {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    for entry in files {
        let item = read_file(input, entry, config);
        batch_bytes += match &item {
            Item::Doc(doc) => doc.bytes().len(),
            Item::Rejected(_) => 0,
        };
        batch.push(item);
        if batch_bytes >= config.batch_bytes {
            sink(std::mem::take(&mut batch));
            batch_bytes = 0;
        }
    }
    if !batch.is_empty() {
        sink(batch);
    }
}

fn read_file(input: &Input, entry: &TreeEntry, config: &IngestConfig) -> Item {
    let path = input.path.join(&entry.rel);
    let source = source_of(input, &entry.rel, &entry.repo);
    let reject = |reason, detail: String, bytes| Rejection {
        source: source.clone(),
        reason,
        detail,
        content_sha256: None,
        bytes,
    };
    let content = match open_content(&path, config) {
        Ok(content) => content,
        Err(Opened::TooLarge(len)) => {
            return Item::Rejected(reject(Reason::TooLarge, too_large(len, config.max_file_bytes), len));
        }
        Err(Opened::NotAFile) => {
            let detail = "no longer a regular file (FIFO, socket or device?) since it was listed; not opened";
            return Item::Rejected(reject(Reason::NotAFile, detail.to_owned(), 0));
        }
        Err(Opened::Changed(detail)) => {
            return Item::Rejected(reject(Reason::Unreadable, detail, 0));
        }
        Err(Opened::Io(err)) => {
            return Item::Rejected(reject(
                Reason::Unreadable,
                format!("cannot read: {err}; check permissions"),
                0,
            ));
        }
    };
    let repo_root = input.path.join(&*entry.repo);
    Item::Doc(Document {
        source,
        content,
        meta: DocMeta::default(),
        local: Some(LocalFile { repo_root, file: path }),
    })
}

enum Opened {
    TooLarge(u64),
    NotAFile,
    Changed(String),
    Io(std::io::Error),
}

type Content = Box<dyn AsRef<[u8]> + Send + Sync>;

/// Reads a file whole. The size is checked on the open handle, so a file is
/// never read past the limit. Files are read, not memory-mapped: a mapped
/// file truncated by another process kills the reader with SIGBUS, and a
/// corpus on a shared filesystem can change under a run.
///
/// The listing kept only regular files, but a file can be replaced after it
/// was listed; opening a FIFO would block the run for good, so the type is
/// checked before the open (and again on the handle). A file whose size or
/// modification time differs after the read from before it was changed
/// while read: its bytes may mix two versions, so it is not used.
fn open_content(path: &Path, config: &IngestConfig) -> Result<Content, Opened> {
    open_content_with(path, config, || {})
}

/// [`open_content`], calling `during` between the first look at the file
/// and the read (a test changes the file there).
fn open_content_with(path: &Path, config: &IngestConfig, during: impl FnOnce()) -> Result<Content, Opened> {
    if !std::fs::metadata(path).map_err(Opened::Io)?.is_file() {
        return Err(Opened::NotAFile);
    }
    let file = File::open(path).map_err(Opened::Io)?;
    let meta = file.metadata().map_err(Opened::Io)?;
    if !meta.is_file() {
        return Err(Opened::NotAFile);
    }
    let len = meta.len();
    if len > config.max_file_bytes {
        return Err(Opened::TooLarge(len));
    }
    during();
    let mut buf = Vec::with_capacity(len as usize);
    // Read one byte past the limit so a file that grew since `metadata` is
    // still caught as too large rather than cut.
    (&file)
        .take(config.max_file_bytes + 1)
        .read_to_end(&mut buf)
        .map_err(Opened::Io)?;
    if buf.len() as u64 > config.max_file_bytes {
        return Err(Opened::TooLarge(buf.len() as u64));
    }
    let after = file.metadata().map_err(Opened::Io)?;
    let (was, now) = (version(&meta), version(&after));
    if was != now || buf.len() as u64 != len {
        return Err(Opened::Changed(format!(
            "changed while it was read ({} bytes and modified {} before, {} bytes read, {} bytes and modified {} after): its bytes may mix two versions; run again once the input is stable",
            len,
            was.1,
            buf.len(),
            after.len(),
            now.1
        )));
    }
    Ok(Box::new(buf))
}

/// A file's size and modification time (seconds.nanoseconds since the
/// epoch, or `unknown`), to tell whether it changed.
fn version(meta: &std::fs::Metadata) -> (u64, String) {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(
            || "unknown".to_owned(),
            |d| format!("{}.{:09}", d.as_secs(), d.subsec_nanos()),
        );
    (meta.len(), modified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_split_by_depth() {
        assert_eq!(split_repo("a/b/c.rs", 1), ("a".to_owned(), "b/c.rs".to_owned()));
        assert_eq!(split_repo("a/b/c.rs", 2), ("a/b".to_owned(), "c.rs".to_owned()));
        assert_eq!(split_repo("c.rs", 1), (String::new(), "c.rs".to_owned()));
    }

    #[test]
    fn git_folder_marks_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("eco/pkg/.git")).unwrap();
        std::fs::create_dir_all(root.join("eco/pkg/src")).unwrap();
        std::fs::create_dir_all(root.join("plain/src")).unwrap();
        let mut finder = RepoFinder::new(root, 1);
        assert_eq!(finder.repo_of(&root.join("eco/pkg/src/a.rs")), "eco/pkg".into());
        assert_eq!(finder.repo_of(&root.join("plain/src/a.rs")), "plain".into());
    }

    #[test]
    fn links_inside_the_root_are_read_and_others_rejected() {
        use corpusledger_model::Reason;
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("root"), dir.path().join("outside.rs"));
        std::fs::create_dir_all(root.join("repo/src")).unwrap();
        std::fs::create_dir_all(root.join("repo/.git")).unwrap();
        std::fs::write(root.join("repo/.git/config"), "not a document").unwrap();
        std::fs::write(root.join("repo/src/a.rs"), "fn a() {}").unwrap();
        std::fs::write(&outside, "fn secret() {}").unwrap();
        std::os::unix::fs::symlink(root.join("repo/src/a.rs"), root.join("repo/src/inside.rs")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("repo/src/escape.rs")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("repo/loop")).unwrap();
        let fifo = root.join("repo/pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );

        let input = Input {
            label: "root".into(),
            path: root.clone(),
            kind: crate::InputKind::Tree,
            error: None,
        };
        let listing = list(&input, &IngestConfig::default());
        let listed: Vec<&str> = listing.entries.iter().map(|e| e.rel.as_str()).collect();
        assert_eq!(listed, ["repo/src/a.rs", "repo/src/inside.rs"]);
        let mut rejected: Vec<(&str, Reason)> = listing
            .rejections
            .iter()
            .map(|r| (r.source.key.as_str(), r.reason))
            .collect();
        rejected.sort();
        assert_eq!(
            rejected,
            [
                ("repo/loop", Reason::NotAFile),
                ("repo/pipe", Reason::NotAFile),
                ("repo/src/escape.rs", Reason::NotAFile)
            ]
        );
        let link_to_pipe = root.join("repo/to-pipe");
        std::os::unix::fs::symlink(&fifo, &link_to_pipe).unwrap();
        assert!(
            link_problem(&link_to_pipe, &std::fs::canonicalize(&root).unwrap())
                .unwrap()
                .contains("not a regular file")
        );
        let escape = listing
            .rejections
            .iter()
            .find(|r| r.source.key.ends_with("escape.rs"))
            .unwrap();
        assert!(escape.detail.contains("outside the input root"), "{}", escape.detail);
    }

    fn tree_input(root: &Path) -> Input {
        Input {
            label: "root".into(),
            path: root.to_owned(),
            kind: crate::InputKind::Tree,
            error: None,
        }
    }

    /// Found by the corrupt-input matrix: a file named with bytes that are
    /// not UTF-8 was listed under its U+FFFD name, then failed to open as
    /// "No such file; check permissions".
    #[test]
    fn non_utf8_file_name_is_rejected_at_listing() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("good.rs"), "fn good() {}").unwrap();
        let bad = dir.path().join(std::ffi::OsStr::from_bytes(b"bad\xff.rs"));
        std::fs::write(bad, "fn bad() {}").unwrap();
        let listing = list(&tree_input(dir.path()), &IngestConfig::default());
        let listed: Vec<&str> = listing.entries.iter().map(|e| e.rel.as_str()).collect();
        assert_eq!(listed, ["good.rs"]);
        let [rejected] = &listing.rejections[..] else {
            panic!("{:?}", listing.rejections);
        };
        assert_eq!(
            (rejected.source.key.as_str(), rejected.reason),
            ("bad\u{FFFD}.rs", Reason::NotUtf8)
        );
        assert!(rejected.detail.contains("rename it"), "{}", rejected.detail);
    }

    /// A file replaced by a FIFO after it was listed: opening it would block
    /// the run for good, so it is rejected unopened.
    #[test]
    fn file_that_became_a_fifo_after_listing_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("pipe.rs"))
            .status()
            .unwrap();
        assert!(made.success());
        let entry = TreeEntry {
            rel: "pipe.rs".to_owned(),
            repo: Arc::from(""),
        };
        let mut items = Vec::new();
        read_files(
            &tree_input(dir.path()),
            &[entry],
            &IngestConfig::default(),
            &mut |batch| items.extend(batch),
        );
        let [Item::Rejected(rejected)] = &items[..] else {
            panic!("{items:?}");
        };
        assert_eq!(rejected.reason, Reason::NotAFile);
    }

    /// A file appended to, truncated or rewritten (same size, new time)
    /// between the first look and the end of the read is not used: its bytes
    /// may mix two versions. One left alone is read.
    #[test]
    fn file_changed_while_read_is_rejected_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("moving.rs");
        let week_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7 * 86_400);
        let reset = || {
            std::fs::write(&path, "fn before() {}\n").unwrap();
            File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(week_ago)
                .unwrap();
        };
        let config = IngestConfig::default();
        type Change = Box<dyn Fn(&Path)>;
        let changes: [(&str, Change); 3] = [
            (
                "appended",
                Box::new(|p| {
                    use std::io::Write;
                    File::options()
                        .append(true)
                        .open(p)
                        .unwrap()
                        .write_all(b"fn after() {}\n")
                        .unwrap();
                }),
            ),
            ("truncated", Box::new(|p| std::fs::write(p, "fn b").unwrap())),
            (
                "rewritten",
                Box::new(|p| std::fs::write(p, "fn aftera() {}\n").unwrap()),
            ),
        ];
        for (name, change) in changes {
            reset();
            match open_content_with(&path, &config, || change(&path)) {
                Err(Opened::Changed(detail)) => {
                    assert!(detail.contains("changed while it was read"), "{name}: {detail}");
                }
                Ok(content) => panic!("{name}: read as {:?}", String::from_utf8_lossy((*content).as_ref())),
                Err(_) => panic!("{name}: another error"),
            }
        }
        reset();
        let content = open_content_with(&path, &config, || {})
            .ok()
            .expect("a file left alone is read");
        assert_eq!((*content).as_ref(), b"fn before() {}\n");
    }
}
