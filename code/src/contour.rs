//! Contour lines by marching squares: plotters has no contour primitive, and the
//! algorithm is small enough to read.

/// A loss (or any function) sampled on a grid: `z[i][j]` is the value at `(xs[i], ys[j])`.
pub struct Grid {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub z: Vec<Vec<f64>>,
}

impl Grid {
    pub fn sample(xs: Vec<f64>, ys: Vec<f64>, f: impl Fn(f64, f64) -> f64) -> Grid {
        let z = xs.iter().map(|&x| ys.iter().map(|&y| f(x, y)).collect()).collect();
        Grid { xs, ys, z }
    }

    pub fn min(&self) -> f64 {
        self.z.iter().flatten().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn max(&self) -> f64 {
        self.z.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

/// Data sets up to this many rows sum the loss directly at each grid point (at most a few
/// million operations, and the book's committed figures keep their exact bytes); larger ones
/// go through [`Quadratic`](crate::quadratic::Quadratic), O(1) per point after one O(n) pass,
/// so a 10⁶-row file does not cost 10¹⁰ operations per figure.
pub const DIRECT_SUM_MAX_ROWS: usize = 4096;

/// The MSE of (`x`, `y`) sampled on the grid `ws` × `bs`.
pub fn loss_grid(x: &[f64], y: &[f64], ws: Vec<f64>, bs: Vec<f64>) -> Grid {
    if x.len() <= DIRECT_SUM_MAX_ROWS {
        Grid::sample(ws, bs, |w, b| crate::loss::mse(x, y, w, b))
    } else {
        let q = crate::quadratic::Quadratic::of(x, y);
        Grid::sample(ws, bs, |w, b| q.loss([w, b]))
    }
}

pub type Segment = [(f64, f64); 2];

// ANCHOR: marching_squares
/// The pieces of the curve z = `level`, one straight segment per grid cell it crosses.
///
/// In each cell, an edge whose two corners lie on opposite sides of the level is
/// crossed once; the crossing point is found by linear interpolation along the edge.
/// A cell has 0, 2 or 4 crossings; with 4 (a saddle) the value at the cell's centre
/// decides which pairs to join.
pub fn contour(grid: &Grid, level: f64) -> Vec<Segment> {
    let mut segments = Vec::new();
    let (xs, ys, z) = (&grid.xs, &grid.ys, &grid.z);
    for i in 0..xs.len() - 1 {
        for j in 0..ys.len() - 1 {
            // Corners counter-clockwise from bottom-left, and the edges between them.
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let value = |k: usize| z[corners[k].0][corners[k].1];
            let point = |k: usize| (xs[corners[k].0], ys[corners[k].1]);
            let above = |k: usize| value(k) >= level;
            let crossing = |k: usize| {
                let (a, b) = (k, (k + 1) % 4);
                if above(a) == above(b) {
                    return None;
                }
                let t = (level - value(a)) / (value(b) - value(a));
                let ((xa, ya), (xb, yb)) = (point(a), point(b));
                Some((xa + t * (xb - xa), ya + t * (yb - ya)))
            };
            let hits: Vec<(usize, (f64, f64))> =
                (0..4).filter_map(|k| crossing(k).map(|p| (k, p))).collect();
            match hits.as_slice() {
                [(_, p), (_, q)] => segments.push([*p, *q]),
                [bottom, right, top, left] => {
                    let centre = (0..4).map(value).sum::<f64>() / 4.0;
                    if (centre >= level) == above(0) {
                        // Bottom-left and top-right corners are joined through the centre:
                        // the curve cuts off the other two corners.
                        segments.push([bottom.1, right.1]);
                        segments.push([top.1, left.1]);
                    } else {
                        segments.push([left.1, bottom.1]);
                        segments.push([right.1, top.1]);
                    }
                }
                _ => {}
            }
        }
    }
    segments
}
// ANCHOR_END: marching_squares

/// `count` levels spaced evenly in log scale between `lo` and `hi` (both > 0): loss
/// surfaces span several orders of magnitude, and evenly spaced levels would crowd
/// into the steep walls and leave the floor of the valley empty.
pub fn log_levels(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let (a, b) = (lo.ln(), hi.ln());
    (0..count).map(|k| (a + (b - a) * (k as f64 + 0.5) / count as f64).exp()).collect()
}

/// Ratio of successive excess levels Δ of [`excess_levels`]: √10, tenfold every two lines.
pub const LEVEL_RATIO: f64 = 3.162_277_660_168_379_5;

/// `count` levels above a loss floor: L* + Δ with Δ = top·10^(−(k + ½)/2), so Δ grows by
/// [`LEVEL_RATIO`] = √10 per line, tenfold every two. On a quadratic the ellipse where the
/// excess is Δ has axes proportional to √Δ, so each is √√10 = 10^¼ ≈ 1.78 times wider
/// than the one inside it.
pub fn excess_levels(floor: f64, top: f64, count: usize) -> Vec<f64> {
    (0..count).map(|k| floor + top * 10f64.powf(-0.5 * (k as f64 + 0.5))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successive_levels_grow_by_the_level_ratio() {
        assert!((LEVEL_RATIO * LEVEL_RATIO - 10.0).abs() < 1e-14);
        let l = excess_levels(1.0, 100.0, 5);
        for p in l.windows(2) {
            assert!(((p[0] - 1.0) / (p[1] - 1.0) - LEVEL_RATIO).abs() < 1e-12);
        }
    }

    #[test]
    fn circle_contour_lies_on_the_circle() {
        let xs: Vec<f64> = (0..=40).map(|i| -2.0 + 0.1 * i as f64).collect();
        let grid = Grid::sample(xs.clone(), xs, |x, y| x * x + y * y);
        let segments = contour(&grid, 1.0);
        assert!(segments.len() > 30, "{}", segments.len());
        for p in segments.iter().flatten() {
            // Linear interpolation of x² + y² on a 0.1 grid is off by at most ~h²/4.
            let r = (p.0 * p.0 + p.1 * p.1).sqrt();
            assert!((r - 1.0).abs() < 0.01, "point {p:?} at radius {r}");
        }
    }

    #[test]
    fn saddle_is_split_by_the_centre_value() {
        // z = x·y on one cell [-1, 1]²: corners alternate in sign, centre is 0.
        let grid = Grid::sample(vec![-1.0, 1.0], vec![-1.0, 1.0], |x, y| x * y);
        assert_eq!(contour(&grid, 0.5).len(), 2);
        assert_eq!(contour(&grid, 2.0).len(), 0);
    }

    #[test]
    fn loss_grid_agrees_with_the_direct_sum_on_many_rows() {
        // Above the threshold the grid comes from the quadratic; it must match the sum.
        let n = DIRECT_SUM_MAX_ROWS + 1;
        let x: Vec<f64> = (0..n).map(|i| 20.0 + 80.0 * i as f64 / n as f64).collect();
        let y: Vec<f64> = x.iter().enumerate().map(|(i, &v)| 32.0 * v + 200.0 + 50.0 * ((i * 7919) % 13) as f64).collect();
        let (ws, bs) = (vec![0.0, 25.0, 40.0], vec![-300.0, 100.0, 800.0]);
        let g = loss_grid(&x, &y, ws.clone(), bs.clone());
        for (i, &w) in ws.iter().enumerate() {
            for (j, &b) in bs.iter().enumerate() {
                let direct = crate::loss::mse(&x, &y, w, b);
                assert!((g.z[i][j] / direct - 1.0).abs() < 1e-9, "{} vs {direct}", g.z[i][j]);
            }
        }
    }

    #[test]
    fn log_levels_are_geometric() {
        let l = log_levels(1.0, 1000.0, 3);
        assert!((l[1] / l[0] - 10.0).abs() < 1e-12 && (l[2] / l[1] - 10.0).abs() < 1e-12);
    }
}
