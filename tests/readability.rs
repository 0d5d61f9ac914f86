//! The readability check (issue 20): the main line of the book — the introduction, the
//! chapters and the closing page — is measured as the reader sees it, with every
//! `{{#include}}` resolved, so a number included from a generated file counts like a typed
//! one. Appendices, "How to run the code" and "Notation" are reference pages and exempt.
//!
//! Per page, over its *prose*:
//! - the share of sentences that carry three or more numbers (limit `MAX_DENSE_SHARE`);
//! - numbers per 100 words (limit `MAX_NUMBERS_PER_100`);
//! - the longest run of prose words with no figure or widget between them
//!   (limit `MAX_RUN_WITHOUT_FIGURE`);
//! - and, on the introduction, the prose words before its first figure (limit `INTRO_FIRST_FIGURE`).
//!
//! The reasons for each limit are in CONTRIBUTING.md ("Readability").
//!
//! **Prose** is the text of paragraphs, list items and block quotes (including the
//! answer box and other `<div>`s that hold paragraphs). Not prose: headings, tables, code
//! (fenced blocks and inline code), display maths, figures and their captions, widgets,
//! HTML comments, and exercise solutions (collapsed `<details>` blocks: the reader opens
//! them after working an exercise, and an answer is naturally a number).
//!
//! **A number** is a numeric literal the reader sees in prose or in inline maths: "5 160 000"
//! and "2.245 × 10⁻⁴" count once each. Not numbers: references to the book's parts
//! ("chapter 4", "Figure 4.2", "exercise 2"), digits glued to a name (`f64`, ChaCha8, m²'s
//! superscript), and, in maths, exponents and subscripts, coefficients written against what
//! they multiply (`2\,x`, `\frac2n`) and the bare 0, 1 and 2 of a formula (`1 - \eta\lambda`).
//! The same conventions as the number lint (`tests/numbers.rs`).
//!
//! **A sentence** ends at `.`, `!`, `?` (or `:`) followed by a space and a capital letter,
//! a quote or a maths span, and at the end of a paragraph or list item. **A word** is a
//! whitespace-separated token; an inline maths span counts as one word.
//!
//! Pages in `PENDING` are being rewritten (issue 20): their failures are reported, not
//! failed. Remove a page from the list when it passes; the test says when one does.

use std::path::Path;

use regex::Regex;

/// At most this share of a page's prose sentences carries three or more numbers.
const MAX_DENSE_SHARE: f64 = 0.08;
/// At most this many numbers per 100 words of prose.
const MAX_NUMBERS_PER_100: f64 = 3.5;
/// At most this many prose words in a row without a figure or widget.
const MAX_RUN_WITHOUT_FIGURE: usize = 700;
/// The introduction shows its first figure within this many prose words.
const INTRO_FIRST_FIGURE: usize = 250;

/// Pages that do not pass yet, one per line (each owner removes theirs when it passes).
const PENDING: &[&str] = &[
];

/// Pages of SUMMARY.md that are not on the main line (besides the appendices).
const EXEMPT: &[&str] = &["running.md", "notation.md"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The page's markdown with every `{{#include}}` / `{{#rustdoc_include}}` resolved, as
/// mdBook does (paths relative to the including file, `:anchor` between ANCHOR lines).
fn resolve_includes(dir: &Path, text: &str, depth: usize) -> String {
    assert!(depth < 10, "includes nested too deep");
    let include = Regex::new(r"\{\{#(?:rustdoc_)?include\s+([^}:\s]+)(?::([A-Za-z_][\w-]*))?\s*\}\}").unwrap();
    let mut out = String::new();
    let mut last = 0;
    for cap in include.captures_iter(text) {
        let m = cap.get(0).unwrap();
        out.push_str(&text[last..m.start()]);
        last = m.end();
        let path = dir.join(&cap[1]);
        let body = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("include {} resolves", path.display()));
        let body = match cap.get(2) {
            Some(anchor) if !anchor.as_str().chars().all(|c| c.is_ascii_digit()) => {
                let start = Regex::new(&format!(r"ANCHOR:\s*{}\b", regex::escape(anchor.as_str()))).unwrap();
                let end = Regex::new(&format!(r"ANCHOR_END:\s*{}\b", regex::escape(anchor.as_str()))).unwrap();
                body.lines()
                    .skip_while(|l| !start.is_match(l))
                    .skip(1)
                    .take_while(|l| !end.is_match(l))
                    .filter(|l| !l.contains("ANCHOR"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            _ => body.trim_end_matches('\n').to_string(),
        };
        let inner_dir = path.parent().unwrap().to_path_buf();
        out.push_str(&resolve_includes(&inner_dir, &body, depth + 1));
    }
    out.push_str(&text[last..]);
    out
}

/// What a page is made of, in reading order.
#[derive(Debug)]
enum Block {
    /// A paragraph, list item or quote: its text, markdown and maths kept.
    Prose(String),
    /// A figure or a widget.
    Visual,
}

/// Splits rendered markdown into prose blocks and visuals; everything else is dropped.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para = String::new();
    let flush = |para: &mut String, out: &mut Vec<Block>| {
        if !para.trim().is_empty() {
            out.push(Block::Prose(std::mem::take(para)));
        }
        para.clear();
    };
    let list_item = Regex::new(r"^\s*(?:[-*+]|\d+\.)\s+").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    // Skips to the line that contains `end` (inclusive); returns the next index.
    let skip_to = |from: usize, end: &str| -> usize {
        let mut j = from;
        while j < lines.len() && !lines[j].contains(end) {
            j += 1;
        }
        j + 1
    };
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if t.starts_with("```") {
            flush(&mut para, &mut out);
            let mut j = i + 1;
            while j < lines.len() && !lines[j].trim().starts_with("```") {
                j += 1;
            }
            i = j + 1;
        } else if t.starts_with("$$") {
            flush(&mut para, &mut out);
            i = if t.strip_prefix("$$").is_some_and(|rest| rest.contains("$$")) { i + 1 } else { skip_to(i + 1, "$$") };
        } else if t.starts_with("<!--") {
            flush(&mut para, &mut out);
            i = if t.contains("-->") { i + 1 } else { skip_to(i + 1, "-->") };
        } else if t.starts_with("<figure") {
            flush(&mut para, &mut out);
            out.push(Block::Visual);
            i = skip_to(i, "</figure>");
        } else if t.starts_with("<div class=\"gd-widget\"") {
            flush(&mut para, &mut out);
            out.push(Block::Visual);
            // The widget's div holds a script and a fallback paragraph; it closes at column 0.
            let mut j = i + 1;
            while j < lines.len() && lines[j] != "</div>" {
                j += 1;
            }
            i = j + 1;
        } else if t.starts_with("<details") {
            flush(&mut para, &mut out);
            i = skip_to(i, "</details>");
        } else if t.starts_with('<') || t.starts_with('#') || t.starts_with('|') || t.is_empty() {
            // HTML lines, headings, table rows and blank lines end a paragraph.
            flush(&mut para, &mut out);
            i += 1;
        } else {
            let t = t.trim_start_matches('>').trim_start();
            if list_item.is_match(t) {
                flush(&mut para, &mut out);
            }
            let t = list_item.replace(t, "");
            para.push_str(&t);
            para.push(' ');
            i += 1;
        }
    }
    flush(&mut para, &mut out);
    out
}

/// One prose block's pieces: (is inline maths, text).
fn pieces(block: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut maths = false;
    let mut cur = String::new();
    for c in block.chars() {
        if c == '$' {
            out.push((maths, std::mem::take(&mut cur)));
            maths = !maths;
        } else {
            cur.push(c);
        }
    }
    out.push((maths, cur));
    out.retain(|(_, s)| !s.is_empty());
    out
}

struct Counter {
    prose_number: Regex,
    refs: Regex,
    strip: Vec<Regex>,
    maths_script: Regex,
    maths_number: Regex,
    sentence_end: Regex,
}

impl Counter {
    fn new() -> Self {
        let sep = r"[ \x{202F}\x{00A0}]";
        Counter {
            // Digits, decimal part, groups of three, an optional "× 10⁻⁴" or "e-5".
            prose_number: Regex::new(&format!(
                r"\d+(?:{sep}\d{{3}})*(?:[.,]\d+)?(?:e-?\d+)?[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*(?:{sep}?×{sep}?10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)?"
            ))
            .unwrap(),
            refs: Regex::new(
                r"(?i)\b(?:chapters?|figures?|exercises?|sections?|appendix|appendices|issue)\s+\d+(?:\.\d+)?(?:\s*(?:,|and|or|to|–|-)\s*\d+(?:\.\d+)?)*",
            )
            .unwrap(),
            strip: vec![
                Regex::new(r"`[^`]*`").unwrap(),   // inline code
                Regex::new(r"\]\([^)]*\)").unwrap(), // link targets
                Regex::new(r"<[^>]*>").unwrap(),    // HTML tags
            ],
            maths_script: Regex::new(r"[\^_](?:\{[^{}]*\}|\\[A-Za-z]+|.)").unwrap(),
            maths_number: Regex::new(r"\d+(?:\.\d+)?(?:\s*\\times\s*10)?").unwrap(),
            sentence_end: Regex::new(r#"[.!?:]\s+["“*_(\[$]*[A-Z$“"]"#).unwrap(),
        }
    }

    fn prose_numbers(&self, text: &str) -> usize {
        let mut t = text.to_string();
        for re in &self.strip {
            t = re.replace_all(&t, " ").into_owned();
        }
        let t = self.refs.replace_all(&t, " ");
        self.prose_number
            .find_iter(&t)
            .filter(|m| !t[..m.start()].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.'))
            .count()
    }

    fn maths_numbers(&self, tex: &str) -> usize {
        let t = self.maths_script.replace_all(tex, " ");
        self.maths_number
            .find_iter(&t)
            .filter(|m| {
                let before = t[..m.start()].chars().next_back();
                let after = t[m.end()..].chars().next();
                let glued = before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
                let coefficient = after.is_some_and(|c| c.is_alphabetic() || c == '\\' || c == '(');
                let constant = matches!(m.as_str(), "0" | "1" | "2");
                !glued && !coefficient && !constant
            })
            .count()
    }

    fn words(&self, text: &str) -> usize {
        let mut t = text.to_string();
        for re in &self.strip[1..] {
            t = re.replace_all(&t, " ").into_owned();
        }
        t.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
    }

    /// A prose block's sentences, each as (words, numbers).
    fn sentences(&self, block: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let (mut words, mut numbers) = (0, 0);
        for (maths, text) in pieces(block) {
            if maths {
                words += 1;
                numbers += self.maths_numbers(&text);
                continue;
            }
            let mut last = 0;
            for m in self.sentence_end.find_iter(&text) {
                let piece = &text[last..m.start() + 1];
                words += self.words(piece);
                numbers += self.prose_numbers(piece);
                out.push((words, numbers));
                (words, numbers) = (0, 0);
                last = m.start() + 1;
            }
            words += self.words(&text[last..]);
            numbers += self.prose_numbers(&text[last..]);
            // A sentence that ends just before a maths span ("… left. $x$ is …").
            let tail = text.trim_end();
            if tail.len() < text.len() && tail.ends_with(['.', '!', '?']) && words > 0 {
                out.push((words, numbers));
                (words, numbers) = (0, 0);
            }
        }
        if words > 0 {
            out.push((words, numbers));
        }
        out
    }
}

#[derive(Debug, Default)]
struct Measures {
    words: usize,
    sentences: usize,
    dense: usize,
    numbers: usize,
    visuals: usize,
    longest_run: usize,
    words_before_first_visual: Option<usize>,
}

impl Measures {
    fn dense_share(&self) -> f64 {
        self.dense as f64 / self.sentences.max(1) as f64
    }
    fn per_100(&self) -> f64 {
        100.0 * self.numbers as f64 / self.words.max(1) as f64
    }
    /// What fails, in words.
    fn failures(&self, intro: bool) -> Vec<String> {
        let mut f = Vec::new();
        if self.dense_share() > MAX_DENSE_SHARE {
            f.push(format!(
                "{:.1} % of sentences carry ≥ 3 numbers (limit {:.0} %)",
                100.0 * self.dense_share(),
                100.0 * MAX_DENSE_SHARE
            ));
        }
        if self.per_100() > MAX_NUMBERS_PER_100 {
            f.push(format!("{:.2} numbers per 100 words (limit {MAX_NUMBERS_PER_100})", self.per_100()));
        }
        if self.longest_run > MAX_RUN_WITHOUT_FIGURE {
            f.push(format!("{} words without a figure (limit {MAX_RUN_WITHOUT_FIGURE})", self.longest_run));
        }
        if intro {
            match self.words_before_first_visual {
                Some(w) if w <= INTRO_FIRST_FIGURE => {}
                Some(w) => f.push(format!("first figure after {w} words (limit {INTRO_FIRST_FIGURE})")),
                None => f.push("no figure".into()),
            }
        }
        f
    }
}

fn measure(counter: &Counter, markdown: &str) -> Measures {
    let mut m = Measures::default();
    let mut run = 0;
    for block in blocks(markdown) {
        match block {
            Block::Visual => {
                m.visuals += 1;
                m.words_before_first_visual.get_or_insert(m.words);
                run = 0;
            }
            Block::Prose(text) => {
                for (words, numbers) in counter.sentences(&text) {
                    m.words += words;
                    m.numbers += numbers;
                    m.sentences += 1;
                    m.dense += usize::from(numbers >= 3);
                    run += words;
                    m.longest_run = m.longest_run.max(run);
                }
            }
        }
    }
    m
}

/// The main-line pages, in SUMMARY order.
fn main_line() -> Vec<String> {
    let summary = std::fs::read_to_string(root().join("src/SUMMARY.md")).unwrap();
    let link = Regex::new(r"\]\(([^)]+\.md)\)").unwrap();
    summary
        .lines()
        .filter(|l| !l.trim_start().starts_with("[Appendix"))
        .filter_map(|l| link.captures(l).map(|c| c[1].to_string()))
        .filter(|f| !EXEMPT.contains(&f.as_str()))
        .collect()
}

fn page_measures(file: &str) -> Measures {
    let src = root().join("src");
    let text = std::fs::read_to_string(src.join(file)).unwrap();
    measure(&Counter::new(), &resolve_includes(&src, &text, 0))
}

#[test]
fn main_line_pages_are_readable() {
    let pages = main_line();
    assert!(pages.iter().any(|p| p == "introduction.md") && pages.iter().filter(|p| p.starts_with("ch")).count() >= 10);
    for p in PENDING {
        assert!(pages.iter().any(|q| q == p), "PENDING names {p}, which is not a main-line page");
    }
    let mut table = vec![format!(
        "{:<28} {:>6} {:>5} {:>7} {:>8} {:>4} {:>6} {:>6}  {}",
        "page", "words", "sent.", "≥3 num", "num/100", "fig", "run", "1st fig", "verdict"
    )];
    let mut failing = Vec::new();
    let mut passing_pending = Vec::new();
    for page in &pages {
        let m = page_measures(page);
        let fails = m.failures(page == "introduction.md");
        let pending = PENDING.contains(&page.as_str());
        let verdict = match (fails.is_empty(), pending) {
            (true, false) => "ok".to_string(),
            (true, true) => {
                passing_pending.push(page.clone());
                "ok — remove from PENDING".to_string()
            }
            (false, true) => format!("PENDING: {}", fails.join("; ")),
            (false, false) => {
                failing.push(format!("{page}: {}", fails.join("; ")));
                format!("FAIL: {}", fails.join("; "))
            }
        };
        table.push(format!(
            "{:<28} {:>6} {:>5} {:>6.1}% {:>8.2} {:>4} {:>6} {:>6}  {}",
            page,
            m.words,
            m.sentences,
            100.0 * m.dense_share(),
            m.per_100(),
            m.visuals,
            m.longest_run,
            m.words_before_first_visual.map_or("—".to_string(), |w| w.to_string()),
            verdict
        ));
    }
    let table = table.join("\n");
    // Shown with `cargo test --test readability -- --nocapture`, and in any failure.
    println!("{table}");
    if !passing_pending.is_empty() {
        println!("\nThese PENDING pages pass now; remove them from PENDING in tests/readability.rs: {passing_pending:?}");
    }
    assert!(
        failing.is_empty(),
        "readability limits broken (CONTRIBUTING.md, \"Readability\"): numbers belong in tables and figures, \
         prose carries one or two per sentence, and a figure comes every few hundred words.\n{}\n\n{table}",
        failing.join("\n")
    );
}

#[test]
fn the_measures_count_what_they_should() {
    let c = Counter::new();
    // Numbers: groups, scientific notation and inline maths count once; references,
    // names, code, exponents and formula constants do not.
    assert_eq!(c.prose_numbers("it needs 5\u{202F}160\u{202F}000 steps, or 2.245 × 10⁻⁴ per step"), 2);
    assert_eq!(c.prose_numbers("chapter 4, Figures 4.2 and 4.3, exercise 2, f64, ChaCha8, m², `lr = 1e-5`"), 0);
    assert_eq!(c.prose_numbers("[chapter 5](ch05-standardization.md#x-2) says 3398"), 1);
    assert_eq!(c.maths_numbers(r"\lambda_{\max} = 8908 \approx 2\,\overline{x^2} = 8906"), 2);
    assert_eq!(c.maths_numbers(r"1 - \eta\lambda, \frac2n \sum_i x_i^2, 10^{-5}"), 1);
    assert_eq!(c.maths_numbers(r"2.245 \times 10^{-4}"), 1);
    // Sentences split at a full stop before a capital, not inside a decimal.
    let s = c.sentences("The slope is 32.62 and the intercept 151.0, with 8452 €² left. It took 200 steps.");
    assert_eq!(s, vec![(12, 3), (4, 1)]);
    let s = c.sentences("Here $\\lambda = 0.246$ and $\\eta = 10^{-5}$: Both small.");
    assert_eq!(s.iter().map(|x| x.1).collect::<Vec<_>>(), [2, 0]);
    // Blocks: code, tables, display maths, figures' captions, solutions are not prose.
    let page = "Intro words here.\n\n```rust\nlet x = 1234;\n```\n\n| a | 1 |\n|---|---|\n\n$$\nx = 99\n$$\n\n\
                <figure id=\"fig-1-1\">\n\n[![alt with 12 words](a.svg)](a.svg)\n\n<figcaption>\n\n**Figure 1.1** — 5 6 7\n\n\
                </figcaption>\n</figure>\n\n- one item with 42\n- another item\n\n<details>\n<summary>Solutions</summary>\n\n\
                1. 77 88 99\n\n</details>\n";
    let m = measure(&c, page);
    assert_eq!((m.words, m.sentences, m.numbers, m.visuals), (9, 3, 1, 1));
    assert_eq!((m.longest_run, m.words_before_first_visual), (6, Some(3)));
}
