//! One module per chapter: each turns a data set into a [`Report`](crate::report::Report)
//! (figures, tables, quoted numbers) and a short human-readable summary.

pub mod ch1;
pub mod ch2;
pub mod ch3;
pub mod ch4;
pub mod ch6;
pub mod ch9;

use crate::data::Dataset;
use crate::error::Result;
use crate::report::Report;

/// A chapter as the `book` binary and the tests see it.
pub struct Chapter {
    /// Binary name, e.g. `chapter1`.
    pub name: &'static str,
    /// Folder under `src/generated`, e.g. `ch1`.
    pub dir: &'static str,
    pub build: fn(&Dataset) -> Result<(Report, String)>,
}

pub const ALL: &[Chapter] = &[
    Chapter { name: "chapter1", dir: "ch1", build: ch1::build },
    Chapter { name: "chapter2", dir: "ch2", build: ch2::build },
    Chapter { name: "chapter3", dir: "ch3", build: ch3::build },
    Chapter { name: "chapter4", dir: "ch4", build: ch4::build },
    Chapter { name: "chapter6", dir: "ch6", build: ch6::build },
    Chapter { name: "chapter9", dir: "ch9", build: ch9::build },
];
