//! The wire contract as TypeScript: every JSON document the service hands a
//! front, and the binary columns' constants, written from the Rust types so
//! the UI cannot drift from them. `ui/src/wire.ts` is this text checked in;
//! `tests/wire_ts.rs` fails when the two differ (`TRACELENS_BLESS=1`
//! rewrites the file).

use crate::columns::{self, class_code, state_code};
use ts_rs::{Config, TS};

/// One declaration: the type's doc comment, then `export type Name = ...`.
fn decl<T: TS>(cfg: &Config) -> String {
    let mut out = String::new();
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push('\n');
    out
}

/// The names of the codes `code` gives, indexed by code.
fn names_by_code<V: Copy>(all: &[(V, &str)], code: impl Fn(V) -> u8) -> Vec<String> {
    let mut names = vec![String::new(); all.len()];
    for &(v, name) in all {
        if let Some(slot) = names.get_mut(code(v) as usize) {
            *slot = name.to_string();
        }
    }
    names
}

fn const_list(name: &str, items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    format!("export const {name} = [{}] as const;\n", quoted.join(", "))
}

/// The whole generated file.
pub fn typescript() -> String {
    use tracelens_model::{AgentState as A, SpanClass as C};
    // JSON numbers arrive in JavaScript as numbers, whatever their Rust width.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by tracelens_service::wire: do not edit.\n\
         // Regenerate: TRACELENS_BLESS=1 cargo test -p tracelens-service --test wire_ts\n\n",
    );
    out.push_str("// The binary columns (crates/tracelens-service/src/columns.rs).\n");
    let magic = String::from_utf8_lossy(columns::MAGIC);
    out.push_str(&format!("export const COLUMNS_MAGIC = \"{magic}\";\n"));
    out.push_str(&format!(
        "export const COLUMNS_VERSION = {};\n",
        columns::VERSION
    ));
    for (name, bit) in columns::FLAGS {
        out.push_str(&format!("export const FLAG_{name} = {bit};\n"));
    }
    // The names are the types' own (`as_str`), in the order of their codes.
    let classes = [C::Agent, C::Llm, C::Tool, C::Other].map(|c| (c, c.as_str()));
    out.push_str(&const_list(
        "CLASS_NAMES",
        &names_by_code(&classes, class_code),
    ));
    let states = [
        None,
        Some(A::Completed),
        Some(A::Failed),
        Some(A::Timeout),
        Some(A::Dead),
        Some(A::Running),
        Some(A::Pending),
    ]
    .map(|s| (s, s.map_or("", A::as_str)));
    out.push_str(&const_list(
        "STATE_NAMES",
        &names_by_code(&states, state_code),
    ));
    out.push_str("\n// The JSON documents.\n");
    use crate::breakdown::*;
    use crate::detail::*;
    use crate::find::*;
    use crate::logs::*;
    use crate::markers::*;
    use crate::search::*;
    use crate::summary::*;
    use crate::why::*;
    use tracelens_model::llm::{LlmCall, LlmTotals, ModelTotals};
    use tracelens_model::*;
    let decls = [
        decl::<SummaryDoc>,
        decl::<TraceSummary>,
        decl::<SourceSummary>,
        decl::<LlmSummary>,
        decl::<AgentSummary>,
        decl::<Warning>,
        decl::<WarningKind>,
        decl::<AgentState>,
        decl::<SpanClass>,
        decl::<SpanKind>,
        decl::<StatusCode>,
        decl::<LinkKind>,
        decl::<ClassBreakdown>,
        decl::<PhaseBreakdown>,
        decl::<SearchResult>,
        decl::<TraceHits>,
        decl::<SpanHit>,
        decl::<SpanDetail>,
        decl::<AttrJson>,
        decl::<ScopeJson>,
        decl::<EventJson>,
        decl::<LinkJson>,
        decl::<LifecycleJson>,
        decl::<CorrelationJson>,
        decl::<LlmCall>,
        decl::<AgentExecution>,
        decl::<Breakdown>,
        decl::<Bottleneck>,
        decl::<LlmTotals>,
        decl::<ModelTotals>,
        decl::<Markers>,
        decl::<TraceMatches>,
        decl::<WhyDoc>,
        decl::<ChainDoc>,
        decl::<ProblemStep>,
        decl::<ProblemKind>,
        decl::<LogQuery>,
        decl::<LogsDoc>,
        decl::<LogLine>,
        decl::<AttachCounts>,
        decl::<crate::conversation::ChatTurn>,
        decl::<Level>,
        decl::<RecordKind>,
        decl::<AttachRule>,
        decl::<crate::report::ReportQuery>,
        decl::<tracelens_model::report::Report>,
        decl::<tracelens_model::report::GroupRow>,
        decl::<tracelens_model::report::StateCounts>,
        decl::<tracelens_model::report::ModelRow>,
        decl::<tracelens_model::report::CostlySpan>,
        decl::<tracelens_model::report::PathStep>,
        decl::<tracelens_model::report::ErrorKindRow>,
        decl::<tracelens_model::report::Example>,
        decl::<tracelens_model::report::RunCost>,
        decl::<crate::sessions::SessionsQuery>,
        decl::<tracelens_model::sessions::SessionsDoc>,
        decl::<tracelens_model::sessions::SessionRow>,
        decl::<tracelens_model::sessions::SessionRun>,
        decl::<crate::health::HealthQuery>,
        decl::<tracelens_model::health::HealthDoc>,
        decl::<tracelens_model::health::AgentHealth>,
        decl::<tracelens_model::health::DeadAgent>,
        decl::<crate::calls::CallQuery>,
        decl::<tracelens_model::calls::CallsDoc>,
        decl::<tracelens_model::calls::CallRow>,
        decl::<crate::diff::DiffQuery>,
        decl::<tracelens_model::diff::DiffDoc>,
        decl::<tracelens_model::diff::DiffSide>,
        decl::<tracelens_model::diff::DiffCounts>,
        decl::<tracelens_model::diff::DiffRow>,
        decl::<tracelens_model::diff::RowKind>,
        decl::<tracelens_model::diff::Change>,
        decl::<tracelens_model::diff::CriticalStep>,
        decl::<tracelens_model::diff::StepFigures>,
        decl::<crate::graph::GraphQuery>,
        decl::<tracelens_model::graph::GraphDoc>,
        decl::<tracelens_model::graph::GraphNode>,
        decl::<tracelens_model::graph::GraphEdge>,
        decl::<tracelens_model::graph::GraphNodeKind>,
        decl::<tracelens_model::graph::GraphFigures>,
    ];
    for d in decls {
        out.push('\n');
        out.push_str(&d(&cfg));
    }
    out
}
