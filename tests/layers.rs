//! The crate's layering rule, checked on its sources (`src/lib.rs` states it):
//!
//! ```text
//! core ← workloads ← config ← models ← report ← present ← web ← ui
//! ```
//!
//! A file may name items of its own layer and the layers to its left, never to its right, and
//! the files' imports form no cycle. The test reads every `crate::…`, `super::…` and child-module
//! path in the code (comments and string literals skipped), resolves each to the file that
//! defines the module it names, and fails with the offending files and lines. A module's own
//! test files (`test.rs` beside it, an inline `mod tests`) count as part of the module for the
//! layer rule: a test that needs a higher layer belongs up there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: the first segment of a module's path.
const LAYERS: [&str; 8] = [
    "core",
    "workloads",
    "config",
    "models",
    "report",
    "present",
    "web",
    "ui",
];

/// One source file of the library: its module path (`["models", "pool", "gil"]`) and its code
/// with comments and literals blanked out.
struct Source {
    file: PathBuf,
    module: Vec<String>,
    code: String,
    /// Child modules it declares (`mod name;` or `mod name {`).
    children: BTreeSet<String>,
}

/// An import of one module by another, where it is written.
#[derive(Debug, Clone)]
struct Import {
    file: PathBuf,
    from: Vec<String>,
    to: Vec<String>,
    line: usize,
}

#[test]
fn no_file_imports_from_a_higher_layer_and_the_imports_have_no_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = read_sources(&root);
    assert!(
        sources.len() > 40,
        "found only {} source files under {}",
        sources.len(),
        root.display()
    );
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut imports = Vec::new();
    for source in &sources {
        imports.extend(imports_of(source, &modules));
    }

    let mut upward = Vec::new();
    for import in &imports {
        let (Some(from), Some(to)) = (layer(&import.from), layer(&import.to)) else {
            continue;
        };
        if to > from {
            upward.push(format!(
                "{}:{}: {} (layer {}) imports {} (layer {})",
                import.file.display(),
                import.line,
                import.from.join("::"),
                LAYERS[from],
                import.to.join("::"),
                LAYERS[to],
            ));
        }
    }

    // The file graph, without each module's own test files (a test depends on what it tests).
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for import in &imports {
        if is_test(&import.from) || import.from == import.to {
            continue;
        }
        graph
            .entry(import.from.clone())
            .or_default()
            .insert(import.to.clone());
    }
    let cycles = cycles(&graph);

    let files_per_layer: Vec<String> = LAYERS
        .iter()
        .enumerate()
        .map(|(rank, name)| {
            let n = sources
                .iter()
                .filter(|s| layer(&s.module) == Some(rank))
                .count();
            format!("{name} {n}")
        })
        .collect();
    println!(
        "layers: {} files ({}), {} imports, {} upward, {} cycles",
        sources.len(),
        files_per_layer.join(", "),
        imports.len(),
        upward.len(),
        cycles.len()
    );
    assert!(
        upward.is_empty() && cycles.is_empty(),
        "the layering rule core ← workloads ← config ← models ← report ← present ← web ← ui \
         is broken:\n{}\n{}",
        upward.join("\n"),
        cycles
            .iter()
            .map(|c| format!(
                "files importing each other in a cycle: {}",
                c.iter()
                    .map(|m| m.join("::"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_scanner_finds_paths_in_use_trees_and_skips_comments_and_strings() {
    let code = blank(
        "use crate::a::{b::{self, C}, d as e};\n\
         // crate::hidden::x\n\
         let s = \"crate::in_string\"; let c = '{'; let l: &'static str = r#\"crate::raw\"#;\n\
         fn f() { super::sibling::g(); child::h(); }\n",
    );
    assert!(!code.contains("hidden") && !code.contains("in_string") && !code.contains("raw"));
    let code = code + "mod tests { use super::*; use super::child::X; }\n";
    let modules: BTreeSet<Vec<String>> = [
        vec!["a"],
        vec!["a", "b"],
        vec!["a", "d"],
        vec!["m"],
        vec!["m", "sibling"],
        vec!["m", "me"],
        vec!["m", "me", "child"],
    ]
    .into_iter()
    .map(|m| m.into_iter().map(String::from).collect())
    .collect();
    let source = Source {
        file: PathBuf::from("m/me.rs"),
        module: vec!["m".into(), "me".into()],
        code,
        children: ["child".to_string()].into(),
    };
    let found: BTreeSet<String> = imports_of(&source, &modules)
        .into_iter()
        .map(|i| i.to.join("::"))
        .collect();
    // The inline tests' `super::*` is the file itself (no import); `super::child` its child.
    let expected: BTreeSet<String> = ["a::b", "a::d", "m::sibling", "m::me::child"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(found, expected);
}

fn read_sources(root: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src/") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                // The binaries are thin and sit above every layer.
                if path.file_name().is_some_and(|n| n != "bin") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(root).expect("under src/");
            let mut module: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            if module == ["lib"] {
                module.clear();
            }
            let code = blank(&std::fs::read_to_string(&file).expect("read a source file"));
            let children = declared_modules(&code);
            Source {
                file,
                module,
                code,
                children,
            }
        })
        .collect()
}

/// The layer of a module, or `None` for the crate root.
fn layer(module: &[String]) -> Option<usize> {
    let first = module.first()?;
    Some(
        LAYERS.iter().position(|l| l == first).unwrap_or_else(|| {
            panic!("module `{first}` is in no layer: add it to LAYERS and lib.rs")
        }),
    )
}

fn is_test(module: &[String]) -> bool {
    module.last().is_some_and(|m| m == "test" || m == "tests")
}

/// The code with every comment, string and char literal replaced by spaces (newlines kept, so
/// line numbers hold).
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let closing: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = j + 1;
            let rest: String = chars[body_start..].iter().collect();
            let len = rest
                .find(&closing)
                .map_or(rest.len(), |n| rest[..n].chars().count());
            let end = (body_start + len + closing.chars().count()).min(chars.len());
            for &ch in &chars[i..end] {
                out.push(keep(ch));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(keep(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\u{..}'), not a lifetime.
            out.push(' ');
            i += 1;
            if chars.get(i) == Some(&'\\') {
                out.push(' ');
                i += 1;
            }
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `mod name;` and `mod name {` declarations.
fn declared_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(name) = words
            .iter()
            .position(|w| *w == "mod")
            .and_then(|at| words.get(at + 1))
        {
            let name: String = name.chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Every module `source` names, as the longest prefix of each path that is a module file.
fn imports_of(source: &Source, modules: &BTreeSet<Vec<String>>) -> Vec<Import> {
    let chars: Vec<char> = source.code.chars().collect();
    let inline = inline_modules(&chars);
    let mut imports = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\n' {
            line += 1;
        }
        let starts_word = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        if !starts_word || !is_ident(chars[i]) {
            i += 1;
            continue;
        }
        let word: String = chars[i..].iter().take_while(|c| is_ident(**c)).collect();
        let after = i + word.chars().count();
        let followed_by_path = chars.get(after) == Some(&':') && chars.get(after + 1) == Some(&':');
        let base: Option<Vec<String>> = match word.as_str() {
            _ if !followed_by_path => None,
            "crate" => Some(Vec::new()),
            // In an inline `mod tests { … }`, `super` is the file's own module.
            "super" if inline.iter().any(|r| r.contains(&i)) => Some(source.module.clone()),
            "super" => {
                let mut base = source.module.clone();
                base.pop();
                Some(base)
            }
            "self" => Some(source.module.clone()),
            child if source.children.contains(child) => {
                let mut base = source.module.clone();
                base.push(child.to_string());
                Some(base)
            }
            _ => None,
        };
        let Some(base) = base else {
            i = after;
            continue;
        };
        let start = if matches!(word.as_str(), "crate" | "super" | "self") {
            after + 2
        } else {
            i
        };
        let (paths, end) = use_tree(&chars, start);
        for path in paths {
            let mut full = base.clone();
            for segment in path {
                if segment == "super" {
                    full.pop();
                } else if segment != "self" {
                    full.push(segment);
                }
            }
            // The longest prefix that is a module file: the rest names an item in it.
            let target = (1..=full.len())
                .rev()
                .map(|n| full[..n].to_vec())
                .find(|prefix| modules.contains(prefix));
            if let Some(target) = target.filter(|t| *t != source.module) {
                imports.push(Import {
                    file: source.file.clone(),
                    from: source.module.clone(),
                    to: target,
                    line,
                });
            }
        }
        line += chars[i..end].iter().filter(|c| **c == '\n').count();
        i = end;
    }
    imports
}

/// The spans of the inline modules (`mod name { … }`) in blanked code.
fn inline_modules(chars: &[char]) -> Vec<std::ops::Range<usize>> {
    let text: String = chars.iter().collect();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("mod ") {
        let at = from + found;
        from = at + 4;
        if at > 0 && text[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &text[at + 4..];
        let name_len = rest.chars().take_while(|c| is_ident(*c)).count();
        let after: String = rest
            .chars()
            .skip(name_len)
            .take_while(|c| !is_ident(*c) && *c != ';')
            .collect();
        if name_len == 0 || !after.contains('{') {
            continue;
        }
        // Char indices: the text is ASCII wherever code is (literals were blanked), but map
        // through char positions to be safe.
        let open = text[..at].chars().count()
            + 4
            + name_len
            + after.chars().position(|c| c == '{').unwrap_or(0);
        let mut depth = 0;
        let mut end = chars.len();
        for (k, c) in chars.iter().enumerate().skip(open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k;
                        break;
                    }
                }
                _ => {}
            }
        }
        spans.push(open..end);
    }
    spans
}

/// Parses a path or use tree starting at `at` (`a::b`, `a::{b, c::{self, D}}`, `a::*`): every
/// path it names, and where it ends.
fn use_tree(chars: &[char], at: usize) -> (Vec<Vec<String>>, usize) {
    let skip_ws = |mut i: usize| {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let mut prefix = Vec::new();
    let mut i = skip_ws(at);
    loop {
        if chars.get(i) == Some(&'{') {
            let mut paths = Vec::new();
            i += 1;
            loop {
                i = skip_ws(i);
                match chars.get(i) {
                    Some('}') => return (paths, i + 1),
                    Some(',') => i += 1,
                    None => return (paths, i),
                    _ if chars[i..].starts_with(&['a', 's', ' ']) => {
                        // `as name`: a rename, not a path.
                        i = skip_ws(i + 2);
                        while chars.get(i).copied().is_some_and(is_ident) {
                            i += 1;
                        }
                    }
                    _ => {
                        let (inner, end) = use_tree(chars, i);
                        for path in inner {
                            paths.push(prefix.iter().cloned().chain(path).collect());
                        }
                        if end == i {
                            i += 1;
                        } else {
                            i = end;
                        }
                    }
                }
            }
        }
        let word: String = chars[i.min(chars.len())..]
            .iter()
            .take_while(|c| is_ident(**c))
            .collect();
        if word.is_empty() {
            // `*`, or the end of the path: what was read so far is the path.
            let end = if chars.get(i) == Some(&'*') { i + 1 } else { i };
            return (vec![prefix], end);
        }
        i += word.chars().count();
        prefix.push(word);
        let j = skip_ws(i);
        if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
            i = skip_ws(j + 2);
        } else {
            // `as name`, `;`, `(`…: the path ends here.
            return (vec![prefix], i);
        }
    }
}

/// The cycles of a directed graph: its strongly connected components of more than one node,
/// each listed in order.
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    // Tarjan's algorithm, recursive: the graph has a few dozen nodes.
    struct State<'g> {
        graph: &'g BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        on_stack: BTreeSet<&'g Vec<String>>,
        found: Vec<Vec<Vec<String>>>,
    }
    fn visit<'g>(s: &mut State<'g>, node: &'g Vec<String>) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        if let Some(next) = s.graph.get(node) {
            for to in next {
                if !s.index.contains_key(to) {
                    visit(s, to);
                    let low = s.low[to].min(s.low[node]);
                    s.low.insert(node, low);
                } else if s.on_stack.contains(to) {
                    let low = s.index[to].min(s.low[node]);
                    s.low.insert(node, low);
                }
            }
        }
        if s.low[node] == s.index[node] {
            let mut component = Vec::new();
            while let Some(top) = s.stack.pop() {
                s.on_stack.remove(top);
                component.push(top.clone());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.reverse();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    let nodes: Vec<&Vec<String>> = graph.keys().collect();
    for node in nodes {
        if !s.index.contains_key(node) {
            visit(&mut s, node);
        }
    }
    s.found
}
