//! The interactive widgets, driven in headless Chromium: the book is built into a
//! temporary folder, served on 127.0.0.1, and driven through chromedriver's W3C
//! WebDriver protocol (plain HTTP + JSON). The numbers the widgets show are compared
//! with the Rust library's; screenshots (light and dark theme) are saved under
//! target/browser-artifacts/ for a human to look at.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`). Without
//! them the test is skipped with a notice, except under CI (env `CI` set), where it fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use linreg::chapters::ch7;
use linreg::data::{BOOK_SEED, paris_rents};
use linreg::optimizers::{Adam, Momentum, Optimizer, run};
use linreg::{gd, grad, loss};
use serde_json::{Value, json};

fn find_in_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
}

/// Kills chromedriver (the process this test started, by its handle) when the test ends.
struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Session {
    agent: ureq::Agent,
    base: String,
}

impl Session {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self.agent.post(&url).send_json(body.unwrap_or_else(|| json!({}))),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let value: Value = response.body_mut().with_config().limit(64 << 20).read_json().expect("WebDriver answers JSON");
        assert!(status.is_success(), "{method} {path}: {status} {value}");
        value["value"].clone()
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page, returns its value.
    fn js(&self, script: &str, args: Value) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
        // The widgets start synchronously while the page loads; wait until both exist.
        let start = Instant::now();
        while !self.js("return document.readyState === 'complete'", json!([])).as_bool().unwrap_or(false) {
            assert!(start.elapsed() < Duration::from_secs(20), "page did not load: {url}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A PNG of one element, saved under `dir`.
    fn screenshot(&self, selector: &str, dir: &Path, name: &str) {
        self.js("document.querySelector(arguments[0]).scrollIntoView()", json!([selector]));
        let element = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": selector })));
        let id = element.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id");
        let png = base64_decode(self.call("GET", &format!("/element/{id}/screenshot"), None).as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(dir.join(name), png).unwrap();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).map(value).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &v)| acc | (v as u32) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Relative difference, the measure of every tolerance below.
fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
}

#[test]
fn widgets_agree_with_the_library_in_chromium() {
    let (Some(driver_bin), Some(chromium)) = (
        find_in_path(&["chromedriver"]),
        find_in_path(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        let message = "chromium and chromedriver are needed for the browser test \
                       (Debian: apt-get install chromium chromium-driver)";
        if std::env::var_os("CI").is_some() {
            panic!("{message}; CI must not skip it");
        }
        eprintln!("SKIPPED widgets_agree_with_the_library_in_chromium: {message}");
        return;
    };

    // The book, built and served.
    let out = tempfile::tempdir().unwrap();
    let mut book = gd_book::load(&gd_book::root()).unwrap();
    book.config.build.build_dir = out.path().to_path_buf();
    book.build().expect("the book builds");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let site = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    {
        let dir = out.path().to_path_buf();
        std::thread::spawn(move || gd_book::serve_files(&listener, &dir));
    }

    // chromedriver, and one headless Chromium session.
    let port = free_port();
    let _driver = Driver(
        Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let driver_url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while agent.get(format!("{driver_url}/status")).call().is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": {
        "binary": chromium,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--window-size=1280,1600",
                 format!("--user-data-dir={}", profile.path().display())],
    } } } });
    let created = Session { agent: agent.clone(), base: driver_url.clone() }.call("POST", "/session", Some(caps));
    let id = created["sessionId"].as_str().expect("a session id").to_string();
    let s = Session { agent, base: format!("{driver_url}/session/{id}") };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_widgets(&s, &site);
        check_modes_widget(&s, &site);
    }));
    let _ = s.agent.delete(&s.base).call();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn check_widgets(s: &Session, site: &str) {
    let d = paris_rents(BOOK_SEED);
    let artifacts = gd_book::root().join("target/browser-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();

    // ---- chapter 2: sliders to a given (w, b), the MSE against loss::mse ----
    s.goto(&format!("{site}/ch02-mse.html"));
    let errors = s.js("return [...document.querySelectorAll('.gd-widget[data-error]')].map(e => e.dataset.error)", json!([]));
    assert_eq!(errors, json!([]), "a widget failed to start");
    let set_fit = "const [w, b] = arguments;
        for (const [id, v] of [['fit-w', w], ['fit-b', b]]) {
          const s = document.getElementById(id); s.value = v; s.dispatchEvent(new Event('input', { bubbles: true }));
        }
        const m = document.getElementById('fit-mse');
        return [m.dataset.w, m.dataset.b, m.dataset.value, m.textContent];";
    for (w, b) in [(30.5, 250.0), (20.0, 1200.0), (45.25, -600.0)] {
        let shown = s.js(set_fit, json!([w, b]));
        let num = |i: usize| shown[i].as_str().unwrap().parse::<f64>().unwrap();
        // The sliders step by 0.05 €/m² and 1 €: these (w, b) lie on their grid.
        assert!((num(0) - w).abs() < 1e-9 && (num(1) - b).abs() < 1e-9, "sliders at {shown} for ({w}, {b})");
        let expected = loss::mse(&d.x, &d.y, w, b);
        // Same arithmetic in the same order (IEEE doubles in both): equal up to a few ulps.
        assert!(rel(num(2), expected) < 1e-12, "MSE {} vs {expected}", num(2));
        // The text shows 4 significant digits (half a unit in the 4th digit < 5e-4 relative).
        let text = shown[3].as_str().unwrap().replace(['\u{202f}', ' ', '€', '²'], "");
        assert!(rel(text.parse::<f64>().unwrap(), expected) < 5e-4, "shown {text} vs {expected}");
    }
    s.js(set_fit, json!([30.5, 250.0]));
    for theme in ["light", "navy"] {
        s.js("localStorage.setItem('mdbook-theme', arguments[0]); localStorage.setItem('mdbook-sidebar', 'hidden')", json!([theme]));
        s.goto(&format!("{site}/ch02-mse.html"));
        s.js(set_fit, json!([30.5, 250.0]));
        s.screenshot("#fit-widget", &artifacts, &format!("ch2-fit-{theme}.png"));
    }

    // ---- chapter 7: the playground against gd::gradient_descent and optimizers::run ----
    s.js("localStorage.setItem('mdbook-theme', 'light')", json!([]));
    s.goto(&format!("{site}/ch07-optimizers.html"));
    let run_playground = "const [data, opt, lr, steps] = arguments;
        const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); };
        set('gd-data', data); set('gd-opt', opt); set('gd-lr', lr); set('gd-steps', steps);
        const st = document.getElementById('gd-status');
        return [st.dataset.w, st.dataset.b, st.dataset.steps, st.dataset.divergedAt, document.getElementById('gd-lr-value').dataset.value, st.textContent];";
    let settings = ch7::playground_settings(&d).unwrap();
    // (data, optimizer, log10 η, steps): the notebook's failure, a divergence, centered
    // momentum, standardized GD and Adam.
    let cases = [
        ("raw", "gd", -5.0, 200),
        ("raw", "gd", -3.0, 500),
        ("centered", "momentum", -3.0, 300),
        ("std", "gd", -1.0, 100),
        ("std", "adam", -2.0, 400),
        ("raw", "adam", 0.0, 1000),
    ];
    for (key, opt, log_lr, steps) in cases {
        let shown = s.js(run_playground, json!([key, opt, log_lr, steps]));
        let num = |i: usize| shown[i].as_str().unwrap().parse::<f64>().unwrap();
        let lr = num(4);
        assert!(rel(lr, 10f64.powf(log_lr)) < 1e-12, "η shown {lr}");
        let (_, _, sc) = settings.iter().find(|(k, _, _)| *k == key).unwrap();
        let (x, y) = sc.apply(&d.x, &d.y);
        let start = sc.to_standardized(ch7::START);
        let trace = match opt {
            "gd" => gd::gradient_descent(&x, &y, start, lr, steps),
            _ => {
                let mut o: Box<dyn Optimizer> = match opt {
                    "momentum" => Box::new(Momentum::new(lr, ch7::PLAYGROUND_BETA)),
                    _ => Box::new(Adam::new(lr)),
                };
                run(o.as_mut(), [start.0, start.1], steps, |t, _| grad::gradients(&x, &y, t[0], t[1]).into(), |t| {
                    loss::mse(&x, &y, t[0], t[1])
                })
            }
        };
        let what = format!("{key} {opt} η = {lr} × {steps}: widget {shown}");
        let diverged = shown[3].as_str().unwrap();
        assert_eq!(diverged, trace.diverged_at.map_or(String::new(), |k| k.to_string()), "{what}");
        assert_eq!(num(2) as usize, trace.w.len() - 1, "{what}");
        if trace.diverged_at.is_none() {
            let (w, b) = sc.to_original(trace.last());
            // Same operations in the same order, but Math.pow vs powf (Adam's bias
            // correction) and the back-transform may differ in the last bits; over
            // hundreds of contracting steps that stays far below 1e-9.
            assert!(rel(num(0), w) < 1e-9 && rel(num(1), b) < 1e-9, "{what}: Rust ({w}, {b})");
        } else {
            assert!(shown[5].as_str().unwrap().starts_with("Diverged at step"), "{what}");
        }
    }
    // The JavaScript's pure functions, checked directly too.
    let js_mse = s.js("return gdWidgets.mse([0, 1, 2], [1, 0, 4], 2, 0)", json!([])).as_f64().unwrap();
    assert_eq!(js_mse, loss::mse(&[0.0, 1.0, 2.0], &[1.0, 0.0, 4.0], 2.0, 0.0));
    let g = s.js("return gdWidgets.gradients([0, 1], [1, 3], 0, 0)", json!([]));
    assert_eq!((g[0].as_f64().unwrap(), g[1].as_f64().unwrap()), grad::gradients(&[0.0, 1.0], &[1.0, 3.0], 0.0, 0.0));
    assert_eq!(s.js("return gdWidgets.hasDiverged(2e6, 1, 1e6)", json!([])), json!(gd::has_diverged(2e6, 1.0)));

    for theme in ["light", "navy"] {
        s.js("localStorage.setItem('mdbook-theme', arguments[0]); localStorage.setItem('mdbook-sidebar', 'hidden')", json!([theme]));
        s.goto(&format!("{site}/ch07-optimizers.html"));
        s.js(run_playground, json!(["raw", "gd", -5.0, 200]));
        s.screenshot("#gd-playground", &artifacts, &format!("ch7-playground-raw-{theme}.png"));
        s.js(run_playground, json!(["std", "adam", -1.0, 200]));
        s.screenshot("#gd-playground", &artifacts, &format!("ch7-playground-std-adam-{theme}.png"));
        s.js(run_playground, json!(["raw", "gd", -3.0, 500]));
        s.screenshot("#gd-playground", &artifacts, &format!("ch7-playground-diverged-{theme}.png"));
    }
}

/// Chapter 4's "error along the eigen-directions" widget against `gd::gradient_descent`
/// and `modes::components` on the same settings (`ch4::answer::modes_settings`).
fn check_modes_widget(s: &Session, site: &str) {
    use linreg::chapters::ch4;
    use linreg::curvature::Curvature;
    use linreg::modes::components;
    let d = paris_rents(BOOK_SEED);
    let artifacts = gd_book::root().join("target/browser-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    s.js("localStorage.setItem('mdbook-theme', 'light')", json!([]));
    s.goto(&format!("{site}/ch04-gradient-descent.html"));
    let errors = s.js("return [...document.querySelectorAll('.gd-widget[data-error]')].map(e => e.dataset.error)", json!([]));
    assert_eq!(errors, json!([]), "a widget failed to start");
    let drive = "const [data, lr, steps] = arguments;
        const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); };
        set('modes-data', data); set('modes-lr', lr); set('modes-steps', steps);
        const row = (id) => { const r = document.getElementById(id).dataset; return [r.predicted, r.measured, r.component]; };
        const st = document.getElementById('modes-status');
        return [document.getElementById('modes-lr-value').dataset.value, st.dataset.steps, st.dataset.divergedAt,
                row('modes-row-flat'), row('modes-row-steep'), st.textContent];";
    let settings = ch4::answer::modes_settings(&d).unwrap();
    // (data, log10 η, steps): the notebook's run, one just past 2/λmax (2.245e-4), centred
    // and standardized runs that converge.
    for (key, log_lr, steps) in [("raw", -5.0, 200), ("raw", -3.6, 300), ("centred", -3.0, 400), ("std", -1.0, 60)] {
        let shown = s.js(drive, json!([key, log_lr, steps]));
        let what = format!("{key} log η = {log_lr} × {steps}: widget {shown}");
        let lr: f64 = shown[0].as_str().unwrap().parse().unwrap();
        assert!(rel(lr, 10f64.powf(log_lr)) < 1e-12, "{what}");
        let st = settings.iter().find(|t| t.key == key).unwrap();
        let c = Curvature::of(&st.x);
        let (ws, bs) = linreg::stats::least_squares(&st.x, &st.y);
        let trace = gd::gradient_descent(&st.x, &st.y, st.start, lr, steps);
        let last = trace.w.len() - 1;
        assert_eq!(shown[1].as_str().unwrap().parse::<usize>().unwrap(), last, "{what}");
        assert_eq!(shown[2].as_str().unwrap(), trace.diverged_at.map_or(String::new(), |k| k.to_string()), "{what}");
        let at = |t: usize| components(&c, [ws, bs], [trace.w[t], trace.b[t]]);
        let (end, before) = (at(last), at(last - 1));
        for (i, row) in [(0, &shown[3]), (1, &shown[4])] {
            let num = |j: usize| row[j].as_str().unwrap().parse::<f64>().unwrap();
            let lambda = [c.lambda_min, c.lambda_max][i];
            // Theory's factor: the same product in both languages.
            assert!(rel(num(0), 1.0 - lr * lambda) < 1e-12, "{what}: row {i}");
            // Same operations in the same order: equal to 1e-9 (in practice to the last bits).
            assert!(rel(num(2), end[i]) < 1e-9, "{what}: row {i} component {} vs {}", num(2), end[i]);
            assert!(rel(num(1), end[i] / before[i]) < 1e-9, "{what}: row {i} measured factor");
        }
        if trace.diverged_at.is_some() {
            assert!(shown[5].as_str().unwrap().starts_with("Diverged at step"), "{what}");
            // The steep component is the one that blew up.
            assert!((1.0 - lr * c.lambda_max).abs() > 1.0, "{what}");
        } else {
            // Theory and measurement agree on the last step's factor of the flat direction.
            let m = shown[3][1].as_str().unwrap().parse::<f64>().unwrap();
            assert!(rel(m, 1.0 - lr * c.lambda_min) < 1e-6, "{what}: flat factor {m}");
        }
    }
    for theme in ["light", "navy"] {
        s.js("localStorage.setItem('mdbook-theme', arguments[0]); localStorage.setItem('mdbook-sidebar', 'hidden')", json!([theme]));
        s.goto(&format!("{site}/ch04-gradient-descent.html"));
        s.js(drive, json!(["raw", -5.0, 200]));
        s.screenshot("#modes-widget", &artifacts, &format!("ch4-modes-raw-{theme}.png"));
        s.js(drive, json!(["raw", -3.6, 300]));
        s.screenshot("#modes-widget", &artifacts, &format!("ch4-modes-diverged-{theme}.png"));
        s.js(drive, json!(["std", -1.0, 60]));
        s.screenshot("#modes-widget", &artifacts, &format!("ch4-modes-std-{theme}.png"));
    }
}

// ---- layout: nothing wider than the text column, on a desktop, a phone and paper ----

/// The browser side of the layout tests: the book built and served, chromedriver, one
/// headless Chromium session. `None` (with a notice) when Chromium is missing outside CI.
struct Browser {
    session: Session,
    site: String,
    _out: tempfile::TempDir,
    _profile: tempfile::TempDir,
    _driver: Driver,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.session.agent.delete(&self.session.base).call();
    }
}

fn start_browser(test: &str) -> Option<Browser> {
    let (Some(driver_bin), Some(chromium)) = (
        find_in_path(&["chromedriver"]),
        find_in_path(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        let message = "chromium and chromedriver are needed for the browser test \
                       (Debian: apt-get install chromium chromium-driver)";
        assert!(std::env::var_os("CI").is_none(), "{message}; CI must not skip it");
        eprintln!("SKIPPED {test}: {message}");
        return None;
    };
    let out = tempfile::tempdir().unwrap();
    let mut book = gd_book::load(&gd_book::root()).unwrap();
    book.config.build.build_dir = out.path().to_path_buf();
    book.build().expect("the book builds");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let site = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    {
        let dir = out.path().to_path_buf();
        std::thread::spawn(move || gd_book::serve_files(&listener, &dir));
    }
    let port = free_port();
    let driver = Driver(
        Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let agent: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(120))).build().into();
    let driver_url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while agent.get(format!("{driver_url}/status")).call().is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": {
        "binary": chromium,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--window-size=1280,1600",
                 "--hide-scrollbars", format!("--user-data-dir={}", profile.path().display())],
    } } } });
    let created = Session { agent: agent.clone(), base: driver_url.clone() }.call("POST", "/session", Some(caps));
    let id = created["sessionId"].as_str().expect("a session id").to_string();
    let session = Session { agent, base: format!("{driver_url}/session/{id}") };
    Some(Browser { session, site, _out: out, _profile: profile, _driver: driver })
}

impl Session {
    /// A Chrome DevTools Protocol command through chromedriver.
    fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call("POST", "/goog/cdp/execute", Some(json!({ "cmd": cmd, "params": params })))
    }

    /// The page as a reader with a `width`-px screen sees it (`print`: on paper).
    fn emulate(&self, width: u32, print: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
        self.cdp("Emulation.setEmulatedMedia", json!({ "media": if print { "print" } else { "" } }));
    }

    /// Loads `url` and waits for its web fonts (KaTeX's): widths are final only then.
    fn goto_settled(&self, url: &str) {
        self.goto(url);
        let start = Instant::now();
        while !self.js("return document.fonts.status === 'loaded'", json!([])).as_bool().unwrap_or(false) {
            assert!(start.elapsed() < Duration::from_secs(20), "fonts did not load: {url}");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(150)); // the scroll cue's refresh after the fonts
    }

    /// The whole page, as PNGs of one screen height each (`name-01.png`, …).
    fn screenshot_page(&self, dir: &Path, name: &str, width: u32) {
        let height = self.js("return document.documentElement.scrollHeight", json!([])).as_f64().unwrap();
        let chunk: f64 = 1400.0;
        let mut k = 0;
        let mut y = 0.0;
        while y < height {
            k += 1;
            let clip = json!({ "x": 0, "y": y, "width": width, "height": chunk.min(height - y), "scale": 1 });
            let shot = self.cdp("Page.captureScreenshot", json!({ "format": "png", "clip": clip, "captureBeyondViewport": true }));
            let png = base64_decode(shot["data"].as_str().expect("PNG data"));
            std::fs::write(dir.join(format!("{name}-{k:02}.png")), png).unwrap();
            y += chunk;
        }
    }
}

/// Every element of the page's text column (`main`) that is wider than the column, or
/// hides part of itself, without scrolling in a box that shows it scrolls.
/// `mode`: "desktop" (code and formulas may scroll with the cue, tables must fit),
/// "phone" (anything may scroll with the cue) or "print" (nothing may scroll: paper).
const OFFENDERS: &str = r#"
const mode = arguments[0];
const main = document.querySelector('main');
const col = main.getBoundingClientRect();
const EPS = 3; // KaTeX's 2 px struts (vlist-s) may poke past a line's end
const out = [], seen = [];
const describe = (el) => {
  const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
  const what = (el.getAttribute('src') || el.getAttribute('alt') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 70);
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} «${what}»`;
};
// The nearest ancestor (inside main) that clips or scrolls sideways.
const boxOf = (el) => {
  for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return a;
  }
  return null;
};
for (const el of main.querySelectorAll('*')) {
  if (seen.some((o) => o.contains(el))) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
  if (r.left >= col.left - EPS && r.right <= col.right + EPS) continue;
  if (boxOf(el)) continue; // its box is judged below
  seen.push(el);
  out.push(`${describe(el)} spans ${r.left.toFixed(0)}–${r.right.toFixed(0)} px, the column ${col.left.toFixed(0)}–${col.right.toFixed(0)} px`);
}
for (const el of main.querySelectorAll('*')) {
  const cs = getComputedStyle(el);
  if (cs.overflowX === 'visible' || el.scrollWidth <= el.clientWidth + 1) continue;
  if (el.getBoundingClientRect().width === 0) continue;
  // KaTeX clips its own stretchy glyphs and hides its MathML copy on purpose.
  if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip') && el.closest('.katex')) continue;
  const hidden = `${describe(el)} hides ${el.scrollWidth - el.clientWidth} px of ${el.scrollWidth}`;
  if (cs.overflowX === 'hidden' || cs.overflowX === 'clip') { out.push(hidden + ' (clipped)'); continue; }
  const mask = cs.maskImage || cs.webkitMaskImage || 'none';
  const cued = el.classList.contains('gd-scrolls') && el.dataset.scroll && mask !== 'none';
  if (mode === 'print') out.push(hidden + ' (paper cannot scroll)');
  else if (mode === 'desktop' && el.matches('.table-wrapper')) out.push(hidden + ' (a table must fit a desktop column)');
  else if (!cued) out.push(hidden + ' with no cue that it scrolls');
}
const page = document.scrollingElement;
if (page.scrollWidth > page.clientWidth + 1) out.push(`the page itself scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth}`);
return out;
"#;

/// What a reader must be able to read, on a desktop and a phone (`arguments[1]`: each
/// figure's smallest SVG font size in its own px, by `src`):
/// - maths: no KaTeX glyph below 9.5 px (a scriptscript exponent in an inline fraction
///   is the smallest TeX sets), and a sub/superscript on a symbol of the text (λ_min,
///   v_max, x̄², not one nested inside a fraction or another script) at least 11 px and
///   0.8 × the text around it (KaTeX: 0.7 × its 1.21 em maths, 0.85 × the text);
/// - no sub/superscript column poking past its formula (KaTeX's −2 px pull-back on
///   `.vlist-t2`): Chromium painted formulas ending in one faded (theme/layout.css);
/// - figures: their smallest text, as shown, at least 11 px on a desktop and 10 px on a
///   phone (its phone twin, `-narrow.svg`), subscripts 10 px, and a figure tapped opens its
///   (desktop) SVG alone; the widgets' charts' text at least 10 px (they draw at the width
///   they get, src/widgets);
/// - a table that scrolls on a phone: its data cells on one line (squeezed, they broke
///   numbers before "× 10⁻⁴"), its first column in view however far it is scrolled.
const LEGIBLE: &str = r#"
const [mode, svgFont, pending] = arguments;
const out = [];
const main = document.querySelector('main');
const text = (el) => el.textContent.replace(/\u200b/g, '').trim().slice(0, 40);
for (const k of main.querySelectorAll('.katex')) {
  if (k.getBoundingClientRect().width === 0) continue;
  for (const e of k.querySelectorAll('.katex-html span')) {
    if (e.children.length || !e.textContent.replace(/\u200b/g, '').trim()) continue;
    const px = parseFloat(getComputedStyle(e).fontSize);
    if (px < 9.5) out.push(`«${text(k)}»: «${e.textContent}» is ${px.toFixed(1)} px`);
    const script = e.closest('.msupsub');
    const nested = script && (script.parentElement.closest('.msupsub, .mfrac') || script.closest('.katex-display'));
    const around = parseFloat(getComputedStyle(k.parentElement).fontSize);
    if (script && !nested && px < Math.max(11, 0.8 * around)) {
      out.push(`«${text(k)}»: the script «${e.textContent}» is ${px.toFixed(1)} px beside ${around.toFixed(1)} px text`);
    }
  }
}
for (const v of main.querySelectorAll('.katex .vlist-t2')) {
  const poke = v.getBoundingClientRect().right - v.parentElement.getBoundingClientRect().right;
  if (poke > 0.5) out.push(`«${text(v.closest('.katex'))}»: a script pokes ${poke.toFixed(1)} px past its formula`);
}
for (const img of main.querySelectorAll('figure img[src$=".svg"]')) {
  const src = img.getAttribute('src');
  // The file shown: the phone twin (<picture>) on a narrow screen, else src.
  const shownFile = new URL(img.currentSrc || img.src).pathname.replace(/^\/+/, '');
  if (pending.includes(shownFile.split('/').pop().replace(/(-narrow)?\.svg$/, ''))) continue;
  const font = svgFont[shownFile];
  if (font === undefined) { out.push(`${shownFile}: no font size known`); continue; }
  const scale = img.getBoundingClientRect().width / img.naturalWidth;
  const floor = mode === 'phone' ? 10 : 11;
  if (!(font[0] * scale >= floor)) out.push(`${shownFile}: its smallest text is ${(font[0] * scale).toFixed(1)} px as shown`);
  if (!(font[1] * scale >= 10)) out.push(`${shownFile}: its smallest subscript is ${(font[1] * scale).toFixed(1)} px as shown`);
  const link = img.closest('a');
  if (!link || link.getAttribute('href') !== src) out.push(`${src}: tapping it does not open the SVG`);
}
for (const t of main.querySelectorAll('.gd-widget svg text')) {
  const svg = t.ownerSVGElement, vb = svg.viewBox.baseVal;
  if (!t.getBoundingClientRect().height || !vb || !vb.width) continue;
  const px = parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / vb.width;
  if (px < 10) { out.push(`widget chart #${svg.id}: «${t.textContent}» is ${px.toFixed(1)} px`); break; }
}
if (mode === 'phone') {
  for (const w of document.querySelectorAll('main .table-wrapper.gd-scrolls')) {
    const name = (w.querySelector('th') || w).textContent.trim().slice(0, 30);
    for (const td of w.querySelectorAll('tbody td:not(:first-child)')) {
      const r = document.createRange();
      r.selectNodeContents(td);
      const h = r.getBoundingClientRect().height, line = parseFloat(getComputedStyle(td).lineHeight) || 1.45 * parseFloat(getComputedStyle(td).fontSize);
      if (h > 1.6 * line) { out.push(`table «${name}»: the cell «${td.textContent.trim().slice(0, 30)}» wraps (${h.toFixed(0)} px high, line ${line.toFixed(0)} px)`); break; }
    }
    const before = w.scrollLeft;
    w.scrollLeft = w.scrollWidth;
    const left = w.getBoundingClientRect().left;
    for (const c of w.querySelectorAll('tr > :first-child')) {
      const x = c.getBoundingClientRect().left;
      if (Math.abs(x - left) > 1.5) { out.push(`table «${name}»: its first column scrolls away (at ${x.toFixed(0)} px, the box at ${left.toFixed(0)} px)`); break; }
    }
    w.scrollLeft = before;
  }
}
return out;
"#;

/// Every piece of text on the page (prose, captions, tables, code tokens, links, the
/// answer box, the widgets) against the background it sits on: the WCAG contrast ratio
/// for body text, 4.5:1, in each theme. One line per colour pair that falls short.
const CONTRAST: &str = r#"
const out = [];
const rgba = (s) => { const m = s.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
const L = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
const bgOf = (el) => {
  for (let a = el; a; a = a.parentElement) {
    const c = rgba(getComputedStyle(a).backgroundColor);
    if (c[3] > 0.5) return c;
  }
  return rgba(getComputedStyle(document.body).backgroundColor);
};
const seen = new Set();
for (const el of document.querySelectorAll('main *')) {
  if (el.closest('svg, .katex-mathml')) continue;
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const cs = getComputedStyle(el);
  if (cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) continue;
  const fg = rgba(cs.color), bg = bgOf(el);
  const [a, b] = [L(fg), L(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const key = `${el.tagName}.${el.className} ${cs.color} on ${bg.join(',')}`;
  if (ratio < 4.5 && !seen.has(key)) { seen.add(key); out.push(`${key} «${el.textContent.trim().slice(0, 30)}» ${ratio.toFixed(2)}:1`); }
}
return out;
"#;

/// Each committed figure's smallest text and smallest subscript (`<tspan font-size>`,
/// plot::subscripts), in its own px, keyed by its path under `src/`.
fn svg_min_font_sizes() -> serde_json::Map<String, Value> {
    let src = gd_book::root().join("src");
    let text = regex::Regex::new(r#"<text[^>]*font-size="([0-9.]+)""#).unwrap();
    let sub = regex::Regex::new(r#"<tspan[^>]*font-size="([0-9.]+)(%?)""#).unwrap();
    let mut map = serde_json::Map::new();
    let mut stack = vec![src.join("generated")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "svg") {
                let svg = std::fs::read_to_string(&path).unwrap();
                let min_text = text.captures_iter(&svg).map(|c| c[1].parse::<f64>().unwrap()).fold(f64::INFINITY, f64::min);
                // A relative size ("75%", before plot::subscripts set absolute ones) of the smallest text.
                let min_sub = sub
                    .captures_iter(&svg)
                    .map(|c| c[1].parse::<f64>().unwrap() * if &c[2] == "%" { min_text / 100.0 } else { 1.0 })
                    .fold(min_text, f64::min);
                let key = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                if min_text.is_finite() {
                    map.insert(key, json!([min_text, min_sub]));
                }
            }
        }
    }
    map
}

/// Figures not yet converted to `plot::figure` (no phone twin, issue 23): the stems in
/// code/tests/pending-twins.txt, shared with code/tests/figures.rs (which fails on a stale
/// one). The figure checks here skip them and report each in one line; every other figure
/// must pass. The list must shrink to empty.
const PENDING_TWINS: &str = include_str!("../code/tests/pending-twins.txt");

fn pending_twins() -> Vec<&'static str> {
    PENDING_TWINS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// One line per pending figure, written past the harness's capture so a passing run shows it.
fn report_pending(pending: &std::collections::BTreeSet<String>) {
    use std::io::Write;
    let text: String = pending.iter().map(|p| format!("PENDING_TWINS: {p} not checked (no phone twin yet, issue 23)\n")).collect();
    std::io::stderr().write_all(text.as_bytes()).unwrap();
}

/// The book's pages, in reading order, from its table of contents.
fn book_pages() -> Vec<String> {
    let summary = std::fs::read_to_string(gd_book::root().join("src/SUMMARY.md")).unwrap();
    summary
        .lines()
        .filter_map(|l| l.split_once("](").map(|(_, rest)| rest.split(')').next().unwrap().replace(".md", ".html")))
        .collect()
}

#[test]
fn nothing_is_wider_than_the_column_on_a_desktop_a_phone_or_paper() {
    let Some(browser) = start_browser("nothing_is_wider_than_the_column_on_a_desktop_a_phone_or_paper") else {
        return;
    };
    let (s, site) = (&browser.session, &browser.site);
    let artifacts = gd_book::root().join("target/browser-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    s.js("localStorage.setItem('mdbook-sidebar', 'hidden')", json!([]));
    let pages = book_pages();
    assert!(pages.len() >= 13, "SUMMARY.md lists the pages: {pages:?}");
    // A desktop (mdBook's column is 750 px), a phone (iPhone 12–15: 390 CSS px), and
    // print (A4 at 96 px per inch, 794 px, less Chromium's default ~1 cm margins).
    let mut report = Vec::new();
    let mut illegible = Vec::new();
    let fonts = svg_min_font_sizes();
    assert!(fonts.len() >= 20, "the figures' font sizes: {fonts:?}");
    let mut checked = 0;
    for (mode, width, print) in [("desktop", 1280, false), ("phone", 390, false), ("print", 718, true)] {
        s.emulate(width, print);
        let list: Vec<String> = if print { vec!["print.html".into()] } else { pages.clone() };
        for page in &list {
            s.goto_settled(&format!("{site}/{page}"));
            let offenders = s.js(OFFENDERS, json!([mode]));
            checked += 1;
            for o in offenders.as_array().unwrap() {
                report.push(format!("{mode} {width} px, {page}: {}", o.as_str().unwrap()));
            }
            if !print {
                for o in s.js(LEGIBLE, json!([mode, fonts, pending_twins()])).as_array().unwrap() {
                    illegible.push(format!("{mode} {width} px, {page}: {}", o.as_str().unwrap()));
                }
            }
        }
    }
    s.emulate(1280, false);
    assert!(checked > 2 * 13, "pages checked: {checked}");
    assert!(report.is_empty(), "{} elements overflow the text column:\n{}", report.len(), report.join("\n"));
    assert!(illegible.is_empty(), "{} things are hard to read:\n{}", illegible.len(), illegible.join("\n"));
}

#[test]
fn every_page_photographed_in_light_and_navy_and_on_a_phone() {
    let Some(browser) = start_browser("every_page_photographed_in_light_and_navy_and_on_a_phone") else {
        return;
    };
    let (s, site) = (&browser.session, &browser.site);
    let dir = gd_book::root().join("target/browser-artifacts/pages");
    std::fs::create_dir_all(&dir).unwrap();
    let mut faint = Vec::new();
    // Every page in both themes, on a desktop and on a phone (390 CSS px).
    for (width, suffix, label) in [(1280, "", ""), (390, "-390px", " 390 px")] {
        s.emulate(width, false);
        for theme in ["light", "navy"] {
            s.js("localStorage.setItem('mdbook-theme', arguments[0]); localStorage.setItem('mdbook-sidebar', 'hidden')", json!([theme]));
            for page in book_pages() {
                s.goto_settled(&format!("{site}/{page}"));
                s.screenshot_page(&dir, &format!("{}{suffix}-{theme}", page.trim_end_matches(".html")), width);
                for o in s.js(CONTRAST, json!([])).as_array().unwrap() {
                    faint.push(format!("{theme}{label}, {page}: {}", o.as_str().unwrap()));
                }
            }
        }
    }
    s.js("localStorage.setItem('mdbook-theme', 'light')", json!([]));

    // The least-squares button lands exactly on the optimum, not on the sliders' grid.
    s.emulate(1280, false);
    s.goto_settled(&format!("{site}/ch02-mse.html"));
    let shown = s.js(
        "document.getElementById('fit-best').click(); const m = document.getElementById('fit-mse');
         return [m.dataset.w, m.dataset.b, m.dataset.value, m.parentElement.textContent];",
        json!([]),
    );
    let d = paris_rents(BOOK_SEED);
    let fit = linreg::stats::least_squares(&d.x, &d.y);
    let num = |i: usize| shown[i].as_str().unwrap().parse::<f64>().unwrap();
    assert!(rel(num(0), fit.0) < 1e-12 && rel(num(1), fit.1) < 1e-12, "button at {shown}, optimum {fit:?}");
    assert!(rel(num(2), loss::mse(&d.x, &d.y, fit.0, fit.1)) < 1e-12, "MSE at the button: {shown}");
    assert!(!shown[3].as_str().unwrap().contains("times lower"), "at the optimum: {shown}");
    assert!(faint.is_empty(), "{} texts below 4.5:1 contrast:\n{}", faint.len(), faint.join("\n"));

    // The one-paragraph answer stands in its own box, in both themes.
    for theme in ["light", "navy"] {
        s.js("localStorage.setItem('mdbook-theme', arguments[0])", json!([theme]));
        // Only chapter 4 has it now: the introduction opens on the reader's symptom instead.
        #[allow(clippy::single_element_loop)] // one page today; the loop is where another goes
        for page in ["ch04-gradient-descent.html"] {
            s.goto_settled(&format!("{site}/{page}"));
            let boxed = s.js(
                "const a = document.querySelector('main .gd-answer');
                 return a && a.textContent.includes('The answer in one paragraph')
                   && getComputedStyle(a).backgroundColor !== getComputedStyle(document.body).backgroundColor;",
                json!([]),
            );
            assert_eq!(boxed, json!(true), "{theme}, {page}: the answer paragraph is not in its box");
        }
    }
    s.js("localStorage.setItem('mdbook-theme', 'light')", json!([]));
}

/// Every figure, whole, on a phone and a desktop, in both themes: it lies inside the
/// screen and nothing around it scrolls sideways; its text as shown is at least 10 px on
/// the phone (11 px on the desktop), its subscripts 10 px. Returns the ids of the figures.
const FIGURES: &str = r#"
const [svgFont, floor, pending] = arguments;
const out = [], ids = [], later = [];
const vw = document.documentElement.clientWidth;
const main = document.querySelector('main');
const col = main.getBoundingClientRect();
for (const fig of main.querySelectorAll('figure')) {
  const img = fig.querySelector('img[src$=".svg"]');
  if (!img) continue;
  const id = fig.id || img.getAttribute('src');
  ids.push(id);
  const file = new URL(img.currentSrc || img.src).pathname.replace(/^\/+/, '');
  if (pending.includes(file.split('/').pop().replace(/(-narrow)?\.svg$/, ''))) { later.push(`${id}: ${file}`); continue; }
  if (!img.complete || !img.naturalWidth) { out.push(`${id}: ${file} did not load`); continue; }
  const r = img.getBoundingClientRect();
  if (r.left < Math.max(0, col.left) - 1 || r.right > Math.min(vw, col.right) + 1) {
    out.push(`${id}: ${file} spans ${r.left.toFixed(0)}–${r.right.toFixed(0)} px, the column ${col.left.toFixed(0)}–${col.right.toFixed(0)} px of a ${vw} px screen`);
  }
  for (let a = img.parentElement; a && a !== main; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible' && a.scrollWidth > a.clientWidth + 1) {
      out.push(`${id}: its ${a.tagName.toLowerCase()} scrolls sideways (${a.scrollWidth} px in ${a.clientWidth})`);
    }
  }
  const font = svgFont[file];
  if (font === undefined) { out.push(`${id}: ${file}: no font size known`); continue; }
  const scale = r.width / img.naturalWidth;
  if (font[0] * scale < floor - 1e-6) out.push(`${id}: ${file}: smallest text ${(font[0] * scale).toFixed(1)} px as shown`);
  if (font[1] * scale < 10 - 1e-6) out.push(`${id}: ${file}: smallest subscript ${(font[1] * scale).toFixed(1)} px as shown`);
}
return [out, ids, later];
"#;

#[test]
fn every_figure_whole_and_legible_on_a_phone_and_a_desktop_in_both_themes() {
    let Some(browser) = start_browser("every_figure_whole_and_legible_on_a_phone_and_a_desktop_in_both_themes") else {
        return;
    };
    let (s, site) = (&browser.session, &browser.site);
    let dir = gd_book::root().join("target/browser-artifacts/figures");
    std::fs::create_dir_all(&dir).unwrap();
    let fonts = svg_min_font_sizes();
    let mut bad = Vec::new();
    let mut pending = std::collections::BTreeSet::new();
    // A phone (390 CSS px: iPhone 12–15) and a desktop; text at least 10 and 11 px.
    for (width, floor) in [(390, 10.0), (1280, 11.0)] {
        s.emulate(width, false);
        // Tall enough that the tallest figure (2.1's stacked panels on a phone) fits the
        // screen: an element's screenshot shows only what is on the screen.
        s.cdp("Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": 1700, "deviceScaleFactor": 1, "mobile": width < 600 }));
        for theme in ["light", "navy"] {
            s.js("localStorage.setItem('mdbook-theme', arguments[0]); localStorage.setItem('mdbook-sidebar', 'hidden')", json!([theme]));
            let mut seen = 0;
            for page in book_pages() {
                s.goto_settled(&format!("{site}/{page}"));
                let found = s.js(FIGURES, json!([fonts, floor, pending_twins()]));
                for o in found[2].as_array().unwrap() {
                    pending.insert(format!("{page}, {}", o.as_str().unwrap()));
                }
                for o in found[0].as_array().unwrap() {
                    bad.push(format!("{width} px {theme}, {page}: {}", o.as_str().unwrap()));
                }
                for id in found[1].as_array().unwrap() {
                    let id = id.as_str().unwrap();
                    seen += 1;
                    if id.starts_with("fig-") {
                        s.screenshot(&format!("figure#{id}"), &dir, &format!("{id}-{width}px-{theme}.png"));
                    }
                }
            }
            assert!(seen >= 27, "{width} px {theme}: only {seen} figures found");
        }
    }
    s.js("localStorage.setItem('mdbook-theme', 'light')", json!([]));
    s.emulate(1280, false);
    report_pending(&pending);
    assert!(bad.is_empty(), "{} figures not whole or not legible:\n{}", bad.len(), bad.join("\n"));
}
