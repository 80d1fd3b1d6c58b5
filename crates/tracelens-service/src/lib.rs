//! The service layer: the one API every front adapts.
//!
//! The CLI, the desktop app's Tauri commands and the local HTTP API call these
//! functions and render what they return; none of them analyses anything
//! itself. Everything returned is `Serialize`, so a front can send it as JSON
//! unchanged.

pub mod breakdown;
pub mod calls;
pub mod columns;
pub mod conversation;
pub mod detail;
pub mod diff;
pub mod export;
pub mod filter;
pub mod find;
pub mod graph;
pub mod health;
pub mod load;
pub mod logs;
pub mod markers;
pub mod prices;
pub mod report;
pub mod rows;
pub mod search;
pub mod session;
pub mod sessions;
pub mod summary;
pub mod why;
pub mod wire;
pub mod words;

pub use breakdown::{breakdown, Bottleneck, Breakdown};
pub use calls::{calls_of, CallQuery};
pub use columns::trace_columns;
pub use conversation::{conversation, ChatTurn};
pub use detail::{find_span, span_detail, SpanDetail};
pub use diff::{diff_of, DiffQuery};
pub use find::{find_in_trace, TraceMatches};
pub use graph::{graph_dot, GraphQuery};
pub use health::{health_of, HealthQuery};
pub use load::{from_store, load_bytes, load_files, LoadOptions, Loaded};
pub use logs::{logs, LogFilter, LogLine, LogsDoc};
pub use markers::{trace_markers, Markers};
pub use prices::{default_prices_file, price_table, PricesError};
pub use report::{parse_group_by, report_of, ReportQuery};
pub use rows::{filter_rows, rows, Row, RowFilter};
pub use search::{find_trace, lookup_failure, search, SearchResult};
pub use session::{ServiceError, ServiceResult, Session};
pub use sessions::SessionsQuery;
pub use summary::{source_summaries, summary_doc, trace_summary, SummaryDoc, TraceSummary};
pub use why::{why, ChainDoc, ProblemStep, WhyDoc};
