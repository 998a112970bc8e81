//! The text form of events, line for line as Go's `Event.String` (what `go tool trace -d=parsed`
//! prints), so the two diff cleanly.

use std::fmt::{self, Write};

use crate::event::{Event, EventKind, Stack};
use crate::resources::ResourceKind;

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            '\u{fffd}' => out.push_str("\\ufffd"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = if (c as u32) < 0x10000 { write!(out, "\\u{:04x}", c as u32) } else { write!(out, "\\U{:08x}", c as u32) };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn print_stack(w: &mut impl Write, prefix: &str, stack: &Stack<'_>) -> fmt::Result {
    for f in stack.frames() {
        writeln!(w, "{prefix}{} @ {:#x}", f.func, f.pc)?;
        writeln!(w, "{prefix}\t{}:{}", f.file, f.line)?;
    }
    Ok(())
}

/// Formats a Unix time as Go's `time.RFC3339Nano` in UTC.
pub fn rfc3339_nano(sec: i64, nsec: i64) -> String {
    let sec = sec + nsec.div_euclid(1_000_000_000);
    let nsec = nsec.rem_euclid(1_000_000_000);
    let days = sec.div_euclid(86_400);
    let secs = sec.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut s = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if nsec != 0 {
        let frac = format!("{nsec:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push('Z');
    s
}

fn value(v: u64) -> String {
    format!("Value{{Uint64({v})}}")
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M={} P={} G={}", self.thread(), self.proc(), self.goroutine())?;
        write!(f, " {} Time={}", self.kind().as_str(), self.time())?;
        match self.kind() {
            EventKind::Metric => {
                if let Some(m) = self.metric() {
                    write!(f, " Name={} Value={}", go_quote(m.name), value(m.value))?;
                }
            }
            EventKind::Label => {
                if let Some(l) = self.label() {
                    write!(f, " Label={} Resource={}", go_quote(l.label), l.resource)?;
                }
            }
            k @ (EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd) => {
                if let Some(r) = self.range() {
                    write!(f, " Name={} Scope={}", go_quote(&r.name), r.scope)?;
                }
                if k == EventKind::RangeEnd {
                    let attrs: Vec<String> =
                        self.range_attributes().iter().map(|(n, v)| format!("{}={}", go_quote(n), value(*v))).collect();
                    write!(f, " Attributes=[{}]", attrs.join(" "))?;
                }
            }
            EventKind::TaskBegin | EventKind::TaskEnd => {
                if let Some(t) = self.task() {
                    write!(f, " ID={} Parent={} Type={}", t.id, t.parent, go_quote(&t.typ))?;
                }
            }
            EventKind::RegionBegin | EventKind::RegionEnd => {
                if let Some(r) = self.region() {
                    write!(f, " Task={} Type={}", r.task, go_quote(r.typ))?;
                }
            }
            EventKind::Log => {
                if let Some(l) = self.log() {
                    write!(f, " Task={} Category={} Message={}", l.task, go_quote(l.category), go_quote(l.message))?;
                }
            }
            EventKind::StateTransition => {
                if let Some(s) = self.state_transition() {
                    match s.resource.kind {
                        ResourceKind::Goroutine => {
                            if let Some((old, new)) = s.goroutine() {
                                write!(f, " GoID={} {}->{}", s.resource.id, old, new)?;
                            }
                        }
                        ResourceKind::Proc => {
                            if let Some((old, new)) = s.proc() {
                                write!(f, " ProcID={} {}->{}", s.resource.id, old, new)?;
                            }
                        }
                        _ => {}
                    }
                    write!(f, " Reason={}", go_quote(s.reason))?;
                    if s.stack.is_present() {
                        writeln!(f)?;
                        writeln!(f, "TransitionStack=")?;
                        print_stack(f, "\t", &s.stack)?;
                    }
                }
            }
            EventKind::Experimental => {
                if let Some(e) = self.experimental() {
                    let args: Vec<String> = e.args.iter().zip(e.values).map(|(a, v)| format!("{a}={}", value(*v))).collect();
                    write!(f, " Name={} Args=[{}]", e.name, args.join(", "))?;
                }
            }
            EventKind::Sync => {
                if let Some(s) = self.sync() {
                    write!(f, " N={}", s.n)?;
                    if let Some(c) = s.clock_snapshot {
                        write!(f, " Trace={} Mono={} Wall={}", c.trace, c.mono, rfc3339_nano(c.wall_sec, c.wall_nsec))?;
                    }
                }
            }
            EventKind::Bad | EventKind::StackSample => {}
        }
        let stk = self.stack();
        if stk.is_present() {
            writeln!(f)?;
            writeln!(f, "Stack=")?;
            print_stack(f, "\t", &stk)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote() {
        assert_eq!(go_quote("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(go_quote("\x01é"), "\"\\x01é\"");
    }

    #[test]
    fn wall() {
        assert_eq!(rfc3339_nano(1_795_908_864, 67_570_529), "2026-11-28T23:34:24.067570529Z");
        assert_eq!(rfc3339_nano(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_nano(951_782_400, 500_000_000), "2000-02-29T00:00:00.5Z");
    }
}
