//! `swift-syntax-check FILE.swift…`: parses every file with the tree-sitter Swift grammar
//! and reports each ERROR or MISSING node with its position. Exit status 1 when any file
//! fails (or cannot be read); the last line is `swift-syntax: N passed, M failed`.
//!
//! One valid Swift idiom is beyond the grammar: an attribute alone inside `#if … #endif`
//! that applies to the declaration after `#endif`, as uniffi's Swift generator writes it:
//!
//! ```text
//! #if swift(>=5.8)
//! @_documentation(visibility: private)
//! #endif
//! fileprivate struct FfiConverterString: FfiConverter { … }
//! ```
//!
//! For exactly that shape (a `#if` line, attribute lines only, an `#endif` line) the `#if`
//! and `#endif` lines are blanked before parsing, so the attribute and the declaration are
//! still checked and line numbers stay true; the count is printed per file.

use std::process::ExitCode;

use tree_sitter::{Node, Parser};

/// Blanks the `#if`/`#endif` lines around attribute-only conditional blocks (see the
/// module documentation); returns the source to parse and how many blocks were opened up.
fn open_conditional_attributes(source: &str) -> (String, usize) {
    let lines: Vec<&str> = source.split('\n').collect();
    let mut keep: Vec<bool> = vec![true; lines.len()];
    let mut blocks = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with("#if ") {
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with('@') {
                j += 1;
            }
            if j > i + 1 && j < lines.len() && lines[j].trim() == "#endif" {
                keep[i] = false;
                keep[j] = false;
                blocks += 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    let out: Vec<&str> = lines
        .iter()
        .zip(&keep)
        .map(|(l, k)| if *k { *l } else { "" })
        .collect();
    (out.join("\n"), blocks)
}

/// The syntax problems in `source`, as `line:column: message` (1-based).
fn problems(parser: &mut Parser, source: &str) -> Vec<String> {
    let Some(tree) = parser.parse(source, None) else {
        return vec!["the parser gave up".to_string()];
    };
    let mut out = Vec::new();
    collect(tree.root_node(), source, &mut out);
    out
}

fn collect(node: Node, source: &str, out: &mut Vec<String>) {
    if node.is_error() || node.is_missing() {
        let p = node.start_position();
        let what = if node.is_missing() {
            format!("missing {}", node.kind())
        } else {
            let text = source.get(node.byte_range()).unwrap_or("");
            let first_line = text.lines().next().unwrap_or("");
            format!(
                "syntax error near {:?}",
                first_line.chars().take(60).collect::<String>()
            )
        };
        out.push(format!("{}:{}: {what}", p.row + 1, p.column + 1));
        if node.is_error() {
            return;
        }
    }
    if !node.has_error() {
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect(child, source, out);
    }
}

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut parser = Parser::new();
    if let Err(e) = parser.set_language(&tree_sitter_swift::LANGUAGE.into()) {
        eprintln!("swift-syntax: cannot load the Swift grammar: {e}");
        println!("swift-syntax: 0 passed, {} failed", files.len().max(1));
        return ExitCode::FAILURE;
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        let (found, opened) = match std::fs::read_to_string(file) {
            Ok(source) => {
                let (source, opened) = open_conditional_attributes(&source);
                (problems(&mut parser, &source), opened)
            }
            Err(e) => (vec![format!("cannot read: {e}")], 0),
        };
        let note = if opened > 0 {
            format!(" ({opened} #if-wrapped attributes opened up)")
        } else {
            String::new()
        };
        if found.is_empty() {
            passed += 1;
            println!("ok   {file}{note}");
        } else {
            failed += 1;
            println!("FAIL {file}{note}");
            for p in found {
                println!("     {file}:{p}");
            }
        }
    }
    if files.is_empty() {
        eprintln!("swift-syntax: no files given");
        failed = 1;
    }
    println!("swift-syntax: {passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser() -> Parser {
        let mut p = Parser::new();
        p.set_language(&tree_sitter_swift::LANGUAGE.into()).unwrap();
        p
    }

    #[test]
    fn valid_swift_has_no_problems() {
        let src = "import Foundation\npublic enum A { case b }\nfunc f() async throws -> Int { return 1 }\n";
        assert!(problems(&mut parser(), src).is_empty());
    }

    #[test]
    fn attribute_only_conditional_blocks_are_opened_up_and_still_checked() {
        let src = "#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\nfileprivate struct A {}\n";
        let (opened, n) = open_conditional_attributes(src);
        assert_eq!(n, 1);
        assert_eq!(opened.lines().count(), src.lines().count());
        assert!(problems(&mut parser(), &opened).is_empty(), "{opened}");
        // Anything else inside the block is left alone.
        let other = "#if DEBUG\nlet x = 1\n#endif\n";
        assert_eq!(open_conditional_attributes(other), (other.to_string(), 0));
        // A broken declaration after the block is still reported.
        let broken = "#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\nfileprivate struct A {\n";
        assert!(!problems(&mut parser(), &open_conditional_attributes(broken).0).is_empty());
    }

    #[test]
    fn broken_swift_is_reported_with_a_position() {
        let found = problems(&mut parser(), "func f( {\n  let = \n}\n");
        assert!(!found.is_empty());
        assert!(found[0].contains(':'), "{found:?}");
    }
}
