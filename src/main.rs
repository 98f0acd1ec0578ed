//! `zkrollup`: the command-line entry point. Each subcommand lives in its own module; `main`
//! only parses arguments and turns errors into a message and a non-zero exit.

mod demo;

use std::process::ExitCode;

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
enum Command {
    /// Run the end-to-end demo on embedded defaults.
    Demo(demo::DemoArgs),
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
