//! `gotrace analyze`: the analysis document as JSON, or a readable summary.

use std::io::Write;
use std::process::ExitCode;

use crate::input::TraceBytes;


pub fn analyze(path: &str, input: &TraceBytes, json: bool, range: Option<gotrace_analysis::range::TimeRange>) -> anyhow::Result<ExitCode> {
    let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // The document has no timeline: do not build one.
    let opts = gotrace_analysis::Options { range, timeline: false, ..Default::default() };
    // The pages of the file the reader is done with go as the analysis goes on.
    let release = |offset| input.release_before(offset);
    let analysis = match gotrace_analysis::Analysis::run_releasing(input.bytes(), &name, &opts, &mut |_, _| {}, &release) {
        Ok(a) => a,
        Err(rejected) => {
            eprintln!("gotrace: {rejected}");
            return Ok(ExitCode::from(1));
        }
    };
    // The task and region lists are made while the document is written.
    let report = analysis.report(gotrace_analysis::Detail::Full);
    for w in &report.warnings {
        eprintln!("gotrace: warning: {w}");
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    if json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        crate::tables::print(&mut out, &report)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
