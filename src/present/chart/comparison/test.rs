use super::*;
use crate::config::RunConfig;
use crate::core::error::Error;
use crate::core::trace::State;
use crate::models::Model;
use crate::present::chart::test::*;
use crate::report::ModelResult;

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
        Error::Runtime("x".into()),
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
