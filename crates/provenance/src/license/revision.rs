//! The revision a repository was read at: its git commit.

use std::path::{Path, PathBuf};

/// The commit of a repository folder: `.git/HEAD` (following a branch ref,
/// `packed-refs`, or a `.git` file that points elsewhere), else the
/// `git.sha1` of a published crate's `.cargo_vcs_info.json`.
pub(crate) fn revision_of(repo_root: &Path) -> Option<String> {
    git_dir(repo_root)
        .and_then(|git| head_commit(&git))
        .or_else(|| cargo_vcs_commit(repo_root))
}

fn git_dir(repo_root: &Path) -> Option<PathBuf> {
    let dot_git = repo_root.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    // Worktrees and submodules: a `.git` file saying `gitdir: <path>`.
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.trim().strip_prefix("gitdir:")?.trim();
    Some(repo_root.join(target))
}

fn head_commit(git: &Path) -> Option<String> {
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return is_commit(head).then(|| head.to_owned());
    };
    if let Ok(loose) = std::fs::read_to_string(git.join(reference)) {
        let loose = loose.trim();
        return is_commit(loose).then(|| loose.to_owned());
    }
    let packed = std::fs::read_to_string(git.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (commit, name) = line.split_once(' ')?;
        (name.trim() == reference && is_commit(commit)).then(|| commit.to_owned())
    })
}

fn cargo_vcs_commit(repo_root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(repo_root.join(".cargo_vcs_info.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let sha1 = value.get("git")?.get("sha1")?.as_str()?;
    is_commit(sha1).then(|| sha1.to_owned())
}

/// A full SHA-1 or SHA-256 object name.
fn is_commit(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn branch_ref_packed_ref_detached_and_cargo_vcs_info() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        std::fs::create_dir_all(repo.join(".git/refs/heads")).unwrap();
        std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        assert_eq!(revision_of(repo), None);
        std::fs::write(
            repo.join(".git/packed-refs"),
            format!("# pack-refs\n{SHA} refs/heads/main\n"),
        )
        .unwrap();
        assert_eq!(revision_of(repo).as_deref(), Some(SHA));
        let other = SHA.replace('0', "f");
        std::fs::write(repo.join(".git/refs/heads/main"), format!("{other}\n")).unwrap();
        assert_eq!(revision_of(repo), Some(other));
        std::fs::write(repo.join(".git/HEAD"), format!("{SHA}\n")).unwrap();
        assert_eq!(revision_of(repo).as_deref(), Some(SHA));

        let krate = tempfile::tempdir().unwrap();
        let vcs = format!("{{\"git\": {{\"sha1\": \"{SHA}\"}}, \"path_in_vcs\": \"\"}}");
        std::fs::write(krate.path().join(".cargo_vcs_info.json"), vcs).unwrap();
        assert_eq!(revision_of(krate.path()).as_deref(), Some(SHA));
    }
}
