//! The site a dump belongs to, for the addresses in credits: the configured
//! one, else a host named by the file (`stackoverflow.com-Posts.7z`,
//! `math.stackexchange.com.7z`) or by its folder
//! (`dumps/superuser.com/Posts.xml`), else Stack Overflow.

use std::path::Path;

use crate::StackExchangeConfig;

/// The site when nothing names one.
const DEFAULT_SITE: &str = "https://stackoverflow.com";

/// The site's address, like `https://stackoverflow.com`, without a trailing `/`.
pub(crate) fn site_of(path: &Path, configured: Option<&str>) -> String {
    if let Some(site) = configured {
        // The CLI checks the setting with `parse_site`; a value that slipped
        // through is used as given rather than replaced by a guess.
        return StackExchangeConfig::parse_site(site).unwrap_or_else(|_| site.trim().trim_end_matches('/').to_owned());
    }
    let from_name = path.file_name().map(|name| host_in_file_name(&name.to_string_lossy()));
    let from_folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().to_ascii_lowercase());
    [from_name, from_folder]
        .into_iter()
        .flatten()
        .find(|host| is_host(host))
        .map_or_else(|| DEFAULT_SITE.to_owned(), |host| format!("https://{host}"))
}

/// The host part of a site address: `https://superuser.com` -> `superuser.com`.
pub(crate) fn host_of(site: &str) -> &str {
    site.split_once("://").map_or(site, |(_, host)| host)
}

/// What is left of a file name without its compression, `.xml` and
/// `Posts` parts: `stackoverflow.com-Posts.7z` -> `stackoverflow.com`.
fn host_in_file_name(name: &str) -> String {
    let mut name = name.to_ascii_lowercase();
    for suffix in [".gz", ".zst", ".7z", ".xml", "posts", "-", "."] {
        if let Some(stripped) = name.strip_suffix(suffix) {
            name = stripped.to_owned();
        }
    }
    name
}

/// Looks like a host name: dot-separated labels of letters, digits and `-`,
/// ending with a label of letters.
fn is_host(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_come_from_config_file_name_or_folder() {
        let site = |path: &str| site_of(Path::new(path), None);
        assert_eq!(site("dl/stackoverflow.com-Posts.7z"), "https://stackoverflow.com");
        assert_eq!(site("math.stackexchange.com.7z"), "https://math.stackexchange.com");
        assert_eq!(site("dumps/superuser.com/Posts.xml"), "https://superuser.com");
        assert_eq!(site("dumps/superuser.com/Posts.xml.zst"), "https://superuser.com");
        assert_eq!(
            site("unix.stackexchange.com-Posts.xml.gz"),
            "https://unix.stackexchange.com"
        );
        assert_eq!(site("dumps/Posts.xml"), "https://stackoverflow.com");
        assert_eq!(site("Posts.xml"), "https://stackoverflow.com");
        assert_eq!(
            site_of(Path::new("x/Posts.xml"), Some("https://askubuntu.com/")),
            "https://askubuntu.com"
        );
        assert_eq!(host_of("https://askubuntu.com"), "askubuntu.com");
    }
}
