//! The app's webview may call exactly what it uses, and no command takes a path on its word.
//!
//! - The commands given permissions (src-tauri/build.rs), those registered (src-tauri/src/lib.rs),
//!   those the window's capability allows (src-tauri/capabilities/default.json) and those the UI
//!   calls (ui/src) are one list: a command the UI stops calling, or one registered without a
//!   permission, fails here. The capability has no plugin command, no filesystem scope and no
//!   `core:default` (which grants far more than the window uses).
//! - Every command taking a path checks it against what the person chose (grants.rs) before
//!   touching it.
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The quoted names in `text` between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} not found"));
    let rest = &text[from + start.len()..];
    let body = &rest[..rest.find(end).unwrap_or(rest.len())];
    body.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

fn build_list() -> BTreeSet<String> {
    quoted_between(&read("src-tauri/build.rs"), "const COMMANDS: &[&str] = &[", "];")
}

fn registered() -> BTreeSet<String> {
    let lib = read("src-tauri/src/lib.rs");
    let from = lib.find("generate_handler![").expect("generate_handler");
    let body = &lib[from..from + lib[from..].find("])").expect("end of the handler list")];
    body.split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|w| w.rsplit("::").next().filter(|_| w.starts_with("commands::")))
        .map(str::to_string)
        .collect()
}

fn ui_calls() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(root().join("ui/src")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "ts") {
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, _) in text.match_indices("invoke") {
                // invoke("name", …) or invoke<T>("name", …)
                let rest = &text[i + "invoke".len()..];
                let rest = if rest.starts_with('<') { &rest[rest.find(">(").map_or(0, |j| j + 1)..] } else { rest };
                if let Some(name) = rest.strip_prefix("(\"").and_then(|r| r.split('"').next()) {
                    out.insert(name.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn the_window_may_call_exactly_the_commands_the_ui_uses() {
    let built = build_list();
    assert!(built.len() > 40, "{built:?}");
    assert_eq!(built, registered(), "build.rs and lib.rs list the same commands");
    assert_eq!(built, ui_calls(), "each command is called by the UI, and the UI calls no other");
    let cap: serde_json::Value = serde_json::from_str(&read("src-tauri/capabilities/default.json")).unwrap();
    let perms: BTreeSet<String> =
        cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().expect("plain permission names, no scopes").to_string()).collect();
    let app: BTreeSet<String> = built.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    let core: BTreeSet<String> = perms.difference(&app).cloned().collect();
    assert!(app.is_subset(&perms), "missing: {:?}", app.difference(&perms).collect::<Vec<_>>());
    assert_eq!(
        core.iter().map(String::as_str).collect::<Vec<_>>(),
        ["core:event:allow-listen", "core:event:allow-unlisten", "core:window:allow-set-title"],
        "only the core calls the UI makes: events, and the window's title"
    );
}

#[test]
fn every_command_taking_a_path_checks_it_was_chosen() {
    let dir = root().join("src-tauri/src/commands");
    let mut checked = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        for part in text.split("#[tauri::command]").skip(1) {
            let sig = &part[..part.find('{').unwrap()];
            let name = sig.split("fn ").nth(1).and_then(|s| s.split('(').next()).unwrap().to_string();
            let takes_path = ["path: String", "save: Option<String>", "req: BatchRequest"].iter().any(|a| sig.contains(a));
            if takes_path {
                // The body up to the next command.
                let body = &part[sig.len()..];
                let guarded = ["readable(", "writable(", "batch_folders("].iter().any(|g| body.contains(g));
                assert!(guarded, "{name} in {} takes a path without checking it was chosen", p.display());
                checked.push(name);
            }
        }
    }
    checked.sort();
    assert_eq!(
        checked,
        [
            "batch_start",
            "check_file",
            "filing_export",
            "filing_import",
            "photo_open",
            "photo_save",
            "scan_merge",
            "scan_open",
            "specs_export",
            "specs_import",
            "unit_roster_import",
            "unit_roster_template"
        ],
        "the commands that take a path"
    );
}
