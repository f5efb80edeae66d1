use super::*;

fn lang(path: &str, content: &str) -> Option<&'static str> {
    language_of(Some(path), Some(content))
}

/// Each case: file name, content, the language expected.
fn check(cases: &[(&str, &str, &str)]) {
    for (path, content, want) in cases {
        assert_eq!(lang(path, content), Some(*want), "{path}: {content:?}");
    }
}

#[test]
fn the_table_has_linguists_languages() {
    assert!(languages().len() >= 400, "{} languages", languages().len());
    assert!(
        language_table_source().starts_with("linguist-languages "),
        "{}",
        language_table_source()
    );
    let names: Vec<&str> = languages().collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| (n.to_lowercase(), *n));
    assert_eq!(names, sorted, "the table is in name order");
    for name in [
        "Rust",
        "C++",
        "Shell",
        "Text",
        "Markdown",
        "YAML",
        "TOML",
        "JSON",
        "Protocol Buffer",
    ] {
        assert!(names.contains(&name), "{name}");
    }
}

/// Every name the code writes (the preference order, the content rules)
/// is a language of the table: a renamed language in a new table fails here.
#[test]
fn every_name_in_the_code_is_in_the_table() {
    let mut named: Vec<&str> = table::PREFERRED.to_vec();
    let source = include_str!("heuristics.rs");
    for piece in source.split("Some(\"").skip(1) {
        named.push(piece.split('"').next().unwrap());
    }
    // the names of `Some(if ... { "A" } else { "B" })` and of `candidates.contains(&"X")`
    for piece in source.split("contains(&\"").skip(1) {
        named.push(piece.split('"').next().unwrap());
    }
    named.extend(["Roff Manpage", "Roff", "TypeScript", "TSX"]);
    assert!(named.len() > 100, "{} names read", named.len());
    for name in named {
        assert_eq!(canonical_language(name), Some(name), "{name:?} is not a linguist name");
    }
}

/// Every language `language_of` gives for the cases of these tests, and for
/// every extension and file name of the table (with and without content),
/// is a language of the table.
#[test]
fn every_language_returned_is_in_the_table() {
    let t = table();
    let contents = [
        "",
        "<?xml version=\"1.0\"?>\n<a/>\n",
        "{\"a\": 1}\n",
        ".TH LS 1\n",
        "int x;\n",
    ];
    let mut checked = 0;
    let mut names: Vec<String> = Vec::new();
    for line in include_str!("../../data/languages.tsv").lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if line.starts_with('#') || cells[0] == "name" {
            continue;
        }
        names.extend(
            cells[3]
                .split('|')
                .filter(|e| !e.is_empty())
                .map(|e| format!("file{e}")),
        );
        names.extend(cells[4].split('|').filter(|f| !f.is_empty()).map(str::to_owned));
    }
    for name in &names {
        for content in contents.iter().map(Some).chain([None]) {
            let found = language_of(Some(name), content.copied()).unwrap_or_else(|| panic!("{name}: no language"));
            assert!(t.by_name(found).is_some_and(|i| t.name(i) == found), "{name}: {found}");
            checked += 1;
        }
    }
    assert!(checked > 5000, "{checked}");
}

/// The names the old 40-entry table gave, where linguist agrees, and
/// linguist's names where it does not (`Protocol Buffer`, `TSX`, `SCSS`).
#[test]
fn the_old_tables_names() {
    let cases = [
        ("src/main.rs", "Rust"),
        ("a.py", "Python"),
        ("a.pyi", "Python"),
        ("a.c", "C"),
        ("a.h", "C"),
        ("a.cc", "C++"),
        ("a.cpp", "C++"),
        ("a.cxx", "C++"),
        ("a.hpp", "C++"),
        ("a.hh", "C++"),
        ("a.hxx", "C++"),
        ("a.go", "Go"),
        ("a.js", "JavaScript"),
        ("a.mjs", "JavaScript"),
        ("a.cjs", "JavaScript"),
        ("a.jsx", "JavaScript"),
        ("a.ts", "TypeScript"),
        ("a.tsx", "TSX"),
        ("A.java", "Java"),
        ("a.kt", "Kotlin"),
        ("build.gradle.kts", "Gradle Kotlin DSL"),
        ("a.kts", "Kotlin"),
        ("a.rb", "Ruby"),
        ("a.php", "PHP"),
        ("a.cs", "C#"),
        ("a.swift", "Swift"),
        ("a.scala", "Scala"),
        ("a.sh", "Shell"),
        ("a.bash", "Shell"),
        ("a.zsh", "Shell"),
        ("a.pl", "Perl"),
        ("a.pm", "Perl"),
        ("a.lua", "Lua"),
        ("a.hs", "Haskell"),
        ("a.ml", "OCaml"),
        ("a.mli", "OCaml"),
        ("a.ex", "Elixir"),
        ("a.exs", "Elixir"),
        ("a.erl", "Erlang"),
        ("a.r", "R"),
        ("a.R", "R"),
        ("a.jl", "Julia"),
        ("a.sql", "SQL"),
        ("a.html", "HTML"),
        ("a.htm", "HTML"),
        ("a.css", "CSS"),
        ("a.scss", "SCSS"),
        ("README.md", "Markdown"),
        ("a.markdown", "Markdown"),
        ("a.rst", "reStructuredText"),
        ("notes.txt", "Text"),
        ("a.json", "JSON"),
        ("Cargo.toml", "TOML"),
        ("a.yaml", "YAML"),
        ("a.yml", "YAML"),
        ("a.xml", "XML"),
        ("a.proto", "Protocol Buffer"),
        ("Makefile", "Makefile"),
        ("GNUmakefile", "Makefile"),
        ("Dockerfile", "Dockerfile"),
        ("CMakeLists.txt", "CMake"),
    ];
    for (path, want) in cases {
        assert_eq!(language_of(Some(path), None), Some(want), "{path} without content");
        assert_eq!(lang(path, ""), Some(want), "{path} empty");
    }
    assert_eq!(language_of(None, None), None);
    assert_eq!(language_of(Some(""), None), None);
    assert_eq!(language_of(Some("dir/"), None), None);
    assert_eq!(language_of(Some("a.unknownext"), None), None);
    assert_eq!(language_of(Some("Procfile.local"), Some("web: run\n")), None);
}

#[test]
fn file_names() {
    check(&[
        ("Makefile", "all:\n", "Makefile"),
        ("sub/dir/makefile", "all:\n", "Makefile"),
        ("Makefile.am", "SUBDIRS = src\n", "Makefile"),
        ("Dockerfile", "FROM debian\n", "Dockerfile"),
        ("dockerfile", "FROM debian\n", "Dockerfile"),
        ("CMakeLists.txt", "project(x)\n", "CMake"),
        ("Cargo.lock", "version = 3\n", "TOML"),
        ("Cargo.toml.orig", "[package]\n", "TOML"),
        ("go.mod", "module x\n", "Go Module"),
        ("requirements.txt", "numpy\n", "Pip Requirements"),
        ("LICENSE", "MIT License\n", "Text"),
        (".bashrc", "alias ll='ls -l'\n", "Shell"),
        (".gitignore", "/target\n", "Ignore List"),
        ("PKGBUILD", "pkgname=x\n", "Shell"),
        ("yarn.lock", "# yarn lockfile v1\n", "YAML"),
        // a name two languages claim
        ("hosts", "127.0.0.1 localhost\n", "Hosts File"),
        ("hosts", "[hosts]\na = 1\n", "INI"),
    ]);
}

#[test]
fn extensions_longest_and_in_any_case() {
    check(&[
        ("index.d.ts", "declare const x: number;\n", "TypeScript"),
        ("view.blade.php", "@if($x) {{ $x }} @endif\n", "Blade"),
        ("config.h.in", "#undef HAVE_X\n", "C"),
        ("build.rs.in", "fn main() {}\n", "Rust"),
        ("MAIN.RS", "fn main() {}\n", "Rust"),
        ("Script.PY", "print(1)\n", "Python"),
        ("Foo.JSON-tmLanguage", "{}\n", "JSON"),
        (
            "x.tmLanguage",
            "<?xml version=\"1.0\"?>\n<plist/>\n",
            "XML Property List",
        ),
        ("setup.cfg", "[metadata]\nname = x\n", "INI"),
        ("tsconfig.json", "{\"compilerOptions\": {}}\n", "JSON with Comments"),
    ]);
}

#[test]
fn dot_h() {
    check(&[
        ("a.h", "#ifndef A_H\n#define A_H\nint add(int a, int b);\n#endif\n", "C"),
        (
            "a.h",
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\nvoid f(void);\n",
            "C",
        ),
        (
            "a.h",
            "#include <stdio.h>\ntypedef struct point { int x; } point;\n",
            "C",
        ),
        ("a.h", "#pragma once\nnamespace geo {\nstruct P { int x; };\n}\n", "C++"),
        ("a.h", "#include <vector>\nint sum(const std::vector<int>& v);\n", "C++"),
        ("a.h", "#include <iostream>\n", "C++"),
        ("a.h", "template <typename T>\nT max(T a, T b);\n", "C++"),
        ("a.h", "class Widget {\npublic:\n  Widget();\n};\n", "C++"),
        (
            "a.h",
            "#import <Foundation/Foundation.h>\n@interface Foo : NSObject\n@end\n",
            "Objective-C",
        ),
        ("a.h", "@protocol Drawable\n- (void)draw;\n@end\n", "Objective-C"),
        // C++ only in the sections a C++ compiler alone reads: a C header
        (
            "err.h",
            "#include <openssl/err.h>\n#if defined(__cplusplus)\nextern \"C++\" {\nclass Scoped {\n public:\n  Scoped();\n};\n}\n#endif\nvoid f(void);\n",
            "C",
        ),
        (
            "api.h",
            "#ifdef __cplusplus\n#include <string>\n#if __cplusplus >= 201103L\nnamespace a {}\n#endif\nstd::string g();\n#else\nint h(void);\n#endif\n",
            "C",
        ),
        (
            "both.h",
            "#ifndef __cplusplus\nint h(void);\n#endif\nnamespace a { class B; }\n",
            "C++",
        ),
        (
            "after.h",
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\nint f(void);\n#ifdef __cplusplus\n}\n#endif\ntemplate <class T> T id(T);\n",
            "C++",
        ),
    ]);
}

#[test]
fn dot_m() {
    check(&[
        (
            "a.m",
            "#import \"Foo.h\"\n@implementation Foo\n- (void)bar {}\n@end\n",
            "Objective-C",
        ),
        (
            "a.m",
            "- (instancetype)init {\n  self = [super init];\n  return self;\n}\n",
            "Objective-C",
        ),
        (
            "a.m",
            "function y = square(x)\n% SQUARE the square of x\ny = x.^2;\nend\n",
            "MATLAB",
        ),
        ("a.m", "% a script\nx = linspace(0, 1, 10);\nplot(x, x.^2)\n", "MATLAB"),
        ("a.m", "x = zeros(3);\ndisp(x)\n", "MATLAB"),
        (
            "a.m",
            ":- module hello.\n:- interface.\n:- import_module io.\n",
            "Mercury",
        ),
        (
            "a.m",
            "BeginPackage[\"Foo`\"]\nf[x_] := x^2\nEndPackage[]\n",
            "Wolfram Language",
        ),
        ("a.m", "Sys: module\n{\n\tprint: fn(s: string): int;\n};\n", "Limbo"),
        ("a.m", "HELLO ; a routine\n W \"Hello\",!\n Q\n", "M"),
    ]);
}

#[test]
fn dot_pl_pm_t() {
    check(&[
        ("a.pl", "#!/usr/bin/perl\nprint \"hi\\n\";\n", "Perl"),
        ("a.pl", "use strict;\nuse warnings;\nmy $x = 1;\n", "Perl"),
        ("a.pl", "sub f { return 1 }\nprint f();\n", "Perl"),
        ("a.pl", ":- use_module(library(lists)).\nparent(tom, bob).\n", "Prolog"),
        (
            "a.pl",
            "parent(tom, bob).\ngrandparent(X, Z) :- parent(X, Y), parent(Y, Z).\n",
            "Prolog",
        ),
        ("a.pl", "use v6;\nsay 'hi';\n", "Raku"),
        ("a.pl", "#!/usr/bin/env swipl\nmain :- true.\n", "Prolog"),
        ("Foo.pm", "package Foo;\nuse strict;\n1;\n", "Perl"),
        ("Foo.pm", "unit module Foo;\nsub f is export { }\n", "Raku"),
        (
            "icon.pm",
            "/* XPM */\nstatic char * icon[] = {\n\"16 16 2 1\",\n};\n",
            "X PixMap",
        ),
        (
            "basic.t",
            "use strict;\nuse Test::More;\nok(1);\ndone_testing;\n",
            "Perl",
        ),
        ("basic.t", "use Test;\nplan 1;\nok 1;\n", "Raku"),
    ]);
}

#[test]
fn dot_ts() {
    check(&[
        (
            "app.ts",
            "export function f(x: number): number { return x; }\n",
            "TypeScript",
        ),
        ("app.ts", "import { a } from './a';\n", "TypeScript"),
        (
            "app_de.ts",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE TS>\n<TS version=\"2.1\" language=\"de\">\n</TS>\n",
            "XML",
        ),
        ("app_fr.ts", "<!DOCTYPE TS>\n<TS version=\"2.1\">\n</TS>\n", "XML"),
        ("app.tsx", "export const A = () => <div/>;\n", "TSX"),
    ]);
}

#[test]
fn dot_r() {
    check(&[
        ("a.r", "x <- c(1, 2, 3)\nmean(x)\n", "R"),
        ("a.R", "library(ggplot2)\n", "R"),
        ("a.r", "REBOL [\n  Title: \"Hello\"\n]\nprint \"Hello\"\n", "Rebol"),
        ("a.r", "Rebol [Title: \"x\"]\n", "Rebol"),
        (
            "a.r",
            "#include \"Types.r\"\nresource 'STR#' (128) { { \"a\" } };\n",
            "Rez",
        ),
    ]);
}

#[test]
fn dot_md() {
    check(&[
        ("README.md", "# Title\n\nSome *text*.\n", "Markdown"),
        ("notes.md", "", "Markdown"),
        (
            "i386.md",
            ";; Machine description for IA-32\n(define_insn \"addsi3\"\n  [(set (match_operand:SI 0 \"\" \"\"))]\n  \"\" \"add\")\n",
            "GCC Machine Description",
        ),
    ]);
}

#[test]
fn dot_v() {
    check(&[
        (
            "counter.v",
            "`timescale 1ns/1ps\nmodule counter(input clk, output reg [3:0] q);\nalways @(posedge clk) q <= q + 1;\nendmodule\n",
            "Verilog",
        ),
        ("top.v", "module top;\n  wire a;\nendmodule\n", "Verilog"),
        (
            "Plus.v",
            "Require Import Arith.\nTheorem plus_0 : forall n, n + 0 = n.\nProof.\n  auto.\nQed.\n",
            "Rocq Prover",
        ),
        (
            "main.v",
            "module main\n\nfn main() {\n\tname := 'V'\n\tprintln(name)\n}\n",
            "V",
        ),
        ("main.v", "import os\n\nfn main() {\n\tprintln(os.args)\n}\n", "V"),
    ]);
}

#[test]
fn dot_sql() {
    check(&[
        (
            "a.sql",
            "CREATE TABLE t (id INT PRIMARY KEY);\nSELECT * FROM t;\n",
            "SQL",
        ),
        (
            "a.sql",
            "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n",
            "PLpgSQL",
        ),
        (
            "a.sql",
            "CREATE PROCEDURE p AS\nSET NOCOUNT ON;\nDECLARE @n INT;\nGO\n",
            "TSQL",
        ),
        (
            "a.sql",
            "CREATE OR REPLACE PACKAGE BODY pkg AS\n  PROCEDURE p IS\n  BEGIN\n    DBMS_OUTPUT.PUT_LINE('x');\n  END;\nEND;\n/\n",
            "PLSQL",
        ),
        (
            "a.sql",
            "CREATE PROCEDURE p()\nLANGUAGE SQL\nMODE DB2SQL\nBEGIN\nEND\n",
            "SQLPL",
        ),
    ]);
}

#[test]
fn dot_inc() {
    check(&[
        ("x.inc", "<?php\n$config = array();\n", "PHP"),
        (
            "X86GenInstrInfo.inc",
            "#ifdef GET_INSTRINFO_ENUM\nnamespace llvm {\n}\n#endif\n",
            "C++",
        ),
        ("tables.inc", "static const int table[] = { 1, 2, 3 };\n", "C++"),
        (
            "macros.inc",
            "%define STACK 16\n%macro PROLOGUE 0\n  push rbp\n%endmacro\n",
            "Assembly",
        ),
        ("colors.inc", "#declare Red = rgb <1, 0, 0>;\n", "POV-Ray SDL"),
        ("x.inc", "SRC_URI = \"file://x.patch\"\ninherit autotools\n", "BitBake"),
        (
            "header.inc",
            "<div class=\"nav\">\n  <a href=\"/\">Home</a>\n</div>\n",
            "HTML",
        ),
        (
            "schema.inc",
            "CREATE TABLE users (id INT);\nINSERT INTO users VALUES (1);\n",
            "SQL",
        ),
        ("unit.inc", "procedure Foo;\nbegin\n  WriteLn('x');\nend;\n", "Pascal"),
    ]);
}

#[test]
fn dot_cls() {
    check(&[
        (
            "thesis.cls",
            "\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesClass{thesis}[2020/01/01]\n\\LoadClass{report}\n",
            "TeX",
        ),
        (
            "Account.cls",
            "public with sharing class Account {\n  public void f() {}\n}\n",
            "Apex",
        ),
        (
            "Class1.cls",
            "VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  'True\nEND\nAttribute VB_Name = \"Class1\"\n",
            "VBA",
        ),
        (
            "Class1.cls",
            "VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  'True\n  Persistable = 0  'NotPersistable\nEND\n",
            "Visual Basic 6.0",
        ),
        (
            "Person.cls",
            "Class Demo.Person Extends %Persistent\n{\nProperty Name As %String;\n}\n",
            "ObjectScript",
        ),
        (
            "Shape.cls",
            "USING Progress.Lang.*.\nCLASS Shape:\nEND CLASS.\n",
            "OpenEdge ABL",
        ),
    ]);
}

#[test]
fn dot_fs() {
    check(&[
        (
            "Program.fs",
            "open System\n\nlet square x = x * x\nprintfn \"%d\" (square 3)\n",
            "F#",
        ),
        ("Lib.fs", "module Lib\n\nlet add a b = a + b\n", "F#"),
        (
            "shader.fs",
            "#version 330 core\nout vec4 color;\nvoid main() { color = vec4(1.0); }\n",
            "GLSL",
        ),
        (
            "shader.fs",
            "precision mediump float;\nvoid main() { gl_FragColor = vec4(1.0); }\n",
            "GLSL",
        ),
        (
            "words.fs",
            "\\ square a number\n: square ( n -- n*n ) dup * ;\n",
            "Forth",
        ),
        (
            "blur.fs",
            "#pragma version(1)\n#pragma rs java_package_name(x)\n",
            "Filterscript",
        ),
    ]);
}

#[test]
fn other_ambiguous_extensions() {
    check(&[
        ("lib.rs", "use std::io;\nfn main() {}\n", "Rust"),
        (
            "mono.rs",
            "#pragma version(1)\n#pragma rs java_package_name(com.x)\n",
            "RenderScript",
        ),
        ("app.d", "import std.stdio;\nvoid main() { writeln(\"hi\"); }\n", "D"),
        ("main.d", "main.o: main.c main.h \\\n  util.h\n", "Makefile"),
        ("probe.d", "#pragma D option quiet\nsyscall::open:entry { }\n", "DTrace"),
        (
            "site.pp",
            "class nginx {\n  package { 'nginx': ensure => installed }\n}\n",
            "Puppet",
        ),
        (
            "hello.pp",
            "program Hello;\nbegin\n  WriteLn('Hello');\nend.\n",
            "Pascal",
        ),
        ("a.php", "<?php echo 1;\n", "PHP"),
        ("a.php", "<?hh\nfunction f(): int { return 1; }\n", "Hack"),
        (
            "scanner.l",
            "%{\n#include <stdio.h>\n%}\n%%\n[0-9]+ { return NUM; }\n%%\n",
            "Lex",
        ),
        ("start.s", ".globl _start\n_start:\n  mov $1, %eax\n", "Unix Assembly"),
        ("k.cl", "__kernel void add(__global float* a) { }\n", "OpenCL"),
        ("x.cl", "(defun square (x) (* x x))\n", "Common Lisp"),
        ("a.ml", "let () = print_endline \"hi\"\n", "OCaml"),
        ("a.ml", "structure Foo = struct\n  val x = 1\nend\n", "Standard ML"),
        ("x.spec", "Name: foo\nVersion: 1.0\n%description\nFoo.\n", "RPM Spec"),
        ("x.spec", "Gem::Specification.new do |s|\n  s.name = 'x'\nend\n", "Ruby"),
        ("app.spec", "a = Analysis(['app.py'])\nexe = EXE(a.scripts)\n", "Python"),
        (
            "run.cgi",
            "#!/usr/bin/env python3\nprint('Content-Type: text/html')\n",
            "Python",
        ),
        ("run.cgi", "#!/bin/bash\necho hi\n", "Shell"),
        ("api.json", "{\"swagger\": \"2.0\", \"info\": {}}\n", "OASv2-json"),
        ("api.json", "{\n  \"openapi\" : \"3.0.1\"\n}\n", "OASv3-json"),
        ("api.yaml", "openapi: 3.0.0\ninfo:\n  title: x\n", "OASv3-yaml"),
        ("ci.yml", "jobs:\n  build: {}\n", "YAML"),
        ("ls.1", ".TH LS 1\n.SH NAME\nls\n", "Roff Manpage"),
        ("x.1", ".de XX\n..\n", "Roff"),
        ("mind.mm", "<map version=\"1.0.1\">\n</map>\n", "XML"),
        (
            "view.mm",
            "#import <UIKit/UIKit.h>\n@implementation V\n@end\n",
            "Objective-C++",
        ),
        ("frame.yy", "%token NUM\n%%\nexpr: NUM ;\n", "Yacc"),
        ("frame.yy", "{\"resourceType\": \"GMObject\"}\n", "JSON"),
        ("notes.txt", "hello\n", "Text"),
        ("index.html", "<!doctype html>\n<p>hi</p>\n", "HTML"),
        ("x.es", "export default 1;\n", "JavaScript"),
        ("x.es", "#!/usr/bin/env escript\nmain(_) -> ok.\n", "Erlang"),
        ("x.cs", "namespace X { class Y {} }\n", "C#"),
        ("app.pro", "TEMPLATE = app\nSOURCES += main.cpp\n", "QMake"),
        ("rules.pro", "-keep class com.x.** { *; }\n", "Proguard"),
        ("haproxy.conf.cfg", "global\n  maxconn 256\n", "HAProxy"),
        ("setup.cfg", "[metadata]\n", "INI"),
        ("KEYS.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", "Public Key"),
        ("guide.asc", "= Guide\n:toc:\n\nText.\n", "AsciiDoc"),
        ("x.bb", "SUMMARY = \"x\"\nLICENSE = \"MIT\"\ninherit cmake\n", "BitBake"),
        ("x.bb", "(ns script)\n(println 1)\n", "Clojure"),
        ("blur.frag", "uniform sampler2D t;\nvoid main() { }\n", "GLSL"),
        ("x.frag", "precision highp float;\n", "GLSL"),
        ("example.i", "%module example\n%{\n#include \"example.h\"\n%}\n", "SWIG"),
        (
            "Info.plist",
            "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict/></plist>\n",
            "XML Property List",
        ),
        ("old.plist", "{ key = value; }\n", "OpenStep Property List"),
        ("graph.plt", "set terminal png\nplot sin(x)\n", "Gnuplot"),
        ("app.properties", "a.b=c\n", "Java Properties"),
        (
            "Unlit.shader",
            "Shader \"Unlit/Color\" {\n  SubShader { }\n}\n",
            "ShaderLab",
        ),
        ("top.sls", "base:\n  '*':\n    - core\n", "Salt"),
        ("lib.sls", "(library (foo) (export f) (import (rnrs)))\n", "Scheme"),
        (
            "T.trigger",
            "trigger AccountTrigger on Account (before insert) {\n}\n",
            "Apex",
        ),
        ("me.vcf", "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", "vCard"),
        ("calls.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\n", "TSV"),
        (".eslintrc", "{ \"root\": true }\n", "JSON with Comments"),
        (".eslintrc", "root: true\n", "YAML"),
    ]);
}

#[test]
fn plain_text_names() {
    check(&[
        ("LICENSE-MIT", "MIT License\n", "Text"),
        ("LICENSE-APACHE", "Apache License\n", "Text"),
        ("LICENCE", "x\n", "Text"),
        ("COPYING.LESSER", "x\n", "Text"),
        ("sub/README", "Hello\n", "Text"),
        ("CHANGES", "1.0\n", "Text"),
        ("notice", "x\n", "Text"),
        // an extension or a shebang says otherwise
        ("LICENSE.md", "# License\n", "Markdown"),
        ("README.rst", "Title\n=====\n", "reStructuredText"),
        ("INSTALL.sh", "#!/bin/sh\n", "Shell"),
        ("TODO", "#!/usr/bin/env python3\n", "Python"),
    ]);
    for name in ["LICENSED", "READMEfile", "Licenses.py.bak", "NEWSLETTER"] {
        assert_eq!(lang(name, "x\n"), None, "{name}");
    }
}

#[test]
fn shebangs() {
    check(&[
        ("bin/tool", "#!/usr/bin/env python3\nprint(1)\n", "Python"),
        ("bin/tool", "#!/usr/bin/python2.7\n", "Python"),
        ("bin/tool", "#!/usr/bin/env python3.12\n", "Python"),
        ("bin/tool", "#!/bin/sh\nset -e\n", "Shell"),
        ("bin/tool", "#! /bin/bash -eu\n", "Shell"),
        (
            "bin/tool",
            "#!/usr/bin/env -S node --experimental-modules\n",
            "JavaScript",
        ),
        ("bin/tool", "#!/usr/bin/env VAR=1 ruby\n", "Ruby"),
        ("bin/tool", "#!/usr/local/bin/perl -w\n", "Perl"),
        ("bin/tool", "#!/usr/bin/env lua5.3\n", "Lua"),
        ("bin/tool", "#!/usr/bin/env php\n<?php\n", "PHP"),
        ("bin/tool", "#!/usr/bin/env rust-script\nfn main() {}\n", "Rust"),
        (
            "bin/tool",
            "#!/bin/sh\nexec scala \"$0\" \"$@\"\n!#\nobject A\n",
            "Scala",
        ),
        ("configure.local", "#!/bin/sh\n", "Shell"),
        ("tool.py", "#!/bin/sh\necho not python\n", "Python"),
    ]);
    assert_eq!(language_of(None, Some("#!/usr/bin/env python3\n")), Some("Python"));
    assert_eq!(lang("bin/tool", "#!/usr/bin/env no-such-interpreter\n"), None);
    assert_eq!(lang("bin/tool", "#!\n"), None);
    assert_eq!(lang("bin/tool", "echo hi\n"), None);
}

#[test]
fn modelines() {
    check(&[
        ("bin/tool", "# -*- mode: ruby -*-\nputs 1\n", "Ruby"),
        ("bin/tool", "; -*- Lisp -*-\n(defun f ())\n", "Common Lisp"),
        ("bin/tool", "/* -*- coding: utf-8; mode: c++; -*- */\n", "C++"),
        ("bin/tool", ";; -*- mode: emacs-lisp -*-\n", "Emacs Lisp"),
        ("bin/tool", "x = 1\n# vim: set ft=python:\n", "Python"),
        ("bin/tool", "# vim: ts=4 sw=4 filetype=sh\necho\n", "Shell"),
        ("bin/tool", "// vi: syntax=javascript\n", "JavaScript"),
        ("bin/tool", "x\n\n\n\n\n\n\n\n/* vim: set ft=cpp: */\n", "C++"),
        ("bin/tool", "# vim: ft=zsh\n", "Shell"),
    ]);
    // an encoding line names no mode; a modeline after the first and last
    // five lines is not read; "ex:" inside a word is no modeline
    assert_eq!(lang("bin/tool", "# -*- coding: utf-8 -*-\nx = 1\n"), None);
    let middle = format!("{}# vim: ft=python\n{}", "a\n".repeat(10), "b\n".repeat(10));
    assert_eq!(lang("bin/tool", &middle), None);
    assert_eq!(lang("bin/tool", "see index: ft=python\n"), None);
    // a modeline decides between the languages of an ambiguous extension
    assert_eq!(lang("a.m", "% vim: set ft=objc:\nfoo\n"), Some("Objective-C"));
    // a long file's last lines
    let long = format!("{}# vim: set ft=ruby:\n", "x = 1\n".repeat(2000));
    assert_eq!(lang("bin/tool", &long), Some("Ruby"));
    let long_unicode = format!("{}\n# vim: set ft=ruby:\n", "é".repeat(3000));
    assert_eq!(lang("bin/tool", &long_unicode), Some("Ruby"));
}

#[test]
fn tags() {
    let cases: &[(&[&str], Option<&str>)] = &[
        (&["python"], Some("Python")),
        (&["c++"], Some("C++")),
        (&["javascript", "jquery"], Some("JavaScript")),
        (&["rust", "lifetime"], Some("Rust")),
        (&["sql-server"], None),
        (&["sql-server", "sql"], Some("SQL")),
        (&["tsql"], Some("TSQL")),
        (&["Python", "Java"], Some("Python")),
        (&["pandas", "python-3.x"], Some("Python")),
        (&["java-8"], Some("Java")),
        (&["c++17", "templates"], Some("C++")),
        (&["c#", ".net"], Some("C#")),
        (&["objective-c", "ios"], Some("Objective-C")),
        (&["bash", "awk"], Some("Shell")),
        (&["html5", "canvas"], Some("HTML")),
        (&["css3"], Some("CSS")),
        (&["vb.net"], Some("Visual Basic .NET")),
        (&["visual-basic"], Some("Visual Basic .NET")),
        (&["latex"], Some("TeX")),
        (&["common-lisp"], Some("Common Lisp")),
        (&["go", "goroutine"], Some("Go")),
        (&["r", "ggplot2"], Some("R")),
        (&["json", "python"], Some("Python")),
        (&["regex", "perl"], Some("Perl")),
        (&["regex"], Some("Regular Expression")),
        (&["text", "email"], Some("Text")),
        (&["d3.js", "svg"], Some("SVG")),
        (&["x86", "qt5", "d3", "sha256", "utf8"], None),
        (&["ruby-on-rails", "ruby"], Some("Ruby")),
        (&[], None),
    ];
    for (tags, want) in cases {
        assert_eq!(language_from_tags(tags), *want, "{tags:?}");
    }
}

#[test]
fn names_and_aliases() {
    assert!(is_language("Rust"));
    assert!(is_language("rust"));
    assert!(is_language("C++"));
    assert!(is_language("cpp"));
    assert!(is_language("  python  "));
    assert!(!is_language("sql-server"));
    assert!(!is_language(""));
    assert_eq!(canonical_language("cpp"), Some("C++"));
    assert_eq!(canonical_language("SH"), Some("Shell"));
    assert_eq!(canonical_language("objc"), Some("Objective-C"));
    assert_eq!(canonical_language("protobuf"), Some("Protocol Buffer"));
    assert_eq!(canonical_language("Protocol Buffers"), Some("Protocol Buffer"));
    assert_eq!(canonical_language("emacs-lisp"), Some("Emacs Lisp"));
    assert_eq!(canonical_language("plain-text"), Some("Text"));
    assert_eq!(canonical_language("coq"), Some("Rocq Prover"));
    assert_eq!(canonical_language("no such language"), None);
    for name in languages() {
        assert_eq!(canonical_language(name), Some(name));
        assert_eq!(canonical_language(&name.to_uppercase()), Some(name), "{name}");
    }
}

/// Without content, an extension several languages claim gives the first
/// in the order of preference: the common language.
#[test]
fn defaults_without_content() {
    let cases = [
        ("a.h", "C"),
        ("a.m", "Objective-C"),
        ("a.pl", "Perl"),
        ("a.ts", "TypeScript"),
        ("a.r", "R"),
        ("a.md", "Markdown"),
        ("a.v", "Verilog"),
        ("a.sql", "SQL"),
        ("a.inc", "C++"),
        ("a.cls", "TeX"),
        ("a.fs", "F#"),
        ("a.d", "D"),
        ("a.json", "JSON"),
        ("a.yaml", "YAML"),
        ("a.txt", "Text"),
        ("a.s", "Unix Assembly"),
        ("a.asm", "Assembly"),
        ("a.cgi", "Python"),
        ("a.l", "Lex"),
        ("a.mm", "Objective-C++"),
        ("a.1", "Roff"),
        ("a.pro", "QMake"),
        ("a.properties", "Java Properties"),
        ("a.mojo", "Mojo"),
        ("a.typ", "Typst"),
        ("a.csl", "Kusto"),
    ];
    for (path, want) in cases {
        assert_eq!(language_of(Some(path), None), Some(want), "{path}");
    }
}

/// Large and odd inputs: no panic, the head is enough.
#[test]
fn large_and_odd_content() {
    let big = format!("#import <Foundation/Foundation.h>\n{}", "// é\n".repeat(40_000));
    assert_eq!(lang("a.h", &big), Some("Objective-C"));
    let late = format!("{}namespace x {{}}\n", "é".repeat(70_000));
    assert_eq!(lang("a.h", &late), Some("C"));
    assert_eq!(lang("a.h", "\u{feff}@interface X\n@end\n"), Some("Objective-C"));
    assert_eq!(lang("a.json", "\u{feff}  [1]"), Some("JSON"));
    for content in [
        "", "\n", "#!", "#!/", "-*-", "-*- -*-", "vim:", "vi: ft=", "\u{feff}", "é",
    ] {
        for path in [
            "a.h", "a.m", "a.pl", "a.sql", "a.inc", "a.cls", "a.fs", "a.v", "a.d", "x", "a.mod",
        ] {
            let _ = lang(path, content);
        }
    }
}
