use super::*;

#[test]
fn an_empty_query_is_the_default_without_notices() {
    assert_eq!(decode(""), (UrlState::default(), vec![]));
    assert_eq!(decode("?"), (UrlState::default(), vec![]));
}

#[test]
fn a_full_query_is_understood() {
    let (state, notices) =
        decode("?workload=primes&n=1e8&tasks=3&workers=2&models=pool,blocking&autorun=1");
    assert_eq!(notices, Vec::<String>::new());
    assert!(state.autorun);
    let c = state.config;
    assert_eq!(
        (c.workload, c.n, c.tasks, c.workers),
        (WorkloadKind::Primes, 100_000_000, 3, Some(2))
    );
    assert_eq!(
        c.models,
        [Model::Blocking, Model::Pool],
        "page order, whatever the URL order"
    );
}

#[test]
fn encode_then_decode_is_the_identity() {
    let states = [
        UrlState::default(),
        decode("workload=primes&n=1000&tasks=1&workers=16&models=processes&autorun=1").0,
        decode("workload=count&n=12345&workers=auto&models=async,blocking").0,
        decode("workload=io&n=300&tasks=3&async=naive&stall=3").0,
        decode("steps=io:2000;io:3000;io:1000&models=async").0,
        decode("steps=count:1e7,io:50,count:1e7&tasks=5").0,
        decode("models=pool_gil,pool&switch=2").0,
        decode(
            "workload=data&n=1024&models=processes&chunksize=4&payload=transfer&start=forkserver",
        )
        .0,
        decode("payload=shared&start=warm&chunksize=64&tasks=256&n=1e5").0,
        decode("models=pool&nested=same&workers=2&tasks=2").0,
        decode("repeats=5&warmup=1&sweep=1&workers=4").0,
        decode("server=1&tasks=10&workload=cpu&n=40&models=blocking,pool_gil").0,
        decode("preset=chunksize-sweep&embed=1&coi=0&origins=https://docs.example,http://localhost:3000").0,
    ];
    for state in states {
        assert_eq!(
            decode(&encode(&state)),
            (state.clone(), vec![]),
            "{}",
            encode(&state)
        );
    }
}

#[test]
fn sizes_accept_the_usual_spellings() {
    for (text, value) in [
        ("100000000", Some(100_000_000)),
        ("100_000_000", Some(100_000_000)),
        ("100,000,000", Some(100_000_000)),
        ("1e8", Some(100_000_000)),
        ("2.5e7", Some(25_000_000)),
        ("1E3", Some(1000)),
        ("1.25e1", None),
        ("1e20", None),
        ("-5", None),
        ("e5", None),
        ("ten", None),
        ("", None),
    ] {
        assert_eq!(parse_size(text), value, "{text:?}");
    }
}

#[test]
fn unknown_parameters_and_models_are_reported_and_ignored() {
    let (state, notices) = decode("?foo=1&models=pool,threads&workload=count");
    assert_eq!(state.config.models, [Model::Pool]);
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert!(notices[0].contains("`foo`"), "{notices:?}");
    assert!(notices[1].contains("`threads`"), "{notices:?}");
}

#[test]
fn malformed_values_fall_back_to_defaults_with_a_notice() {
    let (state, notices) = decode(
        "workload=sorting&n=lots&tasks=-1&workers=many&models=,&autorun=yes&async=lazy&server=maybe",
    );
    assert_eq!(state, UrlState::default());
    assert_eq!(notices.len(), 8, "{notices:?}");
    assert!(
        notices.iter().all(|n| n.starts_with("Malformed value")),
        "{notices:?}"
    );
}

#[test]
fn out_of_range_values_fall_back_and_say_why() {
    let (state, notices) = decode("workload=primes&n=12345&tasks=1000&workers=99");
    assert_eq!(state.config.n, WorkloadKind::Primes.default_size());
    assert_eq!(state.config.tasks, RunConfig::default().tasks);
    assert_eq!(state.config.workers, None);
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(notices[0].contains("power of ten"), "{notices:?}");

    let (state, notices) = decode("workload=count&n=4e9&tasks=64");
    assert_eq!(state.config.validate(), Ok(()));
    assert!(notices[0].starts_with("`n × tasks`"), "{notices:?}");
}

#[test]
fn percent_encoding_is_decoded() {
    let (state, notices) = decode("models=blocking%2Casync&n=1%2C000");
    assert_eq!(notices, Vec::<String>::new());
    assert_eq!(state.config.models, [Model::Blocking, Model::Async]);
    assert_eq!(state.config.n, 1000);
    // A stray % is kept literally and reported, not a panic.
    let (_, notices) = decode("workload=%E3%81");
    assert_eq!(notices.len(), 1);
}

#[test]
fn step_profiles_parse_and_fix_the_task_count() {
    let (state, notices) = decode("steps=io:2000;io:3000;io:1000&tasks=9");
    assert_eq!(notices, Vec::<String>::new());
    assert_eq!(state.config.tasks, 3, "three profiles, three tasks");
    let io = |n| WorkloadSpec {
        kind: WorkloadKind::Io,
        n,
    };
    assert_eq!(state.config.task_steps(1), [io(3000)]);
    assert_eq!(
        state.config.common_expected(),
        None,
        "tasks expect different answers"
    );

    let (state, _) = decode("steps=count:1e6,io:20&tasks=4");
    assert_eq!(state.config.tasks, 4);
    assert_eq!(state.config.task_steps(3).len(), 2);
    assert_eq!(state.config.common_expected(), Some(1_000_020));

    for bad in ["steps=io", "steps=fly:3", "steps=io:x", "steps=io:20,,io:1"] {
        let (state, notices) = decode(bad);
        assert_eq!(state.config.steps, None, "{bad}");
        assert_eq!(notices.len(), 1, "{bad}: {notices:?}");
    }
    let (state, notices) = decode("steps=primes:12345");
    assert_eq!(state.config.steps, None);
    assert!(
        notices[0].starts_with("`steps`: primes:12345"),
        "{notices:?}"
    );
}

#[test]
fn python_semantics_settings_are_read_and_bad_ones_fall_back() {
    let (state, notices) = decode("switch=20&chunksize=16&payload=shared&start=warm");
    assert_eq!(notices, Vec::<String>::new());
    let c = state.config;
    assert_eq!(
        (c.switch_ms, c.chunksize, c.payload, c.start),
        (20, 16, PayloadMode::Shared, StartMethod::Warm)
    );
    let (state, notices) = decode("switch=0&chunksize=99999&payload=pickle&start=fork");
    assert_eq!(state.config, RunConfig::default());
    assert_eq!(notices.len(), 4, "{notices:?}");
    assert!(notices.iter().any(|n| n.contains("switch interval")));
    assert!(notices.iter().any(|n| n.contains("`pickle` for `payload`")));
}

#[test]
fn presets_are_named_in_the_url_and_round_trip() {
    for preset in crate::present::presets::PRESETS {
        let (state, notices) = decode(&format!("?preset={}&quick=1&autorun=1", preset.name));
        assert_eq!(notices, Vec::<String>::new());
        assert_eq!(state.preset.as_deref(), Some(preset.name));
        assert!(state.quick && state.autorun);
        assert_eq!(decode(&encode(&state)), (state, vec![]));
    }
    let (state, notices) = decode("?preset=tornado");
    assert_eq!(state.preset, None);
    assert!(
        notices[0].contains("Unknown preset `tornado`"),
        "{notices:?}"
    );
}

#[test]
fn bad_origin_lists_are_refused_without_panicking() {
    for bad in [
        "http://",
        "https://",
        "ftp://x",
        "https://a/b",
        "docs.example",
    ] {
        let (state, notices) = decode(&format!("?origins={bad}"));
        assert!(state.origins.is_empty(), "{bad}");
        assert_eq!(notices.len(), 1, "{bad}: {notices:?}");
    }
}

#[test]
fn server_mode_is_a_flag() {
    assert!(decode("server=1").0.config.server);
    assert!(!decode("server=0").0.config.server);
    assert!(encode(&decode("server=1").0).contains("server=1"));
    assert!(!encode(&UrlState::default()).contains("server"));
}

#[test]
fn every_parameter_the_unknown_notice_lists_is_understood() {
    for param in KNOWN_PARAMS {
        let (_, notices) = decode(&format!("{param}=%3F"));
        assert!(
            notices
                .iter()
                .all(|n| !n.starts_with("Unknown URL parameter")),
            "{param}: {notices:?}"
        );
    }
    let (_, notices) = decode("colour=blue");
    assert_eq!(notices.len(), 1);
    assert!(notices[0].contains(&KNOWN_PARAMS.join(", ")), "{notices:?}");
}
