//! `zkrollup`: the command-line entry point. Each subcommand lives in its own module; `main`
//! only parses arguments and turns errors into a message and a non-zero exit.

mod bench;
mod bench_circuits;
mod bench_l1;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use zkrollup_conformance::harness::runner;
use zkrollup_conformance::vectors;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "zkrollup",
    version,
    about = "A zkSync-style ZK rollup: executable spec, reference node, circuits and L1 contracts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum VectorsAction {
    /// Write every vector and schema from the spec (deterministic).
    Generate,
    /// Regenerate in memory; fail, naming the files, on any difference with the committed suite.
    Check,
    /// Print vectors per rule id and accepting vectors per op; fail on gaps.
    Coverage,
}

#[derive(Subcommand)]
enum Command {
    /// Run the end-to-end demo on embedded defaults.
    Demo(demo::DemoArgs),
    /// Generate, check or measure the conformance vectors.
    Vectors {
        #[command(subcommand)]
        action: VectorsAction,
        /// The suite's root folder.
        #[arg(long, default_value = "conformance-vectors", global = true)]
        dir: PathBuf,
    },
    /// Run the conformance vectors against an implementation.
    Conformance {
        /// `spec`, `reference`, or `exec:<command>` for an outside implementation speaking the JSON-lines
        /// protocol of conformance-vectors/README.md.
        #[arg(long = "impl", default_value = "spec")]
        implementation: String,
        /// Only vectors whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// List passing vectors too.
        #[arg(long)]
        verbose: bool,
        /// The suite's root folder.
        #[arg(long, default_value = "conformance-vectors")]
        dir: PathBuf,
    },
    /// Measure throughput, each figure beside the spec's in the same run.
    Bench(bench::BenchArgs),
    /// Print every protocol rule id, who enforces it, and what it demands.
    Rules {
        /// Print a Markdown table instead of aligned text.
        #[arg(long)]
        markdown: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Vectors { action, dir } => vectors_command(action, &dir),
        Command::Conformance { implementation, filter, verbose, dir } => {
            conformance(&implementation, filter.as_deref(), verbose, &dir)
        }
        Command::Rules { markdown } => {
            print_rules(markdown);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_rules(markdown: bool) {
    use zkrollup_spec::rules::{markdown_table, Rule};
    if markdown {
        print!("{}", markdown_table());
        return;
    }
    for r in Rule::ALL {
        println!("{:<42} {:<9} {}", r.id(), format!("{:?}", r.enforcer()), r.description());
    }
    println!("\n{} rules", Rule::ALL.len());
}

fn vectors_command(action: VectorsAction, dir: &std::path::Path) -> Result<(), String> {
    match action {
        VectorsAction::Generate => {
            let started = Instant::now();
            let n = vectors::write(dir)?;
            let count: usize = vectors::read(dir)?.iter().map(|f| f.vectors.len()).sum();
            println!(
                "wrote {n} files ({count} vectors) under {} in {:.1}s",
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        VectorsAction::Check => {
            let problems = vectors::check(dir)?;
            if problems.is_empty() {
                println!("conformance vectors under {} match the spec", dir.display());
                Ok(())
            } else {
                for p in &problems {
                    eprintln!("  {p}");
                }
                Err(format!(
                    "{} files differ from the spec's output; run `cargo run --release -- vectors generate` and review the diff",
                    problems.len()
                ))
            }
        }
        VectorsAction::Coverage => {
            let files = vectors::read(dir)?;
            let cov = vectors::coverage(&files);
            println!("{:<44} {:>7}", "rule id", "vectors");
            for (rule, n) in &cov.by_rule {
                println!("{rule:<44} {n:>7}");
            }
            println!("\n{:<44} {:>7}", "op (accepting vectors)", "vectors");
            for (op, n) in &cov.accepting_by_op {
                println!("{op:<44} {n:>7}");
            }
            use zkrollup_conformance::vectors::cases::order::PairCoverage;
            let covered = cov.pairs.iter().filter(|p| matches!(p.status, PairCoverage::Covered(_))).count();
            println!("\npairs of checks one input breaks together ({covered} of {} covered):", cov.pairs.len());
            for p in &cov.pairs {
                let status = match &p.status {
                    PairCoverage::Covered(n) => format!("{n} vector{}", if *n == 1 { "" } else { "s" }),
                    PairCoverage::Apart(why) => format!("apart: {why}"),
                    PairCoverage::Missing => "MISSING".into(),
                };
                println!("  {:<14} {:<42} {:<42} {status}", p.kind, p.earlier, p.later);
            }
            println!("\n{} vectors in {} files", cov.vectors, files.len());
            let problems = cov.problems();
            if problems.is_empty() {
                Ok(())
            } else {
                for p in &problems {
                    eprintln!("  {p}");
                }
                Err(format!("{} coverage gaps", problems.len()))
            }
        }
    }
}

fn conformance(implementation: &str, filter: Option<&str>, verbose: bool, dir: &std::path::Path) -> Result<(), String> {
    let files = vectors::read(dir)?;
    let all: Vec<_> = files.into_iter().flat_map(|f| f.vectors).collect();
    let mut subject = zkrollup::by_name(implementation)?;
    let report = runner::run(subject.as_mut(), &all, filter);
    print!("{}", report.render(verbose));
    if report.ok() {
        Ok(())
    } else {
        Err(format!("{} vectors did not pass on {implementation}", report.failed() + report.errors()))
    }
}
