//! The shape of the house, checked: no module of any crate imports in a circle, and the server
//! builds without the imaging stack or the offline desk.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Each module of a crate (`src/<name>.rs`, `src/<dir>/…` as `<dir>`) and the modules of the
/// same crate it names: through `crate::` or, from a top-level module, `super::`; an item the
/// root re-exports (`pub use spec::Spec` in lib.rs) counts as its module.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let name = |p: &Path| p.strip_prefix(src).unwrap().with_extension("").components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    // The root's re-exports: item name → module.
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for root in ["lib.rs", "main.rs"] {
        let Ok(text) = std::fs::read_to_string(src.join(root)) else { continue };
        for line in text.lines().map(str::trim).filter(|l| l.starts_with("pub use ")) {
            let path = line.trim_start_matches("pub use ").trim_end_matches(';');
            let Some((module, items)) = path.split_once("::") else { continue };
            if module.starts_with("caiji") || module == "crate" {
                continue;
            }
            for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
                let item = item.trim().rsplit("::").next().unwrap_or("").to_string();
                if !item.is_empty() {
                    reexported.insert(item, module.to_string());
                }
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let m = name(&f);
        if m == "lib" || m == "main" {
            continue;
        }
        let top_level = f.parent() == Some(src);
        let text = std::fs::read_to_string(&f).unwrap();
        // A module's unit tests may reach anywhere; only its own code counts.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let deps = graph.entry(m.clone()).or_default();
        let mut prefixes = vec!["crate::"];
        if top_level {
            prefixes.push("super::");
        }
        for prefix in prefixes {
            for (i, _) in code.match_indices(prefix) {
                let is_comment = code[..i].rsplit('\n').next().is_some_and(|line| line.trim_start().starts_with("//"));
                if is_comment {
                    continue;
                }
                let rest = &code[i + prefix.len()..];
                let mut names = Vec::new();
                if let Some(group) = rest.strip_prefix('{') {
                    // `use crate::{a, b::c}`: the first segment of each part.
                    let group = &group[..group.find('}').unwrap_or(0)];
                    names.extend(group.split(',').map(|p| p.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>()));
                } else {
                    names.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
                }
                for used in names {
                    let module = reexported.get(&used).cloned().unwrap_or(used);
                    if !module.is_empty() && module != m && module.chars().next().is_some_and(|c| c.is_lowercase()) {
                        deps.insert(module);
                    }
                }
            }
        }
    }
    graph
}

fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(n: &str, g: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|x| x == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_imports_in_a_circle() {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates")).unwrap().flatten().map(|e| e.path().join("src")).collect();
    crates.push(root().join("src-tauri/src"));
    crates.push(root().join("tests/src"));
    for src in crates {
        let g = module_graph(&src);
        assert!(cycle(&g).is_none(), "{}: modules import in a circle: {:?}", src.display(), cycle(&g));
    }
    // The test can fail: circles written the ways code writes imports are found.
    for (a, b) in
        [("use crate::b::Thing;", "use crate::a::Other;"), ("use super::b;", "pub fn f() { crate::a::g() }"), ("use crate::{b, c};", "use crate::Other;")]
    {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), "pub mod a;\npub mod b;\npub mod c;\npub use a::Other;\n").unwrap();
        std::fs::write(dir.path().join("a.rs"), a).unwrap();
        std::fs::write(dir.path().join("b.rs"), b).unwrap();
        std::fs::write(dir.path().join("c.rs"), "").unwrap();
        assert!(cycle(&module_graph(dir.path())).is_some(), "missed: a.rs `{a}`, b.rs `{b}`");
    }
    // And the graph reads the imports it should: `check` judges, it does not call the pipeline.
    let image = module_graph(&root().join("crates/image/src"));
    assert!(image["pipeline"].contains("check") && !image["check"].contains("pipeline"), "{:?}", image["check"]);
}

#[test]
fn the_server_builds_without_the_imaging_stack() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["tree", "-p", "caiji-server", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    let names: BTreeSet<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(names.contains("caiji-forms") && names.contains("caiji-protocol"), "{names:?}");
    for heavy in ["caiji-image", "caiji-filing", "caiji-sync", "mozjpeg", "mozjpeg-sys", "tract-onnx", "image", "calamine", "ureq"] {
        assert!(!names.contains(heavy), "caiji-server depends on {heavy}");
    }
}
