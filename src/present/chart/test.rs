use super::*;
use crate::config::RunConfig;
use crate::core::metrics::Heartbeat;
use crate::core::record::Checked;
use crate::core::record::TaskRecord;
use crate::core::trace::{Segment, State};
use crate::models::Model;
use crate::report::Environment;
use crate::report::{ModelResult, Results};

const OK: Checked = Checked {
    answer: 1,
    ok: true,
    expected: Some(1),
    cpu: None,
};

pub(super) fn task(id: u32, lane: &str, segments: &[(State, f64, f64)]) -> TaskRecord {
    let segments = segments
        .iter()
        .map(|&(state, start, end)| Segment::new(state, start, end))
        .collect();
    TaskRecord::from_segments(id, lane.into(), 0.0, segments, OK)
}

pub(super) fn result(model: Model, wall_ms: f64, tasks: Vec<TaskRecord>) -> ModelResult {
    let hb = Heartbeat::from_beats(&[], 0.0, 0.0);
    ModelResult::from_tasks(model, &RunConfig::default(), wall_ms, hb, tasks)
}

pub(super) fn results(models: Vec<ModelResult>) -> Results {
    Results::of(Environment::bare(true, 4), models)
}

pub(super) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---------------------------------------------------------------------------------------------
// Scales, ticks, labels.

#[test]
fn a_scale_maps_and_inverts_in_either_direction() {
    let x = LinearScale::new((0.0, 100.0), (10.0, 210.0));
    assert_eq!(x.map(0.0), 10.0);
    assert_eq!(x.map(50.0), 110.0);
    assert_eq!(x.map(100.0), 210.0);
    assert_eq!(x.invert(110.0), 50.0);
    for v in [0.0, 12.5, 33.0, 99.0] {
        assert!(close(x.invert(x.map(v)), v), "{v}");
    }
    // A y axis: bigger values higher up.
    let y = LinearScale::new((0.0, 10.0), (100.0, 0.0));
    assert_eq!(y.map(10.0), 0.0);
    assert_eq!(y.map(2.5), 75.0);
    assert_eq!(y.invert(75.0), 2.5);
}

#[test]
fn a_degenerate_scale_does_not_divide_by_zero() {
    let flat = LinearScale::new((5.0, 5.0), (10.0, 20.0));
    assert_eq!(flat.map(5.0), 10.0);
    assert_eq!(flat.map(7.0), 10.0);
    assert_eq!(flat.invert(15.0), 5.0);
    let no_pixels = LinearScale::new((0.0, 10.0), (3.0, 3.0));
    assert_eq!(no_pixels.invert(3.0), 0.0);
    assert_eq!(no_pixels.map(4.0), 3.0);
}

#[test]
fn ticks_step_by_one_two_or_five() {
    assert_eq!(
        nice_ticks(0.0, 1000.0, 5),
        [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
    );
    assert_eq!(
        nice_ticks(0.0, 7.0, 5),
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    );
    // Decimal steps come out exact, not 0.15000000000000002.
    assert_eq!(
        nice_ticks(0.0, 0.3, 5),
        [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    );
    // Only values inside the range.
    assert_eq!(
        nice_ticks(3.0, 97.0, 10),
        [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]
    );
    assert_eq!(nice_ticks(1000.0, 0.0, 5), nice_ticks(0.0, 1000.0, 5));
    assert_eq!(nice_ticks(0.0, 10_000.0, 2), [0.0, 5_000.0, 10_000.0]);
}

#[test]
fn ticks_survive_bad_input() {
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
    assert!(nice_ticks(0.0, f64::INFINITY, 5).is_empty());
    assert!(nice_ticks(0.0, 1.0, 0).is_empty());
    assert_eq!(nice_ticks(5.0, 5.0, 5), [5.0]);
    let many = nice_ticks(0.0, 1.0, usize::MAX);
    assert!(!many.is_empty() && many.len() <= 1_001, "{}", many.len());
}

#[test]
fn labels_pick_a_readable_unit() {
    assert_eq!(format_ms(0.0), "0");
    assert_eq!(format_ms(0.5), "500 µs");
    assert_eq!(format_ms(0.1 + 0.2), "300 µs");
    assert_eq!(format_ms(1.5), "1.5 ms");
    assert_eq!(format_ms(250.0), "250 ms");
    assert_eq!(format_ms(1_500.0), "1.5 s");
    assert_eq!(format_ms(12_000.0), "12 s");
    assert_eq!(format_ms(-250.0), "-250 ms");
    assert_eq!(format_ms(f64::NAN), "–");
}

// ---------------------------------------------------------------------------------------------
// States.

#[test]
fn every_state_has_its_class_and_the_legend_shows_what_is_drawn() {
    let all = State::ALL;
    let classes: std::collections::BTreeSet<&str> = all.into_iter().map(state_class).collect();
    assert_eq!(classes.len(), all.len(), "classes are distinct");
    assert!(classes.iter().all(|c| c.starts_with("state-")));
    assert_eq!(state_class(State::WaitGil), "state-wait-gil");
    assert_eq!(state_class(State::WaitIo), "state-wait-io");
    assert_eq!(state_label(State::WaitGil), "waiting for the GIL");
    let labels: std::collections::BTreeSet<&str> = all.into_iter().map(state_label).collect();
    assert_eq!(labels.len(), all.len(), "labels are distinct");

    // The legend: every state but Ready (never drawn), once each, running first.
    assert_eq!(LEGEND[0], State::Run);
    for state in all {
        let times = LEGEND.iter().filter(|&&s| s == state).count();
        assert_eq!(times, usize::from(state != State::Ready), "{state:?}");
    }
}

#[test]
fn markup_escapes_whatever_could_end_an_attribute_or_open_a_tag() {
    assert_eq!(markup::escape("thread 1"), "thread 1");
    assert_eq!(
        markup::escape(r#"a "b" <c> & 'd'"#),
        "a &quot;b&quot; &lt;c&gt; &amp; &#39;d&#39;"
    );
}

#[test]
fn timeline_bars_are_written_as_the_components_drew_them() {
    // A hybrid thread's lane: the longest name, with a character outside ASCII.
    let hybrid_lane = "worker 1 · thread 2";
    let r = results(vec![result(
        Model::Pool,
        10.0,
        vec![
            task(0, "thread 0", &[(State::Run, 0.0, 4.0)]),
            task(
                1,
                hybrid_lane,
                &[(State::WaitGil, 0.0, 2.0), (State::Run, 2.0, 6.0)],
            ),
        ],
    )]);
    let layout = timeline(&r, &TimelineView::full(&r), 600.0);
    let texts: Vec<String> = layout.bars.iter().map(markup::describe).collect();
    let text = markup::timeline_bars(&layout.bars, &texts);
    assert!(text.starts_with(r#"<g class="bars">"#) && text.ends_with("</g>"));
    assert_eq!(text.matches("<rect ").count(), layout.bars.len());
    assert_eq!(layout.bars.len(), 3);
    for (i, bar) in layout.bars.iter().enumerate() {
        let x = format!(r#"x="{:.2}""#, bar.x);
        let at = text
            .find(&format!(r#"data-i="{i}""#))
            .expect("every bar is numbered");
        let rect = &text[text[..at].rfind("<rect").unwrap()..];
        let rect = &rect[..rect.find("/>").unwrap()];
        assert!(rect.contains(&x), "{rect}");
        assert!(rect.contains(&format!(r#"class="bar {}""#, state_class(bar.state))));
        assert!(rect.contains(&format!(r#"data-task="{}""#, bar.task.unwrap())));
    }
    assert!(text.contains(r#"data-lane="worker 1 · thread 2""#));
    assert!(text.contains(r#"data-state="wait_gil""#));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("task 1") && t.contains("waiting for the GIL"))
    );
}

#[test]
fn latency_bars_carry_tooltips_only_when_asked() {
    let tasks = (0..4)
        .map(|i| task(i, "thread 0", &[(State::Run, 0.0, f64::from(i + 1))]))
        .collect();
    let layout = latency(&result(Model::Pool, 5.0, tasks), 400.0, 200.0);
    let with = markup::latency_bars(&layout.bars, true);
    let without = markup::latency_bars(&layout.bars, false);
    assert_eq!(with.matches(r#"data-testid="latency-bar""#).count(), 4);
    assert_eq!(with.matches("<title>").count(), 4);
    assert!(with.contains("<title>task 3: 4.0 ms</title>"));
    assert_eq!(without.matches("<title>").count(), 0);
    assert_eq!(without.matches("</rect>").count(), 4);
}

#[test]
fn fixed_point_numbers_are_written_as_format_writes_them() {
    let written = |v: f64, d: u32| {
        let mut out = String::new();
        markup::fixed(&mut out, v, d);
        out
    };
    // Products that land on a half (0.35 × 10 is 3.5, though 0.35 is a little under it).
    let near_ties = [
        0.35,
        0.05,
        1.15,
        0.005,
        2.675,
        1.0005,
        0.125,
        1e6 + 0.25,
        -0.25,
    ];
    let others = [
        0.0, 1.0, 0.004, 0.006, 12.345_678, 130.0, 959.999, -3.75, -0.001, 2.5e14,
    ];
    for v in near_ties.into_iter().chain(others) {
        for d in 0..=3 {
            assert_eq!(
                written(v, d),
                format!("{v:.*}", d as usize),
                "{v} to {d} places"
            );
        }
    }
    // Every 5 µs step of a 1 s clock, to two places and to one.
    for i in 0..200_000 {
        let v = f64::from(i) * 0.005;
        assert_eq!(written(v, 2), format!("{v:.2}"), "{v}");
        assert_eq!(written(v, 1), format!("{v:.1}"), "{v}");
    }
    assert_eq!(written(f64::NAN, 1), "NaN");
    assert_eq!(written(1e20, 1), format!("{:.1}", 1e20));
}
