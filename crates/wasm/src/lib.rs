//! The browser's handle on gotrace: a [`Session`] holds one trace's analyses and a view of its
//! bytes, which stay out of the wasm memory (a `File`/`Blob`, or an array in JavaScript's
//! memory: only the generations being read are copied in, a window at a time); its methods
//! hand results to JavaScript. Glue only:
//! every number comes from `gotrace-analysis`.
//! Small results cross as plain objects (serde-wasm-bindgen), the full document as JSON text
//! (byte for byte what `gotrace analyze --json` prints), bulk data as typed arrays.

use gotrace_analysis::{queries, Analysis, ByteSource, Detail, Input, Options};
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
mod heap;

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
    }));
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// After a call trapped (JavaScript's `RuntimeError: unreachable`): the size in bytes of the
/// allocation that failed if memory ran out, else 0. The instance is not usable after a trap.
#[wasm_bindgen(js_name = failedAllocation)]
pub fn failed_allocation() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return heap::failed_allocation() as f64;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// After a call trapped: the message of the panic that made it, if one did.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow().clone())
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsValue::from_str(&e.to_string()))
}

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// A trace's bytes outside the wasm memory, copied in as they are read: an array in
/// JavaScript's memory, or a `Blob` (a dropped or picked `File`) read a slice at a time with a
/// `FileReaderSync` (in a worker), so that the file is never whole in the page's memory.
enum JsBytes {
    Array(js_sys::Uint8Array),
    Blob(web_sys::Blob, web_sys::FileReaderSync),
}

impl JsBytes {
    fn of(data: JsValue) -> Result<JsBytes, JsValue> {
        if let Some(a) = data.dyn_ref::<js_sys::Uint8Array>() {
            return Ok(JsBytes::Array(a.clone()));
        }
        match data.dyn_into::<web_sys::Blob>() {
            Ok(b) => Ok(JsBytes::Blob(b, web_sys::FileReaderSync::new()?)),
            Err(_) => Err(err("a trace is given as a Uint8Array or a Blob")),
        }
    }
}

/// The message of a JavaScript error (a DOMException, an Error, or anything else).
fn js_message(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

impl ByteSource for JsBytes {
    fn len(&self) -> u64 {
        match self {
            JsBytes::Array(a) => u64::from(a.length()),
            JsBytes::Blob(b, _) => b.size() as u64,
        }
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        let (len, total) = (buf.len() as u64, self.len());
        let end = offset.checked_add(len).filter(|&e| e <= total).ok_or_else(|| format!("bytes {offset}..{} past the end ({total})", offset.saturating_add(len)))?;
        match self {
            // Both ends are at most the array's length, a u32.
            JsBytes::Array(a) => a.subarray(offset as u32, end as u32).copy_to(buf),
            JsBytes::Blob(b, reader) => {
                let read = b
                    .slice_with_f64_and_f64(offset as f64, end as f64)
                    .and_then(|slice| reader.read_as_array_buffer(&slice))
                    .map_err(|e| format!("reading the file failed: {}", js_message(&e)))?;
                let got = js_sys::Uint8Array::new(&read);
                if u64::from(got.length()) != len {
                    return Err(format!("reading the file failed: {} bytes at {offset} gave {} (did the file change?)", len, got.length()));
                }
                got.copy_to(buf);
            }
        }
        Ok(())
    }
}

/// One trace, read and analysed.
#[wasm_bindgen]
pub struct Session {
    /// The trace's bytes, read again for scoped profiles; not kept by a session of the
    /// timeline alone, whose queries never read them (its worker then holds no copy).
    bytes: Option<JsBytes>,
    analysis: Analysis,
}

#[wasm_bindgen]
impl Session {
    /// Reads and analyses `data`: the file's bytes (a `Uint8Array`, kept by reference for
    /// scoped profiles unless only the timeline is computed: do not change them) or the file
    /// itself (a `Blob`, read a slice at a time: in a worker only).
    /// `progress(bytesRead, total)` is called now and then. Throws the error message of a file
    /// that is not a readable trace. `parts` says what to compute: `"timeline"` (the timeline
    /// only: its methods), `"analyses"` (everything but the timeline: the other methods), or
    /// everything if undefined. Two sessions over the same bytes, one of each part, in two
    /// workers, each read the whole trace but split the rest: on two cores they load in about
    /// four fifths of the time of one (docs/performance.md).
    #[wasm_bindgen(constructor)]
    pub fn new(data: JsValue, name: &str, progress: &js_sys::Function, parts: Option<String>) -> Result<Session, JsValue> {
        let opts = match parts.as_deref() {
            None => Options::default(),
            Some("timeline") => Options { analyses: false, ..Options::default() },
            Some("analyses") => Options { timeline: false, ..Options::default() },
            Some(p) => return Err(err(format!("unknown parts {p:?}: timeline, analyses or undefined"))),
        };
        let mut report = |read: u64, total: u64| {
            let _ = progress.call2(&JsValue::NULL, &JsValue::from_f64(read as f64), &JsValue::from_f64(total as f64));
        };
        let bytes = JsBytes::of(data)?;
        let analysis = Analysis::run_source(&bytes, name, &opts, &mut report).map_err(err)?;
        // One line in the worker's console, for whoever debugs a page that embeds the app.
        web_sys::console::log_1(&JsValue::from_str(&format!(
            "gotrace: {name}: {} bytes, {} events kept of {} read",
            bytes.len(),
            analysis.outcome.events_kept,
            analysis.outcome.events_read
        )));
        Ok(Session { bytes: opts.analyses.then_some(bytes), analysis })
    }

    fn source(&self) -> Result<Input<'_>, JsValue> {
        self.bytes.as_ref().map(|b| Input::Source(b)).ok_or_else(|| err("a session of the timeline alone has no profiles"))
    }

    /// The whole analysis document as JSON text: exactly what `gotrace analyze --json` prints.
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> Result<String, JsValue> {
        serde_json::to_string(&self.analysis.report(Detail::Full)).map_err(err)
    }

    /// The document without per-goroutine, per-task and per-region lists.
    pub fn overview(&self) -> Result<JsValue, JsValue> {
        to_js(&self.analysis.report(Detail::Aggregates))
    }

    /// The goroutines of a group (by start function name), with their breakdowns.
    #[wasm_bindgen(js_name = groupGoroutines)]
    pub fn group_goroutines(&self, name: &str) -> Result<JsValue, JsValue> {
        to_js(&queries::group_goroutines(&self.analysis, name))
    }

    /// A blocking profile (`kind`: net, sync, syscall, sched) for a scope: "" (whole trace),
    /// "group:NAME" (a goroutine group) or "region:TYPE" (a region type).
    pub fn profile(&self, kind: &str, scope: &str) -> Result<JsValue, JsValue> {
        to_js(&queries::profile(self.source()?, &self.analysis, kind, scope).map_err(err)?)
    }

    /// The same profile as a gzipped pprof file.
    #[wasm_bindgen(js_name = pprofGz)]
    pub fn pprof_gz(&self, kind: &str, scope: &str) -> Result<Vec<u8>, JsValue> {
        let p = queries::profile(self.source()?, &self.analysis, kind, scope).map_err(err)?;
        Ok(gotrace_analysis::pprof_proto::to_pprof_gz(&p))
    }

    /// CPU profile samples by stack.
    #[wasm_bindgen(js_name = cpuProfile)]
    pub fn cpu_profile(&self) -> Result<JsValue, JsValue> {
        to_js(&self.analysis.cpu.profile())
    }

    /// Tasks of a type ("" for all types), those with a log containing `logFilter` if given.
    pub fn tasks(&self, typ: Option<String>, log_filter: Option<String>) -> Result<JsValue, JsValue> {
        to_js(&queries::tasks(&self.analysis, typ.as_deref(), log_filter.as_deref()))
    }

    /// Regions of a type starting at `pc` (the PC of the start's outermost frame, 0 for
    /// regions without one), or anywhere if `pc` is undefined.
    pub fn regions(&self, typ: &str, pc: Option<f64>) -> Result<JsValue, JsValue> {
        to_js(&queries::regions(&self.analysis, typ, pc.map(|pc| pc as u64)))
    }

    /// The MMU plot for a flag set like "perProc|stw|background": points `[window_ns, mmu]`.
    #[wasm_bindgen(js_name = mmuPlot)]
    pub fn mmu_plot(&self, flags: &str) -> Result<JsValue, JsValue> {
        to_js(&queries::mmu_plot_for(&self.analysis, flags))
    }

    /// The worst windows of a flag set at a window size.
    #[wasm_bindgen(js_name = mmuWorst)]
    pub fn mmu_worst(&self, flags: &str, window_ns: f64, n: usize) -> Result<JsValue, JsValue> {
        to_js(&queries::mmu_worst(&self.analysis, flags, window_ns as i64, n))
    }

    // timeline
    /// The timeline's lanes as columns (`kind`, `id`, `group`, `first`, `last`, `spans`
    /// typed arrays) with the strings their groups and labels index.
    #[wasm_bindgen(js_name = timelineInfo)]
    pub fn timeline_info(&self) -> Result<JsValue, JsValue> {
        let info = self.analysis.timeline.info();
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &JsValue::from_str(k), v).map(|_| ());
        set("start", &JsValue::from_f64(info.start as f64))?;
        set("end", &JsValue::from_f64(info.end as f64))?;
        set("goroutineBase", &JsValue::from_f64(f64::from(info.goroutine_base)))?;
        set("kind", &js_sys::Uint8Array::from(&info.kind[..]))?;
        set("id", &js_sys::Float64Array::from(&info.id[..]))?;
        set("group", &js_sys::Uint32Array::from(&info.group[..]))?;
        set("first", &js_sys::Float64Array::from(&info.first[..]))?;
        set("last", &js_sys::Float64Array::from(&info.last[..]))?;
        set("spans", &js_sys::Uint32Array::from(&info.spans[..]))?;
        set("strings", &to_js(&info.strings)?)?;
        set("stateNames", &to_js(&info.state_names)?)?;
        set("hasHeap", &JsValue::from_bool(info.has_heap))?;
        set("samples", &JsValue::from_f64(f64::from(info.samples)))?;
        set("bytes", &JsValue::from_f64(self.analysis.timeline.bytes() as f64))?;
        Ok(o.into())
    }

    /// Level-of-detail rows of `lanes` over `[start, end)` ns in `width` cells: typed-array
    /// columns `offsets` (per lane), `start`, `end`, `ns`, `state`, `label`, `aux`, `exact`;
    /// and the CPU sample marks of goroutine lanes: `markOffsets` (per lane), `markTime`,
    /// `markCount`, `markSample`.
    #[wasm_bindgen(js_name = timelineLod)]
    pub fn timeline_lod(&self, lanes: &[u32], start: f64, end: f64, width: u32) -> Result<JsValue, JsValue> {
        let r = gotrace_analysis::timeline::lod::lanes(&self.analysis.timeline, lanes, start as i64, end as i64, width);
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &JsValue::from_str(k), v).map(|_| ());
        set("offsets", &js_sys::Uint32Array::from(&r.offsets[..]))?;
        set("start", &js_sys::Float64Array::from(&r.start[..]))?;
        set("end", &js_sys::Float64Array::from(&r.end[..]))?;
        set("ns", &js_sys::Float64Array::from(&r.ns[..]))?;
        set("state", &js_sys::Uint8Array::from(&r.state[..]))?;
        set("label", &js_sys::Uint32Array::from(&r.label[..]))?;
        set("aux", &js_sys::Uint32Array::from(&r.aux[..]))?;
        set("exact", &js_sys::Uint8Array::from(&r.exact[..]))?;
        set("markOffsets", &js_sys::Uint32Array::from(&r.mark_offsets[..]))?;
        set("markTime", &js_sys::Float64Array::from(&r.mark_time[..]))?;
        set("markCount", &js_sys::Uint32Array::from(&r.mark_count[..]))?;
        set("markSample", &js_sys::Uint32Array::from(&r.mark_sample[..]))?;
        Ok(o.into())
    }

    /// The CPU sample of goroutine lane `lane` nearest to `t` ns (within `slack` ns): its
    /// time, goroutine and stack; or null.
    #[wasm_bindgen(js_name = timelineSampleAt)]
    pub fn timeline_sample_at(&self, lane: u32, t: f64, slack: f64) -> Result<JsValue, JsValue> {
        let tl = &self.analysis.timeline;
        match tl.sample_at(lane, t as i64, slack as i64).and_then(|i| tl.sample_details(i)) {
            Some(d) => to_js(&d),
            None => Ok(JsValue::NULL),
        }
    }

    /// Counters over `[start, end)` in `width` cells: `goroutines` (4 per cell: running,
    /// runnable, waiting, syscall), `threads` (2 per cell), `heapLive`, `heapGoal`, `samples`.
    #[wasm_bindgen(js_name = timelineCounters)]
    pub fn timeline_counters(&self, start: f64, end: f64, width: u32) -> Result<JsValue, JsValue> {
        let c = gotrace_analysis::timeline::lod::counters(&self.analysis.timeline, start as i64, end as i64, width);
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&o, &JsValue::from_str(k), v).map(|_| ());
        set("goroutines", &js_sys::Float64Array::from(&c.goroutines[..]))?;
        set("threads", &js_sys::Float64Array::from(&c.threads[..]))?;
        set("heapLive", &js_sys::Float64Array::from(&c.heap_live[..]))?;
        set("heapGoal", &js_sys::Float64Array::from(&c.heap_goal[..]))?;
        set("samples", &js_sys::Float64Array::from(&c.samples[..]))?;
        Ok(o.into())
    }

    /// The details of the span of `lane` at `t` ns (or within `slack` ns of it), or null.
    #[wasm_bindgen(js_name = timelineSpanAt)]
    pub fn timeline_span_at(&self, lane: u32, t: f64, slack: f64) -> Result<JsValue, JsValue> {
        let tl = &self.analysis.timeline;
        match tl.span_at(lane, t as i64, slack as i64).and_then(|(i, _)| tl.details(lane, i)) {
            Some(d) => to_js(&d),
            None => Ok(JsValue::NULL),
        }
    }

    /// The details of span `index` of `lane`, or null.
    #[wasm_bindgen(js_name = timelineSpan)]
    pub fn timeline_span(&self, lane: u32, index: u32) -> Result<JsValue, JsValue> {
        match self.analysis.timeline.details(lane, index as usize) {
            Some(d) => to_js(&d),
            None => Ok(JsValue::NULL),
        }
    }

    /// Time and spans by lane kind and state over `[start, end)` for `lanes`.
    #[wasm_bindgen(js_name = timelineSelect)]
    pub fn timeline_select(&self, lanes: &[u32], start: f64, end: f64) -> Result<JsValue, JsValue> {
        to_js(&self.analysis.timeline.select(lanes, start as i64, end as i64))
    }

    /// Goroutines by id or start function (at most `limit`).
    #[wasm_bindgen(js_name = timelineFind)]
    pub fn timeline_find(&self, query: &str, limit: u32) -> Result<JsValue, JsValue> {
        to_js(&self.analysis.timeline.find(query, limit as usize))
    }
}
