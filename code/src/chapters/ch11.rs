//! Chapter 11 — several features: the flat direction becomes a mix of features, and
//! standardizing fixes the scales but not the correlation.

pub const ABOUT: &str = "Chapter 11: several features — the Paris rents with a rooms column that moves with \
area, gradient descent on raw, centred, standardized and decorrelated features, and NIST's Longley data.";

use nalgebra::DVector;
use plotters::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use crate::contour::{self, Grid};
use crate::data::{BOOK_SEED, Dataset};
use crate::error::{Error, Result};
use crate::features::{self, Features, Loss, Scale};
use crate::linalg::Method;
use crate::nist;
use crate::plot::{self, DrawResult, palette};
use crate::report::{Report, fmt_count, fmt_sci, fmt_sig};
use crate::stats;

/// What each room adds to the rent in the chapter's data, € per room (a setting).
pub const ROOM_PRICE: f64 = 40.0;
/// Rooms scatter around 1 + 4·(area − smallest)/(largest − smallest) with this standard
/// deviation before rounding: a room more or less than the area suggests.
pub const ROOMS_NOISE: f64 = 0.5;
pub const ROOMS_MAX: f64 = 5.0;
/// The rooms are drawn from their own generator, so chapter 1's apartments stay as they are.
pub const ROOMS_SEED: u64 = BOOK_SEED + 11;
/// Every run stops when L − L* is 10⁻¹² of its start: the error a millionth of its start.
pub const TARGET: f64 = 1e-12;
/// Runs that would need more steps are predicted, not run.
pub const MAX_STEPS: usize = 10_000_000;

// ANCHOR: rooms
/// Chapter 1's apartments with a second feature: a room count that grows with the area
/// (1 for the smallest, 5 for the largest, give or take a room), and a rent in which each
/// room adds [`ROOM_PRICE`]: rent = w·area + ROOM_PRICE·rooms + b + noise.
pub fn with_rooms(d: &Dataset) -> Result<Features> {
    let mut rng = ChaCha8Rng::seed_from_u64(ROOMS_SEED);
    let noise = Normal::new(0.0, ROOMS_NOISE).expect("σ is positive and finite");
    let (lo, hi) = (stats::min(&d.x), stats::max(&d.x));
    let rooms: Vec<f64> = d
        .x
        .iter()
        .map(|&a| (1.0 + (ROOMS_MAX - 1.0) * (a - lo) / (hi - lo) + noise.sample(&mut rng)).round().clamp(1.0, ROOMS_MAX))
        .collect();
    let rent = d.y.iter().zip(&rooms).map(|(y, r)| y + ROOM_PRICE * r).collect();
    Features::new(vec!["area".into(), "rooms".into()], vec![d.x.clone(), rooms], rent)
}
// ANCHOR_END: rooms

/// The chapter's data as a CSV file for `diagnose` and `fit` (area, rooms, rent): every
/// value written as the shortest text that reads back as the same f64.
pub const CSV: &str = "paris-rooms.csv";

fn csv(f: &Features) -> String {
    let mut out = String::from("area,rooms,rent\n");
    for i in 0..f.rows() {
        out += &format!("{},{},{}\n", f.columns[0][i], f.columns[1][i], f.y[i]);
    }
    out
}

/// The `diagnose` run the chapter shows: the reader's kind of step (half the stable limit)
/// for a thousand epochs.
pub const DIAGNOSE_COMMAND: &str =
    "cargo run --release --bin diagnose -- --data src/generated/ch11/paris-rooms.csv --x area,rooms --y rent --lr 1e-4 --epochs 1000";

/// That command and what it prints (a test runs the binary on the committed CSV and compares).
fn diagnose_example(f: &Features) -> Result<String> {
    let settings = crate::diagnose_features::Settings { lr: 1e-4, epochs: 1000, eps: 1e-6 };
    let d = crate::diagnose_features::analyse(f, "rent", &settings)?;
    Ok(format!("$ {DIAGNOSE_COMMAND}\n{}", d.text()))
}

/// One rescaling of a problem: its loss and the run at its best fixed step.
struct Case {
    scale: Scale,
    loss: Loss,
    predicted: Option<f64>,
    run: Option<features::Run>,
}

fn cases(f: &Features, record: usize) -> Result<Vec<Case>> {
    Scale::ALL
        .iter()
        .map(|&scale| {
            let loss = Loss::new(&f.rescaled(scale)?)?;
            let eta = loss.best_rate();
            let predicted = loss.predicted_steps(eta, TARGET);
            // Runs whose prediction is beyond the budget would only confirm it slowly.
            let run = predicted
                .filter(|p| *p <= MAX_STEPS as f64)
                .map(|_| features::gradient_descent(&loss, eta, MAX_STEPS, TARGET, record));
            Ok(Case { scale, loss, predicted, run })
        })
        .collect()
}

/// κ and the best fixed η from the singular values of the design: the Hessian
/// (2/n)XᵀX has eigenvalues 2σ²/n, and the SVD of X keeps the small σ that an
/// eigen-solver of XᵀX rounds away on Longley's raw columns (κ ≈ 10¹⁹ there, beyond
/// f64's 16 digits: only its power of ten is quoted).
fn svd_rates(f: &Features) -> (f64, f64) {
    let s = f.design().singular_values();
    let (lo, hi) = s.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let n = f.rows() as f64;
    let (lmin, lmax) = (2.0 * lo * lo / n, 2.0 * hi * hi / n);
    (lmax / lmin, 2.0 / (lmax + lmin))
}

/// Steps after which the excess loss is at most [`TARGET`] of its start at the best fixed
/// η: ρ = (κ − 1)/(κ + 1) per step on the error, ρ² on the loss. ln(1 − 2/(κ + 1)) by
/// `ln_1p`, so that κ = 10¹⁹ still gives a count.
fn predicted_at_best(kappa: f64) -> f64 {
    (TARGET.ln() / (2.0 * (-2.0 / (kappa + 1.0)).ln_1p())).ceil()
}

fn composition_table(loss: &Loss) -> String {
    let mut t = String::from("| direction | curvature λ |");
    for name in &loss.names {
        t += &format!(" {name} |");
    }
    t += "\n|---|---:|";
    t += &"---:|".repeat(loss.names.len());
    t += "\n";
    let k = loss.directions.len();
    for (i, d) in loss.directions.iter().enumerate() {
        let label = if i == 0 { "flattest".to_string() } else if i == k - 1 { "steepest".to_string() } else { "middle".to_string() };
        t += &format!("| {label} | {} |", fmt_sig(d.curvature, 4));
        for c in &d.vector {
            t += &format!(" {} |", fmt_sig(if c.abs() < 5e-4 { 0.0 } else { *c }, 2));
        }
        t += "\n";
    }
    t
}

fn steps_table(f: &Features, cs: &[Case]) -> Result<String> {
    let mut t = String::from("| features | κ | best fixed η | steps, predicted | steps, measured |\n|---|---:|---:|---:|---:|\n");
    for c in cs {
        let (kappa, eta) = svd_rates(&f.rescaled(c.scale)?);
        let predicted = predicted_at_best(kappa);
        let predicted = if predicted < 1e15 { fmt_count(predicted) } else { format!("≈ {}", fmt_sci(10f64.powf(predicted.log10().round()), 1)) };
        let measured = match &c.run {
            Some(run) => run.reached.map_or(format!("more than {}", fmt_count(MAX_STEPS as f64)), |s| fmt_count(s as f64)),
            None => "not run".into(),
        };
        t += &format!("| {} | {} | {} | {predicted} | {measured} |\n", c.scale.name(), fmt_kappa(kappa), fmt_sci(eta, 3));
    }
    Ok(t)
}

/// κ to three digits, or its power of ten when it is so large that only the order of
/// magnitude survives rounding (Longley's raw columns).
fn fmt_kappa(k: f64) -> String {
    if k < 1e6 { fmt_sig(k, 3) } else { format!("≈ {}", fmt_sci(10f64.powf(k.log10().round()), 1)) }
}

/// A step count, every digit kept and grouped as in the prose (261 404, not 261 404.0).
fn count(r: &mut Report, key: &str, v: f64) {
    r.number(key, v, (v.max(1.0).log10().floor() as usize) + 1);
}

pub fn build(d: &Dataset) -> Result<(Report, String)> {
    let mut r = Report::new();
    let f = with_rooms(d)?;
    r.integer("rooms_max", ROOMS_MAX as i64).integer("room_price", ROOM_PRICE as i64);
    let corr = f.correlation(0, 1);
    r.number("corr_area_rooms", corr, 3);
    r.number("kappa_formula", (1.0 + corr) / (1.0 - corr), 3);

    r.file(CSV, csv(&f));
    r.file("diagnose-rooms.txt", diagnose_example(&f)?);

    let cs = cases(&f, 1)?;
    let kappas: Vec<f64> = cs.iter().map(|c| c.loss.kappa()).collect();
    for (c, k) in cs.iter().zip(&kappas) {
        let name = c.scale.name();
        r.number(&format!("kappa_{name}"), *k, 4);
        if let Some(p) = c.predicted {
            count(&mut r, &format!("predicted_{name}"), p);
        }
        if let Some(s) = c.run.as_ref().and_then(|run| run.reached) {
            count(&mut r, &format!("measured_{name}"), s as f64);
        }
    }
    r.file("steps.md", steps_table(&f, &cs)?);
    let (raw, std) = (&cs[0].loss, &cs[2].loss);
    r.file("directions-raw.md", composition_table(raw));
    r.file("directions-standardized.md", composition_table(std));
    let flat = &std.directions[0].vector;
    r.number("flat_std_area", flat[1], 3).number("flat_std_rooms", flat[2], 3).number("flat_std_intercept_abs", flat[0].abs(), 2);
    let flat_raw = &raw.directions[0].vector;
    r.number("flat_raw_intercept", flat_raw[0], 3).number("flat_raw_area", flat_raw[1], 3).number("flat_raw_rooms", flat_raw[2], 3);
    let theta = &cs[0].loss.theta_star;
    r.number("b_star", theta[0], 4).number("w_area_star", theta[1], 4).number("w_rooms_star", theta[2], 4);

    plot::figure(&mut r, "ch11-valley", |frame| valley_figure(&cs[2], frame))?;
    plot::figure(&mut r, "ch11-convergence", |frame| convergence_figure(&cs, frame))?;

    // Longley: six collinear economic series, 1947–62.
    let sets = nist::all()?;
    let longley = sets.iter().find(|s| s.name == "Longley").ok_or_else(|| Error::Data("Longley is missing from data/nist".into()))?;
    let names = ["deflator", "GNP", "unemployed", "armed forces", "population", "year"];
    let lf = Features::new(names.iter().map(|s| s.to_string()).collect(), longley.predictors.clone(), longley.y.clone())?;
    let lcs = cases(&lf, 1000)?;
    let lkappas: Vec<f64> = Scale::ALL.iter().map(|&s| lf.rescaled(s).map(|g| svd_rates(&g).0)).collect::<Result<_>>()?;
    r.file("longley-steps.md", steps_table(&lf, &lcs)?);
    r.number_sci("longley_predicted_raw_power", 10f64.powf(predicted_at_best(lkappas[0]).log10().round()), 1);
    r.number_sci("longley_kappa_raw_power", 10f64.powf(lkappas[0].log10().round()), 1);
    r.number("longley_kappa_standardized", lkappas[2], 3);
    if let Some(p) = lcs[2].predicted {
        count(&mut r, "longley_predicted_standardized", p);
    }
    let worst_corr = (0..6).flat_map(|a| (a + 1..6).map(move |b| (a, b))).map(|(a, b)| lf.correlation(a, b).abs()).fold(0.0, f64::max);
    r.number("longley_max_corr", worst_corr, 4);
    let qr = nist::score(longley, Method::Qr, false)?;
    r.number("longley_qr_digits", qr.min_of(nist::STATISTICS[0].1), 3);

    let summary = format!(
        "area and rooms: correlation {}; κ raw {}, centred {}, standardized {} ((1 + r)/(1 − r) = {}), decorrelated {}\n\
         steps at the best fixed η to a 10⁻¹² excess loss: see steps.md\nLongley: κ standardized {}, QR gets {} digits of every coefficient",
        fmt_sig(corr, 3),
        fmt_sig(kappas[0], 4),
        fmt_sig(kappas[1], 4),
        fmt_sig(kappas[2], 4),
        fmt_sig((1.0 + corr) / (1.0 - corr), 4),
        fmt_sig(kappas[3], 4),
        fmt_sig(lkappas[2], 3),
        fmt_sig(qr.min_of(nist::STATISTICS[0].1), 3),
    );
    Ok((r, summary))
}

/// Steps of the path drawn on the valley figure.
const STEPS_SHOWN: usize = 40;

// ANCHOR: valley_figure
/// The standardized loss over the two weights (the intercept at its optimum, which
/// centring has decoupled), its flat and steep directions, and gradient descent's path.
fn valley_figure(case: &Case, frame: plot::Frame) -> Result<String> {
    let loss = &case.loss;
    let star = (loss.theta_star[1], loss.theta_star[2]);
    let l_at = |wa: f64, wr: f64| {
        let theta = DVector::from_vec(vec![loss.theta_star[0], wa, wr]);
        loss.l_star + loss.excess(&theta)
    };
    // Half-width: the start (0, 0) must be inside, and the window square so that the
    // directions keep their angles.
    let h = 1.15 * star.0.abs().max(star.1.abs()).max((star.0 - 0.0).hypot(star.1 - 0.0) * 0.6);
    let (cx, cy) = (star.0 / 2.0, star.1 / 2.0);
    let grid = Grid::sample(plot::linspace(cx - h, cx + h, 121), plot::linspace(cy - h, cy + h, 121), l_at);
    let levels = contour::excess_levels(loss.l_star, grid.max() - loss.l_star, 8);
    // The path: θ = 0 → θ*, every step, in (w_area, w_rooms); the intercept's own
    // direction is decoupled and does not show here.
    // η = 1/λmax, not the best fixed rate: no zigzag across the valley, so what is left
    // to see is the crawl along its floor.
    let eta = 1.0 / loss.lambda_max();
    let mut theta = DVector::zeros(3);
    let mut path = vec![(0.0, 0.0)];
    for _ in 0..STEPS_SHOWN {
        let grad = &loss.h * (&theta - &loss.theta_star);
        theta -= grad * eta;
        path.push((theta[1], theta[2]));
    }
    let flat = &loss.directions[0].vector;
    let steep = &loss.directions[2].vector;
    let arrow = |v: &Vec<f64>, len: f64| {
        let n = (v[1] * v[1] + v[2] * v[2]).sqrt();
        (star.0 + len * v[1] / n, star.1 + len * v[2] / n)
    };
    // Drawn on the side of the minimum the path does not come from, so both stay visible.
    let path_side = (path[path.len() / 2].0 - star.0) * flat[1] + (path[path.len() / 2].1 - star.1) * flat[2];
    let flat_end = arrow(flat, if path_side > 0.0 { -0.6 } else { 0.6 } * h);
    let steep_end = arrow(steep, 0.35 * h);
    let title = "Standardized, the valley is still there: more area, fewer rooms";
    let labels = [
        "start: both weights 0".to_string(),
        "GD path, η = 1/λ_{max}".to_string(),
        "flat direction v_{min}".to_string(),
        "steep direction v_{max}".to_string(),
        "least-squares minimum".to_string(),
    ];
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    // The contours fill the plot: the legend goes beside it (below on a phone). The plot
    // is as tall as it is wide, so that the window (square in data) keeps the right angle
    // between the flat and the steep direction.
    let (margin, y_labels, x_labels) = (15, frame.px(75, 65), 50);
    let (right, below) = (plot::legend_room_right(frame, &labels), plot::legend_room(frame, labels.len()));
    plot::render(frame.size((800, 548), 575), |root| -> DrawResult {
        let area = plot::title(root, title)?;
        let (w, h) = area.dim_in_pixel();
        let free_w = w as i32 - 2 * margin - y_labels as i32 - right as i32;
        let free_h = h as i32 - 2 * margin - x_labels - below as i32;
        // The spare length of the longer side goes to its margins (a phone's split evenly).
        let spare_w = (free_w - free_h).max(0);
        let spare_h = (free_h - free_w).max(0);
        let (left_extra, right_extra) = if frame.is_narrow() { (spare_w / 2, spare_w - spare_w / 2) } else { (0, spare_w) };
        let mut chart = ChartBuilder::on(&area)
            .margin(margin)
            .margin_left(margin + left_extra)
            .margin_right(margin + right as i32 + right_extra)
            .margin_top(margin + spare_h)
            .margin_bottom(margin + below as i32)
            .x_label_area_size(x_labels)
            .y_label_area_size(y_labels)
            .build_cartesian_2d(grid.xs[0]..*grid.xs.last().unwrap(), grid.ys[0]..*grid.ys.last().unwrap())?;
        plot::style_mesh(&mut chart, "weight of area (€ per sd of area)", "weight of rooms (€ per sd of rooms)")?;
        for (k, &level) in levels.iter().enumerate() {
            let colour = plot::viridis(k as f64 / (levels.len() - 1) as f64 * 0.9);
            chart.draw_series(contour::contour(&grid, level).into_iter().map(|s| PathElement::new(s.to_vec(), colour.stroke_width(2))))?;
        }
        chart
            .draw_series([Circle::new(path[0], 6, palette::INK.stroke_width(2))])?
            .label(labels[0])
            .legend(|(x, y)| Circle::new((x + 11, y), 5, palette::INK.stroke_width(2)));
        chart.draw_series(LineSeries::new(path.clone(), palette::ORANGE.stroke_width(2)))?;
        chart
            .draw_series(path.iter().map(|&q| Circle::new(q, 3, palette::ORANGE.filled())))?
            .label(labels[1])
            .legend(plot::line_glyph(palette::ORANGE, 2));
        plot::arrow(&mut chart, star, flat_end, palette::INK, 3)?;
        chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?.label(labels[2]).legend(plot::line_glyph(palette::INK, 3));
        plot::arrow(&mut chart, star, steep_end, palette::GREY, 3)?;
        chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?.label(labels[3]).legend(plot::line_glyph(palette::GREY, 3));
        // A white halo: the vermillion cross sits among the orange path's last steps.
        chart.draw_series([Cross::new(star, 9, WHITE.stroke_width(8))])?;
        plot::mark_optimum(&mut chart, star, labels[4])?;
        plot::legend(&mut chart, &area, frame, &[], &labels)?;
        Ok(())
    })
}
// ANCHOR_END: valley_figure

/// One curve of the convergence figure: its legend label, its points, its colour.
struct LabelledCurve {
    label: String,
    points: Vec<(f64, f64)>,
    colour: RGBColor,
}

fn convergence_figure(cs: &[Case], frame: plot::Frame) -> Result<String> {
    // A run that ends below it (the decorrelated one, in one step) is drawn down to it.
    const FLOOR: f64 = TARGET / 100.0;
    let colours = [palette::INK, palette::PURPLE, palette::DATA, palette::TRUE];
    let curves: Vec<LabelledCurve> = cs
        .iter()
        .zip(colours)
        .filter_map(|(c, colour)| {
            let run = c.run.as_ref()?;
            // On the log axis a step per 1/200 of a decade looks the same as every step, and
            // keeps the file at kilobytes rather than megabytes (the raw run has 10⁵ steps).
            let last = run.relative_excess.len().saturating_sub(1);
            let slot = |t: usize| (200.0 * ((t + 1) as f64).log10()).floor() as i64;
            let points = run
                .relative_excess
                .iter()
                .enumerate()
                .filter(|&(t, _)| t == 0 || t == last || slot(t) != slot(t - 1))
                .map(|(t, v)| ((t + 1) as f64, v.max(FLOOR)))
                .collect();
            Some(LabelledCurve { label: format!("{} (κ = {})", c.scale.name(), fmt_kappa(c.loss.kappa())), points, colour })
        })
        .collect();
    let xmax = curves.iter().filter_map(|c| c.points.last()).map(|p| p.0).fold(2.0, f64::max) * 1.5;
    // The axis starts on an even power of ten, so that its labels (every second decade)
    // include 10⁰, where every run starts.
    let (ylo, yhi) = (FLOOR, 2.0);
    let labels: Vec<&str> = curves.iter().map(|c| c.label.as_str()).collect();
    plot::render(frame.size(plot::SIZE, 470 + plot::legend_room(frame, labels.len())), |root| -> DrawResult {
        let area = plot::title(root, "Each rescaling removes a cause: offsets, then units, then correlation")?;
        // The curves fill the plot's corners: the legend goes beside it (below on a phone).
        let mut chart = ChartBuilder::on(&area)
            .margin(15)
            // Room for the last x label's right half, at the canvas's edge on a phone.
            .margin_right(frame.px(15, 24) + plot::legend_room_right(frame, &labels))
            .margin_bottom(15 + plot::legend_room(frame, labels.len()))
            .x_label_area_size(50)
            .y_label_area_size(frame.px(75, 65))
            .build_cartesian_2d(
                (1.0..xmax).log_scale().with_key_points(plot::log_ticks(1.0, xmax)),
                (ylo..yhi).log_scale().with_key_points(plot::log_ticks(ylo, yhi)),
            )?;
        plot::style_mesh_scaled(&mut chart, "step t + 1 (log scale)", "(L − L*)/(L₀ − L*) (log scale)", (true, true))?;
        for c in &curves {
            chart
                .draw_series(LineSeries::new(c.points.clone(), c.colour.stroke_width(3)))?
                .label(c.label.as_str())
                .legend(plot::line_glyph(c.colour, 3));
        }
        let drawn: Vec<&[(f64, f64)]> = curves.iter().map(|c| c.points.as_slice()).collect();
        plot::legend(&mut chart, &area, frame, &drawn, &labels)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn rooms_move_with_area_and_standardizing_leaves_the_correlation() {
        let (r, _) = build(&data::paris_rents(data::BOOK_SEED)).unwrap();
        let v = |k: &str| r.json()[k].as_f64().unwrap_or_else(|| panic!("{k}"));
        assert!(v("corr_area_rooms") > 0.8, "{}", v("corr_area_rooms"));
        assert!((v("kappa_standardized") / v("kappa_formula") - 1.0).abs() < 1e-9);
        assert!((v("kappa_decorrelated") - 1.0).abs() < 1e-9);
        assert!(v("kappa_raw") > v("kappa_centred") && v("kappa_centred") > v("kappa_standardized"));
        for s in ["raw", "centred", "standardized", "decorrelated"] {
            assert!(v(&format!("measured_{s}")) <= v(&format!("predicted_{s}")), "{s}");
        }
    }
}
