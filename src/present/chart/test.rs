use super::*;
use crate::config::RunConfig;
use crate::core::metrics::Heartbeat;
use crate::core::record::Checked;
use crate::core::record::TaskRecord;
use crate::report::Environment;

const OK: Checked = Checked {
    answer: 1,
    ok: true,
    expected: Some(1),
    cpu: None,
};

fn task(id: u32, lane: &str, segments: &[(State, f64, f64)]) -> TaskRecord {
    let segments = segments
        .iter()
        .map(|&(state, start, end)| Segment::new(state, start, end))
        .collect();
    TaskRecord::from_segments(id, lane.into(), 0.0, segments, OK)
}

fn result(model: Model, wall_ms: f64, tasks: Vec<TaskRecord>) -> ModelResult {
    let hb = Heartbeat::from_beats(&[], 0.0, 0.0);
    ModelResult::from_tasks(model, &RunConfig::default(), wall_ms, hb, tasks)
}

fn results(models: Vec<ModelResult>) -> Results {
    Results::of(Environment::bare(true, 4), models)
}

fn close(a: f64, b: f64) -> bool {
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
// Lanes and the timeline.

#[test]
fn lanes_sort_naturally() {
    let mut lanes: Vec<Lane> = [
        "GIL",
        "thread 10",
        "worker 10 · thread 1",
        "worker 1",
        "main",
        "sub-pool thread 0",
        "worker 2 · thread 0",
        "thread 2",
        "outside pool",
        "worker 0",
        "thread 0",
    ]
    .map(Lane::from)
    .into();
    lanes.sort();
    assert_eq!(
        lanes,
        [
            "main",
            "thread 0",
            "thread 2",
            "thread 10",
            "worker 0",
            "worker 1",
            "worker 2 · thread 0",
            "worker 10 · thread 1",
            "sub-pool thread 0",
            "outside pool",
            "GIL",
        ]
    );

    // A model's lanes: its tasks' and its lane records', each once.
    let mut r = result(
        Model::PoolGil,
        4.0,
        vec![
            task(0, "thread 10", &[(State::Run, 0.0, 1.0)]),
            task(1, "thread 2", &[(State::Run, 0.0, 1.0)]),
            task(2, "thread 2", &[(State::Run, 1.0, 2.0)]),
        ],
    );
    r.add_lane_segments(Lane::Gil, &[Segment::new(State::Run, 0.0, 2.0)]);
    assert_eq!(lanes_of(&r), ["thread 2", "thread 10", "GIL"]);
}

#[test]
fn models_stack_on_one_time_axis() {
    let blocking = result(
        Model::Blocking,
        4.0,
        (0..4)
            .map(|i| {
                let t = f64::from(i);
                task(
                    i,
                    "main",
                    &[(State::Ready, 0.0, t), (State::Run, t, t + 1.0)],
                )
            })
            .collect(),
    );
    let pool = result(
        Model::Pool,
        2.0,
        vec![
            task(0, "thread 0", &[(State::Run, 0.0, 1.0)]),
            task(1, "thread 1", &[(State::Run, 1.0, 2.0)]),
        ],
    );
    let failed = ModelResult::failed(
        Model::Processes,
        &RunConfig::default(),
        Status::Unavailable,
        "no".into(),
    );
    let doc = results(vec![blocking, failed, pool]);
    let view = TimelineView::full(&doc);
    assert_eq!((view.start_ms, view.end_ms), (0.0, 4.0));
    let layout = timeline(&doc, &view, 542.0);

    let models: Vec<Model> = layout.groups.iter().map(|g| g.model).collect();
    assert_eq!(
        models,
        [Model::Blocking, Model::Pool],
        "nothing to draw: no group"
    );
    assert_eq!(layout.groups[0].label, Model::Blocking.info().label);
    let (first, second) = (&layout.groups[0], &layout.groups[1]);
    assert!(first.y >= layout.axis_y);
    assert!(second.y >= first.y + first.height);
    assert_eq!(layout.height, second.y + second.height);
    let rows: Vec<(Model, Lane)> = layout.rows.iter().map(|r| (r.model, r.lane)).collect();
    assert_eq!(
        rows,
        [
            (Model::Blocking, Lane::Main),
            (Model::Pool, Lane::Thread(0)),
            (Model::Pool, Lane::Thread(1)),
        ]
    );

    // The same instant is the same x in both models: 100 px per ms after the gutter.
    let bar = |model, task| {
        layout
            .bars
            .iter()
            .find(|b| b.model == model && b.task == Some(task))
            .unwrap()
    };
    let (b, p) = (bar(Model::Blocking, 1), bar(Model::Pool, 1));
    assert_eq!((b.x, b.width), (p.x, p.width));
    assert_eq!((b.x, b.width), (layout.label_width + 100.0, 100.0));
    assert!(b.y > first.y && b.y + b.height <= first.y + first.height);
    assert!(p.y > second.y && p.y + p.height <= second.y + second.height);
    assert!(layout.bars.iter().all(|b| b.x >= layout.label_width));
    assert_eq!(
        layout.ticks.first().unwrap(),
        &(layout.label_width, "0".into())
    );
    assert_eq!(layout.ticks.last().unwrap().1, "4 ms");
}

#[test]
fn queued_and_idle_time_is_not_drawn_as_bars() {
    let mut r = result(
        Model::Processes,
        10.0,
        vec![task(
            0,
            "worker 0",
            &[(State::Ready, 0.0, 6.0), (State::Run, 6.0, 8.0)],
        )],
    );
    r.add_lane_segments(Lane::worker(0), &[Segment::new(State::Startup, 0.0, 5.0)]);
    // The inputs do hold both: the task's wait in the queue and the lane's idle gaps.
    assert!(r.tasks[0].segments.iter().any(|s| s.state == State::Ready));
    assert!(r.lanes[0].segments.iter().any(|s| s.state == State::Idle));

    let doc = results(vec![r]);
    let layout = timeline(&doc, &TimelineView::full(&doc), 400.0);
    let bars: Vec<(State, Option<u32>)> = layout.bars.iter().map(|b| (b.state, b.task)).collect();
    assert_eq!(bars, [(State::Startup, None), (State::Run, Some(0))]);
    assert_eq!(layout.rows.len(), 1);
    assert_eq!(layout.rows[0].tracks, 1);
}

#[test]
fn overlapping_bars_take_separate_tracks_and_the_row_grows() {
    // Three async tasks on one thread: their runs take turns, their I/O waits overlap.
    let tasks = vec![
        task(
            0,
            "main",
            &[(State::Run, 0.0, 1.0), (State::WaitIo, 1.0, 10.0)],
        ),
        task(
            1,
            "main",
            &[
                (State::Ready, 0.0, 1.0),
                (State::Run, 1.0, 2.0),
                (State::WaitIo, 2.0, 10.0),
            ],
        ),
        task(
            2,
            "main",
            &[
                (State::Ready, 0.0, 2.0),
                (State::Run, 2.0, 3.0),
                (State::WaitIo, 3.0, 10.0),
            ],
        ),
    ];
    let single = result(
        Model::Blocking,
        10.0,
        vec![task(0, "main", &[(State::Run, 0.0, 10.0)])],
    );
    let doc = results(vec![result(Model::Async, 10.0, tasks), single]);
    let layout = timeline(&doc, &TimelineView::full(&doc), 1142.0);

    let crowded = &layout.rows[0];
    let alone = &layout.rows[1];
    // At 2.5 ms task 2 runs while tasks 0 and 1 wait: three at once.
    assert_eq!((crowded.tracks, alone.tracks), (3, 1));
    assert_eq!(alone.height, 2.0 * ROW_PADDING + TRACK_HEIGHT);
    assert_eq!(
        crowded.height,
        2.0 * ROW_PADDING + 3.0 * TRACK_HEIGHT + 2.0 * TRACK_GAP
    );
    assert_eq!(
        layout.groups[0].height,
        GROUP_HEADER_HEIGHT + crowded.height
    );
    assert!(alone.y >= crowded.y + crowded.height);

    let main: Vec<&Bar> = layout
        .bars
        .iter()
        .filter(|b| b.model == Model::Async)
        .collect();
    assert_eq!(main.len(), 6);
    let tracks: std::collections::BTreeSet<u32> = main.iter().map(|b| b.track).collect();
    assert_eq!(tracks.len(), 3);
    for a in &main {
        assert!(a.y >= crowded.y && a.y + a.height <= crowded.y + crowded.height);
        assert_eq!(
            a.y,
            crowded.y + ROW_PADDING + f64::from(a.track) * (TRACK_HEIGHT + TRACK_GAP)
        );
        for b in &main {
            let overlap = a.start_ms < b.end_ms && b.start_ms < a.end_ms;
            if !std::ptr::eq(*a, *b) && overlap {
                assert_ne!(a.track, b.track, "{a:?} and {b:?} share a track");
            }
        }
    }
}

#[test]
fn bars_are_clipped_to_the_window_and_slivers_stay_visible() {
    let doc = results(vec![result(
        Model::Blocking,
        100.0,
        vec![
            task(0, "main", &[(State::Run, 0.0, 40.0)]),
            task(1, "main", &[(State::Run, 40.0, 40.001)]),
            task(2, "main", &[(State::Run, 60.0, 100.0)]),
        ],
    )]);
    let view = TimelineView {
        start_ms: 30.0,
        end_ms: 50.0,
        extent_ms: 100.0,
    };
    // 200 px of plot for 20 ms: 10 px per ms.
    let width = TIMELINE_LABEL_WIDTH + 200.0 + 12.0;
    let layout = timeline(&doc, &view, width);
    assert_eq!(layout.view, view);
    let bars: Vec<(Option<u32>, f64, f64, f64, f64)> = layout
        .bars
        .iter()
        .map(|b| (b.task, b.x, b.width, b.start_ms, b.end_ms))
        .collect();
    assert_eq!(bars.len(), 2, "task 2 is outside the window: {bars:?}");
    assert_eq!(bars[0], (Some(0), TIMELINE_LABEL_WIDTH, 100.0, 0.0, 40.0));
    assert_eq!(bars[1].0, Some(1));
    assert!(close(bars[1].1, TIMELINE_LABEL_WIDTH + 100.0));
    assert_eq!(bars[1].2, MIN_BAR_WIDTH);

    // A sliver at the window's right edge is widened inwards.
    let edge = TimelineView {
        start_ms: 30.0,
        end_ms: 40.0005,
        extent_ms: 100.0,
    };
    let layout = timeline(&doc, &edge, width);
    let sliver = layout.bars.iter().find(|b| b.task == Some(1)).unwrap();
    assert!(sliver.x + sliver.width <= width - 12.0 + 1e-9, "{sliver:?}");

    // A stale window from a longer run is pulled back inside this one.
    let stale = TimelineView {
        start_ms: 500.0,
        end_ms: 600.0,
        extent_ms: 1_000.0,
    };
    let layout = timeline(&doc, &stale, width);
    assert_eq!((layout.view.start_ms, layout.view.end_ms), (0.0, 100.0));
    assert_eq!(layout.bars.len(), 3);
}

#[test]
fn thousands_of_tiny_tasks_are_drawn_as_a_few_bars_and_zooming_in_separates_them() {
    // 1000 tasks of ~8 µs back to back (1/128 ms: exact in binary, so none overlaps the next),
    // then one wide task: at 2 px per ms, 8 µs is far under a pixel.
    let tick = 1.0 / 128.0;
    let mut tasks: Vec<TaskRecord> = (0..1000)
        .map(|i| {
            let at = f64::from(i) * tick;
            task(i, "main", &[(State::Run, at, at + tick)])
        })
        .collect();
    tasks.push(task(1000, "main", &[(State::Run, 1.0, 100.0)]));
    let doc = results(vec![result(Model::Async, 100.0, tasks)]);
    let width = TIMELINE_LABEL_WIDTH + 200.0 + 12.0; // 2 px per ms
    let layout = timeline(&doc, &TimelineView::full(&doc), width);
    let drawn: Vec<(Option<u32>, u32)> = layout.bars.iter().map(|b| (b.task, b.segments)).collect();
    // The tiny ones merge into one bar (no single task), the wide one stays its own.
    assert_eq!(drawn, [(None, 1000), (Some(1000), 1)], "{drawn:?}");
    let merged = &layout.bars[0];
    assert_eq!((merged.start_ms, merged.end_ms), (0.0, 1000.0 * tick));
    assert!(close(merged.width, 2000.0 * tick), "{merged:?}");

    // Zoomed in to the narrowest window, 1 ms over 200 px (1.6 px a task), each is a bar again.
    let zoomed = TimelineView {
        start_ms: 0.0,
        end_ms: TimelineView::MIN_WINDOW_MS,
        extent_ms: 100.0,
    };
    let layout = timeline(&doc, &zoomed, width);
    assert!(layout.bars.iter().all(|b| b.segments == 1));
    assert_eq!(layout.bars.len(), 128);

    // Tiny segments of several states share a bar only within about a pixel, coloured by the
    // longest: 300 tasks of a 4 µs serialise leg and a 16 µs run, at 2 px per ms.
    let (leg, run) = (1.0 / 256.0, 1.0 / 64.0);
    let tasks = (0..300)
        .map(|i| {
            let at = f64::from(i) * (leg + run);
            task(
                i,
                "worker 0",
                &[
                    (State::Serialize, at, at + leg),
                    (State::Run, at + leg, at + leg + run),
                ],
            )
        })
        .collect();
    let doc = results(vec![result(Model::Processes, 100.0, tasks)]);
    let layout = timeline(&doc, &TimelineView::full(&doc), width);
    let segments: u32 = layout.bars.iter().map(|b| b.segments).sum();
    assert_eq!(segments, 600, "every segment is drawn, merged or not");
    assert!(layout.bars.len() < 100, "{} bars", layout.bars.len());
    assert!(
        layout
            .bars
            .iter()
            .all(|b| b.state == State::Run && b.width < 1.5)
    );

    // A lane with fewer segments than pixels keeps every sliver (the case above, 3 tasks).
    let doc = results(vec![result(
        Model::Processes,
        100.0,
        vec![
            task(
                0,
                "worker 0",
                &[(State::Serialize, 0.0, 0.01), (State::Run, 0.01, 0.2)],
            ),
            task(
                1,
                "worker 0",
                &[(State::Serialize, 0.2, 0.21), (State::Run, 0.21, 0.3)],
            ),
        ],
    )]);
    let layout = timeline(&doc, &TimelineView::full(&doc), width);
    assert_eq!(layout.bars.len(), 4);
}

#[test]
fn zoom_and_pan_stay_inside_the_runs() {
    let doc = results(vec![result(
        Model::Blocking,
        100.0,
        vec![task(0, "main", &[(State::Run, 0.0, 100.0)])],
    )]);
    let full = TimelineView::full(&doc);
    let window = |v: TimelineView| (v.start_ms, v.end_ms);
    assert_eq!(window(full), (0.0, 100.0));
    assert_eq!(window(full.zoom(2.0, 50.0)), (25.0, 75.0));
    assert_eq!(window(full.zoom(2.0, 0.0)), (0.0, 50.0));
    assert_eq!(window(full.zoom(2.0, 100.0)), (50.0, 100.0));
    // The anchor keeps its place: 20 ms was a fifth of the way across, and still is.
    assert_eq!(window(full.zoom(4.0, 20.0)), (15.0, 40.0));
    assert_eq!(full.zoom(1e9, 50.0).width_ms(), TimelineView::MIN_WINDOW_MS);
    assert_eq!(window(full.zoom(2.0, 50.0).zoom(0.001, 10.0)), (0.0, 100.0));
    assert_eq!(full.zoom(f64::NAN, 50.0), full);
    assert_eq!(full.zoom(-2.0, 50.0), full);

    let half = full.zoom(2.0, 50.0);
    assert_eq!(window(half.pan(10.0)), (35.0, 85.0));
    assert_eq!(window(half.pan(-1_000.0)), (0.0, 50.0));
    assert_eq!(window(half.pan(1_000.0)), (50.0, 100.0));
    assert_eq!(window(full.pan(30.0)), (0.0, 100.0));

    // Nothing ran yet: the window is still a millisecond wide, not zero.
    let empty = TimelineView::full(&results(vec![]));
    assert_eq!(window(empty), (0.0, TimelineView::MIN_WINDOW_MS));
}

// ---------------------------------------------------------------------------------------------
// Comparison.

#[test]
fn comparison_bars_are_medians_with_whiskers_for_repeats() {
    let mut repeated = result(
        Model::Blocking,
        20.0,
        vec![task(0, "main", &[(State::Run, 0.0, 20.0)])],
    );
    repeated.repeats_ms = vec![30.0, 10.0, 20.0];
    let single = result(
        Model::Async,
        15.0,
        vec![task(0, "main", &[(State::Run, 0.0, 15.0)])],
    );
    let failed = ModelResult::failed(
        Model::Pool,
        &RunConfig::default(),
        Status::Error,
        "x".into(),
    );
    let doc = results(vec![repeated, failed, single]);
    let layout = comparison(&doc, 600.0);

    let models: Vec<Model> = layout.bars.iter().map(|b| b.model).collect();
    assert_eq!(models, [Model::Blocking, Model::Async]);
    let (b, a) = (&layout.bars[0], &layout.bars[1]);
    assert_eq!((b.min_ms, b.median_ms, b.max_ms), (10.0, 20.0, 30.0));
    assert_eq!((a.min_ms, a.median_ms, a.max_ms), (15.0, 15.0, 15.0));
    assert_eq!(a.wall_ms, 15.0);
    assert_eq!(a.whisker, None, "one run has no spread");
    let (low, high) = b.whisker.expect("three repeats have a spread");
    assert!(low < b.x + b.width && b.x + b.width < high);
    assert!(close(b.width / a.width, 20.0 / 15.0));
    assert!(b.x >= layout.label_width && a.x >= layout.label_width);
    assert!(a.y >= b.y + b.height);
    assert!(layout.axis_y >= a.y + a.height && layout.height > layout.axis_y);

    // The axis ends on a round value at or past the slowest repeat, at the plot's right.
    let (last_x, last_label) = layout.ticks.last().unwrap();
    assert_eq!(last_label, "30 ms");
    assert!(close(*last_x, high) && close(*last_x, 600.0 - 12.0));
    assert_eq!(layout.ticks[0], (layout.label_width, "0".into()));
}

// ---------------------------------------------------------------------------------------------
// Scaling.

fn amdahl(p: f64, n: f64) -> f64 {
    1.0 / ((1.0 - p) + p / n)
}

#[test]
fn amdahl_fit_recovers_the_parallel_fraction() {
    let exact: Vec<(f64, f64)> = (1..=8)
        .map(|n| (f64::from(n), amdahl(0.9, f64::from(n))))
        .collect();
    let p = amdahl_fit(&exact).unwrap();
    assert!((p - 0.9).abs() < 1e-9, "{p}");
    assert!((amdahl_speedup(0.9, 4.0) - amdahl(0.9, 4.0)).abs() < 1e-12);

    assert_eq!(amdahl_fit(&[(1.0, 1.0)]), None, "one worker says nothing");
    assert_eq!(amdahl_fit(&[]), None);
    assert_eq!(amdahl_fit(&[(1.0, 1.0), (4.0, 1.0)]), Some(0.0));
    assert_eq!(amdahl_fit(&[(1.0, 1.0), (2.0, 0.5)]), Some(0.0), "slower");
    assert_eq!(
        amdahl_fit(&[(1.0, 1.0), (2.0, 3.0)]),
        Some(1.0),
        "superlinear"
    );
}

#[test]
fn scaling_reports_speedup_efficiency_and_the_fit() {
    let point = |model, workers: u32, wall_ms| ScalingPoint {
        model,
        workers,
        wall_ms,
        answer_ok: true,
    };
    // Pool walls follow Amdahl with p = 0.9 from 100 ms on one worker.
    let wall = |n: u32| 100.0 / amdahl(0.9, f64::from(n));
    let points = [
        point(Model::Processes, 1, 80.0),
        point(Model::Pool, 4, wall(4)),
        point(Model::Pool, 1, wall(1)),
        point(Model::Pool, 2, wall(2)),
    ];
    let layout = scaling(&points, 400.0, 300.0);
    let (left, top, right, bottom) = layout.plot;
    assert!(left < right && top < bottom && bottom <= 300.0 && right <= 400.0);

    let models: Vec<Model> = layout.series.iter().map(|s| s.model).collect();
    assert_eq!(models, [Model::Pool, Model::Processes]);
    let pool = &layout.series[0];
    let workers: Vec<u32> = pool.dots.iter().map(|d| d.workers).collect();
    assert_eq!(workers, [1, 2, 4]);
    for d in &pool.dots {
        let n = f64::from(d.workers);
        assert!(close(d.speedup, amdahl(0.9, n)), "{d:?}");
        assert!(close(d.efficiency, amdahl(0.9, n) / n), "{d:?}");
    }
    assert!((pool.parallel_fraction.unwrap() - 0.9).abs() < 1e-9);
    // Faster is higher up; more workers further right.
    assert!(
        pool.dots
            .windows(2)
            .all(|w| w[1].y < w[0].y && w[1].x > w[0].x)
    );
    // The fit passes through the exact points, at every integer worker count.
    assert_eq!(pool.fit_curve.len(), 4);
    for d in &pool.dots {
        let (x, y) = pool.fit_curve[d.workers as usize - 1];
        assert!(close(x, d.x) && (y - d.y).abs() < 1e-6, "{d:?}");
    }
    let processes = &layout.series[1];
    assert_eq!(processes.parallel_fraction, None);
    assert!(processes.fit_curve.is_empty());
    assert_eq!(processes.dots[0].speedup, 1.0);

    // Ideal: speedup N at N, from 1 to the most workers, the last half a step inside the
    // plot's right edge (the x axis runs from 0.5 to N + 0.5 workers).
    assert_eq!(layout.ideal.len(), 2);
    assert!(layout.ideal[1].0 < right && layout.ideal[0].0 > layout.plot.0);
    assert!(layout.ideal[1].1 < pool.dots[2].y, "ideal beats Amdahl");
    let x_labels: Vec<&str> = layout.x_ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(x_labels, ["1", "2", "3", "4"]);
    assert_eq!(layout.y_ticks.first().unwrap(), &(bottom, "0×".to_string()));

    assert!(scaling(&[], 400.0, 300.0).series.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Latency.

#[test]
fn latency_is_sorted_ascending_with_summary_markers() {
    // Latency is end − enqueue (enqueue at 0 here): tasks 2, 0, 3, 1 finish in that order.
    let ends = [2.0, 4.0, 1.0, 3.0];
    let tasks = ends
        .iter()
        .enumerate()
        .map(|(i, &end)| {
            let lane = if i % 2 == 0 { "thread 0" } else { "thread 1" };
            task(i as u32, lane, &[(State::Run, end - 1.0, end)])
        })
        .collect();
    let r = result(Model::Pool, 4.0, tasks);
    let layout = latency(&r, 300.0, 200.0);

    let order: Vec<(usize, u32, f64)> = layout
        .rows
        .iter()
        .map(|row| (row.rank, row.task, row.latency_ms))
        .collect();
    assert_eq!(order, [(1, 2, 1.0), (2, 0, 2.0), (3, 3, 3.0), (4, 1, 4.0)]);
    assert_eq!(layout.rows[0].lane, "thread 0");
    assert_eq!(layout.rows[1].lane, "thread 0");
    assert_eq!(layout.rows[3].lane, "thread 1");

    assert_eq!(layout.bars.len(), 4);
    let (left, top, right, bottom) = layout.plot;
    for w in layout.bars.windows(2) {
        assert!(w[1].x > w[0].x && w[1].height > w[0].height);
    }
    for b in &layout.bars {
        assert!(b.x >= left && b.x + b.width <= right && close(b.y + b.height, bottom));
        assert!(b.y >= top);
    }
    let markers: Vec<(&str, f64)> = layout
        .markers
        .iter()
        .map(|m| (m.label, m.value_ms))
        .collect();
    assert_eq!(markers[0], ("p50", 2.5));
    assert_eq!(markers[2], ("max", 4.0));
    assert!(close(markers[1].1, 3.85));
    assert!(
        close(layout.markers[2].y, layout.bars[3].y),
        "max sits on the slowest"
    );
    assert!(layout.markers[0].y > layout.markers[1].y);

    let empty = latency(&result(Model::Pool, 0.0, vec![]), 300.0, 200.0);
    assert!(empty.bars.is_empty() && empty.markers.is_empty() && empty.ticks.is_empty());
}

#[test]
fn more_tasks_than_pixels_share_columns_as_tall_as_their_slowest() {
    let tasks = (0..1000)
        .map(|i| {
            let end = f64::from(i % 997) + 1.0;
            task(i, "main", &[(State::Run, end - 1.0, end)])
        })
        .collect();
    let r = result(Model::Async, 1000.0, tasks);
    let layout = latency(&r, 300.0, 200.0);
    let (left, _, right, _) = layout.plot;
    assert!(
        layout.bars.len() as f64 <= right - left,
        "{} columns",
        layout.bars.len()
    );
    assert!(layout.bars.len() > 100, "{} columns", layout.bars.len());
    assert_eq!(layout.bars.iter().map(|b| b.tasks).sum::<usize>(), 1000);
    assert!(layout.bars.iter().all(|b| b.width >= 0.5));
    // Each column is its group's slowest, so the slowest of all is the last column's top.
    let slowest = layout.rows.last().unwrap();
    let last = layout.bars.last().unwrap();
    assert_eq!(
        (last.task, last.latency_ms),
        (slowest.task, slowest.latency_ms)
    );
    for w in layout.bars.windows(2) {
        assert!(w[1].latency_ms >= w[0].latency_ms && w[1].x > w[0].x);
    }
    // Few tasks keep a column each.
    let few = latency(
        &result(
            Model::Async,
            3.0,
            vec![task(0, "main", &[(State::Run, 0.0, 3.0)])],
        ),
        300.0,
        200.0,
    );
    assert_eq!(few.bars.iter().map(|b| b.tasks).collect::<Vec<_>>(), [1]);
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
