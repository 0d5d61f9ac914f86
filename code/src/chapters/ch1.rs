//! Chapter 1 — the data set.

use plotters::prelude::*;

pub const ABOUT: &str = "Chapter 1: the Paris-rent data set (scatter plot, summary table, CSV).";

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
    }
    plot::figure(&mut r, "ch1-scatter", |frame| scatter(d, frame))?;
    r.file("summary.md", summary_table(d));
    r.file("paris-rents.csv", data::to_csv(d));

    let summary = format!(
        "{} apartments, surface {}–{} m², rent {}–{} €\nmean surface {} m², mean rent {} €\n",
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

fn scatter(d: &Dataset, frame: Frame) -> Result<String> {
    plot::render(frame.size(plot::SIZE, 440), |root| -> DrawResult {
        let area = plot::title(root, "Rent against surface: a straight line plus noise")?;
        let (xr, yr) = (padded(&d.x, 0.05), padded(&d.y, 0.08));
        let truth_label = d.truth.map(|(w, b)| format!("true line: y = {w}·x + {b}"));
        let points_label = format!("{} apartments", d.len());
        let labels: Vec<&str> = truth_label.iter().map(String::as_str).chain([points_label.as_str()]).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 60))
            .build_cartesian_2d(xr.clone(), yr)?;
        plot::style_mesh(&mut chart, "surface x (m²)", "monthly rent y (€)")?;
        let points: Vec<(f64, f64)> = plot::thinned(&d.x, &d.y).map(|(&x, &y)| (x, y)).collect();
        let mut line = Vec::new();
        if let Some((w, b)) = d.truth {
            line = [xr.start, xr.end].map(|x| (x, w * x + b)).to_vec();
            chart
                .draw_series(LineSeries::new(
                    [xr.start, xr.end].map(|x| (x, w * x + b)),
                    palette::TRUE.stroke_width(3),
                ))?
                .label(truth_label.clone().unwrap_or_default())
                .legend(plot::line_glyph(palette::TRUE, 3));
        }
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, frame.px(4, 3), palette::DATA.filled())))?
            .label(points_label.as_str())
            .legend(|(x, y)| Circle::new((x + 11, y), 4, palette::DATA.filled()));
        // Each point on its own (a scatter, not a line), then the true line.
        let marks: Vec<&[(f64, f64)]> = points.chunks(1).chain([line.as_slice()]).collect();
        plot::legend(&mut chart, &area, frame, &marks, &labels)?;
        Ok(())
    })
}

fn summary_table(d: &Dataset) -> String {
    let row = |label: &str, f: fn(&[f64]) -> f64, sig| {
        format!("| {label} | {} | {} |\n", fmt_sig(f(&d.x), sig), fmt_sig(f(&d.y), sig))
    };
    let mut t = String::from("| | surface x (m²) | rent y (€) |\n|---|---:|---:|\n");
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
        // The mean rent must be what the line predicts at the mean surface, up to the
        // mean of the noise (σ/√n ≈ 14 € for σ = 100, n = 50: allow 4 standard errors).
        let gap = j["y_mean"].as_f64().unwrap() - (32.0 * j["x_mean"].as_f64().unwrap() + 200.0);
        assert!(gap.abs() < 4.0 * 100.0 / 50f64.sqrt(), "gap {gap}");
        assert!((gap - j["noise_sample_mean"].as_f64().unwrap()).abs() < 1e-9);
    }
}
