//! The per-type region lists (the /userregion page): a type's location picks exactly the
//! regions the type's histogram counts — including a location-less type (PC 0), which must
//! not list the regions of the type's other locations — and no location picks them all.

mod common;

use gotrace_analysis::{queries, Analysis, Detail, Options};

#[test]
fn region_lists_match_the_types() {
    let mut files = Vec::new();
    common::walk(&common::repo_fixtures(), ".trace", &mut files);
    if let Some(s) = common::shared() {
        common::walk(&s, ".trace", &mut files);
    }
    let (mut types_checked, mut traces) = (0, 0);
    for f in &files {
        let Ok(data) = std::fs::read(f) else { continue };
        let opts = Options { timeline: false, ..Default::default() };
        let Ok(a) = Analysis::run_with(&data, "t", &opts, &mut |_, _| {}) else { continue };
        let report = a.report(Detail::Aggregates);
        if report.region_types.is_empty() {
            continue;
        }
        traces += 1;
        let mut by_name: std::collections::BTreeMap<&str, u64> = Default::default();
        for t in &report.region_types {
            let listed = queries::regions(&a, &t.typ, Some(t.frame.pc));
            assert_eq!(listed.len() as u64, t.histogram.count, "{}: type {:?} at {:?}", f.display(), t.typ, t.frame);
            assert!(listed.iter().all(|r| r.typ == t.typ && r.top_frame.pc == t.frame.pc), "{}: {:?}", f.display(), t.typ);
            *by_name.entry(&t.typ).or_default() += t.histogram.count;
            types_checked += 1;
        }
        for (name, n) in by_name {
            assert_eq!(queries::regions(&a, name, None).len() as u64, n, "{}: every {name:?} region", f.display());
        }
    }
    assert!(traces > 0, "some fixture has regions");
    eprintln!("region lists: {types_checked} types on {traces} traces");
}
