//! Typed errors: each says what is wrong, in Go's words where Go checks the same thing, and where.

/// Why a trace could not be read (further).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The header is not `go 1.N trace`.
    #[error("bad file format: not a Go execution trace?")]
    NotATrace,
    /// The header names a version Go's tools do not read.
    #[error("unknown or unsupported trace version go 1.{0}")]
    UnsupportedVersion(u32),
    /// The bytes end inside a batch or a generation: the trace was cut.
    #[error("{msg} (at byte {offset})")]
    Truncated { offset: u64, msg: String },
    /// Malformed bytes: a batch, table entry or event that cannot be decoded.
    #[error("{msg} (at byte {offset})")]
    Format { offset: u64, msg: String },
    /// A generation is inconsistent as a whole (tables, frequency, clock snapshot).
    #[error("{msg} (generation {gen})")]
    Generation { gen: u64, msg: String },
    /// An event breaks the ordering rules of the runtime's state machines.
    #[error("{msg} (generation {gen}, {event} at {time_ns} ns)")]
    Order { gen: u64, event: String, time_ns: i64, msg: String },
}

impl Error {
    /// Whether the error means the trace ends early (cut) rather than damaged bytes.
    pub fn is_truncation(&self) -> bool {
        matches!(self, Error::Truncated { .. })
    }

    /// The error with its byte offset moved by `base` (for bytes read from a window of the
    /// trace that begins at `base`).
    pub(crate) fn rebased(self, base: usize) -> Error {
        match self {
            Error::Truncated { offset, msg } => Error::Truncated { offset: offset + base as u64, msg },
            Error::Format { offset, msg } => Error::Format { offset: offset + base as u64, msg },
            other => other,
        }
    }

    /// Go's own message, without the location we add.
    pub fn go_message(&self) -> String {
        match self {
            Error::Truncated { msg, .. } | Error::Format { msg, .. } | Error::Generation { msg, .. } | Error::Order { msg, .. } => {
                msg.clone()
            }
            other => other.to_string(),
        }
    }
}
