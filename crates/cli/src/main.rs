//! `gotrace`: analyze, dump and benchmark Go execution traces from the command line.

mod bench;
mod dump;
mod summary;

use std::process::ExitCode;

const USAGE: &str = "\
usage: gotrace <command> [options] FILE

commands:
  analyze [--json] FILE   analyses of the trace: a readable summary, or the JSON document
  dump FILE               every event, one per line, as `go tool trace -d=parsed` prints them
  bench FILE              time parsing and analysing FILE, print one JSON line of figures

A damaged or cut trace is analysed up to its last complete generation, with a warning on
stderr; a file that is not a readable trace exits with status 1 and one line on stderr.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gotrace: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    let flags: Vec<&str> = rest.iter().filter(|a| a.starts_with("--")).map(|s| s.as_str()).collect();
    let files: Vec<&String> = rest.iter().filter(|a| !a.starts_with("--")).collect();
    let file = match (cmd.as_str(), files.as_slice()) {
        ("help" | "-h" | "--help", _) => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        (_, [f]) => f.as_str(),
        _ => {
            eprintln!("{USAGE}");
            return Ok(ExitCode::from(2));
        }
    };
    for f in &flags {
        if !matches!((cmd.as_str(), *f), ("analyze", "--json")) {
            anyhow::bail!("unknown option {f} for {cmd}");
        }
    }
    let data = std::fs::read(file).map_err(|e| anyhow::anyhow!("reading {file}: {e}"))?;
    match cmd.as_str() {
        "analyze" => summary::analyze(file, &data, flags.contains(&"--json")),
        "dump" => dump::dump(&data),
        "bench" => bench::bench(&data),
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}
