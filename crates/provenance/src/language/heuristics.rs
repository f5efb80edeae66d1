//! Content rules for the extensions that several languages claim. Each rule
//! names one language; the caller takes it only when that language is one of
//! the extension's candidates. The rules are corpusledger's own, written
//! after the cases linguist's heuristics distinguish. Every name they return
//! is a string literal right inside `Some(...)`: the tests read this file
//! for them and check each is a language of the table.

/// How much of a file the rules read.
const HEAD: usize = 64 * 1024;

/// The first [`HEAD`] bytes of the text, cut at a character boundary.
pub(super) fn head(text: &str) -> &str {
    if text.len() <= HEAD {
        return text;
    }
    let mut end = HEAD;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The text's lines, without leading white space.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim_start)
}

/// Some line starts with one of these.
fn line_starts(text: &str, prefixes: &[&str]) -> bool {
    lines(text).any(|l| prefixes.iter().any(|p| l.starts_with(p)))
}

/// Some line is one of these (white space around it ignored).
fn line_is(text: &str, whole: &[&str]) -> bool {
    lines(text).any(|l| whole.contains(&l.trim_end()))
}

fn contains_any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| text.contains(n))
}

/// The first character that is not white space or a byte-order mark.
fn first_char(text: &str) -> Option<char> {
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
        .next()
}

/// The rule for this extension (lower case, with its dot), if one decides.
pub(super) fn by_extension(ext: &str, text: &str) -> Option<&'static str> {
    let text = head(text);
    match ext {
        ".h" => c_header(text),
        ".m" => dot_m(text),
        ".pl" => dot_pl(text),
        ".pm" => dot_pm(text),
        ".t" => dot_t(text),
        ".ts" | ".tsx" => xml_or(text, ext),
        ".r" => dot_r(text),
        ".md" => dot_md(text),
        ".v" => dot_v(text),
        ".sql" => dot_sql(text),
        ".inc" => dot_inc(text),
        ".cls" => dot_cls(text),
        ".fs" => dot_fs(text),
        ".rs" => dot_rs(text),
        ".d" => dot_d(text),
        ".pp" => dot_pp(text),
        ".php" | ".hh" => hack(text),
        ".cs" => dot_cs(text),
        ".es" => dot_es(text),
        ".l" => dot_l(text),
        ".s" => dot_s(text),
        ".cl" => dot_cl(text),
        ".ml" => dot_ml(text),
        ".spec" => dot_spec(text),
        ".pro" => dot_pro(text),
        ".asc" => dot_asc(text),
        ".bb" => dot_bb(text),
        ".frag" => dot_frag(text),
        ".i" => dot_i(text),
        ".plist" => dot_plist(text),
        ".plt" => dot_plt(text),
        ".properties" => dot_properties(text),
        ".shader" => dot_shader(text),
        ".sls" => dot_sls(text),
        ".trigger" => dot_trigger(text),
        ".vcf" => dot_vcf(text),
        ".html" => dot_html(text),
        ".json" => openapi_json(text),
        ".yaml" | ".yml" => openapi_yaml(text),
        _ => None,
    }
}

/// Rules for a set of candidates whatever the extension: a file that starts
/// with `<` is XML (unless HTML is a candidate too), one that starts with `{`
/// or `[` is JSON (or JSON with Comments), a Roff file with a `.TH` line is a
/// manual page.
pub(super) fn by_candidates(candidates: &[&'static str], text: &str) -> Option<&'static str> {
    let text = head(text);
    if candidates.contains(&"Roff Manpage") && candidates.contains(&"Roff") {
        return Some(if line_starts(text, &[".TH ", ".Dt "]) {
            "Roff Manpage"
        } else {
            "Roff"
        });
    }
    match first_char(text) {
        Some('<') if candidates.contains(&"XML") && !candidates.contains(&"HTML") => Some("XML"),
        Some('{' | '[') => candidates.iter().copied().find(|c| c.starts_with("JSON")),
        _ => None,
    }
}

/// Languages that the content rules out: XML for a file that does not start
/// with `<`, JSON for one that does not start with `{` or `[`, INI for one
/// without a `[section]` or `key = value` line.
pub(super) fn ruled_out(language: &str, text: &str) -> bool {
    match language {
        "XML" => first_char(text) != Some('<'),
        "JSON" => !matches!(first_char(text), Some('{' | '[')),
        "INI" => !lines(text).any(|l| !l.starts_with([';', '#']) && (l.starts_with('[') || l.contains('='))),
        _ => false,
    }
}

/// `.h`: Objective-C, C++ or C.
fn c_header(text: &str) -> Option<&'static str> {
    if objective_c(text) {
        return Some("Objective-C");
    }
    if c_plus_plus(&outside_cplusplus_sections(text)) {
        return Some("C++");
    }
    Some("C")
}

/// The text without what only a C++ compiler reads of a C header: its
/// `#ifdef __cplusplus` (`#if defined(__cplusplus) ...`) sections, up to
/// their `#else`, `#elif` or `#endif`.
fn outside_cplusplus_sections(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The depth of `#if`s nested in the section being skipped.
    let mut skipping: Option<usize> = None;
    for line in text.lines() {
        let directive = line.trim_start().strip_prefix('#').map(str::trim_start);
        match (skipping, directive) {
            (None, Some(d)) if opens_cplusplus_section(d) => skipping = Some(0),
            (None, _) => {
                out.push_str(line);
                out.push('\n');
            }
            (Some(depth), Some(d)) if d.starts_with("if") => skipping = Some(depth + 1),
            (Some(0), Some(d)) if d.starts_with("endif") || d.starts_with("else") || d.starts_with("elif") => {
                skipping = None
            }
            (Some(depth), Some(d)) if d.starts_with("endif") => skipping = Some(depth - 1),
            (Some(_), _) => {}
        }
    }
    out
}

fn opens_cplusplus_section(directive: &str) -> bool {
    let d: String = directive.chars().filter(|c| !c.is_whitespace()).collect();
    d.starts_with("ifdef__cplusplus")
        || (d.starts_with("if") && !d.starts_with("ifndef") && d.contains("__cplusplus") && !d.contains("!defined"))
}

fn objective_c(text: &str) -> bool {
    line_starts(
        text,
        &[
            "@interface",
            "@implementation",
            "@protocol",
            "@property",
            "@class ",
            "@end",
            "#import ",
            "#import<",
        ],
    ) || contains_any(text, &["NS_ASSUME_NONNULL_BEGIN", "#import <Foundation/"])
}

fn c_plus_plus(text: &str) -> bool {
    if line_starts(
        text,
        &[
            "class ",
            "template<",
            "template <",
            "namespace ",
            "using namespace ",
            "public:",
            "private:",
            "protected:",
            "#include <iostream>",
        ],
    ) || contains_any(text, &["std::", "constexpr ", "nullptr", "noexcept", "static_cast<"])
    {
        return true;
    }
    // A C++ standard header (`#include <vector>`): a bracketed name without
    // an extension or a path.
    lines(text).any(|l| {
        l.strip_prefix("#include")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('<'))
            .and_then(|rest| rest.split_once('>'))
            .is_some_and(|(name, _)| {
                !name.is_empty()
                    && !name.contains(['.', '/'])
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            })
    })
}

/// `.m`: Objective-C, Mercury, Wolfram Language, Limbo, M (MUMPS) or MATLAB.
fn dot_m(text: &str) -> Option<&'static str> {
    if objective_c(text) || line_starts(text, &["- (", "+ ("]) || contains_any(text, &["NSLog(", "NSString *"]) {
        return Some("Objective-C");
    }
    if line_starts(
        text,
        &[
            ":- module",
            ":- interface",
            ":- implementation",
            ":- pred ",
            ":- func ",
            ":- import_module",
        ],
    ) {
        return Some("Mercury");
    }
    if contains_any(
        text,
        &[
            "BeginPackage[",
            "(* ::Package:: *)",
            "EndPackage[]",
            "Begin[\"`Private`\"]",
        ],
    ) {
        return Some("Wolfram Language");
    }
    if lines(text).any(|l| {
        l.split_once(':').is_some_and(|(name, rest)| {
            is_word(name.trim_end()) && (rest.trim() == "module" || rest.trim_start().starts_with("module {"))
        })
    }) {
        return Some("Limbo");
    }
    if line_starts(text, &["%", "function ", "function[", "classdef ", "end"]) {
        return Some("MATLAB");
    }
    if mumps(text) {
        return Some("M");
    }
    if text.contains('{') && text.contains(';') {
        return Some("Objective-C");
    }
    Some("MATLAB")
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A MUMPS routine: it starts with its label and a `;` comment, and its
/// other lines are commands indented by a tab or space.
fn mumps(text: &str) -> bool {
    let mut raw = text.lines().filter(|l| !l.trim().is_empty());
    let Some(first) = raw.next() else { return false };
    let Some((label, _)) = first.split_once(';') else {
        return false;
    };
    let label = label.trim_end();
    is_word(label.trim_start_matches('%')) && !label.starts_with(char::is_whitespace) && {
        let rest: Vec<&str> = raw.collect();
        !rest.is_empty() && rest.iter().filter(|l| l.starts_with([' ', '\t'])).count() * 2 >= rest.len()
    }
}

/// `.pl`: Raku, Perl or Prolog.
fn dot_pl(text: &str) -> Option<&'static str> {
    if raku(text) {
        return Some("Raku");
    }
    if line_starts(
        text,
        &["use strict", "use warnings", "my $", "my @", "my %", "my (", "use v5"],
    ) {
        return Some("Perl");
    }
    if prolog(text) {
        return Some("Prolog");
    }
    Some("Perl")
}

fn raku(text: &str) -> bool {
    line_starts(
        text,
        &[
            "use v6",
            "unit module ",
            "unit class ",
            "unit role ",
            "unit grammar ",
            "my class ",
        ],
    )
}

/// Prolog clauses: a directive (`:- use_module(...)`), or a rule's head
/// followed by `:-`.
fn prolog(text: &str) -> bool {
    lines(text).any(|l| {
        l.starts_with(":-")
            || l.split_once(":-").is_some_and(|(head, _)| {
                let head = head.trim_end();
                let atom: String = head.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                !atom.is_empty()
                    && atom.starts_with(|c: char| c.is_ascii_lowercase())
                    && (head.len() == atom.len() || (head[atom.len()..].starts_with('(') && head.ends_with(')')))
            })
    })
}

/// `.pm`: X PixMap, Raku or Perl.
fn dot_pm(text: &str) -> Option<&'static str> {
    if text.contains("/* XPM */") {
        return Some("X PixMap");
    }
    if raku(text) {
        return Some("Raku");
    }
    Some("Perl")
}

/// `.t`: Raku's tests (`use Test;`) or Perl's.
fn dot_t(text: &str) -> Option<&'static str> {
    if raku(text) || line_is(text, &["use Test;"]) {
        return Some("Raku");
    }
    if line_starts(text, &["use strict", "use warnings", "use Test::", "my $", "use lib"]) {
        return Some("Perl");
    }
    None
}

/// `.ts` and `.tsx`: a Qt Linguist translation file is XML.
fn xml_or(text: &str, ext: &str) -> Option<&'static str> {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if start.starts_with("<?xml") || start.starts_with("<!DOCTYPE TS>") || start.starts_with("<TS ") {
        return Some("XML");
    }
    Some(if ext == ".ts" { "TypeScript" } else { "TSX" })
}

/// `.r`: Rebol (a `REBOL [` header), Rez (Mac resources), else R.
fn dot_r(text: &str) -> Option<&'static str> {
    let rebol = lines(text).any(|l| {
        l.get(..5)
            .is_some_and(|w| w.eq_ignore_ascii_case("rebol") && l[5..].trim_start().starts_with('['))
    });
    if rebol {
        return Some("Rebol");
    }
    if line_starts(text, &["resource '", "data '", "type '"])
        || contains_any(text, &["#include \"Types.r\"", "#include <Carbon/Carbon.r>"])
    {
        return Some("Rez");
    }
    Some("R")
}

/// `.md`: a GCC machine description is Lisp-like `(define_...)`.
fn dot_md(text: &str) -> Option<&'static str> {
    if line_starts(
        text,
        &[
            "(define_insn",
            "(define_expand",
            "(define_split",
            "(define_peephole",
            "(define_constants",
            "(define_attr",
            "(define_predicate",
            "(define_constraint",
            "(define_mode_iterator",
        ],
    ) {
        return Some("GCC Machine Description");
    }
    Some("Markdown")
}

/// `.v`: the Rocq prover (Coq), Verilog or V.
fn dot_v(text: &str) -> Option<&'static str> {
    if line_is(text, &["Qed.", "Proof.", "Defined.", "Admitted."])
        || line_starts(
            text,
            &[
                "Require Import ",
                "From Coq ",
                "Theorem ",
                "Lemma ",
                "Fixpoint ",
                "Inductive ",
            ],
        )
    {
        return Some("Rocq Prover");
    }
    if text.contains("endmodule")
        || line_starts(
            text,
            &[
                "`timescale",
                "`define ",
                "`include ",
                "always @",
                "always_ff",
                "assign ",
            ],
        )
    {
        return Some("Verilog");
    }
    if line_starts(
        text,
        &["fn ", "pub fn ", "import os", "mut ", "pub struct ", "module main"],
    ) || text.contains(":= ")
    {
        return Some("V");
    }
    if lines(text).any(|l| l.starts_with("module ") && (l.contains('(') || l.ends_with(';'))) {
        return Some("Verilog");
    }
    None
}

/// `.sql`: T-SQL, PL/pgSQL, DB2's SQL PL, Oracle's PL/SQL, else SQL.
fn dot_sql(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if line_is(&lower, &["go"])
        || contains_any(
            &lower,
            &[
                "declare @",
                "set nocount ",
                "[dbo].",
                "begin try",
                "nvarchar(max)",
                "@@rowcount",
            ],
        )
    {
        return Some("TSQL");
    }
    if contains_any(
        &lower,
        &["plpgsql", "returns trigger", "as $$", "as $function$", "$body$"],
    ) {
        return Some("PLpgSQL");
    }
    if contains_any(
        &lower,
        &[
            "mode db2sql",
            "syscat.",
            "sysproc.",
            "alter module",
            "associate result set",
        ],
    ) {
        return Some("SQLPL");
    }
    if contains_any(
        &lower,
        &[
            "create or replace package",
            "pls_integer",
            "dbms_output.",
            "%rowtype",
            ".nextval",
            "connect by ",
            "authid ",
            "exception when ",
        ],
    ) || (lower.contains("end;") && line_is(&lower, &["/"]))
    {
        return Some("PLSQL");
    }
    Some("SQL")
}

/// `.inc`: PHP, POV-Ray, BitBake, assembler includes, SQL, HTML, Pascal,
/// else C++ (the include files of C and C++ projects).
fn dot_inc(text: &str) -> Option<&'static str> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<?php") || (start.starts_with("<?") && !start.starts_with("<?xml")) {
        return Some("PHP");
    }
    if line_starts(text, &["#declare ", "#local ", "#macro "]) {
        return Some("POV-Ray SDL");
    }
    if line_starts(
        text,
        &[
            "SRC_URI",
            "inherit ",
            "DEPENDS ",
            "RDEPENDS_",
            "do_install",
            "do_compile",
            "LIC_FILES_CHKSUM",
        ],
    ) {
        return Some("BitBake");
    }
    if line_starts(text, &["#include <sourcemod>", "#include <sdktools>"]) {
        return Some("SourcePawn");
    }
    let lower = text.to_ascii_lowercase();
    if (line_starts(
        &lower,
        &[
            "%define",
            "%macro",
            "%ifdef",
            "%include",
            "section .",
            "extern ",
            "global ",
        ],
    ) && !text.contains('{'))
        || lines(&lower).filter(|l| is_asm_data(l)).count() >= 3
    {
        return Some("Assembly");
    }
    if line_starts(
        &lower,
        &[
            "<div", "<html", "<table", "<p>", "<p ", "<a ", "<span", "<script", "<!--", "<tr", "<li",
        ],
    ) {
        return Some("HTML");
    }
    if line_starts(
        &lower,
        &["create table", "insert into ", "select ", "drop table", "update "],
    ) && !text.contains('#')
    {
        return Some("SQL");
    }
    if line_starts(&lower, &["{$", "procedure ", "function ", "begin", "uses ", "var "]) && lower.contains("end;") {
        return Some("Pascal");
    }
    if line_starts(&lower, &["if(description)", "if (description)"]) || lower.contains("script_id(") {
        return Some("NASL");
    }
    Some("C++")
}

/// An assembler data or equate line: `name db 1`, `dd 0x10`, `x equ 4`.
fn is_asm_data(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let (Some(a), b) = (words.next(), words.next()) else {
        return false;
    };
    const DIRECTIVES: [&str; 6] = ["db", "dw", "dd", "dq", "equ", "times"];
    DIRECTIVES.contains(&a) || b.is_some_and(|b| DIRECTIVES.contains(&b))
}

/// `.cls`: a LaTeX class, Visual Basic (6.0 or for Applications),
/// ObjectScript, OpenEdge ABL, Apex.
fn dot_cls(text: &str) -> Option<&'static str> {
    if contains_any(
        text,
        &[
            "\\NeedsTeXFormat",
            "\\ProvidesClass",
            "\\LoadClass",
            "\\DeclareOption",
            "\\documentclass",
        ],
    ) || line_starts(text, &["\\def", "\\newcommand", "\\RequirePackage"])
    {
        return Some("TeX");
    }
    if contains_any(
        text,
        &["Persistable =", "DataBindingBehavior =", "DataSourceBehavior ="],
    ) {
        return Some("Visual Basic 6.0");
    }
    if line_starts(text, &["VERSION 1.0 CLASS", "Attribute VB_"]) {
        return Some("VBA");
    }
    let lower = text.to_ascii_lowercase();
    if lines(text).any(|l| l.starts_with("Class ") && l.split_whitespace().nth(1).is_some_and(|n| n.contains('.'))) {
        return Some("ObjectScript");
    }
    if contains_any(&lower, &["end class.", "using progress."]) {
        return Some("OpenEdge ABL");
    }
    if contains_any(&lower, &["with sharing", "without sharing", "@istest", "@auraenabled"])
        || line_starts(
            &lower,
            &[
                "public class ",
                "global class ",
                "private class ",
                "public virtual class ",
            ],
        )
    {
        return Some("Apex");
    }
    None
}

/// `.fs`: Filterscript (RenderScript), GLSL, F# or Forth.
fn dot_fs(text: &str) -> Option<&'static str> {
    if line_starts(text, &["#pragma rs ", "#pragma version("]) {
        return Some("Filterscript");
    }
    if glsl(text) {
        return Some("GLSL");
    }
    if line_starts(
        text,
        &["open ", "module ", "namespace ", "let ", "type ", "[<", "#r ", "#load "],
    ) || text.contains("|>")
    {
        return Some("F#");
    }
    if lines(text).any(|l| l.starts_with("\\ ") || (l.starts_with(": ") && l.trim_end().ends_with(';'))) {
        return Some("Forth");
    }
    None
}

fn glsl(text: &str) -> bool {
    line_starts(
        text,
        &[
            "#version ",
            "uniform ",
            "varying ",
            "precision ",
            "in vec",
            "out vec",
            "layout(",
        ],
    ) || contains_any(
        text,
        &[
            "gl_FragColor",
            "gl_FragCoord",
            "gl_Position",
            "texture2D(",
            "void main(",
        ],
    )
}

/// `.rs`: RenderScript or an XML file, else Rust.
fn dot_rs(text: &str) -> Option<&'static str> {
    if line_starts(text, &["#pragma version(", "#pragma rs "]) {
        return Some("RenderScript");
    }
    if text.trim_start_matches('\u{feff}').trim_start().starts_with("<?xml") {
        return Some("XML");
    }
    Some("Rust")
}

/// `.d`: a make dependency file (`x.o: x.c x.h`), DTrace, else D.
fn dot_d(text: &str) -> Option<&'static str> {
    if line_starts(text, &["#pragma D ", "provider "])
        || lines(text).any(|l| l.contains("::entry") || l.contains(":::"))
    {
        return Some("DTrace");
    }
    let first = lines(text).find(|l| !l.is_empty() && !l.starts_with('#'));
    let make_rule = first.is_some_and(|l| {
        l.split_once(": ")
            .is_some_and(|(target, _)| !target.contains(char::is_whitespace) && target.contains('.'))
            || l.ends_with(':')
    });
    if make_rule && !text.contains(';') {
        return Some("Makefile");
    }
    Some("D")
}

/// `.pp`: Pascal or Puppet.
fn dot_pp(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if line_starts(
        &lower,
        &["unit ", "program ", "uses ", "interface", "implementation", "{$"],
    ) || line_is(&lower, &["begin", "end.", "var"])
    {
        return Some("Pascal");
    }
    if line_starts(
        &lower,
        &[
            "class ",
            "define ",
            "node ",
            "include ",
            "file {",
            "package {",
            "service {",
        ],
    ) || text.contains("=>")
    {
        return Some("Puppet");
    }
    None
}

/// `.php` and `.hh`: Hack starts `<?hh`.
fn hack(text: &str) -> Option<&'static str> {
    if text.trim_start().starts_with("<?hh") {
        return Some("Hack");
    }
    None
}

/// `.cs`: a Smalltalk file-out, else C#.
fn dot_cs(text: &str) -> Option<&'static str> {
    if contains_any(text, &["subclass: #", "instanceVariableNames: "]) || text.trim_start().starts_with("!") {
        return Some("Smalltalk");
    }
    Some("C#")
}

/// `.es`: an Erlang escript, else JavaScript.
fn dot_es(text: &str) -> Option<&'static str> {
    if line_starts(text, &["-module(", "%%!", "main(_)", "main(Args)", "-export("]) {
        return Some("Erlang");
    }
    Some("JavaScript")
}

/// `.l`: a lex file, Lisp, Roff.
fn dot_l(text: &str) -> Option<&'static str> {
    if line_is(text, &["%%"]) || line_starts(text, &["%{", "%option"]) {
        return Some("Lex");
    }
    if line_starts(text, &[".TH ", ".SH ", ".\\\""]) {
        return Some("Roff");
    }
    if line_starts(text, &["(de ", "(class "]) {
        return Some("PicoLisp");
    }
    if line_starts(text, &["(", ";"]) {
        return Some("Common Lisp");
    }
    None
}

/// `.s`: Motorola 68K assembly, else the GNU assembler's.
fn dot_s(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if lines(&lower)
        .any(|l| l.starts_with("move.") || l.starts_with("movem.") || (l.starts_with("lea ") && l.contains("(a")))
    {
        return Some("Motorola 68K Assembly");
    }
    Some("Unix Assembly")
}

/// `.cl`: OpenCL kernels, Common Lisp, Cool.
fn dot_cl(text: &str) -> Option<&'static str> {
    if contains_any(text, &["__kernel", "kernel void", "__global", "get_global_id("]) {
        return Some("OpenCL");
    }
    if line_starts(text, &["(", ";"]) {
        return Some("Common Lisp");
    }
    if lines(text).any(|l| l.starts_with("class ") && l.contains("inherits")) {
        return Some("Cool");
    }
    None
}

/// `.ml`: Standard ML's `structure ... = struct`, else OCaml.
fn dot_ml(text: &str) -> Option<&'static str> {
    if line_starts(text, &["structure ", "signature ", "functor "]) && text.contains("struct") {
        return Some("Standard ML");
    }
    Some("OCaml")
}

/// `.spec`: an RPM spec, a Ruby gem spec, a PyInstaller spec.
fn dot_spec(text: &str) -> Option<&'static str> {
    if line_starts(text, &["Name:", "Version:", "%description", "%build", "%files"]) {
        return Some("RPM Spec");
    }
    if text.contains("Gem::Specification") || line_starts(text, &["describe ", "RSpec."]) {
        return Some("Ruby");
    }
    if contains_any(text, &["Analysis(", "EXE(", "import "]) {
        return Some("Python");
    }
    None
}

/// `.pro`: a qmake project, ProGuard rules, Prolog, IDL, an INI file.
fn dot_pro(text: &str) -> Option<&'static str> {
    if text.contains("+=") || line_starts(text, &["TEMPLATE", "TARGET", "SOURCES", "HEADERS", "QT ", "CONFIG"]) {
        return Some("QMake");
    }
    if line_starts(text, &["-keep", "-dontwarn", "-dontobfuscate", "-optimizations"]) {
        return Some("Proguard");
    }
    if prolog(text) {
        return Some("Prolog");
    }
    let lower = text.to_ascii_lowercase();
    if line_starts(&lower, &["pro ", "function ", "compile_opt"]) {
        return Some("IDL");
    }
    if line_starts(text, &["["]) {
        return Some("INI");
    }
    None
}

/// `.html`: Ecmarkup, else HTML.
fn dot_html(text: &str) -> Option<&'static str> {
    if text.contains("<emu-") {
        return Some("Ecmarkup");
    }
    Some("HTML")
}

/// `.json`: an OpenAPI (Swagger) 2 or 3 description, else JSON.
fn openapi_json(text: &str) -> Option<&'static str> {
    let version = |key: &str| {
        text.find(key).and_then(|at| {
            let rest = text[at + key.len()..].trim_start().strip_prefix(':')?.trim_start();
            rest.strip_prefix('"')?.chars().next()
        })
    };
    match (version("\"swagger\""), version("\"openapi\"")) {
        (Some('2'), _) => Some("OASv2-json"),
        (_, Some('3')) => Some("OASv3-json"),
        _ => Some("JSON"),
    }
}

/// `.yaml` and `.yml`: an OpenAPI (Swagger) 2 or 3 description, else YAML.
fn openapi_yaml(text: &str) -> Option<&'static str> {
    let version = |key: &str| {
        text.lines().find_map(|l| {
            let rest = l.strip_prefix(key)?.trim_start().trim_start_matches(['"', '\'']);
            rest.chars().next()
        })
    };
    match (version("swagger:"), version("openapi:")) {
        (Some('2'), _) => Some("OASv2-yaml"),
        (_, Some('3')) => Some("OASv3-yaml"),
        _ => Some("YAML"),
    }
}

/// `.asc`: an ASCII-armoured PGP key or signature, AsciiDoc, else AGS Script.
fn dot_asc(text: &str) -> Option<&'static str> {
    if text.contains("-----BEGIN PGP ") {
        return Some("Public Key");
    }
    if line_starts(text, &["= ", "== ", ":toc:", ":author:", "[source"]) {
        return Some("AsciiDoc");
    }
    None
}

/// `.bb`: a BitBake recipe, Babashka's Clojure, else BlitzBasic.
fn dot_bb(text: &str) -> Option<&'static str> {
    if line_starts(
        text,
        &[
            "SRC_URI",
            "inherit ",
            "DESCRIPTION",
            "LICENSE",
            "DEPENDS",
            "SUMMARY",
            "require ",
        ],
    ) {
        return Some("BitBake");
    }
    if line_starts(text, &["(", ";", "#!/usr/bin/env bb"]) {
        return Some("Clojure");
    }
    Some("BlitzBasic")
}

/// `.frag`: a GLSL fragment shader, unless it reads as JavaScript.
fn dot_frag(text: &str) -> Option<&'static str> {
    if glsl(text) {
        return Some("GLSL");
    }
    if line_starts(text, &["function ", "var ", "const ", "let ", "import ", "export "]) {
        return Some("JavaScript");
    }
    Some("GLSL")
}

/// `.i`: a SWIG interface, else assembler.
fn dot_i(text: &str) -> Option<&'static str> {
    if line_starts(text, &["%module", "%{", "%include", "%inline"]) {
        return Some("SWIG");
    }
    None
}

/// `.plist`: XML (or binary) property lists, else OpenStep's.
fn dot_plist(text: &str) -> Option<&'static str> {
    match first_char(text) {
        Some('{' | '(') => Some("OpenStep Property List"),
        _ => Some("XML Property List"),
    }
}

/// `.plt`: Prolog, else gnuplot.
fn dot_plt(text: &str) -> Option<&'static str> {
    if prolog(text) {
        return Some("Prolog");
    }
    Some("Gnuplot")
}

/// `.properties`: an INI file has sections, else Java properties.
fn dot_properties(text: &str) -> Option<&'static str> {
    if line_starts(text, &["["]) {
        return Some("INI");
    }
    Some("Java Properties")
}

/// `.shader`: Unity's ShaderLab (`Shader "Name" {`), else GLSL.
fn dot_shader(text: &str) -> Option<&'static str> {
    if line_starts(text, &["Shader \""]) {
        return Some("ShaderLab");
    }
    Some("GLSL")
}

/// `.sls`: Scheme (R6RS libraries), else a Salt state (YAML).
fn dot_sls(text: &str) -> Option<&'static str> {
    if line_starts(text, &["(", ";", "#!r6rs"]) {
        return Some("Scheme");
    }
    Some("Salt")
}

/// `.trigger`: a Salesforce Apex trigger, else Shell.
fn dot_trigger(text: &str) -> Option<&'static str> {
    if lines(text).any(|l| l.starts_with("trigger ") && l.contains(" on ")) {
        return Some("Apex");
    }
    Some("Shell")
}

/// `.vcf`: a vCard, else a variant call file (tab-separated).
fn dot_vcf(text: &str) -> Option<&'static str> {
    if line_starts(text, &["BEGIN:VCARD"]) {
        return Some("vCard");
    }
    Some("TSV")
}
