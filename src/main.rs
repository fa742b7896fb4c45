//! `dangjian`: the party-building portal and office platform of a county
//! Organization Department. One binary: the server and the console commands.

mod cli;
mod commands;
mod config;
mod failure;
mod output;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser as _;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command};
use crate::failure::{Failure, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error / 错误: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

fn run(cli: Cli) -> Outcome {
    let settings = config::load(&cli.options)?;
    init_tracing(&cli.command);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::refused(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(commands::run(cli.command, settings))
}

/// Logs go to standard error, filtered by `DANGJIAN_LOG` (default `info`
/// for the server, `warn` for console commands, whose standard output may
/// be a CSV or TOML document).
fn init_tracing(command: &Command) {
    let default = match command {
        Command::Serve => "info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_env("DANGJIAN_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
