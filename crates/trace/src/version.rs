//! The trace header and the format versions it names (Go's `internal/trace/version`).

use crate::error::Error;
use crate::spec::{self, EventSpec, EventType};

/// A trace format version: the `N` of the header `go 1.N trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32);

impl Version {
    pub const GO111: Version = Version(11);
    pub const GO119: Version = Version(19);
    pub const GO121: Version = Version(21);
    pub const GO122: Version = Version(22);
    pub const GO123: Version = Version(23);
    pub const GO125: Version = Version(25);
    pub const GO126: Version = Version(26);
    /// The newest version this crate reads (Go 1.27 still writes it).
    pub const CURRENT: Version = Version::GO126;

    /// Whether Go's tools read traces of this version.
    pub fn valid(self) -> bool {
        matches!(self.0, 11 | 19 | 21 | 22 | 23 | 25 | 26)
    }

    /// Whether this is the old (Go 1.11-1.21) format.
    pub fn is_v1(self) -> bool {
        matches!(self.0, 11 | 19 | 21)
    }

    /// The prefix of the spec table that this version uses (empty for v1).
    pub fn specs(self) -> &'static [EventSpec] {
        let n = match self.0 {
            22 => spec::EV_USER_LOG as usize + 1,
            23 => spec::EV_EXPERIMENTAL_BATCH as usize + 1,
            25 => spec::EV_CLOCK_SNAPSHOT as usize + 1,
            26 => spec::NUM_SPECS,
            _ => 0,
        };
        &spec::SPECS[..n]
    }

    /// The name of an event type as this version knows it.
    pub fn event_name(self, typ: EventType) -> String {
        if !self.valid() {
            return "<invalid trace version>".into();
        }
        let s = self.specs();
        if s.is_empty() {
            return "<v1 trace event type>".into();
        }
        match s.get(typ as usize) {
            Some(sp) if !sp.name.is_empty() => sp.name.to_string(),
            _ => format!("Invalid({typ})"),
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "go 1.{}", self.0)
    }
}

/// Reads the header `go 1.N trace\0\0\0` (16 bytes for two-digit N), returning the version and
/// the header's length.
pub fn read_header(data: &[u8]) -> Result<(Version, usize), Error> {
    const PREFIX: &[u8] = b"go 1.";
    const SUFFIX: &[u8] = b" trace\x00\x00\x00";
    if !data.starts_with(PREFIX) {
        return Err(Error::NotATrace);
    }
    let digits = data[PREFIX.len()..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 {
        return Err(Error::NotATrace);
    }
    let end = PREFIX.len() + digits;
    if !data[end..].starts_with(SUFFIX) {
        return Err(Error::NotATrace);
    }
    let minor: u32 = std::str::from_utf8(&data[PREFIX.len()..end])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(Error::NotATrace)?;
    let v = Version(minor);
    if !v.valid() {
        return Err(Error::UnsupportedVersion(minor));
    }
    Ok((v, end + SUFFIX.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(read_header(b"go 1.26 trace\0\0\0rest").unwrap(), (Version::GO126, 16));
        assert_eq!(read_header(b"go 1.19 trace\0\0\0").unwrap(), (Version::GO119, 16));
        assert!(matches!(read_header(b"go 1.24 trace\0\0\0"), Err(Error::UnsupportedVersion(24))));
        assert!(matches!(read_header(b"go 1.26 trace\0\0"), Err(Error::NotATrace)));
        assert!(matches!(read_header(b""), Err(Error::NotATrace)));
        assert!(matches!(read_header(b"\x89PNG\r\n"), Err(Error::NotATrace)));
    }
}
