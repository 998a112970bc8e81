//! `gotrace analyze`: the analysis document as JSON, or a readable summary.

use std::io::Write;
use std::process::ExitCode;

use gotrace_analysis::Report;

pub fn analyze(path: &str, data: &[u8], json: bool) -> anyhow::Result<ExitCode> {
    let name = std::path::Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let report = match gotrace_analysis::analyze(data, &name, &mut |_, _| {}) {
        Ok(r) => r,
        Err(rejected) => {
            eprintln!("gotrace: {rejected}");
            return Ok(ExitCode::from(1));
        }
    };
    for w in &report.warnings {
        eprintln!("gotrace: warning: {w}");
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_summary(&mut out, &report)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn ms(ns: i64) -> String {
    format!("{:.3} ms", ns as f64 / 1e6)
}

fn print_summary(w: &mut impl Write, r: &Report) -> std::io::Result<()> {
    writeln!(w, "{} ({} bytes, {})", r.file.name, r.file.size, r.header.version.as_deref().unwrap_or("?"))?;
    for warning in &r.warnings {
        writeln!(w, "warning: {warning}")?;
    }
    writeln!(w, "duration      {}", ms(r.time.duration_ns))?;
    writeln!(w, "events        {}", r.events.total)?;
    writeln!(w, "generations   {}", r.counts.generations)?;
    writeln!(w, "goroutines    {}", r.counts.goroutines)?;
    writeln!(w, "procs         {}", r.counts.procs)?;
    writeln!(w, "threads       {}", r.counts.threads)?;
    writeln!(w, "tasks         {}", r.counts.tasks)?;
    writeln!(w, "regions       {}", r.counts.regions)?;
    writeln!(w, "\nevents by kind")?;
    for (k, n) in &r.events.by_kind {
        writeln!(w, "  {k:<16} {n:>10}")?;
    }
    if !r.metrics.is_empty() {
        writeln!(w, "\nmetrics (min .. max, last)")?;
        for (k, m) in &r.metrics {
            writeln!(w, "  {k:<36} {} .. {}, {}", m.min, m.max, m.last)?;
        }
    }
    Ok(())
}
