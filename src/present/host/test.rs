use super::*;

#[test]
fn the_three_commands_parse_and_nothing_else_does() {
    assert_eq!(
        parse(r#"{"type":"cp_host_select_preset","preset":"chunksize-sweep"}"#),
        Ok(HostMessage::SelectPreset {
            preset: "chunksize-sweep".into()
        })
    );
    assert_eq!(parse(r#"{"type":"cp_host_run"}"#), Ok(HostMessage::Run {}));
    assert_eq!(
        parse(r#"{"type":"cp_host_get_results"}"#),
        Ok(HostMessage::GetResults {})
    );
    for bad in [
        r#"{"type":"cp_host_select_preset","preset":"rm -rf"}"#,
        r#"{"type":"cp_host_run","code":"alert(1)"}"#,
        r#"{"type":"eval","code":"alert(1)"}"#,
        r#""cp_host_run""#,
        "{}",
        "not json",
    ] {
        assert!(matches!(parse(bad), Err(Error::Protocol(_))), "{bad}");
    }
}

#[test]
fn origins_are_matched_exactly_when_configured() {
    assert!(origin_allowed("https://docs.example", &[]));
    let allowed = vec!["https://docs.example".to_string()];
    assert!(origin_allowed("https://docs.example", &allowed));
    assert!(!origin_allowed("https://docs.example.evil", &allowed));
    assert!(!origin_allowed("http://docs.example", &allowed));
}
