//! Embeds every `locales/*.json` file, so that adding a language is a matter of adding its file.
use std::{env, fs, path::Path};

fn main() {
    // Read when the script runs (not when it was compiled), so a moved target directory works.
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut codes: Vec<String> = fs::read_dir(&dir)
        .expect("app/locales exists")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            println!("cargo:rerun-if-changed={}", path.display());
            (path.extension()? == "json").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    // French first (the default), then Belgium's other languages, then the rest.
    let rank = |code: &str| {
        ["fr", "nl", "de", "en"]
            .iter()
            .position(|c| *c == code)
            .unwrap_or(usize::MAX)
    };
    codes.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    let mut out = String::from("/// Every locale file, as (code, JSON text).\npub static LOCALE_FILES: &[(&str, &str)] = &[\n");
    for code in &codes {
        out.push_str(&format!(
            "    ({code:?}, include_str!({:?})),\n",
            dir.join(format!("{code}.json")).display().to_string()
        ));
    }
    out.push_str("];\n");
    out.push_str(
        "/// Every locale's code, in the same order.\npub static LOCALE_CODES: &[&str] = &[",
    );
    for code in &codes {
        out.push_str(&format!("{code:?}, "));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("locale_files.rs");
    fs::write(dest, out).expect("write locale_files.rs");
}
