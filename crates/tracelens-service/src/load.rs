//! Loading inputs into a dataset.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;
use tracelens_formats::{read_path, Format, ReadLimits, ReadOptions, ReadReport};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub format: Option<Format>,
    pub progress: Option<Arc<AtomicU64>>,
    pub cancel: Option<Arc<AtomicBool>>,
    pub dataset: DatasetOptions,
    pub limits: ReadLimits,
}

/// The result of loading: the dataset and what each input had to say.
#[derive(Debug)]
pub struct Loaded {
    pub dataset: Dataset,
    pub reports: Vec<ReadReport>,
}

impl Loaded {
    /// Whether any input could not be read whole.
    pub fn had_errors(&self) -> bool {
        self.reports.iter().any(|r| r.error.is_some())
    }
}

fn read_options(opts: &LoadOptions) -> ReadOptions {
    ReadOptions {
        format: opts.format,
        progress: opts.progress.clone(),
        cancel: opts.cancel.clone(),
        limits: opts.limits,
        ..ReadOptions::default()
    }
}

/// Reads every file into one store (spans of one trace spread over files join
/// into one trace) and builds the dataset.
pub fn load_files(paths: &[PathBuf], opts: &LoadOptions) -> Loaded {
    let mut store = TraceStore::new();
    let ropts = read_options(opts);
    let reports = paths
        .iter()
        .map(|p| read_path(p, &mut store, &ropts))
        .collect();
    Loaded {
        dataset: Dataset::build(store, opts.dataset),
        reports,
    }
}

/// Reads one in-memory input (the desktop app's bundled sample) named `name`.
pub fn load_bytes(inputs: &[(&str, &[u8])], opts: &LoadOptions) -> Loaded {
    let mut store = TraceStore::new();
    let ropts = read_options(opts);
    let reports = inputs
        .iter()
        .map(|(name, bytes)| {
            tracelens_formats::read_from(name, *bytes, Some(bytes.len() as u64), &mut store, &ropts)
        })
        .collect();
    Loaded {
        dataset: Dataset::build(store, opts.dataset),
        reports,
    }
}

/// Builds a dataset from a store filled elsewhere (the generator, a receiver).
pub fn from_store(store: TraceStore, opts: DatasetOptions) -> Dataset {
    Dataset::build(store, opts)
}
