//! The Tracelens trace model and its analyses. This crate does no IO: readers
//! fill a [`TraceStore`], [`Dataset::build`] rebuilds trees and runs analyses,
//! and the fronts (CLI, desktop, HTTP) render what it returns.
//!
//! Invariants every front may rely on:
//! - every span read is in exactly one tree, once (placeholders stand in for
//!   missing parents; nothing is dropped);
//! - the parent links of a tree form a forest: no cycles, children sorted by start;
//! - nothing here recurses over the tree, so depth is limited only by memory;
//! - every repair made to the data is reported as a [`Warning`].

pub mod agent;
pub mod agent_signs;
pub mod analysis;
pub mod attr;
pub mod build;
pub mod calls;
pub mod cause;
pub mod classify;
pub mod correlate;
pub mod cost;
pub mod dataset;
pub mod diff;
pub mod facts;
pub mod graph;
pub mod health;
pub mod ids;
pub mod llm;
pub mod log;
pub mod log_index;
pub mod report;
pub mod runs;
pub mod sessions;
pub mod span;
pub mod store;
pub mod timing;
pub mod tree;
pub mod warning;

pub use agent::{AgentExecution, AgentState, LifecycleEvent, LifecycleKind};
pub use analysis::{ClassBreakdown, ExternalEvent, PhaseBreakdown, TraceAnalysis};
pub use attr::{Attr, AttrValue, Thin, OMITTED_ATTRS_KEY};
pub use cause::{CauseChain, CauseStep, ProblemKind};
pub use classify::{Phase, SpanClass};
pub use dataset::{Dataset, DatasetOptions};
pub use ids::{SpanId, TraceId};
pub use log::{Level, LogRecord, RecordKind};
pub use log_index::{AttachRule, LogIndex, LogPlace};
pub use report::{GroupBy, Report, ReportOptions};
pub use span::{Event, Link, LinkKind, Range, Resource, Scope, Span, SpanKind, StatusCode};
pub use store::{StoreMark, Sym, TraceStore, INTERN_MAX_LEN};
pub use tree::{fmt_ns, NodeFlags, TraceTree, NONE};
pub use warning::{Warning, WarningKind};
