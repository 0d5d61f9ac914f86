//! Line breaks a reader should never meet, removed before mdBook renders a page: between a
//! formula and the punctuation glued to it ("$n$)" broke as "n⏎)", "$b$’s" as "b⏎’s"),
//! between a formula that ends in "=" and the number after it ("$a =$ 0.6819" broke as
//! "a =⏎0.6819"), and inside a command-line flag in inline code ("--⏎epochs", "-⏎-y").
//!
//! Runs after KaTeX (it sees each formula as `<data class="katex-src" …>…</data>`) and
//! wraps such pairs in `<span class="gd-nobr">` (`white-space: nowrap`, theme/layout.css).
//! The plain `mdbook` CLI does without it: the book reads the same, only breaks differ.

use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::{Captures, Regex};

/// Registered by [`crate::load`] under this name; it runs last, after `katex`.
pub struct KeepTogether;

impl Preprocessor for KeepTogether {
    fn name(&self) -> &str {
        "gd-keep-together"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> mdbook_driver::errors::Result<Book> {
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                chapter.content = keep_together(&chapter.content);
            }
        });
        Ok(book)
    }
}

/// The page's markdown with unbreakable pairs wrapped (see the module's doc).
pub fn keep_together(md: &str) -> String {
    flags_in_code(&formulas(md))
}

fn formulas(md: &str) -> String {
    // What follows a formula: glued punctuation or letters ("’s", ").", "-fold"), or a
    // space and a word. Never markdown's own marks (`*`, `_`, `[`, `]`, a backtick): a span
    // across an emphasis or a link would not be closed inside it.
    let formula = Regex::new(
        r#"(<data class="katex-src" value="((?:[^"\\]|\\.)*)">.*?</data>)([^\s<*_`\[\]]+|[ \u{a0}][^\s<*_`\[\]]+)?"#,
    )
    .expect("a fixed pattern");
    formula
        .replace_all(md, |c: &Captures| {
            let (whole, tex) = (&c[1], c[2].trim_end());
            let Some(after) = c.get(3).map(|m| m.as_str()) else { return whole.to_string() };
            let relation = ["=", r"\approx", "<", ">", r"\le", r"\ge", r"\ne", r"\leq", r"\geq", "&lt;", "&gt;"]
                .iter()
                .any(|r| tex.ends_with(r));
            let glued = !after.starts_with([' ', '\u{a0}']);
            // Display maths stands alone; only inline formulas are kept with their neighbour.
            if whole.contains("katex-display") || !(glued || relation) {
                return format!("{whole}{after}");
            }
            format!(r#"<span class="gd-nobr">{whole}{after}</span>"#)
        })
        .into_owned()
}

/// Inline code that holds a flag (`--epochs N`): rewritten as HTML `<code>` with each flag
/// in a no-break span. Code blocks are left alone (they keep their own lines).
fn flags_in_code(md: &str) -> String {
    use mdbook_markdown::pulldown_cmark::{Event, Options, Parser};
    let flag = Regex::new(r"(^|[\s(\[,])(--?[A-Za-z][A-Za-z0-9_-]*)").expect("a fixed pattern");
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(md, options).into_offset_iter() {
        if let Event::Code(code) = event {
            if !flag.is_match(&code) {
                continue;
            }
            // `|` as an entity: in a table cell a bare one would end the cell. `-` too: the text
            // between raw HTML tags is still markdown text, and smart punctuation would turn
            // `--bin` into `–bin`, a command that no longer runs when pasted.
            let escaped = code.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "&#124;");
            let html = flag.replace_all(&escaped, r#"$1<span class="gd-nobr">$2</span>"#);
            let html = dashes_as_entities(&html);
            edits.push((range, format!("<code>{html}</code>")));
        }
    }
    let mut out = md.to_string();
    for (range, html) in edits.into_iter().rev() {
        out.replace_range(range, &html);
    }
    out
}

/// Every `-` outside the HTML tags as `&#45;`.
fn dashes_as_entities(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        if c == '-' && !in_tag { out.push_str("&#45;") } else { out.push(c) }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::keep_together;

    fn f(tex: &str) -> String {
        format!(r#"<data class="katex-src" value="{tex}"><span class="katex">…</span></data>"#)
    }

    #[test]
    fn formulas_keep_their_number_and_punctuation() {
        let md = format!("the fit ({} 0.6819, {}’s move) and {} then", f("a ="), f("b"), f("w"));
        let out = keep_together(&md);
        assert!(out.contains(&format!(r#"<span class="gd-nobr">{} 0.6819,</span>"#, f("a ="))), "{out}");
        assert!(out.contains(&format!(r#"<span class="gd-nobr">{}’s</span>"#, f("b"))), "{out}");
        assert!(out.contains(&format!("{} then", f("w"))) && !out.contains(&format!(r#"nobr">{} then"#, f("w"))), "{out}");
    }

    #[test]
    fn flags_in_inline_code_do_not_break() {
        let out = keep_together("Use `--lr η, --epochs N` or `--x COL`; `a-b` stays.\n\n```console\n--keep\n```\n");
        assert!(
            out.contains(r#"<code><span class="gd-nobr">&#45;&#45;lr</span> η, <span class="gd-nobr">&#45;&#45;epochs</span> N</code>"#),
            "{out}"
        );
        assert!(out.contains("`a-b`") && out.contains("```console\n--keep\n```"), "{out}");
    }
}
