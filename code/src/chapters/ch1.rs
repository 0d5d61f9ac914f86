//! Chapter 1 — the data set.

use plotters::prelude::*;

pub const ABOUT: &str = "Chapter 1: the Paris-rent data set (scatter plot, summary table, CSV).";

/// The other seed of exercise 1, whose summary the reader compares with the book's.
pub const EXERCISE_SEED: u64 = 1;
/// The noise of exercise 2, ten times the book's σ.
pub const EXERCISE_NOISE_SD: f64 = 1000.0;

use crate::data::{self, Dataset};
use crate::error::Result;
use crate::plot::{self, DrawResult, Frame, palette};
use crate::report::{Report, fmt_sig};
use crate::stats;

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    let mut r = Report::new();
    r.integer("n", d.len() as i64);
    for (name, v) in [("x", &d.x), ("y", &d.y)] {
        r.number(&format!("{name}_min"), stats::min(v), 4);
        r.number(&format!("{name}_max"), stats::max(v), 4);
        r.number(&format!("{name}_mean"), stats::mean(v), 4);
        r.number(&format!("{name}_sd"), stats::std_dev(v), 4);
    }
    if let Some((w, b)) = d.truth {
        r.number("true_w", w, 4).number("true_b", b, 4).number("noise_sd", data::NOISE_SD, 4);
        let noise: Vec<f64> = d.x.iter().zip(&d.y).map(|(x, y)| y - (w * x + b)).collect();
        r.number("noise_sample_mean", stats::mean(&noise), 3);
        r.number("noise_sample_sd", stats::std_dev(&noise), 3);
        // Standard error of a mean of n noise values: how far the sample mean may wander.
        r.number("noise_mean_se", data::NOISE_SD / (d.len() as f64).sqrt(), 2);
        // Relative standard error of a sample σ from n normal draws: ≈ 1/√(2(n − 1)).
        r.number("noise_sd_rel_se_pct", 100.0 / (2.0 * (d.len() as f64 - 1.0)).sqrt(), 2);
        // Exercise 2: the same areas and noise draws, the noise scaled to σ = 1000 €
        // (a normal draw is σ times a standard one, so this is what σ = 1000 would give).
        let scale = EXERCISE_NOISE_SD / data::NOISE_SD;
        let noisy: Vec<f64> = d.x.iter().zip(&noise).map(|(x, e)| w * x + b + scale * e).collect();
        r.number("correlation", correlation(&d.x, &d.y), 3);
        r.number("correlation_noise_1000", correlation(&d.x, &noisy), 2);
    }
    // Exercise 1: what another seed changes. Uniform draws on [lo, hi): the mean of n of
    // them wanders by (hi − lo)/√(12n), while the extremes stay within a few (hi − lo)/n of the ends.
    let other = data::paris_rents(EXERCISE_SEED);
    let (lo, hi) = data::AREA_RANGE;
    r.number("x_mean_sd_uniform", (hi - lo) / (12.0 * data::N_APARTMENTS as f64).sqrt(), 2);
    for (key, f) in [("min", stats::min as fn(&[f64]) -> f64), ("max", stats::max), ("mean", stats::mean)] {
        r.number(&format!("seed1_x_{key}_change"), (f(&other.x) - f(&d.x)).abs(), 2);
    }
    r.file("other-seed.md", other_seed_table(d, &other));
    plot::figure(&mut r, "ch1-scatter", |frame| scatter(d, frame))?;
    r.file("summary.md", summary_table(d));
    r.file("paris-rents.csv", data::to_csv(d));
    // The reader's question, as a file: the PyTorch companion (`python/`) reads it, so both
    // languages fit the same bits.
    r.file("reader-question.csv", data::to_csv(&data::reader_question(data::BOOK_SEED)));

    let summary = format!(
        "{} apartments, area {}–{} m², rent {}–{} €\nmean area {} m², mean rent {} €\n",
        d.len(),
        fmt_sig(stats::min(&d.x), 3),
        fmt_sig(stats::max(&d.x), 3),
        fmt_sig(stats::min(&d.y), 4),
        fmt_sig(stats::max(&d.y), 4),
        fmt_sig(stats::mean(&d.x), 4),
        fmt_sig(stats::mean(&d.y), 4),
    );
    Ok((r, summary))
}

/// Padded axis range that holds every value of `v`.
pub(crate) fn padded(v: &[f64], pad: f64) -> std::ops::Range<f64> {
    let (lo, hi) = (stats::min(v), stats::max(v));
    let margin = (hi - lo).max(f64::EPSILON) * pad;
    lo - margin..hi + margin
}

/// The data from x = 0, so that the intercept — the rent at 0 m², far left of every
/// apartment — is on the figure.
fn scatter(d: &Dataset, frame: Frame) -> Result<String> {
    plot::render(frame.size(plot::SIZE, 460), |root| -> DrawResult {
        let area = plot::title(root, "Rent against floor area: a straight line plus noise")?;
        // A little left of 0, so the intercept's circle is drawn whole.
        let x_hi = padded(&d.x, 0.05).end.max(1.0);
        let xr = -0.02 * x_hi..x_hi;
        let intercept = d.truth.map(|(_, b)| b);
        let labels = match d.truth {
            Some((w, b)) => [format!("true line: y = {w}·x + {b}"), format!("intercept b = {b} €: the rent at x = 0"), format!("{} apartments", d.len())],
            None => [String::new(), String::new(), format!("{} apartments", d.len())],
        };
        let y_lo = stats::min(&d.y).min(intercept.unwrap_or(0.0)).min(0.0);
        let yr = padded(&[y_lo, stats::max(&d.y)], 0.08);
        let shown: Vec<&str> = labels.iter().map(String::as_str).filter(|l| !l.is_empty()).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, shown.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 60))
            .build_cartesian_2d(xr.clone(), yr)?;
        plot::style_mesh(&mut chart, "floor area x (m²)", "monthly rent y (€)")?;
        if let Some((w, b)) = d.truth {
            chart
                .draw_series(LineSeries::new(
                    [xr.start, xr.end].map(|x| (x, w * x + b)),
                    palette::TRUE.stroke_width(3),
                ))?
                .label(&labels[0])
                .legend(plot::line_glyph(palette::TRUE, 3));
            chart
                .draw_series([Circle::new((0.0, b), 6, palette::INK.stroke_width(2))])?
                .label(&labels[1])
                .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.stroke_width(2)));
        }
        chart
            .draw_series(plot::thinned(&d.x, &d.y).map(|(&x, &y)| {
                Circle::new((x, y), 4, palette::DATA.filled())
            }))?
            .label(&labels[2])
            .legend(|(x, y)| Circle::new((x + 11, y), 4, palette::DATA.filled()));
        let marks: Vec<(f64, f64)> = intercept.map(|b| (0.0, b)).into_iter().collect();
        let data: Vec<(f64, f64)> = d.x.iter().copied().zip(d.y.iter().copied()).collect();
        let line: Vec<(f64, f64)> = d.truth.map_or(Vec::new(), |(w, b)| plot::linspace(xr.start, xr.end, 50).into_iter().map(|x| (x, w * x + b)).collect());
        // Each apartment on its own (a scatter, not a line), then the true line and the intercept.
        let each: Vec<&[(f64, f64)]> = data.chunks(1).chain([line.as_slice(), marks.as_slice()]).collect();
        plot::legend(&mut chart, &area, frame, &each, &shown)?;
        Ok(())
    })
}

fn signed(v: f64) -> String {
    if v > 0.0 { format!("+{}", fmt_sig(v, 2)) } else { fmt_sig(v, 2) }
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    stats::covariance(x, y) / (stats::std_dev(x) * stats::std_dev(y))
}

/// The numbers `chapter1` prints, for the book's sample and for `--seed 1`, and the change.
fn other_seed_table(d: &Dataset, other: &Dataset) -> String {
    let mut t = format!(
        "| printed | this page | `--seed {EXERCISE_SEED}` | change |\n|---|---:|---:|---:|\n"
    );
    // (label, statistic, of the areas rather than the rents)
    type Row = (&'static str, fn(&[f64]) -> f64, bool);
    let rows: [Row; 6] = [
        ("smallest area (m²)", stats::min, true),
        ("largest area (m²)", stats::max, true),
        ("mean area (m²)", stats::mean, true),
        ("lowest rent (€)", stats::min, false),
        ("highest rent (€)", stats::max, false),
        ("mean rent (€)", stats::mean, false),
    ];
    for (label, f, is_x) in rows {
        let (a, b) = if is_x { (f(&d.x), f(&other.x)) } else { (f(&d.y), f(&other.y)) };
        t += &format!("| {label} | {} | {} | {} |\n", fmt_sig(a, 4), fmt_sig(b, 4), signed(b - a));
    }
    t
}

fn summary_table(d: &Dataset) -> String {
    let row = |label: &str, f: fn(&[f64]) -> f64, sig| {
        format!("| {label} | {} | {} |\n", fmt_sig(f(&d.x), sig), fmt_sig(f(&d.y), sig))
    };
    let mut t = String::from("| | area x (m²) | rent y (€) |\n|---|---:|---:|\n");
    t += &row("minimum", stats::min, 4);
    t += &row("maximum", stats::max, 4);
    t += &row("mean", stats::mean, 4);
    t += &row("standard deviation", stats::std_dev, 4);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_values_are_consistent() {
        let d = data::paris_rents(data::BOOK_SEED);
        let (r, _) = build(&d).unwrap();
        let j = r.json();
        assert_eq!(j["n"], 50);
        let (lo, hi) = (j["x_min"].as_f64().unwrap(), j["x_max"].as_f64().unwrap());
        assert!(20.0 <= lo && lo < hi && hi < 100.0);
        // The mean rent must be what the line predicts at the mean area, up to the
        // mean of the noise (σ/√n ≈ 14 € for σ = 100, n = 50: allow 4 standard errors).
        let gap = j["y_mean"].as_f64().unwrap() - (32.0 * j["x_mean"].as_f64().unwrap() + 200.0);
        assert!(gap.abs() < 4.0 * 100.0 / 50f64.sqrt(), "gap {gap}");
        assert!((gap - j["noise_sample_mean"].as_f64().unwrap()).abs() < 1e-9);
    }
}
