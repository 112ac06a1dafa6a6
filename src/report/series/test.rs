use super::*;
use crate::config::RunConfig;
use crate::core::metrics::Heartbeat;
use crate::models::Model;

fn result(wall_ms: f64, status: Status) -> ModelResult {
    let mut r = ModelResult::from_tasks(
        Model::Pool,
        &RunConfig::default(),
        wall_ms,
        Heartbeat::from_beats(&[], 0.0, wall_ms),
        vec![],
    );
    r.status = status;
    r.workers = 2;
    r
}

#[test]
fn a_good_warm_up_is_dropped_and_the_repeats_give_the_median() {
    let mut tally = Tally::default();
    assert!(tally.add(true, result(900.0, Status::Ok)));
    for wall in [30.0, 10.0, 20.0] {
        assert!(tally.add(false, result(wall, Status::Ok)));
    }
    let (shown, point) = tally.finish(3, true).unwrap();
    assert_eq!(shown.wall_ms, 20.0, "the last run is shown");
    assert_eq!(shown.repeats_ms, [30.0, 10.0, 20.0]);
    let point = point.unwrap();
    assert_eq!(
        (point.workers, point.wall_ms),
        (2, 20.0),
        "the median of the repeats"
    );
}

#[test]
fn a_failure_ends_the_series_and_is_shown_without_a_point() {
    let mut tally = Tally::default();
    assert!(tally.add(false, result(10.0, Status::Ok)));
    assert!(!tally.add(false, result(5.0, Status::Error)));
    let (shown, point) = tally.finish(3, true).unwrap();
    assert_eq!(shown.status, Status::Error);
    assert_eq!(point, None);
    // A failed warm-up is what the page shows.
    let mut tally = Tally::default();
    assert!(!tally.add(true, result(5.0, Status::Unavailable)));
    assert_eq!(
        tally.finish(1, false).unwrap().0.status,
        Status::Unavailable
    );
    // Nothing finished: nothing to show.
    assert_eq!(Tally::default().finish(1, false), None);
}

#[test]
fn one_run_keeps_no_repeats_and_a_plain_series_no_point() {
    let mut tally = Tally::default();
    tally.add(false, result(12.0, Status::Ok));
    let (shown, point) = tally.finish(1, false).unwrap();
    assert!(shown.repeats_ms.is_empty());
    assert_eq!(point, None);
}
