//! The shape of `src/`, checked: no file-level import cycles, no file over 400 lines, no
//! function over 80 lines outside tests unless a `// long: <reason>` line sits above it.
//! Run alone with `cargo test --features ssr --test structure -- --nocapture`.
//!
//! A file depends on another when it names an item defined there (`use crate::…`,
//! `super::…`, or a path written inline); a name re-exported by a `mod.rs` counts as the
//! file that defines it. `#[cfg(test)]` modules are left out: tests may reach anywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 400;
const MAX_FN_LINES: usize = 80;

/// One source file: its module path (`["server", "db", "leads"]`) and its code without
/// comments, string literals or test modules.
struct File {
    rel: String,
    module: Vec<String>,
    is_mod_root: bool,
    code: String,
    lines: usize,
}

fn src_files() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| !p.ends_with("main.rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read a source file");
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let stem = rel.trim_end_matches(".rs");
            let mut module: Vec<String> = stem.split('/').map(str::to_string).collect();
            let is_mod_root = matches!(module.last().map(String::as_str), Some("mod" | "lib"));
            if is_mod_root {
                module.pop();
            }
            File {
                rel,
                module,
                is_mod_root,
                lines: text.lines().count(),
                code: without_tests(&strip_comments_and_strings(&text)),
            }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Blanks comments and the insides of string and char literals, keeping line breaks.
fn strip_comments_and_strings(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == b'r' && matches!(b.get(i + 1), Some(b'#' | b'"')) && !ident_before(b, i) {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                if b[j] == b'\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j + close.len();
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if b.get(i) == Some(&b'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == b'\'' && is_char_literal(b, i) {
            let end = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|&x| x == b'\'')
                    .map_or(b.len(), |p| i + 2 + p)
            } else {
                i + 1 + text[i + 1..].chars().next().map_or(1, char::len_utf8)
            };
            out.push_str("' '");
            i = end + 1;
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn ident_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// `'a'` or `'\n'`, as opposed to a lifetime `'a`.
fn is_char_literal(b: &[u8], i: usize) -> bool {
    if b.get(i + 1) == Some(&b'\\') {
        return true;
    }
    let rest = &b[i + 1..];
    let len = match rest.first() {
        Some(&x) if x < 0x80 => 1,
        Some(&x) if x >= 0xf0 => 4,
        Some(&x) if x >= 0xe0 => 3,
        Some(_) => 2,
        None => return false,
    };
    rest.get(len) == Some(&b'\'')
}

/// Drops every `#[cfg(test)]` item (a `mod tests { … }` or a `mod x;` line).
fn without_tests(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" && i + 1 < lines.len() {
            let item = lines[i + 1];
            out.push("");
            i += 1;
            if item.trim_end().ends_with('{') {
                let indent = &item[..item.len() - item.trim_start().len()];
                let close = format!("{indent}}}");
                while i < lines.len() && lines[i].trim_end() != close {
                    out.push("");
                    i += 1;
                }
            }
            out.push("");
            i += 1;
            continue;
        }
        out.push(lines[i]);
        i += 1;
    }
    out.join("\n")
}

/// Every path the code names that starts at `crate`, `super` or `self`, as segments
/// relative to the crate root, with the line it is on. `use` groups are expanded.
fn paths_named(file: &File) -> Vec<(Vec<String>, usize)> {
    let mut found = Vec::new();
    let code = &file.code;
    let tokens = tokenize(code);
    let mut i = 0;
    while i < tokens.len() {
        let (tok, line) = &tokens[i];
        let starts_path = matches!(tok.as_str(), "crate" | "super" | "self" | "consentdesk")
            && tokens.get(i + 1).is_some_and(|t| t.0 == "::")
            && (i == 0 || tokens[i - 1].0 != "::");
        if !starts_path {
            i += 1;
            continue;
        }
        let mut base = file_base(file, tok);
        let mut j = i + 1;
        // `super::super::…`
        while tokens.get(j).is_some_and(|t| t.0 == "::")
            && tokens.get(j + 1).is_some_and(|t| t.0 == "super")
        {
            base.pop();
            j += 2;
        }
        j = collect_tree(&tokens, j, base, *line, &mut found);
        i = j.max(i + 1);
    }
    found
}

/// The module a path starting with `tok` is relative to.
fn file_base(file: &File, tok: &str) -> Vec<String> {
    match tok {
        "crate" | "consentdesk" => Vec::new(),
        "self" => self_module(file),
        _ => {
            let mut m = self_module(file);
            m.pop();
            m
        }
    }
}

/// The module that `self` means inside a file (for `a/b.rs` it is `a::b`).
fn self_module(file: &File) -> Vec<String> {
    file.module.clone()
}

/// Reads `::seg::seg…` or `::{…}` from `tokens[j]` (which is `::`), pushing full paths.
fn collect_tree(
    tokens: &[(String, usize)],
    mut j: usize,
    mut prefix: Vec<String>,
    line: usize,
    found: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    while tokens.get(j).is_some_and(|t| t.0 == "::") {
        match tokens.get(j + 1).map(|t| t.0.as_str()) {
            Some("{") => {
                j += 2;
                loop {
                    match tokens.get(j).map(|t| t.0.as_str()) {
                        Some("}") | None => return j + 1,
                        Some(",") => j += 1,
                        Some("self") => {
                            found.push((prefix.clone(), line));
                            j += 1;
                        }
                        Some(t) if is_ident(t) => {
                            let mut p = prefix.clone();
                            p.push(t.to_string());
                            j = collect_tree(tokens, j + 1, p, line, found);
                            // `as Name` after an item
                            if tokens.get(j).is_some_and(|t| t.0 == "as") {
                                j += 2;
                            }
                        }
                        Some(_) => j += 1,
                    }
                }
            }
            Some("*") => {
                found.push((prefix.clone(), line));
                return j + 2;
            }
            Some(t) if is_ident(t) => {
                prefix.push(t.to_string());
                j += 2;
            }
            _ => break,
        }
    }
    found.push((prefix, line));
    j
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

fn tokenize(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let b: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c.is_alphanumeric() || c == '_' {
                let s = i;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                    i += 1;
                }
                out.push((b[s..i].iter().collect(), n + 1));
            } else if c == ':' && b.get(i + 1) == Some(&':') {
                out.push(("::".into(), n + 1));
                i += 2;
            } else if c.is_whitespace() {
                i += 1;
            } else {
                out.push((c.to_string(), n + 1));
                i += 1;
            }
        }
    }
    out
}

/// What each module root re-exports: `name -> path` for `pub use a::b::Name` (relative to
/// the file), and the targets of its glob re-exports.
struct Exports {
    named: BTreeMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

fn exports_of(file: &File) -> Exports {
    let mut named = BTreeMap::new();
    let mut globs = Vec::new();
    let tokens = tokenize(&file.code);
    let mut i = 0;
    while i + 2 < tokens.len() {
        let is_pub_use = tokens[i].0 == "pub" && tokens[i + 1].0 == "use";
        if !is_pub_use {
            i += 1;
            continue;
        }
        // `pub use x::…` is relative to this module unless it starts with crate/super/self.
        let first = &tokens[i + 2].0;
        let (base, start) = match first.as_str() {
            "crate" | "super" | "self" => (file_base(file, first), i + 3),
            _ => (self_module(file), i + 2),
        };
        let mut found = Vec::new();
        // Re-use the tree reader by pretending the path starts with `::`.
        let mut toks = vec![("::".to_string(), 0)];
        toks.extend(tokens[start..].iter().take_while(|t| t.0 != ";").cloned());
        collect_tree(&toks, 0, base, 0, &mut found);
        let star = toks.iter().any(|t| t.0 == "*");
        for (path, _) in found {
            if star && toks.last().is_some_and(|t| t.0 == "*") {
                globs.push(path);
            } else if let Some(last) = path.last() {
                named.insert(last.clone(), path);
            }
        }
        i += 3;
    }
    Exports { named, globs }
}

/// The file that defines what `path` names.
fn resolve(
    path: &[String],
    files: &BTreeMap<Vec<String>, usize>,
    all: &[File],
    depth: u8,
) -> Option<usize> {
    let mut best = None;
    for n in (0..=path.len()).rev() {
        if let Some(&f) = files.get(&path[..n].to_vec()) {
            best = Some((f, n));
            break;
        }
    }
    let (f, n) = best?;
    if n == path.len() || depth > 8 {
        return Some(f);
    }
    // The next segment may be an item re-exported by that module from somewhere else.
    let exports = exports_of(&all[f]);
    let next = &path[n];
    if let Some(target) = exports.named.get(next) {
        let mut full = target.clone();
        full.extend(path[n + 1..].iter().cloned());
        if full != path {
            return resolve(&full, files, all, depth + 1).or(Some(f));
        }
    }
    for glob in &exports.globs {
        let mut full = glob.clone();
        full.extend(path[n..].iter().cloned());
        if let Some(g) = resolve(&full, files, all, depth + 1) {
            if g != f {
                return Some(g);
            }
        }
    }
    Some(f)
}

/// `from -> to -> first line in `from` naming `to``.
fn dependency_graph(files: &[File]) -> BTreeMap<usize, BTreeMap<usize, usize>> {
    let by_module: BTreeMap<Vec<String>, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.clone(), i))
        .collect();
    let mut graph: BTreeMap<usize, BTreeMap<usize, usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        for (path, line) in paths_named(file) {
            let Some(to) = resolve(&path, &by_module, files, 0) else {
                continue;
            };
            // A module root names its children to declare them; that is not a dependency
            // unless it re-exports one, which `resolve` already followed.
            let is_parent_decl = file.is_mod_root
                && files[to].module.starts_with(&file.module)
                && path.len() == file.module.len() + 1
                && files[to].module == path;
            if to != i && !is_parent_decl {
                graph.entry(i).or_default().entry(to).or_insert(line);
            }
        }
    }
    graph
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(n: usize, graph: &BTreeMap<usize, BTreeMap<usize, usize>>) -> Vec<Vec<usize>> {
    struct T<'a> {
        graph: &'a BTreeMap<usize, BTreeMap<usize, usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on_stack[v] = true;
        let succ: Vec<usize> = t
            .graph
            .get(&v)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default();
        for w in succ {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on_stack[w] => t.low[v] = t.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on_stack[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        graph,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let files = src_files();
    let graph = dependency_graph(&files);
    let mut report = String::new();
    for comp in cycles(files.len(), &graph) {
        report.push_str("cycle:\n");
        for &a in &comp {
            for (&b, &line) in &graph[&a] {
                if comp.contains(&b) {
                    report.push_str(&format!("  {}:{line} -> {}\n", files[a].rel, files[b].rel));
                }
            }
        }
    }
    assert!(
        report.is_empty(),
        "file-level import cycles under src/:\n{report}"
    );
}

#[test]
fn no_file_is_over_400_lines() {
    let long: Vec<String> = src_files()
        .iter()
        .filter(|f| f.lines > MAX_FILE_LINES)
        .map(|f| format!("  src/{}: {} lines", f.rel, f.lines))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_function_is_over_80_lines_without_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for file in src_files() {
        // The original text, to see `// long:` comments; the stripped code for structure.
        let original = std::fs::read_to_string(root.join(&file.rel)).unwrap();
        let original: Vec<&str> = original.lines().collect();
        let lines: Vec<&str> = file.code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(name) = fn_name(line) else { continue };
            let has_body = lines[i..]
                .iter()
                .map(|l| l.trim_end())
                .find(|l| l.ends_with('{') || l.ends_with(';'))
                .is_some_and(|l| l.ends_with('{'));
            if !has_body {
                continue;
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            let close = format!("{indent}}}");
            let Some(len) = lines[i..].iter().position(|l| l.trim_end() == close) else {
                continue;
            };
            if len < MAX_FN_LINES {
                continue;
            }
            let reason = original[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let t = l.trim_start();
                    t.starts_with("#") || t.starts_with("//") || t.starts_with(")]") || t.is_empty()
                })
                .any(|l| l.trim_start().starts_with("// long:"));
            if !reason {
                long.push(format!(
                    "  src/{}:{}: fn {name}: {} lines",
                    file.rel,
                    i + 1,
                    len + 1
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FN_LINES} lines with no `// long: <reason>` line above them:\n{}",
        long.join("\n")
    );
}

/// The name of the function a line starts, if it starts one with a body.
fn fn_name(line: &str) -> Option<String> {
    let t = line.trim_start();
    let mut words = t.split_whitespace().peekable();
    while let Some(&w) = words.peek() {
        if w.starts_with("pub") || matches!(w, "async" | "const" | "unsafe" | "extern" | "\"\"") {
            words.next();
        } else {
            break;
        }
    }
    if words.next()? != "fn" {
        return None;
    }
    let name: String = words
        .next()?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}
