//! The number lint: a computed result typed into prose goes stale the day the data or the
//! code changes, so every number a reader sees in a chapter must either come from a
//! generated include (`{{#include generated/chN/values.md:key}}`) or be a *setting* listed,
//! with its reason, in `tests/allowed-numbers.txt`.
//!
//! What is read, in every `src/*.md`:
//! - prose, headings, list items, hand-written table cells, image alt texts and link texts;
//! - maths (`$…$`, `$$…$$`), where a formula may use digits freely in four positions only:
//!   exponents and subscripts (`x^2`, `10^{-5}` counts as the literal `10^{-5}`, `x_{i}`),
//!   a coefficient written against what it multiplies (`2\,x`, `4\operatorname{var}`,
//!   `2(n - 1)`, `\frac2n`), and the bare integers 0, 1 and 2 (`1 - \eta\lambda`,
//!   `2/\lambda_{\max}`, `\mathcal N(0, 1)`). Any other number in maths is a result
//!   (`= 0.246`, `\frac{1}{100}`) and is checked like prose.
//!
//! What is not read: fenced code blocks, inline code, `{{#include}}`s, link and image targets,
//! HTML tags, ordered-list markers (`1. `), and references to the book's own parts
//! ("chapter 4", "chapters 6 and 7", "Figure 4.2", "exercise 2").
//!
//! Literals: a number is its digits with decimal points, thousands groups (narrow no-break
//! space, as the book writes them), an exponent (`1e-5`) and trailing superscripts (`10⁻⁵`).
//! Digits glued to a letter (`f64`, `ChaCha8`, `ch4`) are names, not numbers.
//!
//! An allowlist entry that no longer matches anything fails too, so the list stays a true
//! inventory of the settings each chapter states.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

const ALLOWLIST: &str = "tests/allowed-numbers.txt";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: String,
    line: usize,
    /// Byte offset in the line: orders a line's findings as they are read.
    col: usize,
    literal: String,
    context: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (file or `*`, literal) → reason.
fn allowlist() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(root().join(ALLOWLIST)).expect("tests/allowed-numbers.txt exists");
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
        assert!(
            parts.len() == 3 && !parts[0].is_empty() && !parts[1].is_empty() && !parts[2].is_empty(),
            "{ALLOWLIST}:{}: expected `file.md | literal | reason`, got `{line}`",
            i + 1
        );
        let key = (parts[0].to_string(), parts[1].to_string());
        assert!(out.insert(key, parts[2].to_string()).is_none(), "{ALLOWLIST}:{}: duplicate entry `{line}`", i + 1);
    }
    out
}

/// Blanks out (with spaces, keeping offsets) every match of `re` in `s`.
fn blank(s: &str, re: &Regex) -> String {
    let mut out = s.to_string();
    for m in re.find_iter(s) {
        out.replace_range(m.range(), &" ".repeat(m.len()));
    }
    out
}

/// Number words, for the results-in-words patterns of [`Lint::words`].
const NUMBER_WORDS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen";

/// What a ratio in words compares: "ten times *closer*", "half as *fast*".
const COMPARATIVES: &str = "larger|smaller|more|less|fewer|faster|slower|bigger|longer|shorter|higher|lower|greater|closer|further|farther|wider|narrower|steeper|flatter|better|worse|sooner|later|earlier|many|much|large|small|fast|slow|big|long|short|high|low|close|far|wide|narrow|steep|flat|often";

struct Lint {
    token: Regex,
    /// Results written in words: a vague count ("some two thousand"), a fraction
    /// ("a few millionths", "a ten-thousandth", "two thirds of"), an order of magnitude
    /// ("tens of times"), a ratio in words ("a hundred times larger", "ten times as long",
    /// "half as fast", "tenfold", "a factor of ten"), a count of digits or decades ("six
    /// significant digits", "three orders of magnitude") or a vague percentage ("a few per
    /// cent"). Each match is one literal, checked like a number.
    words: Vec<Regex>,
    refs: Regex,
    list_marker: Regex,
    strip: Vec<Regex>,
}

impl Lint {
    fn new() -> Self {
        Lint {
            token: Regex::new(r"\d+(?:\.\d+)*(?:[\x{202F}\x{00A0}]\d{3})*(?:\.\d+)?(?:e-?\d+)?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*").unwrap(),
            refs: Regex::new(
                r"(?i)\b(?:chapters?|figures?|exercises?|sections?)\s+\d+(?:\.\d+)?(?:\s*(?:,|and|or|to|–|-)\s*\d+(?:\.\d+)?)*",
            )
            .unwrap(),
            list_marker: Regex::new(r"^\s*\d+\.\s").unwrap(),
            words: [
                // "about one model" is a topic, not a count: a vague count ends on a word above one.
                format!(r"(?i)\b(?:a few|some|about|around|roughly|nearly|almost|several|a couple of)\s+(?:(?:a|{NUMBER_WORDS})[\s-]+)*(?:{})\b", &NUMBER_WORDS[4..]),
                format!(r"(?i)\b(?:(?:(?:a few|several|some|{NUMBER_WORDS})[\s-]+)?(?:tenths|hundredths|thousandths|millionths|billionths)|(?:a|one)\s+(?:(?:ten|hundred)[\s-]+)?(?:tenth|hundredth|thousandth|millionth|billionth))\b"),
                r"(?i)\b(?:tens|hundreds|thousands|millions|billions|dozens) of(?:\s+[a-z]+)?\b".to_string(),
                format!(r"(?i)\b(?:(?:a|{NUMBER_WORDS})\s+)*(?:{NUMBER_WORDS}|twice|thrice|half)\s+(?:times\s+(?:as\s+)?|as\s+)(?:{COMPARATIVES})\b"),
                format!(r"(?i)\b(?:(?:a|{NUMBER_WORDS})[\s-]+)*(?:{NUMBER_WORDS})-?fold\b"),
                r"(?i)\b(?:a|one|two|three|four)\s+(?:halves|thirds?|quarters?|fifths?)\s+of\b".to_string(),
                format!(r"(?i)\bfactor\s+of\s+(?:(?:a|an|{NUMBER_WORDS})\s+)*(?:{NUMBER_WORDS})\b"),
                format!(r"(?i)\b(?:a\s+)?(?:{NUMBER_WORDS})\s+(?:significant\s+)?(?:digits|decades|orders?\s+of\s+magnitude)\b"),
                r"(?i)\b(?:a few|several|some|many|tens of)\s+(?:per\s?cent|%)".to_string(),
            ]
            .iter()
            .map(|p| Regex::new(p).unwrap())
            .collect(),
            strip: vec![
                Regex::new(r"\{\{#[^}]*\}\}").unwrap(),
                Regex::new(r"`[^`]*`").unwrap(),
                Regex::new(r"\]\([^)]*\)").unwrap(),
                Regex::new(r"<[^>]*>").unwrap(),
            ],
        }
    }

    /// Splits a line into (is_maths, text) pieces; `in_display` and `in_inline` carry `$$…$$`
    /// and `$…$` across lines (inline maths may wrap within a paragraph).
    fn pieces(line: &str, in_display: &mut bool, in_inline: &mut bool) -> Vec<(bool, usize, String)> {
        let mut out = Vec::new();
        let mut rest = line;
        loop {
            if *in_display {
                match rest.find("$$") {
                    Some(k) => {
                        out.push((true, line.len() - rest.len(), rest[..k].to_string()));
                        rest = &rest[k + 2..];
                        *in_display = false;
                    }
                    None => {
                        out.push((true, line.len() - rest.len(), rest.to_string()));
                        return out;
                    }
                }
            } else if *in_inline {
                match rest.find('$') {
                    Some(k) => {
                        out.push((true, line.len() - rest.len(), rest[..k].to_string()));
                        rest = &rest[k + 1..];
                        *in_inline = false;
                    }
                    None => {
                        out.push((true, line.len() - rest.len(), rest.to_string()));
                        return out;
                    }
                }
            } else {
                match rest.find('$') {
                    Some(k) => {
                        out.push((false, line.len() - rest.len(), rest[..k].to_string()));
                        if rest[k..].starts_with("$$") {
                            *in_display = true;
                            rest = &rest[k + 2..];
                        } else {
                            *in_inline = true;
                            rest = &rest[k + 1..];
                        }
                    }
                    None => {
                        out.push((false, line.len() - rest.len(), rest.to_string()));
                        return out;
                    }
                }
            }
        }
    }

    /// Digit literals in a prose piece, with their offsets.
    fn prose_literals(&self, text: &str) -> Vec<(usize, String)> {
        let text = blank(text, &self.refs);
        self.token
            .find_iter(&text)
            .filter(|m| !glued(&text, m.start()))
            .map(|m| (m.start(), m.as_str().to_string()))
            .collect()
    }

    /// Results in words in a paragraph's prose (maths and code blanked), with their offsets:
    /// lower-cased, spaces and line breaks collapsed ("some two thousand"), so a phrase that
    /// wraps onto the next line is read whole.
    fn word_literals(&self, text: &str) -> Vec<(usize, String)> {
        let text = blank(text, &self.refs);
        let mut out = Vec::new();
        let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
        for re in &self.words {
            for m in re.find_iter(&text) {
                if taken.iter().any(|r| r.start < m.end() && m.start() < r.end) {
                    continue;
                }
                taken.push(m.range());
                let phrase = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                out.push((m.start(), phrase));
            }
        }
        out
    }

    /// Literals in a maths piece that are not part of a formula (see the module comment).
    fn maths_literals(&self, text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        // Which chars sit in an exponent or subscript.
        let mut script = vec![false; chars.len()];
        let mut stack: Vec<bool> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let inherited = stack.last().copied().unwrap_or(false);
            script[i] = inherited;
            match chars[i] {
                '^' | '_' if i + 1 < chars.len() => {
                    if chars[i + 1] == '{' {
                        script[i + 1] = true;
                        stack.push(true);
                        i += 2;
                        continue;
                    }
                    script[i + 1] = true;
                    i += 2;
                    continue;
                }
                '{' => stack.push(inherited),
                '}' => {
                    stack.pop();
                }
                _ => {}
            }
            i += 1;
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() || script[i] || (i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || (chars[j] == '.' && j + 1 < chars.len() && chars[j + 1].is_ascii_digit())) {
                j += 1;
            }
            let mut literal: String = chars[i..j].iter().collect();
            // A power of ten or another base with its exponent is one literal: 10^{-5}.
            let mut k = j;
            if k < chars.len() && chars[k] == '^' {
                let start = k;
                k += 1;
                if k < chars.len() && chars[k] == '{' {
                    while k < chars.len() && chars[k] != '}' {
                        k += 1;
                    }
                    k += 1;
                } else {
                    k += 1;
                }
                let k = k.min(chars.len());
                let script_text: String = chars[start..k].iter().collect();
                if literal != "0" && literal != "1" && literal != "2" || script_text.chars().any(|c| c.is_ascii_digit()) {
                    literal.push_str(&script_text);
                }
            }
            let next = chars.get(j).copied();
            let coefficient = matches!(next, Some(c) if c.is_alphabetic() || c == '\\' || c == '(');
            let constant = matches!(literal.as_str(), "0" | "1" | "2");
            if !coefficient && !constant {
                out.push(literal);
            }
            i = k.max(j);
        }
        out
    }

    fn file(&self, name: &str, text: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut in_fence = false;
        let mut in_display = false;
        let mut in_comment = false;
        let mut in_inline = false;
        // The paragraph's prose so far (maths blanked with `#`, which no phrase crosses), and
        // where each of its lines starts in it: results in words are read per paragraph.
        let mut para = String::new();
        let mut starts: Vec<(usize, usize, String)> = Vec::new();
        let flush = |para: &mut String, starts: &mut Vec<(usize, usize, String)>, findings: &mut Vec<Finding>| {
            for (at, literal) in self.word_literals(para) {
                let (start, line, context) = starts.iter().rev().find(|(s, _, _)| *s <= at).expect("a line holds it");
                findings.push(Finding { file: name.to_string(), line: *line, col: at - start, literal, context: context.clone() });
            }
            para.clear();
            starts.clear();
        };
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                // A paragraph ends: an unclosed `$` was a stray dollar, not maths.
                in_inline = false;
                flush(&mut para, &mut starts, &mut findings);
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") {
                in_fence = !in_fence;
                flush(&mut para, &mut starts, &mut findings);
                continue;
            }
            if in_fence {
                continue;
            }
            if in_comment || trimmed.starts_with("<!--") {
                in_comment = !line.contains("-->");
                flush(&mut para, &mut starts, &mut findings);
                continue;
            }
            let mut clean = line.to_string();
            for re in &self.strip {
                clean = blank(&clean, re);
            }
            if !in_display {
                clean = blank(&clean, &self.list_marker);
            }
            let context: String = line.trim().chars().take(110).collect();
            let mut prose = clean.clone();
            for (maths, at, piece) in Self::pieces(&clean, &mut in_display, &mut in_inline) {
                let literals = if maths {
                    prose.replace_range(at..at + piece.len(), &"#".repeat(piece.len()));
                    self.maths_literals(&piece).into_iter().map(|l| (at, l)).collect()
                } else {
                    self.prose_literals(&piece).into_iter().map(|(k, l)| (at + k, l)).collect::<Vec<_>>()
                };
                for (col, literal) in literals {
                    findings.push(Finding { file: name.to_string(), line: n + 1, col, literal, context: context.clone() });
                }
            }
            starts.push((para.len(), n + 1, context));
            para.push_str(&prose.replace('$', "#"));
            para.push('\n');
        }
        flush(&mut para, &mut starts, &mut findings);
        findings.sort();
        findings
    }
}

/// True when the digit at `at` continues a word (`f64`, `ChaCha8`, `x2`) or a number.
fn glued(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-' && text[..at].ends_with("e-"))
}

fn chapters() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn no_typed_numbers_in_prose() {
    let allowed = allowlist();
    let lint = Lint::new();
    let mut used = BTreeSet::new();
    let mut bad = Vec::new();
    for (name, text) in chapters() {
        for f in lint.file(&name, &text) {
            let exact = (f.file.clone(), f.literal.clone());
            let anywhere = ("*".to_string(), f.literal.clone());
            if allowed.contains_key(&exact) {
                used.insert(exact);
            } else if allowed.contains_key(&anywhere) {
                used.insert(anywhere);
            } else {
                bad.push(f);
            }
        }
    }
    let report: Vec<String> =
        bad.iter().map(|f| format!("src/{}:{}: `{}` in: {}", f.file, f.line, f.literal, f.context)).collect();
    assert!(
        bad.is_empty(),
        "{} typed number(s) in prose: quote them from a generated values.md, word them so they cannot go stale, \
         or, if they are settings, list them in {ALLOWLIST} with the reason:\n{}",
        bad.len(),
        report.join("\n")
    );
    let stale: Vec<String> = allowed
        .keys()
        .filter(|k| !used.contains(*k))
        .map(|(f, l)| format!("{f} | {l}"))
        .collect();
    assert!(stale.is_empty(), "allowlist entries that match nothing (remove them):\n{}", stale.join("\n"));
}

#[test]
fn the_lint_catches_what_it_should() {
    let lint = Lint::new();
    let lits = |s: &str| lint.file("t.md", s).into_iter().map(|f| f.literal).collect::<Vec<_>>();
    // Results typed into prose or maths are caught.
    assert_eq!(lits("the condition number is 13 208 here"), ["13", "208"]);
    assert_eq!(lits("it needs 5\u{202F}610\u{202F}000 steps"), ["5\u{202F}610\u{202F}000"]);
    assert_eq!(lits(r"with $\lambda_{\min} = 0.246$ and $\kappa \approx 2.7$"), ["0.246", "2.7"]);
    assert_eq!(lits(r"$\frac{1}{100}\sum_i i^2$"), ["100"]);
    assert_eq!(lits(r"a rate of $10^{-5}$, or 10⁻⁵, or 1e-5"), ["10^{-5}", "10⁻⁵", "1e-5"]);
    // Formulas, names, references, code and includes are not.
    assert!(lits(r"$H = \frac2n \sum_i x_i^2$, $2\,x$, $4\operatorname{var}(x)$, $1 - \eta\lambda$, $\mathcal N(0, 1)$").is_empty());
    assert!(lits("f64, ChaCha8, ch4, m², €² and chapter 4, chapters 6 and 7, Figure 4.2, exercise 2").is_empty());
    assert!(lits("`x = 42` and {{#include generated/ch4/values.md:kappa}} and [a](ch04.md#x-2)").is_empty());
    assert!(lits("```text\n5 610 000\n```\n1. an item").is_empty());
    assert!(lits("so $\\partial L/\\partial b\n= -2(\\bar y - b)$ is zero").is_empty());
    assert!(lits("$$\nH = \\frac2n \\begin{pmatrix} 1 & 0 \\end{pmatrix}\n$$").is_empty());
    assert_eq!(lits("$$\n\\kappa = 13208\n$$"), ["13208"]);
    // Results in words are caught as phrases, whatever their case and line-wrapping spaces.
    assert_eq!(lits("a fraction per epoch — a few millionths."), ["a few millionths"]);
    assert_eq!(lits("Some two  thousand page faults"), ["some two thousand"]);
    assert_eq!(lits("tens of times larger, hundreds of steps"), ["tens of times", "hundreds of steps"]);
    assert_eq!(lits("a hundred times larger, twice as many digits"), ["a hundred times larger", "twice as many"]);
    assert_eq!(lits("about ten steps, a thousandth of it"), ["about ten", "a thousandth"]);
    assert_eq!(lits("a hundred times closer, ten times as long, half as fast"), ["a hundred times closer", "ten times as long", "half as fast"]);
    assert_eq!(lits("grows tenfold, a million-fold, by a factor of ten"), ["tenfold", "a million-fold", "factor of ten"]);
    assert_eq!(lits("a ten-thousandth of a euro, two thirds of the steps"), ["a ten-thousandth", "two thirds of"]);
    assert_eq!(lits("agree to six significant digits, three orders of magnitude"), ["six significant digits", "three orders of magnitude"]);
    assert_eq!(lits("it costs a few per cent"), ["a few per cent"]);
    // A phrase is read whole when it wraps onto the next line, not across maths or paragraphs.
    assert_eq!(lits("reach it to six\ndigits, some two\nthousand times"), ["six digits", "some two thousand"]);
    assert_eq!(lits("tens of 13 $x$ and 2.5"), ["tens of", "13", "2.5"]);
    assert!(lits("about $x$ ten\n\nthousand").is_empty());
    // Counting words that state no result are not: one step, two parameters, the first.
    assert!(lits("one step, two parameters, three types, the first, once, the tenth row").is_empty());
    assert!(lits("This book is about one model").is_empty());
    assert!(lits("a fifth solver, the second half of the run, by orders of magnitude, many digits").is_empty());
}

/// Generated tables read like the prose: 2.4 × 10⁻¹⁵, not the programmer's 2.4e-15
/// (`report::fmt_sci`). values.md is left out: its `*_message` entries quote what a
/// binary prints on a terminal.
#[test]
fn generated_tables_have_no_e_notation() {
    let e_notation = Regex::new(r"\b\d+(\.\d+)?e-?\d+\b").unwrap();
    let mut bad = Vec::new();
    let mut tables = 0;
    let mut dirs = vec![root().join("src/generated")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") && path.file_name().unwrap() != "values.md" {
                tables += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                bad.extend(e_notation.find_iter(&text).map(|m| format!("{}: {}", path.display(), m.as_str())));
            }
        }
    }
    assert!(tables >= 10, "tables found: {tables}");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
