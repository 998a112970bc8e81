//! `gotrace`: analyze, dump and benchmark Go execution traces from the command line.

mod bench;
mod dump;
mod input;
mod pprof;
mod summary;
mod tables;

use std::process::ExitCode;

const USAGE: &str = "\
usage: gotrace <command> [options] FILE

commands:
  analyze [--json] [--range FROM,TO] FILE
                          analyses of the trace: a readable summary, or the JSON document;
                          --range restricts them to trace times FROM..TO (ns, either may be empty)
  dump FILE               every event, one per line, as `go tool trace -d=parsed` prints them
  pprof --kind K -o OUT FILE
                          a blocking profile (K: net, sync, syscall, sched) as gzipped pprof,
                          as `go tool trace -pprof=K` (open it with `go tool pprof`)
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
    // Options with a value: --kind K, -o OUT.
    let mut flags: Vec<&str> = Vec::new();
    let mut files: Vec<&String> = Vec::new();
    let (mut kind, mut out, mut range) = (None, None, None);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--kind" => kind = Some(it.next().ok_or_else(|| anyhow::anyhow!("--kind needs a value"))?.clone()),
            "-o" | "--output" => out = Some(it.next().ok_or_else(|| anyhow::anyhow!("-o needs a file"))?.clone()),
            "--range" => {
                let v = it.next().ok_or_else(|| anyhow::anyhow!("--range needs FROM,TO"))?;
                range = Some(gotrace_analysis::range::TimeRange::parse(v).map_err(anyhow::Error::msg)?);
            }
            f if f.starts_with("--") => flags.push(f),
            _ => files.push(a),
        }
    }
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
    let input = input::TraceBytes::open(file).map_err(|e| anyhow::anyhow!("reading {file}: {e}"))?;
    let data = input.bytes();
    match cmd.as_str() {
        "analyze" => summary::analyze(file, &input, flags.contains(&"--json"), range),
        "dump" => dump::dump(data),
        "bench" => bench::bench(data),
        "pprof" => {
            let kind = kind.ok_or_else(|| anyhow::anyhow!("pprof needs --kind net|sync|syscall|sched"))?;
            let out = out.ok_or_else(|| anyhow::anyhow!("pprof needs -o OUT.pb.gz"))?;
            pprof::pprof(&input, &kind, &out)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}
