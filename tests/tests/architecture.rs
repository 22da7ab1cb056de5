//! The shape of the house, checked: no module of any crate imports in a circle, and the server
//! builds without the imaging stack or the offline desk.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Each module of a crate (`src/<name>.rs`, `src/<dir>/mod.rs` as `<dir>`) and the modules of
/// the same crate it names through `crate::`.
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
    let name = |p: &Path| {
        let rel = p.strip_prefix(src).unwrap().with_extension("");
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        first
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let m = name(&f);
        if m == "lib" || m == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        // Tests may reach anywhere; only the module's own code counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let deps = graph.entry(m.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + 7..];
            let used: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let is_doc = code[..i].rsplit('\n').next().is_some_and(|line| line.trim_start().starts_with("//"));
            if !used.is_empty() && used != m && !is_doc && used.chars().next().is_some_and(|c| c.is_lowercase()) {
                deps.insert(used);
            }
        }
        // `use crate::{a, b::c}` groups.
        for (i, _) in code.match_indices("use crate::{") {
            let group = &code[i + 12..];
            let group = &group[..group.find("};").unwrap_or(0)];
            for part in group.split(',') {
                let used: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !used.is_empty() && used != m {
                    deps.insert(used);
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
    // The test can fail: a circle is found where there is one.
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle(&g), Some(vec!["a".into(), "b".into(), "a".into()]));
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
