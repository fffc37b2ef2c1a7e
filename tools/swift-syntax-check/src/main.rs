//! `swift-syntax-check FILE.swift…`: parses every file with the tree-sitter Swift grammar
//! and reports each ERROR or MISSING node with its position. Exit status 1 when any file
//! fails (or cannot be read); the last line is `swift-syntax: N passed, M failed`.

use std::process::ExitCode;

use tree_sitter::{Node, Parser};

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
            format!("syntax error near {:?}", first_line.chars().take(60).collect::<String>())
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
        let found = match std::fs::read_to_string(file) {
            Ok(source) => problems(&mut parser, &source),
            Err(e) => vec![format!("cannot read: {e}")],
        };
        if found.is_empty() {
            passed += 1;
            println!("ok   {file}");
        } else {
            failed += 1;
            println!("FAIL {file}");
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
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
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
    fn broken_swift_is_reported_with_a_position() {
        let found = problems(&mut parser(), "func f( {\n  let = \n}\n");
        assert!(!found.is_empty());
        assert!(found[0].contains(':'), "{found:?}");
    }
}
