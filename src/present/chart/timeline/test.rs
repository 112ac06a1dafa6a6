use super::*;
use crate::config::RunConfig;
use crate::core::error::Error;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, Segment, State};
use crate::models::Model;
use crate::present::chart::test::*;
use crate::report::ModelResult;

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
        Error::Unavailable("no".into()),
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
