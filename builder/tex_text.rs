//! A formula's TeX as a reader sees it, in one line of plain text: `\lambda_{\max}` reads
//! "λmax", `\sum x_i^2` "Σxᵢ²", `\frac{x - \bar x}{s_x}` "(x − x̄)/sₓ". Used for the search
//! excerpts, which are plain text: what a reader recognizes from the page, not TeX source.
//!
//! Covers the TeX the book writes (its commands are listed below); an unknown command
//! keeps its name without the backslash, so nothing is lost, only less pretty.

/// The plain-text reading of `tex` (one formula, without its `$` delimiters).
pub fn tex_to_text(tex: &str) -> String {
    let tokens = tokenize(tex);
    let mut p = Parser { tokens, at: 0 };
    let text = p.sequence(None);
    tidy(&text)
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// `\name` (letters) or `\c` (one other character).
    Cmd(String),
    Open,
    Close,
    Sub,
    Sup,
    Amp,
    /// Source whitespace: ignored in maths, kept in `\text{…}`.
    Space,
    Char(char),
}

fn tokenize(tex: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphabetic() {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if name.is_empty()
                    && let Some(n) = chars.next()
                {
                    name.push(n);
                }
                out.push(Tok::Cmd(name));
            }
            '{' => out.push(Tok::Open),
            '}' => out.push(Tok::Close),
            '_' => out.push(Tok::Sub),
            '^' => out.push(Tok::Sup),
            '&' => out.push(Tok::Amp),
            // Maths ignores the source's spaces (`tidy` puts the reader's back); text keeps them.
            c if c.is_whitespace() => {
                if out.last() != Some(&Tok::Space) {
                    out.push(Tok::Space);
                }
            }
            c => out.push(Tok::Char(c)),
        }
    }
    out
}

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
}

/// Marks around a relation or binary operator; `tidy` turns them into spaces.
const GAP: char = '\u{1}';

impl Parser {
    /// The next token that is not a space (spaces before it are consumed).
    fn peek(&mut self) -> Option<&Tok> {
        while self.tokens.get(self.at) == Some(&Tok::Space) {
            self.at += 1;
        }
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        self.peek();
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    /// Everything up to the closing brace (consumed) or `\end{env}`/the end.
    fn sequence(&mut self, env: Option<&str>) -> String {
        let mut out = String::new();
        // After a subscript written as plain letters (λmin), a letter that follows gets a
        // space, so "λmin t" does not read as one word.
        let mut word_script = false;
        while let Some(t) = self.peek().cloned() {
            let was_word = std::mem::take(&mut word_script);
            match t {
                Tok::Close => {
                    self.at += 1;
                    if env.is_none() {
                        return out;
                    }
                }
                Tok::Cmd(ref c) if c == "end" => {
                    self.at += 1;
                    self.argument();
                    if env.is_some() {
                        return out;
                    }
                }
                Tok::Sub | Tok::Sup => {
                    self.at += 1;
                    let arg = self.argument();
                    let text = script(&arg, t == Tok::Sup);
                    word_script = t == Tok::Sub && text.chars().all(char::is_alphanumeric) && text.chars().any(|c| c.is_ascii_alphabetic());
                    out.push_str(&text);
                }
                Tok::Amp => {
                    self.at += 1;
                    out.push_str(if env == Some("pmatrix") { ", " } else { " " });
                }
                _ => {
                    // An operator name (ln, var, max) stands apart from the letters around it.
                    let function = match &t {
                        Tok::Cmd(c) => FUNCTIONS.contains(&c.as_str()) || c == "operatorname",
                        _ => false,
                    };
                    let atom = self.atom();
                    if (was_word || function) && atom.starts_with(char::is_alphanumeric) && out.ends_with(char::is_alphanumeric) {
                        out.push(' ');
                    }
                    word_script = function;
                    out.push_str(&atom);
                }
            }
        }
        out
    }

    /// One argument: a `{group}` or a single token.
    fn argument(&mut self) -> String {
        match self.peek() {
            Some(Tok::Open) => {
                self.at += 1;
                self.sequence(None)
            }
            Some(_) => self.atom(),
            None => String::new(),
        }
    }

    /// The raw letters of a `{name}` argument (environment names, `\text` contents).
    fn raw_group(&mut self) -> String {
        let mut out = String::new();
        if self.peek() != Some(&Tok::Open) {
            return self.atom();
        }
        self.at += 1;
        let mut depth = 1;
        let mut space_before = false;
        while let Some(t) = self.tokens.get(self.at).cloned() {
            self.at += 1;
            match t {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Char(c) => out.push(c),
                Tok::Space => out.push(' '),
                Tok::Cmd(c) if c == " " || c == "," || c == ";" => space_before = true,
                Tok::Cmd(c) => out.push_str(&symbol(&c).unwrap_or(c)),
                _ => {}
            }
            if space_before {
                out.push(' ');
                space_before = false;
            }
        }
        out
    }

    fn atom(&mut self) -> String {
        let Some(t) = self.next() else { return String::new() };
        match t {
            Tok::Open => self.sequence(None),
            Tok::Close | Tok::Sub | Tok::Sup | Tok::Amp | Tok::Space => String::new(),
            Tok::Char(c) => char_text(c),
            Tok::Cmd(c) => self.command(&c),
        }
    }

    fn command(&mut self, name: &str) -> String {
        match name {
            "frac" | "tfrac" | "dfrac" => {
                let (num, den) = (self.argument(), self.argument());
                format!("{}/{}", operand(&num), operand(&den))
            }
            "sqrt" => format!("√{}", operand(&self.argument())),
            "bar" | "overline" => accent(&self.argument(), '\u{304}'),
            "hat" | "widehat" => accent(&self.argument(), '\u{302}'),
            "tilde" | "widetilde" => accent(&self.argument(), '\u{303}'),
            "dot" => accent(&self.argument(), '\u{307}'),
            "vec" | "boxed" | "mathbf" | "boldsymbol" | "mathcal" | "mathit" | "mathrm" | "mathbb" => self.argument(),
            "text" | "operatorname" | "textrm" | "mbox" => self.raw_group(),
            "underbrace" | "overbrace" => {
                let body = self.argument();
                // The brace's label reads as a remark after it.
                if matches!(self.peek(), Some(Tok::Sub | Tok::Sup)) {
                    self.at += 1;
                    let label = self.argument();
                    return format!("{body} ({label})");
                }
                body
            }
            "sum" | "prod" => {
                let sign = if name == "sum" { "Σ" } else { "Π" };
                // Limits (i = 1 … n) are dropped: "Σxᵢ" is how prose reads a sum over the data.
                while matches!(self.peek(), Some(Tok::Sub | Tok::Sup)) {
                    self.at += 1;
                    self.argument();
                }
                sign.to_string()
            }
            "begin" => {
                let env = self.raw_group();
                let body = self.sequence(Some(&env));
                if env.ends_with("matrix") { format!("({body})") } else { body }
            }
            "left" | "right" | "bigl" | "bigr" | "Bigl" | "Bigr" | "big" | "Big" | "biggl" | "biggr" | "middle" => {
                // The delimiter that follows is what shows.
                if self.peek() == Some(&Tok::Cmd(".".into())) {
                    self.at += 1;
                    return String::new();
                }
                self.atom()
            }
            "\\" => "; ".to_string(),
            "," | ";" | ":" | " " | "quad" | "qquad" => " ".to_string(),
            "!" | "displaystyle" | "textstyle" | "limits" | "nolimits" => String::new(),
            _ => symbol(name).unwrap_or_else(|| name.to_string()),
        }
    }
}

/// Operator names, set upright in maths and apart from their argument in text.
const FUNCTIONS: [&str; 13] = ["min", "max", "ln", "log", "exp", "det", "sin", "cos", "tan", "arg", "sup", "inf", "lim"];

/// A command that stands for one symbol.
fn symbol(name: &str) -> Option<String> {
    let s = match name {
        "alpha" => "α", "beta" => "β", "gamma" => "γ", "delta" => "δ", "epsilon" => "ϵ",
        "varepsilon" => "ε", "zeta" => "ζ", "eta" => "η", "theta" => "θ", "iota" => "ι",
        "kappa" => "κ", "lambda" => "λ", "mu" => "μ", "nu" => "ν", "xi" => "ξ", "pi" => "π",
        "rho" => "ρ", "sigma" => "σ", "tau" => "τ", "phi" => "ϕ", "varphi" => "φ", "chi" => "χ",
        "psi" => "ψ", "omega" => "ω", "Gamma" => "Γ", "Delta" => "Δ", "Theta" => "Θ",
        "Lambda" => "Λ", "Sigma" => "Σ", "Pi" => "Π", "Phi" => "Φ", "Omega" => "Ω",
        "partial" => "∂", "nabla" => "∇", "ell" => "ℓ", "infty" => "∞",
        "cdot" => "·", "times" => "\u{1}×\u{1}", "pm" => "\u{1}±\u{1}", "div" => "\u{1}÷\u{1}",
        "approx" => "\u{1}≈\u{1}", "le" | "leq" => "\u{1}≤\u{1}", "ge" | "geq" => "\u{1}≥\u{1}",
        "ne" | "neq" => "\u{1}≠\u{1}", "ll" => "\u{1}≪\u{1}", "gg" => "\u{1}≫\u{1}",
        "sim" => "\u{1}~\u{1}", "propto" => "\u{1}∝\u{1}", "equiv" => "\u{1}≡\u{1}",
        "leftarrow" | "gets" => "\u{1}←\u{1}", "rightarrow" | "to" => "\u{1}→\u{1}",
        "Longrightarrow" | "Rightarrow" | "implies" => "\u{1}⟹\u{1}", "in" => "\u{1}∈\u{1}",
        "mid" => "\u{1}|\u{1}", "dots" | "ldots" | "cdots" => "…",
        "lVert" | "rVert" | "Vert" | "|" => "‖", "lvert" | "rvert" | "vert" => "|",
        "lceil" => "⌈", "rceil" => "⌉", "lfloor" => "⌊", "rfloor" => "⌋",
        "langle" => "⟨", "rangle" => "⟩", "{" => "{", "}" => "}", "%" => "%", "$" => "$", "_" => "_", "&" => "&",
        "top" => "ᵀ", "prime" => "′", "star" => "*", "circ" => "∘",
        _ if FUNCTIONS.contains(&name) => name,
        _ => return None,
    };
    Some(s.to_string())
}

fn char_text(c: char) -> String {
    match c {
        '-' => format!("{GAP}−{GAP}"),
        '+' | '=' | '<' | '>' => format!("{GAP}{c}{GAP}"),
        ',' => ", ".to_string(),
        '~' => " ".to_string(),
        '\'' => "′".to_string(),
        c => c.to_string(),
    }
}

/// A fraction's part in parentheses when it is more than one term.
fn operand(text: &str) -> String {
    let t = tidy(text);
    let simple = t.chars().all(|c| !c.is_whitespace()) && !t.contains(['+', '−', '/', '±']);
    if simple || (t.starts_with('(') && t.ends_with(')') && t[1..].find(')') == Some(t.len() - 2)) {
        text.to_string()
    } else {
        format!("({text})")
    }
}

fn accent(text: &str, mark: char) -> String {
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if c.is_alphanumeric() {
            out.push(mark);
        }
    }
    out
}

/// A sub- or superscript: Unicode's small letters where every character has one (xᵢ, x²,
/// H⁻¹), else written after its base as prose does (λmax, ηb) or with ^(…) (e^(−ηλt)).
fn script(arg: &str, sup: bool) -> String {
    let plain = tidy(arg);
    if plain == "*" || plain == "′" || plain == "ᵀ" {
        return plain;
    }
    let words = ["min", "max"];
    let small: Option<String> = if !sup && words.contains(&plain.as_str()) {
        None
    } else {
        plain.chars().map(|c| if sup { superscript(c) } else { subscript(c) }).collect()
    };
    match small {
        Some(s) => s,
        None if sup => format!("^{}", if plain.chars().count() == 1 { plain } else { format!("({plain})") }),
        None => plain.replace(' ', ""),
    }
}

fn superscript(c: char) -> Option<char> {
    let s = match c {
        '0' => '⁰', '1' => '¹', '2' => '²', '3' => '³', '4' => '⁴', '5' => '⁵', '6' => '⁶',
        '7' => '⁷', '8' => '⁸', '9' => '⁹', '+' => '⁺', '−' | '-' => '⁻', '=' => '⁼', '(' => '⁽',
        ')' => '⁾', 'a' => 'ᵃ', 'b' => 'ᵇ', 'c' => 'ᶜ', 'd' => 'ᵈ', 'e' => 'ᵉ', 'f' => 'ᶠ',
        'g' => 'ᵍ', 'h' => 'ʰ', 'i' => 'ⁱ', 'j' => 'ʲ', 'k' => 'ᵏ', 'l' => 'ˡ', 'm' => 'ᵐ',
        'n' => 'ⁿ', 'o' => 'ᵒ', 'p' => 'ᵖ', 'r' => 'ʳ', 's' => 'ˢ', 't' => 'ᵗ', 'u' => 'ᵘ',
        'v' => 'ᵛ', 'w' => 'ʷ', 'x' => 'ˣ', 'y' => 'ʸ', 'z' => 'ᶻ', 'T' => 'ᵀ', 'ᵀ' => 'ᵀ',
        _ => return None,
    };
    Some(s)
}

fn subscript(c: char) -> Option<char> {
    let s = match c {
        '0' => '₀', '1' => '₁', '2' => '₂', '3' => '₃', '4' => '₄', '5' => '₅', '6' => '₆',
        '7' => '₇', '8' => '₈', '9' => '₉', '+' => '₊', '−' | '-' => '₋', '=' => '₌', '(' => '₍',
        ')' => '₎', 'a' => 'ₐ', 'e' => 'ₑ', 'h' => 'ₕ', 'i' => 'ᵢ', 'j' => 'ⱼ', 'k' => 'ₖ',
        'l' => 'ₗ', 'm' => 'ₘ', 'n' => 'ₙ', 'o' => 'ₒ', 'p' => 'ₚ', 'r' => 'ᵣ', 's' => 'ₛ',
        't' => 'ₜ', 'u' => 'ᵤ', 'v' => 'ᵥ', 'x' => 'ₓ', 'β' => 'ᵦ', 'γ' => 'ᵧ', 'ρ' => 'ᵨ',
        'φ' => 'ᵩ', 'χ' => 'ᵪ',
        _ => return None,
    };
    Some(s)
}

/// Spaces as prose sets them: one around relations and binary operators, none after an
/// opening bracket or before a closing one; a minus that starts a term stays unspaced.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == GAP {
            // A unary minus or plus (start, after an opening bracket or another operator): no gap.
            let prev = out.trim_end().chars().last();
            let next_is_sign = matches!(chars.get(i + 1), Some('−' | '+' | '±'));
            let opening = matches!(prev, None | Some('(' | '[' | '{' | '=' | '≈' | '<' | '>' | '≤' | '≥' | '|' | ',' | '^'));
            let after_sign = i > 0 && matches!(chars[i - 1], '−' | '+' | '±');
            let before_sign = out.trim_end().chars().rev().skip(1).find(|c| !c.is_whitespace());
            let after_unary = after_sign && before_sign.is_none_or(|p| "([{=≈<>≤≥,|^".contains(p));
            if (next_is_sign && opening) || after_unary {
                continue;
            }
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        if c == ' ' && (out.is_empty() || out.ends_with(' ') || out.ends_with('(') || out.ends_with('[')) {
            continue;
        }
        if matches!(c, ')' | ']' | ',' | ';') && out.ends_with(' ') {
            out.pop();
        }
        out.push(c);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::tex_to_text;

    #[test]
    fn formulas_read_as_on_the_page() {
        for (tex, text) in [
            (r"\lambda_{\max}", "λmax"),
            (r"\kappa = \lambda_{\max}/\lambda_{\min}", "κ = λmax/λmin"),
            (r"\sum x_i^2", "Σxᵢ²"),
            (r"\sum_{i=1}^{n} x_i^2", "Σxᵢ²"),
            (r"\frac2n", "2/n"),
            (r"\tfrac12\bigl(\lambda_{\min}\,a^2 + \lambda_{\max}\,b^2\bigr)", "1/2(λmin a² + λmax b²)"),
            (r"\frac{x - \bar x}{s_x}", "(x − x̄)/sₓ"),
            (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
            (r"-H^{-1}\nabla L", "−H⁻¹∇L"),
            (r"\eta < 2/\lambda_{\max}", "η < 2/λmax"),
            (r"H = \frac2n\begin{pmatrix}\sum x_i^2 & \sum x_i \\ \sum x_i & n\end{pmatrix}", "H = 2/n(Σxᵢ², Σxᵢ; Σxᵢ, n)"),
            (r"\theta^* = (w^*, b^*)", "θ* = (w*, b*)"),
            (r"\operatorname{var}(x)", "var(x)"),
            (r"\eta_b", "ηb"),
            (r"\widetilde x", "x̃"),
            (r"\hat y_i = w\,x_i + b", "y\u{302}ᵢ = w xᵢ + b"),
            (r"e^{-\eta\lambda t}", "e^(−ηλt)"),
            (r"\lVert \nabla L \rVert", "‖∇L‖"),
            (r"10^{-5}", "10⁻⁵"),
            (r"\text{per step}", "per step"),
            (r"a = -1", "a = −1"),
            (r"\eta\lambda_{\min}t", "ηλmin t"),
            (r"x_i", "xᵢ"),
            (r"\lceil \ln s/\ln\rho \rceil", "⌈ln s/ln ρ⌉"),
            (r"2\operatorname{var}(x)", "2 var(x)"),
        ] {
            assert_eq!(tex_to_text(tex), text, "{tex}");
        }
    }
}
