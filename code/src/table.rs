//! The one CSV reader of every binary: a table of named numeric columns, read from the
//! files people actually have — any header names, `,` `;` or tab delimiters, text columns
//! beside the numbers — with errors that name the line and the column.
//!
//! A column is numeric when its first non-empty cell is a number; every later cell of a
//! numeric column must then be a finite number too, so a typo deep in the file is an error
//! at its line, not a silently dropped column. Columns whose first cell is text (a district,
//! an id) are kept aside by name, so asking for one says why it cannot be used.

use std::path::Path;

use crate::data::Dataset;
use crate::error::{Error, Result};

/// The numeric columns of a CSV file, in header order.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub names: Vec<String>,
    pub columns: Vec<Vec<f64>>,
    /// Columns left out because they hold text (or nothing), in header order.
    pub text_columns: Vec<String>,
    /// True when the file had no header row (its first row was all numbers); the columns
    /// are then named `column 1`, `column 2`, …
    pub headerless: bool,
}

/// How to read the file. `delimiter: None` detects `,`, `;` or tab from the header line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsvOptions {
    pub delimiter: Option<u8>,
}

impl Table {
    /// The column called `name` (exact match first, then a unique case-insensitive one).
    pub fn column(&self, name: &str) -> Result<&[f64]> {
        Ok(&self.columns[self.index(name)?])
    }

    fn index(&self, name: &str) -> Result<usize> {
        // A header may repeat a name (spreadsheets allow it); picking the first silently
        // would fit a column the reader did not mean, so a repeated choice is refused.
        let exact: Vec<usize> = (0..self.names.len()).filter(|&i| self.names[i] == name).collect();
        let exact_text = self.text_columns.iter().filter(|n| *n == name).count();
        if exact.len() + exact_text > 1 {
            return Err(Error::Data(one_line(&format!(
                "column `{name}` appears {} times in the header; rename the copies so the choice is unambiguous",
                exact.len() + exact_text
            ))));
        }
        if let [i] = exact[..] {
            return Ok(i);
        }
        let folded: Vec<usize> =
            (0..self.names.len()).filter(|&i| self.names[i].eq_ignore_ascii_case(name)).collect();
        if let [i] = folded[..] {
            return Ok(i);
        }
        if folded.len() > 1 {
            let matches: Vec<String> = folded.iter().map(|&i| format!("`{}`", self.names[i])).collect();
            return Err(Error::Data(one_line(&format!(
                "column `{name}` matches {} (they differ only in case); give the exact name",
                matches.join(", ")
            ))));
        }
        if self.text_columns.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(Error::Data(one_line(&format!(
                "column `{name}` holds text, not numbers; numeric columns: {}",
                self.list_names()
            ))));
        }
        // "area rooms" for two columns: say how several are named (diagnose and fit take
        // them comma-separated), but only when every word is a column.
        let words: Vec<&str> = name.split_whitespace().collect();
        let hint = if words.len() > 1 && words.iter().all(|w| self.names.iter().any(|n| n.eq_ignore_ascii_case(w))) {
            format!("; for several columns, separate their names with commas: `{}`", words.join(","))
        } else {
            String::new()
        };
        Err(Error::Data(one_line(&format!("no numeric column `{name}`; numeric columns: {}{hint}", self.list_names()))))
    }

    fn list_names(&self) -> String {
        if self.names.is_empty() {
            return "none".to_string();
        }
        self.names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
}

/// Reads every numeric column of a CSV file (see the module documentation for the rules).
pub fn read_table(path: &Path, opts: &CsvOptions) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    parse_table(&bytes, opts).map_err(|message| Error::Csv { path: path.to_path_buf(), message })
}

/// [`read_table`] on bytes in memory; the error is the message without the path.
pub fn parse_table(bytes: &[u8], opts: &CsvOptions) -> std::result::Result<Table, String> {
    parse_table_raw(bytes, opts).map_err(|message| one_line(&message))
}

/// A message on one line whatever the file holds: a quoted header or cell may contain a
/// line break or a tab, and an error must stay one `error: …` line (found by the long fuzz run).
pub(crate) fn one_line(message: &str) -> String {
    message.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

fn parse_table_raw(bytes: &[u8], opts: &CsvOptions) -> std::result::Result<Table, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // spreadsheet exports add a BOM
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => detect_delimiter(bytes),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let read = |reader: &mut csv::Reader<&[u8]>, record: &mut csv::ByteRecord| {
        reader.read_byte_record(record).map_err(|e| e.to_string())
    };
    if !read(&mut reader, &mut record)? {
        return Err("the file is empty; expected a header row and at least 2 rows of numbers".to_string());
    }
    let width = record.len();
    let headerless = record.iter().all(|cell| parse_number(cell).is_some_and(f64::is_finite));
    let names: Vec<String> = if headerless {
        (1..=width).map(|k| format!("column {k}")).collect()
    } else {
        record
            .iter()
            .enumerate()
            .map(|(k, cell)| match String::from_utf8_lossy(cell).trim() {
                "" => format!("column {}", k + 1),
                name => name.to_string(),
            })
            .collect()
    };
    let mut states: Vec<Column> = vec![Column::Unknown { first_empty: None }; width];
    let mut rows = 0usize;
    let mut first = headerless;
    loop {
        if !first && !read(&mut reader, &mut record)? {
            break;
        }
        first = false;
        let line = record.position().map_or(rows + 2, |p| p.line() as usize);
        if record.len() == 1 && record[0].is_empty() {
            continue; // a blank line (csv passes lines of only spaces through)
        }
        if record.len() != width {
            let mut message = format!("line {line} has {} fields but the header has {width}", record.len());
            if delimiter == b',' && record.len() > width {
                message.push_str(
                    " (a decimal comma or thousands separator, as in `1,5` or `1,200`, splits a number into \
                     two fields: write numbers with a decimal point and no separator, or use `;` between fields)",
                );
            }
            return Err(message);
        }
        for (k, cell) in record.iter().enumerate() {
            states[k].push(cell, line, &names[k])?;
        }
        rows += 1;
    }
    let (mut out_names, mut columns, mut text_columns) = (Vec::new(), Vec::new(), Vec::new());
    for (name, state) in names.into_iter().zip(states) {
        match state {
            Column::Numeric(values) => {
                out_names.push(name);
                columns.push(values);
            }
            // A header without rows: its columns are numeric and empty, so the error
            // is the useful "need at least 2 points", not "no numeric column".
            Column::Unknown { first_empty: None } => {
                out_names.push(name);
                columns.push(Vec::new());
            }
            Column::Unknown { .. } | Column::Text => text_columns.push(name),
        }
    }
    Ok(Table { names: out_names, columns, text_columns, headerless })
}

#[derive(Debug, Clone)]
enum Column {
    /// Only empty cells so far (the line of the first one, if any).
    Unknown { first_empty: Option<usize> },
    Numeric(Vec<f64>),
    Text,
}

impl Column {
    fn push(&mut self, cell: &[u8], line: usize, name: &str) -> std::result::Result<(), String> {
        let text = || String::from_utf8_lossy(cell).into_owned();
        match self {
            Column::Text => Ok(()),
            Column::Unknown { first_empty } if cell.is_empty() => {
                first_empty.get_or_insert(line);
                Ok(())
            }
            Column::Unknown { first_empty } => match parse_number(cell) {
                None if decimal_comma(cell) => Err(decimal_comma_message(line, name, &text())),
                None => {
                    *self = Column::Text;
                    Ok(())
                }
                Some(_) if first_empty.is_some() => {
                    Err(format!("line {}: column `{name}` is empty", first_empty.unwrap_or(line)))
                }
                Some(v) => {
                    check_finite(v, line, name, &text())?;
                    *self = Column::Numeric(vec![v]);
                    Ok(())
                }
            },
            Column::Numeric(values) => {
                if cell.is_empty() {
                    return Err(format!("line {line}: column `{name}` is empty"));
                }
                match parse_number(cell) {
                    Some(v) => {
                        check_finite(v, line, name, &text())?;
                        values.push(v);
                        Ok(())
                    }
                    None if decimal_comma(cell) => Err(decimal_comma_message(line, name, &text())),
                    None => Err(format!("line {line}: column `{name}` = `{}` is not a number", text())),
                }
            }
        }
    }
}

fn check_finite(v: f64, line: usize, name: &str, text: &str) -> std::result::Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else if text.bytes().any(|b| b.is_ascii_digit()) {
        Err(format!("line {line}: column `{name}` = `{text}` is too large for f64 (beyond ±1.8e308)"))
    } else {
        Err(format!("line {line}: column `{name}` = `{text}` is not a finite number"))
    }
}

/// The message for a number written with a comma. `1,5` can only be a decimal comma, and
/// `1,200,000` only thousands separators, so those get the rewrite; `1,200` is either 1.2
/// or 1200 and the file cannot say which, so the message gives both and rewrites nothing:
/// a wrong guess would change the reader's data a thousandfold.
fn decimal_comma_message(line: usize, name: &str, text: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.trim_start_matches(['-', '+']);
    let groups: Vec<&str> = unsigned.split(',').collect();
    let thousands = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| digits(g))
        && groups[1..].iter().all(|g| g.len() == 3);
    if thousands && groups.len() > 2 {
        format!(
            "line {line}: column `{name}` = `{text}` uses thousands separators; write it without them (`{}`)",
            text.replace(',', "")
        )
    } else if thousands {
        format!(
            "line {line}: column `{name}` = `{text}` is ambiguous: a thousands separator (`{}`) or a decimal \
             comma (`{}`); write the number you mean with a decimal point and no separator",
            text.replace(',', ""),
            text.replace(',', ".")
        )
    } else if groups.len() > 2 {
        format!("line {line}: column `{name}` = `{text}` is not a number")
    } else {
        format!(
            "line {line}: column `{name}` = `{text}` uses a decimal comma; write decimal points (`{}`)",
            text.replace(',', ".")
        )
    }
}

fn parse_number(cell: &[u8]) -> Option<f64> {
    std::str::from_utf8(cell).ok()?.trim().parse().ok()
}

/// A number written with commas: `1,5`, `-12,75`, `1,200`, `1,200,000` (digit groups
/// joined by commas; [`decimal_comma_message`] tells the readings apart).
fn decimal_comma(cell: &[u8]) -> bool {
    let cell = cell.strip_prefix(b"-").or_else(|| cell.strip_prefix(b"+")).unwrap_or(cell);
    let parts: Vec<&[u8]> = cell.split(|&b| b == b',').collect();
    parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

/// The delimiter that occurs most often outside quotes on the first non-blank line:
/// `,`, `;` or tab (`,` when none occurs, or on a tie, which a one-column file gives).
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let line = bytes
        .split(|&b| b == b'\n')
        .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or(&[]);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    // Stable on ties: the first listed wins, so `,` is the default.
    counts.iter().fold((b',', 0), |best, &(d, n)| if n > best.1 { (d, n) } else { best }).0
}

/// Two columns of a CSV file as a [`Dataset`]: the columns named by `x` and `y`, or by
/// default the columns called `x` and `y`, else the first two numeric columns. The second
/// value is a note for stderr saying which columns were taken when the user did not say.
pub fn read_xy(
    path: &Path,
    x: Option<&str>,
    y: Option<&str>,
    opts: &CsvOptions,
) -> Result<(Dataset, Option<String>)> {
    let table = read_table(path, opts)?;
    let bad = |e: Error| match e {
        Error::Data(message) => Error::Csv { path: path.to_path_buf(), message },
        other => other,
    };
    let (xi, yi, note) = choose_xy(&table, x, y).map_err(bad)?;
    let data = Dataset::new(table.columns[xi].clone(), table.columns[yi].clone()).map_err(bad)?;
    Ok((data, note))
}

fn choose_xy(table: &Table, x: Option<&str>, y: Option<&str>) -> Result<(usize, usize, Option<String>)> {
    let named = |n: Option<&str>| n.map(|n| table.index(n)).transpose();
    let (xi, yi) = (named(x)?, named(y)?);
    let conventional = x.is_none() && y.is_none() && {
        let has = |n: &str| table.names.iter().any(|m| m == n);
        has("x") && has("y")
    };
    let (xi, yi) = if conventional {
        (table.index("x")?, table.index("y")?)
    } else {
        let mut free = (0..table.names.len()).filter(|i| Some(*i) != xi && Some(*i) != yi);
        let xi = xi.or_else(|| free.next());
        let yi = yi.or_else(|| free.next());
        match (xi, yi) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                let mut message = format!(
                    "need two numeric columns (x and y), found {}: {}",
                    table.names.len(),
                    table.list_names()
                );
                if !table.text_columns.is_empty() {
                    let text: Vec<String> = table.text_columns.iter().map(|n| format!("`{n}`")).collect();
                    message.push_str(&format!("; text or empty columns: {}", text.join(", ")));
                }
                return Err(Error::Data(one_line(&message)));
            }
        }
    };
    if xi == yi {
        return Err(Error::Data(one_line(&format!("x and y are the same column `{}`", table.names[xi]))));
    }
    let chosen_by_user = x.is_some() && y.is_some();
    let note = (!chosen_by_user && !conventional).then(|| {
        let mut note = format!(
            "note: using column `{}` as x and `{}` as y (of {} numeric columns); choose with --x and --y",
            table.names[xi],
            table.names[yi],
            table.names.len()
        );
        if table.headerless {
            note.push_str("; the file has no header row, so columns are numbered");
        }
        note
    });
    Ok((xi, yi, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> std::result::Result<Table, String> {
        parse_table(text.as_bytes(), &CsvOptions::default())
    }

    #[test]
    fn reads_named_columns_with_any_delimiter() {
        for text in [
            "district,surface,rent\nMarais,30,1100\nBelleville,55.5,1400\n",
            "district;surface;rent\nMarais;30;1100\nBelleville;55.5;1400\n",
            "district\tsurface\trent\nMarais\t30\t1100\nBelleville\t55.5\t1400\n",
            "\u{feff}\"district\" ; surface ; rent\r\n\"Marais\";30;1100\r\n\r\nBelleville;55.5;1400\r\n",
        ] {
            let t = table(text).unwrap();
            assert_eq!(t.names, ["surface", "rent"], "{text:?}");
            assert_eq!(t.columns, [vec![30.0, 55.5], vec![1100.0, 1400.0]], "{text:?}");
            assert_eq!(t.text_columns, ["district"]);
            assert_eq!(t.column("rent").unwrap(), [1100.0, 1400.0]);
            assert_eq!(t.column("RENT").unwrap(), [1100.0, 1400.0]);
            assert_eq!(t.rows(), 2);
        }
    }

    #[test]
    fn missing_column_error_lists_the_names() {
        let t = table("district;surface;rent\nMarais;30;1100\n").unwrap();
        let e = t.column("price").unwrap_err().to_string();
        assert!(e.contains("no numeric column `price`; numeric columns: `surface`, `rent`"), "{e}");
        let e = t.column("district").unwrap_err().to_string();
        assert!(e.contains("column `district` holds text"), "{e}");
    }

    #[test]
    fn a_repeated_column_name_is_refused_when_chosen() {
        let t = table("x,rent,x\n1,2,3\n4,5,6\n").unwrap();
        let e = t.column("x").unwrap_err().to_string();
        assert!(e.contains("column `x` appears 2 times in the header"), "{e}");
        assert_eq!(t.column("rent").unwrap(), &[2.0, 5.0]); // the other columns stay usable
        let t = table("Area,area,y\n1,2,3\n4,5,6\n").unwrap();
        let e = t.column("AREA").unwrap_err().to_string();
        assert!(e.contains("matches `Area`, `area`"), "{e}");
        assert_eq!(t.column("area").unwrap(), &[2.0, 5.0]);
        // A numeric and a text column of the same name are just as ambiguous.
        let t = table("x,x,y\n1,a,3\n4,b,6\n").unwrap();
        assert!(t.column("x").unwrap_err().to_string().contains("appears 2 times"));
        let e = xy("x,y,x\n1,2,3\n4,5,6\n", None, None).unwrap_err().to_string();
        assert!(e.contains("appears 2 times"), "{e}");
    }

    #[test]
    fn headerless_files_get_numbered_columns() {
        let t = table("1,2\n3,4\n").unwrap();
        assert!(t.headerless);
        assert_eq!(t.names, ["column 1", "column 2"]);
        assert_eq!(t.columns, [vec![1.0, 3.0], vec![2.0, 4.0]]);
    }

    #[test]
    fn errors_name_the_line_and_the_column() {
        for (text, expected) in [
            ("x,y\n1,2\n3,oops\n", "line 3: column `y` = `oops` is not a number"),
            ("x,y\n1,2\nNaN,4\n", "line 3: column `x` = `NaN` is not a finite number"),
            ("x,y\n1,2\n3,inf\n", "line 3: column `y` = `inf` is not a finite number"),
            ("x,y\n1,2\n3,1e999\n", "line 3: column `y` = `1e999` is too large for f64"),
            ("x,y\n1,2\n3,\n", "line 3: column `y` is empty"),
            ("x,y\n1,\n3,4\n", "line 2: column `y` is empty"),
            ("x;y\n1;2\n3,5;4\n", "line 3: column `x` = `3,5` uses a decimal comma; write decimal points (`3.5`)"),
            ("x;y\n1,5;2\n", "line 2: column `x` = `1,5` uses a decimal comma"),
            ("x,y\n1,2\n3,5,4\n", "line 3 has 3 fields but the header has 2 (a decimal comma or thousands separator"),
            // A quoted `1,200` may be 1200 or 1.2: both readings, no rewrite.
            (
                "x,y\n1,2\n\"1,200\",4\n",
                "line 3: column `x` = `1,200` is ambiguous: a thousands separator (`1200`) or a decimal comma (`1.200`)",
            ),
            ("x;y\n1;2\n1,200,000;4\n", "line 3: column `x` = `1,200,000` uses thousands separators; write it without them (`1200000`)"),
            ("x;y\n1;2\n1,2,3;4\n", "line 3: column `x` = `1,2,3` is not a number"),
            ("x;y\n1;2\n-12,75;4\n", "line 3: column `x` = `-12,75` uses a decimal comma; write decimal points (`-12.75`)"),
            ("x,y\n1,2\n3\n", "line 3 has 1 fields but the header has 2"),
            ("", "the file is empty"),
        ] {
            let e = table(text).unwrap_err();
            assert!(e.contains(expected), "{text:?}: {e}");
            assert!(!e.contains('\n'), "multi-line: {e}");
        }
    }

    #[test]
    fn delimiter_is_detected_outside_quotes_and_can_be_forced() {
        assert_eq!(detect_delimiter(b"\"a,b\";c\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(detect_delimiter(b"\n\na;b,c;d\n"), b';');
        assert_eq!(detect_delimiter(b"abc\n"), b',');
        let forced = parse_table(b"a|b\n1|2\n", &CsvOptions { delimiter: Some(b'|') }).unwrap();
        assert_eq!(forced.columns, [vec![1.0], vec![2.0]]);
    }

    fn xy(text: &str, x: Option<&str>, y: Option<&str>) -> Result<(Dataset, Option<String>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, text).unwrap();
        read_xy(&path, x, y, &CsvOptions::default())
    }

    #[test]
    fn read_xy_picks_columns_and_says_so() {
        let file = "id;surface;rooms;rent\nA;30;1;1100\nB;55;2;1400\n";
        let (d, note) = xy(file, None, None).unwrap();
        assert_eq!((d.x, d.y), (vec![30.0, 55.0], vec![1.0, 2.0]));
        let note = note.unwrap();
        assert!(note.contains("using column `surface` as x and `rooms` as y (of 3 numeric columns)"), "{note}");
        let (d, note) = xy(file, Some("surface"), Some("rent")).unwrap();
        assert_eq!((d.x, d.y, note), (vec![30.0, 55.0], vec![1100.0, 1400.0], None));
        let (d, note) = xy(file, None, Some("rent")).unwrap();
        assert_eq!((d.x, d.y), (vec![30.0, 55.0], vec![1100.0, 1400.0]));
        assert!(note.is_some());
        // The book's own files (header `y,x` too) need no note.
        let (d, note) = xy("y,x\n1,2\n3,4\n", None, None).unwrap();
        assert_eq!((d.x, d.y, note), (vec![2.0, 4.0], vec![1.0, 3.0], None));
        for (text, x, y, expected) in [
            (file, Some("price"), None, "no numeric column `price`"),
            (file, Some("rent"), Some("rent"), "x and y are the same column `rent`"),
            ("id;rent\nA;1\nB;2\n", None, None, "need two numeric columns (x and y), found 1: `rent`; text or empty columns: `id`"),
            ("x,y\n1,2\n", None, None, "need at least 2 points"),
        ] {
            let e = xy(text, x, y).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}");
            assert!(e.contains("d.csv: "), "{e}");
        }
    }
}
