//! Reading a trace through a window of its bytes: whether the window holds the whole of the
//! next generation (see [`Reader::new_window`](crate::Reader::new_window)).

use crate::batch::{read_batch, ReadBatch};
use crate::version::Version;

/// Whether `window[pos..]` holds the next generation whole, so that reading it cannot run
/// into the window's end: a Go 1.26+ generation up to its EndOfGeneration batch, a Go
/// 1.22–1.25 one up to the first batch of the generation after it (which the reader reads
/// with it), whose generation number is `spill_gen + 1` if the reader holds a batch of it.
pub(crate) fn holds_generation(window: &[u8], mut pos: usize, ver: Version, spill_gen: Option<u64>) -> bool {
    let mut gen = spill_gen;
    loop {
        match read_batch(window, &mut pos) {
            Ok(ReadBatch::Batch(b, g)) => {
                if ver >= Version::GO126 {
                    if b.is_end_of_generation() {
                        return true;
                    }
                    continue;
                }
                match gen {
                    None => gen = Some(g),
                    Some(cur) if g == cur.wrapping_add(1) => return true,
                    Some(_) => {}
                }
            }
            // The window ends (or what follows cannot be read yet: more bytes may show that
            // it is damaged, which the reader then reports).
            Ok(ReadBatch::Eof) | Err(_) => return false,
        }
    }
}

/// Reading through windows gives the events and the error reading the whole trace gives, in
/// Go's text form, on every fixture and the shared corpus (cut and damaged traces too), with
/// windows that start small and grow by doubling or by a few bytes at a time; and the windows
/// stay small on traces of several generations.
#[cfg(test)]
mod tests {
    use crate::{Detached, Reader};

    use crate::test_traces::Text as Read;

    /// The events through windows that start with `first` bytes and grow by `grow(len)`;
    /// the largest window.
    fn windowed(data: &[u8], first: usize, grow: impl Fn(usize) -> usize) -> (Read, usize) {
        let mut len = first.min(data.len());
        let mut base = 0;
        let mut window: Vec<u8> = data[..len].to_vec();
        let mut largest = len;
        let mut r = Reader::new_window(&window, len == data.len()).expect("a trace");
        let mut out = Vec::new();
        loop {
            match r.next_event() {
                Ok(Some(ev)) => out.push(format!("{ev}")),
                Ok(None) => {
                    let Some(from) = r.wants_bytes() else { return ((out, None), largest) };
                    assert!(from >= base, "wants bytes before the window");
                    let d: Detached = r.detach();
                    // The bytes from `from` on, more than were at hand.
                    let have = base + window.len() - from;
                    len = grow(have).max(have + 1);
                    let end = (from + len).min(data.len());
                    base = from;
                    window.clear();
                    window.extend_from_slice(&data[from..end]);
                    largest = largest.max(window.len());
                    r = d.attach(&window, base, end == data.len()).unwrap_or_else(|_| panic!("a window from {from}"));
                }
                Err(e) => return ((out, Some(e.to_string())), largest),
            }
        }
    }

    #[test]
    fn windowed_events_are_the_events_read() {
        let (mut compared, mut small) = (0, 0);
        for (f, data, want) in crate::test_traces::readable() {
            for (first, step) in [(64, 0), (1 << 12, 0), (16, 1000)] {
                let (got, largest) = windowed(&data, first, |have| if step == 0 { have * 2 } else { have + step });
                crate::test_traces::assert_same(&got, &want, &format!("{}, windows from {first} by {step}", f.display()));
                let syncs = want.0.iter().filter(|e| e.contains("Sync")).count();
                if step == 0 && first == 64 && syncs > 3 && !Reader::new(&data).unwrap().version().is_v1() {
                    small += usize::from(largest < data.len() / 2);
                }
            }
            compared += 1;
        }
        assert!(compared >= 6, "{compared} traces compared");
        assert!(small > 0, "no trace of several generations was read through windows under half its size");
    }
}
