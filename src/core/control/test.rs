use super::*;

#[test]
fn the_watchdog_fires_only_after_a_full_stall() {
    let mut dog = Watchdog::new(1_000.0, 0, 0.0);
    assert!(!dog.stalled(0, 900.0));
    assert!(!dog.stalled(1, 1_500.0), "progress resets the clock");
    assert!(!dog.stalled(1, 2_400.0));
    assert!(dog.stalled(1, 2_600.0));
}

#[test]
fn ticks_count_slices_and_finished_tasks() {
    let control = RunControl::default();
    control.tick();
    control.task_done();
    assert_eq!(control.ticks(), 2);
    control.stop_stalled();
    assert!(control.is_cancelled() && control.is_stalled());
}

#[test]
fn a_deadlock_stops_one_model_and_is_cleared_for_the_next() {
    let control = RunControl::default();
    control.stop_deadlocked();
    assert!(control.is_cancelled() && control.is_deadlocked());
    control.clear_deadlock();
    assert!(!control.is_cancelled() && !control.is_deadlocked());
    // A user's cancel is not a deadlock: it stays, even when it comes during one.
    control.stop_deadlocked();
    control.cancel();
    control.clear_deadlock();
    assert!(control.is_cancelled() && !control.is_deadlocked());
}
