//! One module per chapter: each turns a data set into a [`Report`](crate::report::Report)
//! (figures, tables, quoted numbers) and a short human-readable summary.

pub mod ch1;
pub mod ch2;
pub mod ch3;
pub mod ch4;
pub mod ch5;
pub mod ch6;
pub mod ch7;
pub mod ch8;
pub mod ch9;
pub mod ch10;
pub mod ch11;

use crate::data::Dataset;
use crate::error::Result;
use crate::report::Report;

/// A chapter as the `book` binary and the tests see it.
pub struct Chapter {
    /// Binary name, e.g. `chapter1`.
    pub name: &'static str,
    /// Folder under `src/generated`, e.g. `ch1`.
    pub dir: &'static str,
    /// One line for `--help`.
    pub about: &'static str,
    pub build: fn(&Dataset) -> Result<(Report, String)>,
}

impl Chapter {
    /// The chapter on `d`, after [`data::check_usable`](crate::data::check_usable) has
    /// refused data no chapter can run on; the binaries, the book and the tests call this.
    pub fn run(&self, d: &Dataset) -> Result<(Report, String)> {
        crate::data::check_usable(d)?;
        let (report, summary) = (self.build)(d)?;
        // A value that comes out NaN or infinite on these data is a refusal, here as in the binaries.
        report.check_finite()?;
        Ok((report, summary))
    }
}

/// The chapter whose binary is called `name` (e.g. `chapter2`).
pub fn by_name(name: &str) -> Option<&'static Chapter> {
    ALL.iter().find(|c| c.name == name)
}

pub const ALL: &[Chapter] = &[
    Chapter { name: "chapter1", dir: "ch1", about: ch1::ABOUT, build: ch1::build },
    Chapter { name: "chapter2", dir: "ch2", about: ch2::ABOUT, build: ch2::build },
    Chapter { name: "chapter3", dir: "ch3", about: ch3::ABOUT, build: ch3::build },
    Chapter { name: "chapter4", dir: "ch4", about: ch4::ABOUT, build: ch4::build },
    Chapter { name: "chapter5", dir: "ch5", about: ch5::ABOUT, build: ch5::build },
    Chapter { name: "chapter6", dir: "ch6", about: ch6::ABOUT, build: ch6::build },
    Chapter { name: "chapter7", dir: "ch7", about: ch7::ABOUT, build: ch7::build },
    Chapter { name: "chapter8", dir: "ch8", about: ch8::ABOUT, build: ch8::build },
    Chapter { name: "chapter9", dir: "ch9", about: ch9::ABOUT, build: ch9::build },
    Chapter { name: "chapter10", dir: "ch10", about: ch10::ABOUT, build: ch10::build },
    Chapter { name: "chapter11", dir: "ch11", about: ch11::ABOUT, build: ch11::build },
];
