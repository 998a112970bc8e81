//! Generations: all batches between two syncs, with their tables (Go's `generation.go`).

use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::batch::{read_batch, Batch, ReadBatch};
use crate::error::Error;
use crate::resources::{GoId, ProcId, StackId, StringId, ThreadId};
use crate::spec;
use crate::table::{EvTable, ExperimentalBatch, FrameRef};
use crate::varint::{uvarint, VarintError};
use crate::version::Version;

/// A CPU profile sample, its time already in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CpuSample {
    pub m: ThreadId,
    pub p: ProcId,
    pub g: GoId,
    pub time: i64,
    pub stack: StackId,
}

/// A generation read in full, ready to be ordered.
pub(crate) struct Generation<'a> {
    pub gen: u64,
    /// Event batches per M, Ms in the order their first batch came.
    pub batches: Vec<(ThreadId, Vec<Batch<'a>>)>,
    pub cpu_samples: Vec<CpuSample>,
    pub min_ts: u64,
    pub table: Rc<EvTable>,
}

impl Generation<'_> {
    /// The generation once its batches are read: no longer tied to the bytes.
    pub fn without_batches(self) -> Generation<'static> {
        let Generation { gen, batches: _, cpu_samples, min_ts, table } = self;
        Generation { gen, batches: Vec::new(), cpu_samples, min_ts, table }
    }
}

/// A generation being read.
struct Builder<'a> {
    gen: u64,
    batches: Vec<(ThreadId, Vec<Batch<'a>>)>,
    index: FxHashMap<ThreadId, usize>,
    cpu_samples: Vec<CpuSample>,
    min_ts: u64,
    table: EvTable,
}

impl<'a> Builder<'a> {
    fn new() -> Self {
        Builder {
            gen: 0,
            batches: Vec::new(),
            index: FxHashMap::default(),
            cpu_samples: Vec::new(),
            min_ts: 0,
            table: EvTable::default(),
        }
    }

    fn note_time(&mut self, b: &Batch<'_>) {
        if self.min_ts == 0 || b.time < self.min_ts {
            self.min_ts = b.time;
        }
    }

    fn process(&mut self, b: Batch<'a>, ver: Version) -> Result<(), Error> {
        let fmt_err = |msg: String| Error::Format { offset: b.offset as u64, msg };
        if b.is_strings() {
            add_strings(&mut self.table, &b).map_err(fmt_err)
        } else if b.is_stacks() {
            add_stacks(&mut self.table, &b).map_err(fmt_err)
        } else if b.is_cpu_samples() {
            add_cpu_samples(&mut self.cpu_samples, &b).map_err(fmt_err)
        } else if b.is_sync(ver) {
            set_sync(&mut self.table, &b, ver).map_err(fmt_err)
        } else if b.exp != spec::NO_EXPERIMENT {
            let batch = ExperimentalBatch { thread: b.m, data: b.data.to_vec() };
            match self.table.exp_batches.iter_mut().find(|(e, _)| *e == b.exp) {
                Some((_, v)) => v.push(batch),
                None => self.table.exp_batches.push((b.exp, vec![batch])),
            }
            Ok(())
        } else if b.is_end_of_generation() {
            Err(fmt_err("internal error: unexpectedly processing EndOfGeneration; broken trace?".into()))
        } else {
            match self.index.get(&b.m) {
                Some(&i) => self.batches[i].1.push(b),
                None => {
                    self.index.insert(b.m, self.batches.len());
                    self.batches.push((b.m, vec![b]));
                }
            }
            Ok(())
        }
    }

    fn finish(mut self, ver: Version, check_snapshot: bool) -> Result<Generation<'a>, Error> {
        let gen = self.gen;
        let gerr = |msg: String| Error::Generation { gen, msg };
        if self.table.sync.freq == 0.0 {
            return Err(gerr("no frequency event found".into()));
        }
        if check_snapshot && !self.table.sync.has_clock_snapshot {
            return Err(gerr("no clock snapshot event found".into()));
        }
        let _ = ver;
        self.table.gen = self.gen;
        self.table.stacks.compactify();
        self.table.strings.compactify();
        validate_stack_strings(&self.table).map_err(gerr)?;
        let freq = self.table.sync.freq;
        for s in &mut self.cpu_samples {
            s.time = crate::table::mul_freq(freq, s.time as u64);
        }
        self.cpu_samples.sort_by_key(|s| s.time);
        Ok(Generation {
            gen: self.gen,
            batches: self.batches,
            cpu_samples: self.cpu_samples,
            min_ts: self.min_ts,
            table: Rc::new(self.table),
        })
    }
}

/// Reads one Go 1.26+ generation (ended by an EndOfGeneration batch). `Ok(None)` at the end of
/// the trace.
pub(crate) fn read_generation<'a>(data: &'a [u8], pos: &mut usize, ver: Version) -> Result<Option<Generation<'a>>, Error> {
    let mut g = Builder::new();
    loop {
        let at = *pos;
        match read_batch(data, pos)? {
            ReadBatch::Eof => {
                if !g.batches.is_empty() {
                    return Err(Error::Truncated {
                        offset: at as u64,
                        msg: "incomplete generation found; trace likely truncated".into(),
                    });
                }
                return Ok(None);
            }
            ReadBatch::Batch(b, gen) => {
                if g.gen == 0 {
                    g.gen = gen;
                }
                if b.is_end_of_generation() {
                    break;
                }
                if gen == 0 {
                    return Err(Error::Format { offset: at as u64, msg: format!("invalid generation number {gen}") });
                }
                if gen != g.gen {
                    return Err(Error::Format {
                        offset: at as u64,
                        msg: "broken trace: missing end-of-generation event, or generations are interleaved".into(),
                    });
                }
                g.note_time(&b);
                g.process(b, ver)?;
            }
        }
    }
    g.finish(ver, true).map(Some)
}

/// A batch of the next generation, read while looking for the end of the current one.
#[derive(Clone, Copy)]
pub(crate) struct Spill<'a> {
    pub gen: u64,
    pub batch: Batch<'a>,
}

/// What reading a pre-1.26 generation gave (Go's `readGenerationWithSpill`).
pub(crate) struct SpillRead<'a> {
    pub gen: Option<Generation<'a>>,
    pub spill: Option<Spill<'a>>,
    /// An error met after the generation began: reported after it.
    pub err: Option<Error>,
}

impl SpillRead<'_> {
    fn failed(err: Error) -> Self {
        SpillRead { gen: None, spill: None, err: Some(err) }
    }
}

/// Reads one Go 1.22-1.25 generation: it ends where a batch of the next one starts.
pub(crate) fn read_generation_with_spill<'a>(
    data: &'a [u8],
    pos: &mut usize,
    spill: Option<Spill<'a>>,
    ver: Version,
) -> SpillRead<'a> {
    let mut g = Builder::new();
    let mut next_spill = None;
    if let Some(s) = spill {
        g.gen = s.gen;
        g.min_ts = s.batch.time;
        if let Err(e) = g.process(s.batch, ver) {
            return SpillRead::failed(e);
        }
    }
    let mut spill_err = None;
    loop {
        let at = *pos;
        let (b, gen) = match read_batch(data, pos) {
            Ok(ReadBatch::Eof) => break,
            Ok(ReadBatch::Batch(b, gen)) => (b, gen),
            Err(e) => {
                if g.gen != 0 {
                    spill_err = Some(e);
                    break;
                }
                return SpillRead::failed(e);
            }
        };
        if gen == 0 {
            return SpillRead::failed(Error::Format { offset: at as u64, msg: format!("invalid generation number {gen}") });
        }
        if g.gen == 0 {
            g.gen = gen;
        }
        if gen == g.gen + 1 {
            next_spill = Some(Spill { gen, batch: b });
            break;
        }
        if gen != g.gen {
            return SpillRead::failed(Error::Format { offset: at as u64, msg: "generations out of order".into() });
        }
        g.note_time(&b);
        if let Err(e) = g.process(b, ver) {
            return SpillRead::failed(e);
        }
    }
    match g.finish(ver, ver >= Version::GO125) {
        Ok(gen) => SpillRead { gen: Some(gen), spill: next_spill, err: spill_err },
        Err(e) => SpillRead::failed(e),
    }
}

/// A cursor over a batch's data for the table batches, with Go's error texts.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0 }
    }
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.data.get(self.pos).ok_or("EOF")?;
        self.pos += 1;
        Ok(b)
    }
    fn uvarint(&mut self) -> Result<u64, VarintError> {
        let (v, n) = uvarint(&self.data[self.pos..])?;
        self.pos += n;
        Ok(v)
    }
    fn uv(&mut self) -> Result<u64, String> {
        self.uvarint().map_err(|e| e.go_text().to_string())
    }
}

fn add_strings(t: &mut EvTable, b: &Batch<'_>) -> Result<(), String> {
    let mut r = Cursor::new(b.data);
    if r.byte().ok() != Some(spec::EV_STRINGS) {
        return Err("missing strings batch header".into());
    }
    while r.remaining() != 0 {
        let ev = r.byte()?;
        if ev != spec::EV_STRING {
            return Err(format!("expected string event, got {ev}"));
        }
        let id = r.uv()?;
        let len = r.uv()?;
        if len > spec::MAX_EVENT_TRAILER_DATA_SIZE {
            return Err(format!("invalid string size {len}, maximum is {}", spec::MAX_EVENT_TRAILER_DATA_SIZE));
        }
        let avail = r.remaining();
        if (avail as u64) < len {
            return Err(format!("failed to read full string: read {avail} but wanted {len}"));
        }
        let bytes = &r.data[r.pos..r.pos + len as usize];
        r.pos += len as usize;
        let s: Box<str> = String::from_utf8_lossy(bytes).into();
        if let Err((new, existing)) = t.strings.insert(id, s) {
            let existing = existing.map(|s| &**s).unwrap_or("");
            return Err(format!("multiple strings with the same ID: id={id}, new={new}, existing={existing}"));
        }
    }
    Ok(())
}

fn stack_text(pcs: &[u64]) -> String {
    pcs.iter().map(|pc| format!("\t{pc:#x}\n")).collect()
}

fn add_stacks(t: &mut EvTable, b: &Batch<'_>) -> Result<(), String> {
    let mut r = Cursor::new(b.data);
    if r.byte().ok() != Some(spec::EV_STACKS) {
        return Err("missing stacks batch header".into());
    }
    while r.remaining() != 0 {
        let ev = r.byte()?;
        if ev != spec::EV_STACK {
            return Err(format!("expected stack event, got {ev}"));
        }
        let id = r.uv()?;
        let nframes = r.uv()?;
        if nframes > spec::MAX_FRAMES_PER_STACK {
            return Err(format!("invalid stack size {nframes}, maximum is {}", spec::MAX_FRAMES_PER_STACK));
        }
        let mut pcs = Vec::with_capacity(nframes as usize);
        for i in 1..=nframes {
            let mut field = |what: &str| r.uvarint().map_err(|e| format!("reading frame {i}'s {what} for stack {id}: {}", e.go_text()));
            let pc = field("PC")?;
            let func_id = field("funcID")?;
            let file_id = field("fileID")?;
            let line = field("line")?;
            pcs.push(pc);
            t.pcs.entry(pc).or_insert(FrameRef { pc, func_id: StringId(func_id), file_id: StringId(file_id), line });
        }
        if let Err((new, existing)) = t.stacks.insert(id, pcs.into_boxed_slice()) {
            let existing = existing.map(|s| stack_text(s)).unwrap_or_default();
            return Err(format!("multiple trace.stacks with the same ID: id={id}, new={}, existing={existing}", stack_text(&new)));
        }
    }
    Ok(())
}

fn add_cpu_samples(samples: &mut Vec<CpuSample>, b: &Batch<'_>) -> Result<(), String> {
    let mut r = Cursor::new(b.data);
    if r.byte().ok() != Some(spec::EV_CPU_SAMPLES) {
        return Err("missing CPU samples batch header".into());
    }
    while r.remaining() != 0 {
        let ev = r.byte()?;
        if ev != spec::EV_CPU_SAMPLE {
            return Err(format!("expected CPU sample event, got {ev}"));
        }
        let ts = r.uv()?;
        let m = r.uv()?;
        let p = r.uv()?;
        let g = r.uv()?;
        let s = r.uv()?;
        samples.push(CpuSample {
            m: ThreadId(m as i64),
            p: ProcId(p as i64),
            g: if g == 0 { GoId::NONE } else { GoId(g as i64) },
            // Still a timestamp: made nanoseconds once the frequency is known.
            time: ts as i64,
            stack: StackId(s),
        });
    }
    Ok(())
}

fn set_sync(t: &mut EvTable, b: &Batch<'_>, ver: Version) -> Result<(), String> {
    let mut r = Cursor::new(b.data);
    if ver >= Version::GO125 && r.byte().ok() != Some(spec::EV_SYNC) {
        return Err("missing sync batch header".into());
    }
    let s = &mut t.sync;
    let mut last_ts = b.time;
    while r.remaining() != 0 {
        let ev = r.byte()?;
        if ev == spec::EV_FREQUENCY {
            if s.freq != 0.0 {
                return Err("found multiple frequency events".into());
            }
            let f = r.uv()?;
            s.freq = 1.0 / (f as f64 / 1e9);
        } else if ev == spec::EV_CLOCK_SNAPSHOT && ver >= Version::GO125 {
            if s.has_clock_snapshot {
                return Err("found multiple clock snapshot events".into());
            }
            s.has_clock_snapshot = true;
            let tdiff = r.uv()?;
            last_ts = last_ts.wrapping_add(tdiff);
            s.snap_time = last_ts;
            s.snap_mono = r.uv()?;
            s.snap_wall_sec = r.uv()? as i64;
            s.snap_wall_nsec = r.uv()? as i64;
        } else {
            return Err(format!("expected frequency or clock snapshot event, got {ev}"));
        }
    }
    Ok(())
}

fn validate_stack_strings(t: &EvTable) -> Result<(), String> {
    let mut err = None;
    t.stacks.for_each(|id, pcs| {
        for pc in pcs.iter() {
            let Some(frame) = t.pcs.get(pc) else {
                err = Some(format!("found unknown pc {pc:x} for stack {id}"));
                return false;
            };
            if !t.strings.contains(frame.func_id.0) {
                err = Some(format!("found invalid func string ID {} for stack {id}", frame.func_id));
                return false;
            }
            if !t.strings.contains(frame.file_id.0) {
                err = Some(format!("found invalid file string ID {} for stack {id}", frame.file_id));
                return false;
            }
        }
        true
    });
    err.map_or(Ok(()), Err)
}
