use super::*;

#[test]
fn ids_round_trip_and_are_unique() {
    for &model in Model::ALL {
        assert_eq!(Model::from_id(model.info().id), Some(model));
    }
    assert_eq!(Model::from_id("threads"), None);
}

#[test]
fn only_the_pool_needs_isolation_and_only_blocking_blocks() {
    let needs: Vec<_> = Model::ALL
        .iter()
        .copied()
        .filter(|m| m.info().needs_cross_origin_isolation)
        .collect();
    assert_eq!(needs, [Model::PoolGil, Model::Pool]);
    let blocks: Vec<_> = Model::ALL
        .iter()
        .copied()
        .filter(|m| m.info().blocks_ui)
        .collect();
    assert_eq!(blocks, [Model::Blocking]);
}
