//! Double-double arithmetic: a value held as an unevaluated sum hi + lo of two f64,
//! about 32 significant digits, built from error-free transformations.
//!
//! Only what least squares needs: sums and dot products accumulated without rounding
//! error to speak of (the residual y − Xθ, the products Xᵀr), and powers xᵏ carried to
//! twice the working precision (a design of powers x¹⁰ rounded to f64 is already a
//! perturbed problem: Filip loses half its digits to it).

use std::ops::{Add, Mul, Neg, Sub};

// ANCHOR: eft
/// TwoSum (Knuth): s = fl(a + b) and the exact rounding error e, so that a + b = s + e
/// exactly, whatever the magnitudes of a and b.
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// TwoProd: p = fl(a·b) and its exact error e = a·b − p, so that a·b = p + e exactly.
/// The fused multiply-add computes a·b − p with a single rounding, and a·b − p is
/// representable, so `mul_add` returns it exactly (barring overflow or underflow).
pub fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}
// ANCHOR_END: eft

/// hi + lo with |lo| ≤ ulp(hi)/2: the pair is normalised after every operation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Dd {
    pub hi: f64,
    pub lo: f64,
}

impl Dd {
    pub const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };

    pub fn new(v: f64) -> Dd {
        Dd { hi: v, lo: 0.0 }
    }

    /// The nearest f64.
    pub fn to_f64(self) -> f64 {
        self.hi + self.lo
    }

    pub(crate) fn renorm(hi: f64, lo: f64) -> Dd {
        let (s, e) = two_sum(hi, lo);
        Dd { hi: s, lo: e }
    }

    /// √ of a double-double: one Newton step from the f64 root doubles its digits.
    pub fn sqrt(self) -> Dd {
        if self.hi <= 0.0 {
            return Dd::new(self.hi.max(0.0).sqrt());
        }
        let s = self.hi.sqrt();
        let (p, e) = two_prod(s, s);
        let residual = ((self.hi - p) - e) + self.lo;
        Dd::renorm(s, residual / (2.0 * s))
    }
}

impl From<f64> for Dd {
    fn from(v: f64) -> Dd {
        Dd::new(v)
    }
}

impl Add for Dd {
    type Output = Dd;
    fn add(self, o: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, o.hi);
        let (t, f) = two_sum(self.lo, o.lo);
        let r = Dd::renorm(s, e + t);
        Dd::renorm(r.hi, r.lo + f)
    }
}

impl Add<f64> for Dd {
    type Output = Dd;
    fn add(self, o: f64) -> Dd {
        let (s, e) = two_sum(self.hi, o);
        Dd::renorm(s, e + self.lo)
    }
}

impl Neg for Dd {
    type Output = Dd;
    fn neg(self) -> Dd {
        Dd { hi: -self.hi, lo: -self.lo }
    }
}

impl Sub for Dd {
    type Output = Dd;
    fn sub(self, o: Dd) -> Dd {
        self + -o
    }
}

impl Mul<f64> for Dd {
    type Output = Dd;
    fn mul(self, o: f64) -> Dd {
        let (p, e) = two_prod(self.hi, o);
        Dd::renorm(p, e + self.lo * o)
    }
}

impl Mul for Dd {
    type Output = Dd;
    fn mul(self, o: Dd) -> Dd {
        let (p, e) = two_prod(self.hi, o.hi);
        Dd::renorm(p, e + (self.hi * o.lo + self.lo * o.hi))
    }
}

impl Div<Dd> for Dd {
    type Output = Dd;
    /// One correction step on the f64 quotient: q + (a − q·b)/b.
    fn div(self, o: Dd) -> Dd {
        let q = self.hi / o.hi;
        let r = self - o * q;
        Dd::renorm(q, r.hi / o.hi)
    }
}

use std::ops::Div;

/// Σ aᵢ·bᵢ in double-double: every product split exactly by [`two_prod`], every sum
/// carried with its error, so the result is as if computed in ≈ 32 digits and then
/// kept as hi + lo.
pub fn dot(a: impl IntoIterator<Item = f64>, b: impl IntoIterator<Item = f64>) -> Dd {
    a.into_iter().zip(b).fold(Dd::ZERO, |acc, (x, y)| {
        let (p, e) = two_prod(x, y);
        acc + Dd { hi: p, lo: e }
    })
}

/// Σ aᵢ in double-double.
pub fn sum(a: impl IntoIterator<Item = f64>) -> Dd {
    a.into_iter().fold(Dd::ZERO, |acc, v| acc + v)
}

/// x, x², …, x^degree, each to double-double accuracy.
pub fn powers(x: Dd, degree: usize) -> Vec<Dd> {
    let mut out = Vec::with_capacity(degree);
    let mut p = Dd::new(1.0);
    for _ in 0..degree {
        p = p * x;
        out.push(p);
    }
    out
}

/// A decimal number such as `-0.402962525080404E-04` to double-double accuracy: the
/// digits as an exact integer M, then M·10ᵉ with one rounding at ≈ 10⁻³² relative.
/// A decimal like 0.11019 has no exact f64; its double-double keeps 16 more digits,
/// so data read this way are the data NIST certified, not their f64 roundings.
/// `None` for anything that is not a plain decimal (or has more than 38 digits).
pub fn parse_decimal(text: &str) -> Option<Dd> {
    let t = text.trim();
    let (negative, t) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = int.chars().chain(frac.chars()).collect();
    let m: u128 = digits.trim_start_matches('0').parse().unwrap_or(0);
    if digits.trim_start_matches('0').len() > 38 {
        return None;
    }
    let hi = m as f64;
    // m − hi is exact in i128 and fits an f64 exactly while m < 2¹⁰⁶.
    let lo = (m as i128 - hi as i128) as f64;
    let mut v = Dd::renorm(hi, lo);
    let e = exponent.checked_sub(frac.len() as i32)?;
    // 10ᵏ is exact in f64 up to 10²²: scale in such chunks.
    let mut k = e;
    while k != 0 {
        let step = k.clamp(-22, 22);
        let p = 10f64.powi(step.abs());
        v = if step > 0 { v * p } else { v / Dd::new(p) };
        k -= step;
    }
    Some(if negative { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sum_and_two_prod_are_exact() {
        // 1 + 2⁻⁶⁰ rounds to 1; TwoSum returns the lost 2⁻⁶⁰ exactly.
        let tiny = 2f64.powi(-60);
        assert_eq!(two_sum(1.0, tiny), (1.0, tiny));
        assert_eq!(two_sum(tiny, 1.0), (1.0, tiny));
        // (1 + 2⁻³⁰)² = 1 + 2⁻²⁹ + 2⁻⁶⁰: the last term does not fit in 53 bits.
        let a = 1.0 + 2f64.powi(-30);
        assert_eq!(two_prod(a, a), (1.0 + 2f64.powi(-29), tiny));
        // Exactness on awkward values, checked with integers: for a, b with ≤ 26
        // significant bits the product is exact in f64 and e must be 0; for
        // 0.1·0.1 compare with the exact product of the two doubles' integer mantissas.
        let (p, e) = two_prod(0.1, 0.1);
        let m = 0x1999999999999Au128 * 0x1999999999999Au128; // 0.1 = m₁·2⁻⁵⁶
        let exact_scaled = |v: f64| (v * 2f64.powi(112)) as i128; // both parts are multiples of 2⁻¹¹²·k
        assert_eq!((exact_scaled(p) + exact_scaled(e)) as u128, m);
        let (s, e) = two_sum(0.1, 0.2);
        assert_eq!(s, 0.30000000000000004);
        // 0.1 + 0.2 − s, computed exactly in integer units of 2⁻⁵⁷.
        let units = |v: f64| (v * 2f64.powi(57)).round() as i64;
        assert_eq!(units(0.1) + units(0.2) - units(s), (e * 2f64.powi(57)) as i64);
    }

    #[test]
    fn dot_recovers_what_f64_cancels() {
        // 1e16 + 1 − 1e16 is 0 in f64 (1e16 + 1 rounds to 1e16); the double-double sum keeps the 1.
        let d = dot([1e16, 1.0, -1e16], [1.0, 1.0, 1.0]);
        assert_eq!(d.to_f64(), 1.0);
        assert_eq!(1e16 + 1.0 - 1e16, 0.0);
        assert_eq!(sum([1e16, 1.0, -1e16]).to_f64(), 1.0);
    }

    #[test]
    fn powers_carry_the_rounding_of_f64_powers() {
        // 3¹⁰ = 59049 exactly; (1 + 2⁻³⁰)² has a term 2⁻⁶⁰ that f64 drops and Dd keeps.
        assert_eq!(powers(Dd::new(3.0), 10)[9], Dd::new(59049.0));
        let p = powers(Dd::new(1.0 + 2f64.powi(-30)), 2)[1];
        assert_eq!((p.hi, p.lo), (1.0 + 2f64.powi(-29), 2f64.powi(-60)));
    }

    #[test]
    fn decimals_parse_to_double_double() {
        // 0.1 = f64 0.1000000000000000055511151231257827 + lo, lo ≈ −5.55e-18.
        let d = parse_decimal("0.1").unwrap();
        assert_eq!(d.hi, 0.1);
        assert!((d.lo + 5.551115123125783e-18).abs() < 1e-32, "{d:?}");
        // 10·d − 1 is 0 to double-double accuracy (10·0.1_f64 − 1 would be 5.6e-17).
        assert!((d * 10.0 - Dd::new(1.0)).to_f64().abs() < 1e-31);
        for (text, value) in [("-0.402962525080404E-04", -0.402962525080404e-4), ("1962", 1962.0), ("+.5e1", 5.0)] {
            let d = parse_decimal(text).unwrap();
            assert_eq!(d.hi, value, "{text}");
        }
        for bad in ["", "-", ".", "1.2.3", "1e", "abc", "NaN", "inf"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn sqrt_and_div_reach_double_double_accuracy() {
        // √2 to 32 digits: 1.4142135623730950488016887242097.
        let r = Dd::new(2.0).sqrt();
        let sq = r * r - Dd::new(2.0);
        assert!(sq.to_f64().abs() < 1e-30, "{sq:?}");
        let q = Dd::new(1.0) / Dd::new(3.0);
        assert!((q * 3.0 - Dd::new(1.0)).to_f64().abs() < 1e-31);
    }
}
