//! Figures for every screen: each figure is drawn twice by the same code (`linreg::plot::Frame`),
//! `name.svg` for the desktop column and `name-narrow.svg` for a phone. The chapters keep the
//! plain markdown figure block, `[![alt](name.svg)](name.svg)`; this preprocessor turns it
//! into a `<picture>` that serves the narrow file on narrow screens, and the link still
//! opens the full-size (desktop) SVG.

use std::path::Path;

use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// Below this viewport width the desktop figure would be shown under 11 px text (its
/// 12.1-unit text at 727 of its 800 px): the phone figure is served instead.
pub const NARROW_MEDIA: &str = "(max-width: 800px)";

pub struct FigurePictures;

impl Preprocessor for FigurePictures {
    fn name(&self) -> &str {
        "figure-pictures"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src = ctx.root.join(&ctx.config.book.src);
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                let dir = chapter.path.as_ref().and_then(|p| p.parent()).map(|p| src.join(p)).unwrap_or_else(|| src.clone());
                chapter.content = pictures(&chapter.content, &dir);
            }
        });
        Ok(book)
    }
}

/// `content` with every figure line `[![alt](x.svg)](x.svg)` whose `x-narrow.svg` exists
/// under `dir` written as a `<picture>` (same alt, same link, same desktop `src`).
pub fn pictures(content: &str, dir: &Path) -> String {
    let mut out = String::with_capacity(content.len());
    for line in content.split_inclusive('\n') {
        out.push_str(&picture(line.trim_end()).filter(|(_, narrow, _)| dir.join(narrow).is_file()).map_or_else(
            || line.to_string(),
            |(html, _, _)| format!("{html}{}", &line[line.trim_end().len()..]),
        ));
    }
    out
}

/// The `<picture>` for one figure line, with the narrow file's path; `None` for any other line.
fn picture(line: &str) -> Option<(String, String, String)> {
    let inner = line.strip_prefix("[![")?.strip_suffix(')')?;
    let (image, href) = inner.rsplit_once("](")?;
    let (alt, src) = image.strip_suffix(')')?.rsplit_once("](")?;
    let stem = src.strip_suffix(".svg")?;
    let narrow = format!("{stem}-narrow.svg");
    let html = format!(
        "<a href=\"{href}\"><picture><source media=\"{NARROW_MEDIA}\" srcset=\"{narrow}\"><img src=\"{src}\" alt=\"{}\"></picture></a>",
        escape(alt)
    );
    Some((html, narrow, src.to_string()))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_line_becomes_a_picture_only_when_its_phone_twin_exists() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("g")).unwrap();
        std::fs::write(dir.path().join("g/a-narrow.svg"), "<svg/>").unwrap();
        let md = "<figure id=\"fig-1-1\">\n\n[![A \"big\" (m²) plot](g/a.svg)](g/a.svg)\n\n[![b](g/b.svg)](g/b.svg)\n";
        let out = pictures(md, dir.path());
        assert_eq!(
            out,
            "<figure id=\"fig-1-1\">\n\n<a href=\"g/a.svg\"><picture><source media=\"(max-width: 800px)\" \
             srcset=\"g/a-narrow.svg\"><img src=\"g/a.svg\" alt=\"A &quot;big&quot; (m²) plot\"></picture></a>\n\n\
             [![b](g/b.svg)](g/b.svg)\n"
        );
    }
}
