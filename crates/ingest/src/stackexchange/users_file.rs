//! Which `Users.xml` names the authors of a dump's posts: the configured
//! one, else the one in the same `.7z` as the posts, else one lying beside a
//! plain `Posts.xml` in its folder (how a dump looks once extracted).

use std::path::{Path, PathBuf};

use super::archive;

/// Compressions a users file beside the posts may have, in the order tried.
const COMPRESSIONS: [&str; 3] = ["", ".gz", ".zst"];

/// Where the users file was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// `stackexchange-users`.
    Configured,
    /// The `Users.xml` entry of the `.7z` holding the posts.
    SameArchive,
    /// A file in the folder of a plain `Posts.xml`.
    Beside,
}

/// The users file of a dump, and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UsersFile {
    pub(crate) path: PathBuf,
    pub(crate) found: Found,
}

/// The users file for the posts at `posts`, if any.
pub(crate) fn find(posts: &Path, configured: Option<&Path>) -> Option<UsersFile> {
    let (path, found) = match configured {
        Some(path) => (path.to_owned(), Found::Configured),
        None if archive::archive_has(posts, "Users.xml") => (posts.to_owned(), Found::SameArchive),
        None => (beside(posts)?, Found::Beside),
    };
    Some(UsersFile { path, found })
}

/// A users file in the folder of a plain `Posts.xml` (`.gz`, `.zst`): the
/// same name with `Posts` as `Users` (`stackoverflow.com-Users.xml` beside
/// `stackoverflow.com-Posts.xml`), else `Users.xml`, each plain, `.gz` or
/// `.zst`, names compared without case. `None` for a `.7z`.
fn beside(posts: &Path) -> Option<PathBuf> {
    let name = posts.file_name()?.to_string_lossy().to_ascii_lowercase();
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    let prefix = stem.strip_suffix("posts.xml")?;
    let folder = match posts.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(folder)
        .ok()?
        .flatten()
        .filter(|entry| entry.path().is_file())
        .map(|entry| (entry.file_name().to_string_lossy().to_ascii_lowercase(), entry.path()))
        .collect();
    // Byte order, so that `Users.xml` and `users.xml` side by side always
    // give the same one.
    files.sort();
    let stems = [format!("{prefix}users.xml"), "users.xml".to_owned()];
    stems
        .iter()
        .flat_map(|stem| COMPRESSIONS.iter().map(move |ext| format!("{stem}{ext}")))
        .find_map(|wanted| files.iter().find(|(name, _)| *name == wanted))
        .map(|(_, path)| path.clone())
}

/// What the run summary says of the authors of the posts of input `label`.
pub(crate) fn note(label: &str, users: Option<&UsersFile>) -> String {
    let Some(users) = users else {
        return format!(
            "{label}: authors are `user N` (or the dump's OwnerDisplayName): no Users.xml beside it or in its \
             archive; give one with --stackexchange-users for display names"
        );
    };
    let file = users.path.display();
    match users.found {
        Found::Configured => format!("{label}: authors from {file} (stackexchange-users)"),
        Found::SameArchive => format!("{label}: authors from the Users.xml in the same archive"),
        Found::Beside => format!("{label}: authors from {file}, beside it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, names: &[&str]) {
        for name in names {
            std::fs::write(dir.join(name), "<users>\n</users>\n").unwrap();
        }
    }

    #[test]
    fn a_users_file_beside_plain_posts_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("Posts.xml");
        assert_eq!(find(&posts, None), None, "nothing beside it yet");
        touch(dir.path(), &["Posts.xml", "Users.xml.zst", "Comments.xml"]);
        let found = find(&posts, None).unwrap();
        assert_eq!(found.path, dir.path().join("Users.xml.zst"));
        assert_eq!(found.found, Found::Beside);
        touch(dir.path(), &["Users.xml"]);
        assert_eq!(
            find(&posts, None).unwrap().path,
            dir.path().join("Users.xml"),
            "plain first"
        );
    }

    #[test]
    fn the_name_of_the_posts_file_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        touch(
            dir.path(),
            &["Users.xml", "stackoverflow.com-Users.xml.gz", "USERS.XML.gz"],
        );
        let found = find(&dir.path().join("stackoverflow.com-Posts.xml.zst"), None).unwrap();
        assert_eq!(found.path, dir.path().join("stackoverflow.com-Users.xml.gz"));
        let found = find(&dir.path().join("sample.Posts.xml"), None).unwrap();
        assert_eq!(
            found.path,
            dir.path().join("Users.xml"),
            "no sample.Users.xml: Users.xml"
        );
        let found = find(&dir.path().join("bad-posts.xml.gz"), None).unwrap();
        assert_eq!(found.path, dir.path().join("Users.xml"));
    }

    #[test]
    fn the_configured_file_comes_first_and_an_archive_is_never_beside() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), &["Users.xml"]);
        let other = dir.path().join("elsewhere-Users.xml");
        let found = find(&dir.path().join("Posts.xml"), Some(&other)).unwrap();
        assert_eq!((found.path, found.found), (other, Found::Configured));
        assert_eq!(find(&dir.path().join("superuser.com.7z"), None), None);
        assert_eq!(find(&dir.path().join("Users.xml"), None), None, "not a posts file");
    }

    #[test]
    fn the_note_names_the_file_and_where_it_was_found() {
        let beside = UsersFile {
            path: PathBuf::from("dump/Users.xml"),
            found: Found::Beside,
        };
        assert_eq!(
            note("dump/sample.Posts.xml", Some(&beside)),
            "dump/sample.Posts.xml: authors from dump/Users.xml, beside it"
        );
        let archive = UsersFile {
            path: PathBuf::from("superuser.com.7z"),
            found: Found::SameArchive,
        };
        assert_eq!(
            note("superuser.com.7z", Some(&archive)),
            "superuser.com.7z: authors from the Users.xml in the same archive"
        );
        assert!(note("Posts.xml", None).contains("--stackexchange-users"));
    }
}
