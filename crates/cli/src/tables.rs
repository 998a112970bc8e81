//! The readable form of the analysis document: `gotrace analyze FILE` without `--json`.

use std::io::{self, Write};

use gotrace_analysis::duration::go_duration;
use gotrace_analysis::Report;

fn d(ns: i64) -> String {
    go_duration(ns)
}

/// Truncates long names to `n` characters (keeping the end, where Go names are specific).
fn short(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_string();
    }
    let tail: String = chars[chars.len() - (n - 1)..].iter().collect();
    format!("…{tail}")
}

pub fn print(w: &mut impl Write, r: &Report) -> io::Result<()> {
    writeln!(w, "{} ({} bytes, {})", r.file.name, r.file.size, r.header.version.as_deref().unwrap_or("?"))?;
    for warning in &r.warnings {
        writeln!(w, "warning: {warning}")?;
    }
    writeln!(
        w,
        "{} · {} events · {} generations · {} goroutines · {} procs · {} threads · {} tasks · {} regions",
        d(r.time.duration_ns),
        r.events.total,
        r.counts.generations,
        r.counts.goroutines,
        r.counts.procs,
        r.counts.threads,
        r.counts.tasks,
        r.counts.regions
    )?;

    writeln!(w, "\nGoroutine groups (by start function)")?;
    writeln!(w, "  {:<60} {:>7} {:>14} {:>8} {:>12} {:>12}", "start function", "count", "exec", "exec %", "p50 exec", "p99 exec")?;
    for g in r.goroutine_groups.iter().take(30) {
        let p = g.percentiles.get("exec_ns").copied().unwrap_or_default();
        let name = if g.name.is_empty() { "(unknown)" } else { &g.name };
        writeln!(w, "  {:<60} {:>7} {:>14} {:>8} {:>12} {:>12}", short(name, 60), g.count, g.exec_time, g.exec_time_percent, d(p.p50), d(p.p99))?;
    }
    if r.goroutine_groups.len() > 30 {
        writeln!(w, "  … {} more groups", r.goroutine_groups.len() - 30)?;
    }

    writeln!(w, "\nBlocking profiles (top functions by time)")?;
    for (kind, title) in [("net", "network"), ("sync", "synchronization"), ("syscall", "syscalls"), ("sched", "scheduler latency")] {
        let Some(p) = r.pprof.get(kind) else { continue };
        if let Some(e) = &p.error {
            writeln!(w, "  {title}: {e}")?;
            continue;
        }
        writeln!(w, "  {title}: {} in {} events", d(p.total_ns), p.total_count)?;
        let mut flat: Vec<(&String, &i64)> = p.flat_ns_by_func.iter().collect();
        flat.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (f, ns) in flat.iter().take(5) {
            writeln!(w, "      {:>12} {:>6.1}%  {}", d(**ns), **ns as f64 * 100.0 / p.total_ns.max(1) as f64, short(f, 70))?;
        }
    }

    if !r.task_types.is_empty() {
        writeln!(w, "\nTasks (by type)")?;
        writeln!(w, "  {:<40} {:>8} {:>9}", "type", "count", "complete")?;
        for t in &r.task_types {
            writeln!(w, "  {:<40} {:>8} {:>9}", short(&t.typ, 40), t.count, t.complete)?;
        }
    }
    if !r.region_types.is_empty() {
        writeln!(w, "\nRegions (by type and location)")?;
        writeln!(w, "  {:<30} {:>8}  location", "type", "count")?;
        for t in &r.region_types {
            writeln!(w, "  {:<30} {:>8}  {}:{}", short(&t.typ, 30), t.histogram.count, t.frame.file, t.frame.line)?;
        }
    }

    writeln!(w, "\nMinimum mutator utilization ({})", r.mmu.default_flags)?;
    if let Some(note) = &r.mmu.note {
        writeln!(w, "  {note}")?;
    } else if let Some(c) = r.mmu.curves.iter().find(|c| c.flags == r.mmu.default_flags) {
        let cells: Vec<String> = r.mmu.windows.iter().zip(&c.mmu).map(|(win, m)| format!("{win}: {:.3}", m)).collect();
        writeln!(w, "  {}", cells.join("  "))?;
        if let Some(n) = r.mmu.recovered_gomaxprocs {
            writeln!(w, "  (GOMAXPROCS {n} recovered from the trace's first Gomaxprocs event; go tool trace has no MMU for this trace)")?;
        }
    }
    Ok(())
}
