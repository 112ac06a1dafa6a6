use super::*;

#[test]
fn a_lane_reads_back_its_name_and_sorts_by_number_not_by_text() {
    let names = [
        "main",
        "thread 2",
        "thread 10",
        "worker 2",
        "worker 2 · thread 0",
        "worker 2 · thread 10",
        "worker 10",
        "worker 10 · thread 1",
        "sub-pool thread 1",
        "outside pool",
        "GIL",
    ];
    let lanes: Vec<Lane> = names.iter().map(|n| n.parse().unwrap()).collect();
    for (lane, name) in lanes.iter().zip(names) {
        assert_eq!(lane.to_string(), name);
    }
    // Written in their natural order: sorting changes nothing.
    let mut sorted = lanes.clone();
    sorted.reverse();
    sorted.sort();
    assert_eq!(sorted, lanes);
    for bad in ["thread", "thread x", "worker 1 · thread", "Main", ""] {
        assert_eq!(Lane::parse(bad), None, "{bad}");
    }
    let json = serde_json::to_string(&lanes[4]).unwrap();
    assert_eq!(json, "\"worker 2 · thread 0\"");
    assert_eq!(serde_json::from_str::<Lane>(&json).unwrap(), lanes[4]);
    let err = serde_json::from_str::<Lane>("\"core 7\"").unwrap_err();
    assert!(err.to_string().contains("unknown lane `core 7`"), "{err}");
    assert_eq!(lanes[5].computing_unit(), lanes[3]);
}

#[test]
fn every_state_is_named_as_the_results_document_names_it() {
    for (i, state) in State::ALL.into_iter().enumerate() {
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            format!("\"{}\"", state.id())
        );
        assert!(
            !State::ALL[..i].contains(&state),
            "{state:?} is listed twice"
        );
    }
}

#[test]
fn segments_clamp_skew_and_sum_by_state() {
    let s = [
        Segment::new(State::Ready, 0.0, 1.0),
        Segment::new(State::Run, 1.0, 3.5),
        Segment::new(State::Ready, 3.5, 4.0),
        Segment::new(State::Run, 4.0, 3.99),
    ];
    assert_eq!(s[3].duration_ms(), 0.0);
    assert_eq!(time_in(&s, State::Run), 2.5);
    assert_eq!(time_in(&s, State::Ready), 1.5);
    assert_eq!(time_in(&s, State::Idle), 0.0);
}

#[test]
fn compact_joins_what_never_really_split() {
    let s = [
        Segment::new(State::Ready, 0.0, 0.0),
        Segment::new(State::Run, 0.0, 1.0),
        Segment::new(State::Ready, 1.0, 1.0),
        Segment::new(State::Run, 1.0, 2.0),
        Segment::new(State::Ready, 2.0, 3.0),
        Segment::new(State::Run, 3.0, 4.0),
    ];
    assert_eq!(
        compact(s),
        [
            Segment::new(State::Run, 0.0, 2.0),
            Segment::new(State::Ready, 2.0, 3.0),
            Segment::new(State::Run, 3.0, 4.0),
        ]
    );
}

#[test]
fn monotone_orders_legs_timed_on_two_clocks() {
    let legs = vec![
        Segment::new(State::Serialize, 10.0, 11.0),
        Segment::new(State::Transfer, 11.0, 10.6),
        Segment::new(State::Deserialize, 10.6, 10.9),
        Segment::new(State::Run, 10.9, 20.0),
    ];
    let fixed = monotone(legs);
    assert_eq!(fixed[1], Segment::new(State::Transfer, 11.0, 11.0));
    assert_eq!(fixed[2], Segment::new(State::Deserialize, 11.0, 11.0));
    assert_eq!(fixed[3], Segment::new(State::Run, 11.0, 20.0));
    assert!(fixed.windows(2).all(|w| w[0].end_ms <= w[1].start_ms));
}

#[test]
fn idle_is_what_no_busy_segment_covers() {
    let busy = [
        Segment::new(State::Run, 2.0, 4.0),
        Segment::new(State::Run, 3.0, 5.0),
        Segment::new(State::Startup, 0.0, 1.0),
    ];
    assert_eq!(
        idle_gaps(&busy, 8.0),
        [
            Segment::new(State::Idle, 1.0, 2.0),
            Segment::new(State::Idle, 5.0, 8.0)
        ]
    );
    assert_eq!(idle_gaps(&[], 3.0), [Segment::new(State::Idle, 0.0, 3.0)]);
}

#[test]
fn states_serialise_in_snake_case() {
    assert_eq!(
        serde_json::to_string(&State::WaitIo).unwrap(),
        "\"wait_io\""
    );
}
