//! The pprof files we write: read back, their totals equal Go's (the fixtures' oracle JSON),
//! and `go tool pprof -raw` opens them when a Go toolchain is on PATH.

use std::path::PathBuf;

use gotrace_analysis::pprof::{BlockingProfiles, ProfileKind};
use gotrace_analysis::{driver, pprof_proto};

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "trace"))
        .collect();
    v.sort();
    assert!(v.len() >= 5, "fixtures missing in {}", dir.display());
    v
}

#[test]
fn written_profiles_have_go_totals() {
    let go = std::process::Command::new("go").arg("version").output().is_ok_and(|o| o.status.success());
    for trace in fixtures() {
        let data = std::fs::read(&trace).unwrap();
        let oracle: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{}.oracle.json", trace.display())).unwrap()).unwrap();
        let (profiles, _) = driver::run_kept(&data, BlockingProfiles::new, &mut |_, _| {}, &mut |_| {}).unwrap();
        let profiles = profiles.finish();
        for kind in ProfileKind::ALL {
            let p = profiles.profile(kind);
            let want = &oracle["pprof"][kind.as_str()];
            assert_eq!(p.total_ns, want["total_ns"].as_i64().unwrap(), "{} {kind:?} total_ns", trace.display());
            assert_eq!(p.total_count, want["total_count"].as_u64().unwrap(), "{} {kind:?} count", trace.display());
            let gz = pprof_proto::to_pprof_gz(&p);
            let back = pprof_proto::from_pprof_gz(&gz).unwrap();
            let strings = &back.string_table;
            let types: Vec<(&str, &str)> =
                back.sample_type.iter().map(|t| (&*strings[t.r#type as usize], &*strings[t.unit as usize])).collect();
            assert_eq!(types, [("contentions", "count"), ("delay", "nanoseconds")]);
            let count: i64 = back.sample.iter().map(|s| s.value[0]).sum();
            let delay: i64 = back.sample.iter().map(|s| s.value[1]).sum();
            assert_eq!((count as u64, delay), (p.total_count, p.total_ns));
            if go && !p.records.is_empty() {
                let path = std::env::temp_dir().join(format!("gotrace-test-{}-{}.pb.gz", std::process::id(), kind.as_str()));
                std::fs::write(&path, &gz).unwrap();
                let out = std::process::Command::new("go").args(["tool", "pprof", "-raw"]).arg(&path).output().unwrap();
                let _ = std::fs::remove_file(&path);
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(out.status.success() && text.contains("contentions/count delay/nanoseconds"), "go tool pprof: {text}");
            }
        }
    }
}
