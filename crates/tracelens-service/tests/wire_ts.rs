//! The UI's wire types are what the Rust types give: `ui/src/wire.ts` is
//! regenerated here and compared (as tokio-console's console-api checks its
//! generated code). `TRACELENS_BLESS=1` writes the new text instead.

use std::path::PathBuf;

#[test]
fn ui_wire_types_match_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/wire.ts");
    let want = tracelens_service::wire::typescript();
    if std::env::var_os("TRACELENS_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write ui/src/wire.ts");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let first = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
        panic!(
            "ui/src/wire.ts differs from the Rust types from line {}: \
             regenerate with TRACELENS_BLESS=1 cargo test -p tracelens-service --test wire_ts",
            first + 1
        );
    }
}

#[test]
fn the_generated_file_names_every_document_the_ui_reads() {
    let ts = tracelens_service::wire::typescript();
    for name in [
        "SummaryDoc",
        "SpanDetail",
        "WhyDoc",
        "Breakdown",
        "Markers",
        "TraceMatches",
        "SearchResult",
    ] {
        assert!(
            ts.contains(&format!("export type {name} = ")),
            "{name} missing"
        );
    }
    assert!(ts.contains("export const FLAG_HAS_CHILDREN = 256;"));
    assert!(ts.contains(
        r#"export const STATE_NAMES = ["", "completed", "failed", "timeout", "dead", "running", "pending"] as const;"#
    ));
    // JSON numbers are numbers in JavaScript.
    assert!(!ts.contains("bigint"));
}
