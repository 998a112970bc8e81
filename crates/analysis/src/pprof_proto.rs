//! A blocking profile as a gzipped pprof file (profile.proto), laid out as cmd/trace's
//! `traceviewer.BuildProfile` does, so `go tool pprof` reads it like `go tool trace -pprof`'s.
//! Messages are declared with prost's derive; prost encodes and flate2 compresses.

use std::collections::HashMap;
use std::io::Write;

use prost::Message;

use crate::pprof::Profile;

#[derive(Clone, PartialEq, Message)]
pub struct PbProfile {
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<PbValueType>,
    #[prost(message, repeated, tag = "2")]
    pub sample: Vec<PbSample>,
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<PbLocation>,
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<PbFunction>,
    #[prost(string, repeated, tag = "6")]
    pub string_table: Vec<String>,
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<PbValueType>,
    #[prost(int64, tag = "12")]
    pub period: i64,
}

#[derive(Clone, PartialEq, Message)]
pub struct PbValueType {
    #[prost(int64, tag = "1")]
    pub r#type: i64,
    #[prost(int64, tag = "2")]
    pub unit: i64,
}

#[derive(Clone, PartialEq, Message)]
pub struct PbSample {
    #[prost(uint64, repeated, tag = "1")]
    pub location_id: Vec<u64>,
    #[prost(int64, repeated, tag = "2")]
    pub value: Vec<i64>,
}

#[derive(Clone, PartialEq, Message)]
pub struct PbLocation {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(uint64, tag = "3")]
    pub address: u64,
    #[prost(message, repeated, tag = "4")]
    pub line: Vec<PbLine>,
}

#[derive(Clone, PartialEq, Message)]
pub struct PbLine {
    #[prost(uint64, tag = "1")]
    pub function_id: u64,
    #[prost(int64, tag = "2")]
    pub line: i64,
}

#[derive(Clone, PartialEq, Message)]
pub struct PbFunction {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(int64, tag = "2")]
    pub name: i64,
    #[prost(int64, tag = "3")]
    pub system_name: i64,
    #[prost(int64, tag = "4")]
    pub filename: i64,
}

/// Strings of the profile, index 0 being "" as profile.proto requires.
struct Strings {
    list: Vec<String>,
    ids: HashMap<String, i64>,
}

impl Strings {
    fn new() -> Self {
        Strings { list: vec![String::new()], ids: HashMap::from([(String::new(), 0)]) }
    }
    fn id(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.list.len() as i64;
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }
}

/// The profile message: sample types contentions/count and delay/nanoseconds.
pub fn to_proto(p: &Profile) -> PbProfile {
    let mut strings = Strings::new();
    let vt = |s: &mut Strings, t: &str, u: &str| PbValueType { r#type: s.id(t), unit: s.id(u) };
    let mut out = PbProfile {
        sample_type: vec![vt(&mut strings, "contentions", "count"), vt(&mut strings, "delay", "nanoseconds")],
        period_type: Some(vt(&mut strings, "trace", "count")),
        period: 1,
        ..Default::default()
    };
    let mut locs: HashMap<u64, u64> = HashMap::new();
    let mut funcs: HashMap<(String, String), u64> = HashMap::new();
    for r in &p.records {
        let mut ids = Vec::with_capacity(r.frames.len());
        for f in &r.frames {
            let loc = match locs.get(&f.pc) {
                Some(&l) => l,
                None => {
                    let key = (f.file.clone(), f.func.clone());
                    let func = match funcs.get(&key) {
                        Some(&id) => id,
                        None => {
                            let id = out.function.len() as u64 + 1;
                            let name = strings.id(&f.func);
                            out.function.push(PbFunction { id, name, system_name: name, filename: strings.id(&f.file) });
                            funcs.insert(key, id);
                            id
                        }
                    };
                    let id = out.location.len() as u64 + 1;
                    out.location.push(PbLocation {
                        id,
                        address: f.pc,
                        line: vec![PbLine { function_id: func, line: f.line as i64 }],
                    });
                    locs.insert(f.pc, id);
                    id
                }
            };
            ids.push(loc);
        }
        out.sample.push(PbSample { location_id: ids, value: vec![r.count as i64, r.time_ns] });
    }
    out.string_table = strings.list;
    out
}

/// The gzipped profile.proto bytes of a profile.
pub fn to_pprof_gz(p: &Profile) -> Vec<u8> {
    let bytes = to_proto(p).encode_to_vec();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    gz.write_all(&bytes).expect("in-memory write");
    gz.finish().expect("in-memory write")
}

/// Reads a gzipped profile back (for tests and checks).
pub fn from_pprof_gz(data: &[u8]) -> Result<PbProfile, String> {
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(data), &mut raw).map_err(|e| format!("gunzip: {e}"))?;
    PbProfile::decode(raw.as_slice()).map_err(|e| format!("profile.proto: {e}"))
}
