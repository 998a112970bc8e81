//! `gotrace pprof --kind net|sync|syscall|sched FILE -o OUT.pb.gz`: a blocking profile in
//! pprof's format, as `go tool trace -pprof=KIND` writes it.

use std::process::ExitCode;

use gotrace_analysis::pprof::{BlockingProfiles, ProfileKind};
use gotrace_analysis::{driver, pprof_proto};

use crate::input::TraceBytes;

pub fn pprof(input: &TraceBytes, kind: &str, out: &str) -> anyhow::Result<ExitCode> {
    let Some(kind) = ProfileKind::parse(kind) else {
        anyhow::bail!("unknown profile kind {kind:?}: want net, sync, syscall or sched");
    };
    let (profiles, outcome) = match driver::run_kept(input.bytes(), BlockingProfiles::new, &mut |_, _| {}, &mut |o| input.release_before(o)) {
        Ok(o) => o,
        Err(rejected) => {
            eprintln!("gotrace: {rejected}");
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(w) = outcome.warning() {
        eprintln!("gotrace: warning: {w}");
    }
    let profiles = profiles.finish();
    if !profiles.has_goroutines() {
        // As `go tool trace -pprof` does for a trace without goroutines.
        eprintln!("gotrace: failed to generate pprof: failed to find matching goroutines for name: ");
        return Ok(ExitCode::from(1));
    }
    let profile = profiles.profile(kind);
    let bytes = pprof_proto::to_pprof_gz(&profile);
    std::fs::write(out, &bytes).map_err(|e| anyhow::anyhow!("writing {out}: {e}"))?;
    eprintln!(
        "gotrace: wrote {out}: {} profile, {} samples at {} stacks, {:.3} ms in all",
        kind.as_str(),
        profile.total_count,
        profile.records.len(),
        profile.total_ns as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
