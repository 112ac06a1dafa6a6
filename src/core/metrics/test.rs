use super::*;

#[test]
fn a_frozen_run_has_no_beats_and_one_long_gap() {
    let hb = Heartbeat::from_beats(&[1.0, 2.0, 500.0], 10.0, 400.0);
    assert_eq!(
        hb,
        Heartbeat {
            beats: 0,
            longest_gap_ms: 390.0,
            long_gaps: 1,
            p95_gap_ms: 390.0
        }
    );
}

#[test]
fn a_responsive_run_has_short_gaps_measured_to_both_ends() {
    let hb = Heartbeat::from_beats(&[0.0, 12.0, 20.0, 31.0, 45.0], 10.0, 40.0);
    assert_eq!(hb.beats, 3);
    assert_eq!(hb.longest_gap_ms, 11.0);
    assert_eq!(hb.long_gaps, 0);
    // Gaps 2, 8, 9, 11: p95 interpolates between the two largest.
    assert!((hb.p95_gap_ms - 10.7).abs() < 1e-9, "{}", hb.p95_gap_ms);
}

#[test]
fn distributions_interpolate_between_ranks() {
    assert_eq!(Distribution::of(&[]), None);
    let d = Distribution::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
    assert_eq!((d.min, d.median, d.max), (1.0, 2.5, 4.0));
    assert!((d.p95 - 3.85).abs() < 1e-12, "{}", d.p95);
    let one = Distribution::of(&[7.0]).unwrap();
    assert_eq!(
        (one.min, one.median, one.p95, one.max),
        (7.0, 7.0, 7.0, 7.0)
    );
    let hundred: Vec<f64> = (1..=101).map(f64::from).collect();
    assert_eq!(Distribution::of(&hundred).unwrap().p95, 96.0);
}

#[test]
fn switches_count_changes_of_task() {
    assert_eq!(task_switches(&[]), 0);
    assert_eq!(task_switches(&[0, 0, 1, 1]), 1);
    assert_eq!(task_switches(&[0, 1, 2, 0, 1, 2]), 5);
}

#[test]
fn resolution_is_the_smallest_positive_step() {
    assert_eq!(
        timer_resolution_ms(&[1.0, 1.0, 1.25, 1.75, 1.75]),
        Some(0.25)
    );
    assert_eq!(timer_resolution_ms(&[2.0, 2.0]), None);
}
