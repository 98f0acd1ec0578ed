//! `zkrollup`: the command-line entry point. Each subcommand lives in its own module; `main`
//! only parses arguments and turns errors into a message and a non-zero exit.

mod bench;
mod bench_chains;
mod bench_circuits;
mod bench_flood;
mod bench_l1;
mod bench_node;
mod bench_restart;
mod config_file;
mod demo;
mod key_file;
mod l1;
mod node;
mod progress;
mod wallet;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use zkrollup_conformance::harness::exec::{self, ExecImplementation};
use zkrollup_conformance::harness::runner::{self, Event};
use zkrollup_conformance::harness::Implementation;
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

#[derive(clap::Args)]
struct ConformanceArgs {
    #[arg(long = "impl", value_name = "NAME", default_value = "spec", help = impl_help())]
    implementation: String,
    /// Only the vectors under this name: equal to it, or continuing it with `/`
    /// (`transition/transfer` selects `transition/transfer/basic`, not
    /// `transition/transfer_to_new/…`; `primitives/` selects every primitives vector).
    /// Repeatable; a filter that selects nothing is an error.
    #[arg(long, value_name = "NAME")]
    filter: Vec<String>,
    /// Kinds whose vectors the implementation may skip (answer `unsupported` to, or not
    /// support) in a run that passes: primitives, codec, transition, block, l1; repeatable or
    /// comma-separated. A run that skips anything else fails, and one in which nothing passed
    /// always does.
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = kind_arg)]
    allow_skip: Vec<zkrollup_conformance::wire::Kind>,
    /// For exec: implementations: how long to wait for each answer before killing the process
    /// and stopping the run.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
    /// List passing vectors too.
    #[arg(long)]
    verbose: bool,
    /// The suite's root folder, which holds v1/ (relative to the current directory).
    #[arg(long, default_value = "conformance-vectors")]
    dir: PathBuf,
}

/// A vector kind by its name.
fn kind_arg(s: &str) -> Result<zkrollup_conformance::wire::Kind, String> {
    use zkrollup_conformance::wire::Kind;
    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    Kind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| format!("not a kind (expected one of {})", names.join(", ")))
}

fn impl_help() -> String {
    format!(
        "The implementation to check: one of {}. exec:<command> runs <command> through `sh -c` and \
         speaks the JSON-lines protocol of conformance-vectors/README.md",
        zkrollup::IMPLEMENTATIONS
    )
}

#[derive(Subcommand)]
enum Command {
    /// Run the end-to-end demo on embedded defaults.
    Demo(demo::DemoArgs),
    /// A wallet: deposit, transfer, withdraw, exit and look up accounts through a node and its
    /// L1 (the key from --key-file or ZKROLLUP_WALLET_KEY).
    Wallet(Box<wallet::WalletArgs>),
    /// Run the operator node: the JSON-RPC API, the store, proving, and a development L1.
    Node(Box<node::NodeArgs>),
    /// Run the development L1 as its own process: an Ethereum JSON-RPC chain on revm, the
    /// development keys funded, the rollup deployed.
    L1(l1::L1Args),
    /// Generate, check or measure the conformance vectors.
    Vectors {
        #[command(subcommand)]
        action: VectorsAction,
        /// The suite's root folder, which holds v1/ (relative to the current directory).
        #[arg(long, default_value = "conformance-vectors", global = true)]
        dir: PathBuf,
    },
    /// Run the conformance vectors against an implementation.
    ///
    /// Results stream as they come (a progress bar on a terminal); the last line is
    /// `<impl>: N passed, N failed, N skipped`, and the exit code is non-zero unless every vector
    /// that ran passed.
    Conformance(ConformanceArgs),
    /// Measure throughput, each figure beside the spec's in the same run.
    Bench(bench::BenchArgs),
    /// The load process of `bench node` (started by it).
    #[command(hide = true)]
    BenchNodeLoad(bench_node::LoadArgs),
    /// Print every protocol rule id, who enforces it, and what it demands.
    Rules {
        /// Print a Markdown table instead of aligned text.
        #[arg(long)]
        markdown: bool,
        /// Print the spec's page of rules, check orders and L1 calls (spec/RULES.md).
        #[arg(long, conflicts_with = "markdown")]
        spec_page: bool,
    },
}

fn main() -> ExitCode {
    use clap::CommandFactory;
    let expanded = match config_file::expand(std::env::args_os().collect(), &Cli::command()) {
        Ok(expanded) => expanded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2); // as clap exits on a bad flag
        }
    };
    let cli = match Cli::try_parse_from(&expanded.args) {
        Ok(cli) => cli,
        Err(e) => match expanded.blame(&e) {
            Some(refusal) => {
                eprintln!("error: {refusal}");
                return ExitCode::from(2);
            }
            None => e.exit(),
        },
    };
    let result = match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Node(args) => node::run(&args),
        Command::Wallet(args) => wallet::run(&args),
        Command::L1(args) => l1::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::BenchNodeLoad(args) => bench_node::load_process(&args),
        Command::Vectors { action, dir } => vectors_command(action, &dir),
        Command::Conformance(args) => conformance(&args),
        Command::Rules { markdown, spec_page } => {
            if spec_page {
                print!("{}", zkrollup_spec::rendered::markdown());
            } else {
                print_rules(markdown);
            }
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

/// Fails, naming the absolute path tried, unless `dir` holds a suite's `v1/`.
fn suite_folder(dir: &Path) -> Result<(), String> {
    if dir.join("v1").is_dir() {
        return Ok(());
    }
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let what = if dir.is_dir() {
        format!("{} has no v1/ folder, so it is not a conformance suite folder", abs.display())
    } else {
        format!("the suite folder {} does not exist", abs.display())
    };
    Err(format!(
        "{what}; pass --dir with the folder that holds the suite's v1/ (relative paths are taken from the \
         current directory; the default is conformance-vectors at the repository's top)"
    ))
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
            suite_folder(dir)?;
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
            suite_folder(dir)?;
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
                println!("  {:<30} {:<34} {:<34} {status}", p.kind, p.earlier, p.later);
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

fn conformance(args: &ConformanceArgs) -> Result<(), String> {
    suite_folder(&args.dir)?;
    let files = vectors::read(&args.dir)?;
    let all: Vec<_> = files.into_iter().flat_map(|f| f.vectors).collect();
    let chosen = runner::select(&all, &args.filter)?;
    let timeout = Duration::try_from_secs_f64(args.timeout)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("--timeout {}: expected a positive number of seconds", args.timeout))?;
    let mut subject: Box<dyn Implementation> = match args.implementation.strip_prefix("exec:") {
        Some(cmd) => {
            Box::new(ExecImplementation::spawn_with(cmd, exec::Options { timeout, ..exec::Options::default() })?)
        }
        None => zkrollup::by_name(&args.implementation)?,
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(chosen.len() as u64);
        let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}")
            .expect("a valid template");
        bar.set_style(style);
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = runner::run_observed(subject.as_mut(), &chosen, |event| match event {
        Event::Started(v) => bar.set_message(v.name.clone()),
        Event::Finished(v) => {
            let text = runner::render_vector(v, args.verbose);
            if !text.is_empty() {
                bar.suspend(|| print!("{text}"));
            }
            bar.inc(1);
        }
    });
    bar.finish_and_clear();
    drop(subject); // an exec: child is stopped and reaped here
    print!("{}", report.render_summary());
    report.verdict(&args.allow_skip)
}
