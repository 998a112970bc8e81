//! A metric's samples (heap in use, heap goal) in time order: differences from the sample
//! before, as varints, in blocks that each begin with a whole sample. About 4 bytes a sample
//! instead of 16; read from the block before a time on.

/// Samples a block holds.
const BLOCK: usize = 128;

/// A metric's samples in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series {
    /// Per block: its first sample (time, value) and where the rest begin in `bytes`.
    blocks: Vec<(i64, u64, usize)>,
    /// The other samples: zigzag varints of the time and value differences.
    bytes: Vec<u8>,
    len: usize,
    last: (i64, u64),
}

impl Series {
    /// Appends a sample (in time order).
    pub fn push(&mut self, t: i64, v: u64) {
        if self.len.is_multiple_of(BLOCK) {
            crate::grow::push(&mut self.blocks, (t, v, self.bytes.len()));
        } else {
            crate::grow::room(&mut self.bytes, 20);
            put(&mut self.bytes, zigzag(t.wrapping_sub(self.last.0)));
            put(&mut self.bytes, zigzag(v.wrapping_sub(self.last.1) as i64));
        }
        self.last = (t, v);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.blocks.len() * std::mem::size_of::<(i64, u64, usize)>() + self.bytes.len()
    }

    /// The samples in time order, from those of the block holding the last one before `t`
    /// (so that the caller sees the value in force at `t`).
    pub fn from_before(&self, t: i64) -> Samples<'_> {
        let b = self.blocks.partition_point(|&(bt, _, _)| bt < t).saturating_sub(1);
        Samples { s: self, block: b, in_block: 0, pos: 0, last: (0, 0) }
    }
}

/// The samples of a [`Series`] from a block on.
#[derive(Debug, Clone)]
pub struct Samples<'a> {
    s: &'a Series,
    block: usize,
    /// Samples of the block read.
    in_block: usize,
    pos: usize,
    last: (i64, u64),
}

impl Iterator for Samples<'_> {
    type Item = (i64, u64);

    fn next(&mut self) -> Option<(i64, u64)> {
        let s = self.s;
        if self.in_block == BLOCK {
            self.block += 1;
            self.in_block = 0;
        }
        let &(t, v, pos) = s.blocks.get(self.block)?;
        let block_len = (s.len - self.block * BLOCK).min(BLOCK);
        if self.in_block >= block_len {
            return None;
        }
        self.last = if self.in_block == 0 {
            self.pos = pos;
            (t, v)
        } else {
            let dt = unzigzag(get(&s.bytes, &mut self.pos));
            let dv = unzigzag(get(&s.bytes, &mut self.pos));
            (self.last.0.wrapping_add(dt), self.last.1.wrapping_add(dv as u64))
        };
        self.in_block += 1;
        Some(self.last)
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get(data: &[u8], pos: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    while let Some(&b) = data.get(*pos) {
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::{Series, BLOCK};

    #[test]
    fn samples_come_back_from_any_time() {
        // Values that rise and fall (wrapping differences), times with equal neighbours.
        let samples: Vec<(i64, u64)> = (0..1000i64).map(|i| (i * 37 - i % 3 * 5 + 1_000_000_000_000, (i as u64 * 7919) % 1013 * 1_000_000 + u64::from(i == 500) * u64::MAX / 2)).collect();
        let mut s = Series::default();
        for &(t, v) in &samples {
            s.push(t, v);
        }
        assert_eq!(s.len(), samples.len());
        assert!(s.bytes() < samples.len() * 16 / 2, "{} bytes", s.bytes());
        assert_eq!(s.from_before(i64::MIN).collect::<Vec<_>>(), samples);
        for t in [samples[0].0 - 1, samples[1].0, samples[BLOCK].0, samples[BLOCK].0 + 1, samples[999].0, samples[999].0 + 1] {
            let got: Vec<(i64, u64)> = s.from_before(t).collect();
            // From the start of the block of the last sample before t, to the end.
            let first_after = samples.partition_point(|&(st, _)| st < t);
            let from = first_after.saturating_sub(1) / BLOCK * BLOCK;
            assert!(got.len() >= samples.len() - first_after, "t={t}");
            assert_eq!(got, samples[samples.len() - got.len()..], "t={t}");
            assert!(samples.len() - got.len() <= from.max(first_after.saturating_sub(1)), "t={t}: starts too late");
        }
        assert_eq!(Series::default().from_before(0).count(), 0);
    }
}
