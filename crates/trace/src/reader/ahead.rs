//! Reading the next generation ahead of its turn, when the caller has time to spare (its
//! events' consumer waits for another thread): the generation's turn then comes without the
//! pause of reading it.

use super::Reader;
use crate::error::Error;
use crate::generation::{read_generation, Generation};
use crate::version::Version;

/// A Go 1.26 generation read before the reader needed it: what reading it gave (an error is
/// reported in the generation's turn), and where the trace's bytes after it begin.
pub(super) struct Ahead<'a> {
    pub read: Result<Option<Generation<'a>>, Error>,
    pub end: usize,
}

impl<'a> Reader<'a> {
    /// Reads the Go 1.26 generation that begins at `pos` (which stays where it is).
    pub(super) fn read_next_generation(&self) -> Ahead<'a> {
        let mut at = self.st.pos - self.st.base;
        let read = read_generation(self.data, &mut at, self.st.version).map_err(|e| e.rebased(self.st.base));
        Ahead { read, end: self.st.base + at }
    }

    /// Reads the next generation now, while the events of this one are still being read, if
    /// it is a Go 1.26 trace and the bytes at hand hold it (and it was not read yet); true if
    /// it did. For a caller with time to spare now. The events and errors are the same as
    /// without: an error in the next generation is reported in its turn.
    pub fn read_ahead(&mut self) -> bool {
        let st = &self.st;
        if self.ahead.is_some() || self.gen.is_none() || st.version < Version::GO126 || st.done || st.failed {
            return false;
        }
        if st.read_gen_err.is_some() || st.wants.is_some() || self.window_ran_out(None) {
            return false;
        }
        self.ahead = Some(Box::new(self.read_next_generation()));
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::test_traces::{assert_same, readable, Text};
    use crate::Reader;

    /// The events read (Go's text form) and the error, reading ahead after every `every`
    /// events; and how many generations were read ahead.
    fn read_ahead_every(data: &[u8], every: usize) -> (Text, usize) {
        let mut r = Reader::new(data).expect("a trace");
        let (mut out, mut n, mut ahead) = (Vec::new(), 0, 0);
        loop {
            match r.next_event() {
                Ok(Some(ev)) => out.push(format!("{ev}")),
                Ok(None) => return ((out, None), ahead),
                Err(e) => return ((out, Some(e.to_string())), ahead),
            }
            n += 1;
            if n % every == 0 {
                ahead += usize::from(r.read_ahead());
            }
        }
    }

    /// Reading ahead changes nothing: the same events and errors as reading without, on
    /// every fixture and the shared corpus (cut and damaged traces included), whether the
    /// next generation is read at once or late in this one's events.
    #[test]
    fn reading_ahead_gives_the_same_events() {
        let mut read_ahead = 0;
        for (f, data, want) in readable() {
            for every in [1, 1000] {
                let (got, ahead) = read_ahead_every(&data, every);
                assert_same(&got, &want, &format!("{}, reading ahead every {every} events", f.display()));
                read_ahead += ahead;
            }
        }
        // The fixtures alone give 20 (the corpus more).
        assert!(read_ahead >= 20, "{read_ahead} generations read ahead");
    }
}
