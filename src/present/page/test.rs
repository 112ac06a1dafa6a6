use super::*;
use crate::config::RunConfig;

fn page() -> PageState {
    PageState::new(
        UrlState::default(),
        Vec::new(),
        Environment::bare(true, 2),
        Theme::default(),
    )
}

fn results() -> Shared<Results> {
    Shared::new(Results::new(
        Environment::bare(true, 2),
        RunConfig::default(),
        Vec::new(),
    ))
}

#[test]
fn a_run_goes_from_start_through_a_model_to_done_and_counts_as_finished() {
    let start = page().apply(Action::Start);
    let running = start
        .apply(Action::Running(Model::Pool, " (run 2 of 3)".into()))
        .apply(Action::Progress(7));
    assert_eq!(
        running.phase,
        Phase::Running(Model::Pool, " (run 2 of 3)".into())
    );
    assert_eq!(running.progress, 7);
    // The next model starts from no progress.
    assert_eq!(
        running
            .apply(Action::Running(Model::Async, String::new()))
            .progress,
        0
    );
    let done = running.apply(Action::Done(false, vec![results()], Some("{}".into())));
    assert_eq!(done.phase, Phase::Done);
    assert_eq!(done.finished, 1);
    assert_eq!(done.history.len(), 1);
    assert_eq!(done.results_json.as_deref(), Some("{}"));
    assert!(!done.cancelled);
    // The reducer touched nothing but its copy.
    assert_eq!(
        running.phase,
        Phase::Running(Model::Pool, " (run 2 of 3)".into())
    );
}

#[test]
fn a_cancelled_run_is_remembered_as_cancelled_until_the_next_start() {
    let cancelled = page().apply(Action::Done(true, Vec::new(), None));
    assert!(cancelled.cancelled);
    assert_eq!(cancelled.results_json, None, "no step ran: no document");
    assert!(!cancelled.apply(Action::Start).cancelled);
}

#[test]
fn the_history_keeps_the_newest_fifty_runs() {
    let runs: Vec<_> = (0..60).map(|_| results()).collect();
    let newest = runs.last().cloned();
    let done = page().apply(Action::Done(false, runs, None));
    assert_eq!(done.history.len(), HISTORY);
    assert_eq!(done.history.last(), newest.as_ref());
}

#[test]
fn an_imported_file_shows_as_a_finished_run_with_its_document() {
    let imported = page().apply(Action::Imported(Box::new((*results()).clone())));
    assert_eq!(imported.phase, Phase::Done);
    assert_eq!(imported.finished, 1);
    assert_eq!(imported.history.len(), 1);
    let json = imported.results_json.expect("the document");
    assert!(json.contains("\"models\""), "{json}");
}

#[test]
fn edits_and_presets_change_the_settings_and_the_theme_cycles() {
    let edited = page().apply(Action::Edit(Edit::Tasks(9)));
    assert_eq!(edited.url.config.tasks, 9);
    let preset = crate::present::presets::find("tornado-siege");
    assert!(preset.is_some());
    let picked = edited.apply(Action::Preset(preset));
    assert_eq!(picked.url.preset.as_deref(), Some("tornado-siege"));
    assert_eq!(picked.apply(Action::Preset(None)).url.preset, None);
    let mut theme = page();
    let seen: Vec<_> = (0..4)
        .map(|_| {
            theme = theme.apply(Action::NextTheme);
            theme.theme
        })
        .collect();
    assert_eq!(seen, [Theme::Light, Theme::Dark, Theme::Auto, Theme::Light]);
    assert_eq!(Theme::from_id("dark"), Some(Theme::Dark));
}
