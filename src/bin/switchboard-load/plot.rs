//! The latency plot: each run's send → ack and send → agent latency by percentile, as an SVG
//! (percentiles spread so the tail shows: 50, 90, 99, 99.9, 99.99 at equal steps; latency on a
//! log scale). Drawn from the JSON reports, so runs of different targets share one plot.

use std::fmt::Write;

use serde_json::Value;

use crate::report::PLOT_PERCENTILES;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 250.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
/// The x of the last point (the maximum), past 99.99.
const X_MAX: f64 = 5.0;
const COLOURS: [&str; 8] = [
    "#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7f8f", "#57606a",
];

/// Where a percentile goes on the x axis: -log10(1 - p), the maximum at [`X_MAX`].
fn x_of(p: f64) -> f64 {
    if p >= 1.0 {
        X_MAX
    } else {
        (-(1.0 - p).log10()).min(X_MAX - 0.5)
    }
}

/// The curves of the runs: (legend label, report as JSON).
pub fn svg(title: &str, runs: &[(String, Value)]) -> String {
    let mut curves: Vec<(String, Vec<f64>)> = Vec::new();
    for (label, report) in runs {
        for (key, what) in [("ack", "send → ack"), ("delivery", "send → agent")] {
            let points: Vec<f64> = report[key]["curve_ms"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            if points.len() == PLOT_PERCENTILES.len() {
                curves.push((format!("{label} {what}").trim().to_owned(), points));
            }
        }
    }
    // Latencies from 0.01 ms to 10 minutes (anything outside is drawn at the edge).
    let all = curves
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .filter(|ms| ms.is_finite());
    let low = all
        .clone()
        .fold(f64::INFINITY, f64::min)
        .clamp(0.01, 600_000.0);
    let high = all.fold(0.0f64, f64::max).clamp(low * 10.0, 6_000_000.0);
    let (lo_decade, hi_decade) = (low.log10().floor(), high.log10().ceil());
    let floor = 10f64.powf(lo_decade);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let px = |x: f64| LEFT + x / X_MAX * plot_w;
    let py = |ms: f64| {
        let ms = if ms.is_finite() { ms } else { high };
        TOP + plot_h
            - (ms.clamp(floor, 10f64.powf(hi_decade)).log10() - lo_decade) / (hi_decade - lo_decade)
                * plot_h
    };

    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = write!(
        out,
        r#"<rect width="100%" height="100%" fill="white"/><text x="{LEFT}" y="22" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    // Grid: decades of latency, and the percentiles.
    let mut decade = lo_decade;
    while decade <= hi_decade {
        let ms = 10f64.powf(decade);
        let y = py(ms);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#d0d7de"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0,
            format_ms(ms)
        );
        decade += 1.0;
    }
    for (p, label) in [
        (0.0, "0"),
        (0.5, "50"),
        (0.9, "90"),
        (0.99, "99"),
        (0.999, "99.9"),
        (0.9999, "99.99"),
        (1.0, "max"),
    ] {
        let x = px(x_of(p));
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{:.1}" stroke="#d0d7de"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{label}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 16.0
        );
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">percentile</text><text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 10.0,
        TOP + plot_h / 2.0
    );
    if curves.is_empty() {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">no latency was measured</text>"#,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0
        );
    }
    for (i, (label, points)) in curves.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let dash = if label.ends_with("agent") {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let path: Vec<String> = PLOT_PERCENTILES
            .iter()
            .zip(points)
            .map(|(p, ms)| format!("{:.1},{:.1}", px(x_of(*p)), py(*ms)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{}"/>"#,
            path.join(" ")
        );
        let ly = TOP + 10.0 + i as f64 * 20.0;
        let lx = WIDTH - RIGHT + 16.0;
        let _ = write!(
            out,
            r#"<line x1="{lx:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2"{dash}/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 24.0,
            lx + 30.0,
            ly + 4.0,
            escape(label)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn format_ms(ms: f64) -> String {
    if ms >= 1.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_plot_draws_one_curve_per_latency_and_run() {
        let curve: Vec<f64> = (0..PLOT_PERCENTILES.len())
            .map(|i| 0.2 * (i + 1) as f64)
            .collect();
        let runs = vec![
            (
                "S1".to_owned(),
                json!({"ack": {"curve_ms": curve}, "delivery": {"curve_ms": curve}}),
            ),
            (
                "Matrix <x>".to_owned(),
                json!({"ack": {"curve_ms": curve}, "delivery": {}}),
            ),
        ];
        let svg = svg("a & b", &runs);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains("a &amp; b") && svg.contains("Matrix &lt;x&gt; send → ack"));
        assert!(svg.contains("S1 send → agent"));
    }

    #[test]
    fn a_report_without_latencies_draws_an_empty_plot() {
        for runs in [
            vec![],
            vec![("idle".to_owned(), json!({"idle": {"connections": 3}}))],
            vec![("odd".to_owned(), json!([1, 2]))],
        ] {
            let svg = svg("nothing", &runs);
            assert!(svg.contains("no latency was measured"));
            assert_eq!(svg.matches("<polyline").count(), 0);
        }
    }

    #[test]
    fn the_latency_axis_starts_at_a_power_of_ten() {
        let curve: Vec<f64> = (0..PLOT_PERCENTILES.len())
            .map(|i| 2.6 + i as f64)
            .collect();
        let svg = svg(
            "t",
            &[("a".to_owned(), json!({"ack": {"curve_ms": curve}}))],
        );
        // The lowest grid line is 1 ms, at the bottom of the plot; 2.6 ms is above it.
        let bottom = TOP + HEIGHT - TOP - BOTTOM;
        let grid = format!(
            r##"y1="{bottom:.1}" y2="{bottom:.1}" stroke="#d0d7de"/><text x="{:.1}" y="{:.1}" text-anchor="end">1</text>"##,
            LEFT - 6.0,
            bottom + 4.0
        );
        assert!(svg.contains(&grid), "{svg}");
        assert!(!svg.contains(&format!("{:.1},{bottom:.1}", LEFT)));
    }

    #[test]
    fn the_percentile_axis_spreads_the_tail() {
        assert!(x_of(0.0).abs() < 1e-9);
        assert!((x_of(0.99) - 2.0).abs() < 1e-9);
        assert!((x_of(1.0) - X_MAX).abs() < 1e-9);
        assert!(x_of(0.9999) < X_MAX);
    }
}
