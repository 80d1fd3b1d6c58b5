//! `tracelens`: the command line over the Tracelens engine.
//!
//! Exit codes: 0 success, 1 unreadable input (the message names the file and
//! the position; everything readable is still printed), 2 usage.

/// Writes a line to stderr, ignoring failure: `eprintln!` panics when
/// stderr is a closed pipe, and a message nobody can read is no reason to
/// crash.
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod cli;
mod clickhouse;
mod commands;
mod progress;
mod render;
mod render_diff;
mod render_report;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`tracelens tree big.json | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            say!("tracelens: {e:#}");
            match e.downcast_ref::<commands::UsageError>() {
                Some(_) => ExitCode::from(2),
                None => ExitCode::from(1),
            }
        }
    }
}
