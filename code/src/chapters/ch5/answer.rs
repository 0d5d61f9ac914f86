//! Chapter 4's picture of the error along the eigen-directions, redrawn after centring
//! and after standardizing (issue 11): the slow component is what the change of
//! coordinates removes.

use crate::curvature::Curvature;
use crate::data::Dataset;
use crate::error::Result;
use crate::modes::{Labels, Modes, modes_figure_in};
use crate::plot;
use crate::quadratic::Quadratic;
use crate::report::{Report, fmt_sci};
use crate::standardize::Scaling;
use crate::stats;

use super::{NOTEBOOK_ITERATIONS, NOTEBOOK_LR, NOTEBOOK_START, RAW_START};

/// Steps of the centred run: enough for its flat component (1 − 1/κ per step) to fall
/// visibly, at the same figure size as chapter 4's 200.
pub const CENTRED_ITERATIONS: usize = 2000;

/// Gradient descent on centred x (y unchanged) at η = 1/λmax, from chapter 4's start
/// written in centred coordinates: b_c = b + w·x̄ is the prediction at the mean surface.
pub fn centred_modes(d: &Dataset) -> Modes {
    let xm = stats::mean(&d.x);
    let xc: Vec<f64> = d.x.iter().map(|v| v - xm).collect();
    let c = Curvature::of(&xc);
    let q = Quadratic::of(&xc, &d.y);
    let start = [RAW_START.0, RAW_START.1 + RAW_START.0 * xm];
    Modes::gradient_descent(&q, &c, start, 1.0 / c.lambda_max, CENTRED_ITERATIONS, 1000).0
}

/// The chapter's standardized notebook run (η = 0.1 from (0.5, 0.5)), seen along the
/// eigen-directions of H ≈ 2I.
pub fn standardized_modes(d: &Dataset) -> Result<Modes> {
    let (xt, yt) = Scaling::of(&d.x, &d.y)?.apply(&d.x, &d.y);
    let c = Curvature::of(&xt);
    let q = Quadratic::of(&xt, &yt);
    let start = [NOTEBOOK_START.0, NOTEBOOK_START.1];
    Ok(Modes::gradient_descent(&q, &c, start, NOTEBOOK_LR, NOTEBOOK_ITERATIONS, 1000).0)
}

pub fn figures(r: &mut Report, d: &Dataset) -> Result<()> {
    let centred = centred_modes(d);
    r.number_sci("modes_centred_lr", centred.lr, 3);
    r.number("modes_centred_flat_factor", 1.0 - centred.lr * centred.lambda[0], 5);
    let [flat, _] = centred.shrink_measured();
    r.number("modes_centred_flat_shrink", flat.unwrap_or(f64::NAN), 3);
    let title = format!("Centred x, η = 1/λmax = {}: the flat part now shrinks", fmt_sci(centred.lr, 3));
    plot::figure(r, "ch5-modes-centred", |frame| {
        modes_figure_in(
            &centred,
            Labels { title: &title, x_desc: "iteration t", y_desc: "|error along v| (€/m² and €, log scale)" },
            frame,
        )
    })?;
    let standardized = standardized_modes(d)?;
    r.number("modes_std_factor", 1.0 - standardized.lr * standardized.lambda[1], 4);
    plot::figure(r, "ch5-modes-standardized", |frame| {
        modes_figure_in(
            &standardized,
            Labels {
                title: "Standardized, η = 0.1: both parts shrink at the same rate",
                x_desc: "iteration t",
                y_desc: "|error along v| (standardized units, log scale)",
            },
            frame,
        )
    })?;
    Ok(())
}
