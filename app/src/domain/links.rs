//! Where a redirect may send a browser: only to a path of this site.

/// A path on this site (`/x`), never another origin (`//evil`, `https://…`, `/\evil`).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= 8000
        && !path.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_paths_of_this_site_are_local() {
        assert!(is_local_path("/counter/boulangerie-jacob?saved=1"));
        for other in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "counter",
            "",
            "/a\nb",
        ] {
            assert!(!is_local_path(other), "{other:?}");
        }
        assert!(!is_local_path(&format!("/{}", "a".repeat(8000))));
    }
}
