//! Unsigned LEB128 varints, with Go's `encoding/binary` error cases.

/// Why a varint could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarintError {
    /// No byte at all.
    Eof,
    /// The bytes ended inside the varint.
    UnexpectedEof,
    /// More than 64 bits.
    Overflow,
}

impl VarintError {
    /// Go's text for this error as `binary.ReadUvarint` reports it.
    pub fn go_text(self) -> &'static str {
        match self {
            VarintError::Eof => "EOF",
            VarintError::UnexpectedEof => "unexpected EOF",
            VarintError::Overflow => "binary: varint overflows a 64-bit integer",
        }
    }
}

/// Reads a uvarint at the start of `b`: the value and the number of bytes it took.
#[inline(always)]
pub fn uvarint(b: &[u8]) -> Result<(u64, usize), VarintError> {
    // Fast path: one byte.
    match b {
        [] => Err(VarintError::Eof),
        [x, ..] if *x < 0x80 => Ok((*x as u64, 1)),
        [x, y, ..] if *y < 0x80 => Ok(((*x & 0x7f) as u64 | (*y as u64) << 7, 2)),
        _ => uvarint_slow(b),
    }
}

#[inline(never)]
fn uvarint_slow(b: &[u8]) -> Result<(u64, usize), VarintError> {
    let mut x: u64 = 0;
    let mut s: u32 = 0;
    for (i, &byte) in b.iter().enumerate() {
        if i == 10 {
            return Err(VarintError::Overflow);
        }
        if byte < 0x80 {
            if i == 9 && byte > 1 {
                return Err(VarintError::Overflow);
            }
            return Ok((x | (byte as u64) << s, i + 1));
        }
        x |= ((byte & 0x7f) as u64) << s;
        s += 7;
    }
    Err(VarintError::UnexpectedEof)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(uvarint(&[0x05]), Ok((5, 1)));
        assert_eq!(uvarint(&[0x80, 0x01]), Ok((128, 2)));
        assert_eq!(uvarint(&[0xff; 9].iter().copied().chain([0x01]).collect::<Vec<_>>()), Ok((u64::MAX, 10)));
        assert_eq!(uvarint(&[0xff; 9].iter().copied().chain([0x02]).collect::<Vec<_>>()), Err(VarintError::Overflow));
        assert_eq!(uvarint(&[0xff; 11]), Err(VarintError::Overflow));
        assert_eq!(uvarint(&[0x80]), Err(VarintError::UnexpectedEof));
        assert_eq!(uvarint(&[]), Err(VarintError::Eof));
    }
}
