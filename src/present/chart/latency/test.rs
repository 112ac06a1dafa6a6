use super::*;
use crate::core::trace::State;
use crate::models::Model;
use crate::present::chart::test::*;

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
