//! The browser's handle on gotrace: a [`Session`] holds one trace's bytes and analyses; its
//! methods hand results to JavaScript. Glue only: every number comes from `gotrace-analysis`.
//! Small results cross as plain objects (serde-wasm-bindgen), the full document as JSON text
//! (byte for byte what `gotrace analyze --json` prints), bulk data as typed arrays.

use gotrace_analysis::{queries, Analysis, Detail};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsValue::from_str(&e.to_string()))
}

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// One trace, read and analysed.
#[wasm_bindgen]
pub struct Session {
    data: Vec<u8>,
    analysis: Analysis,
}

#[wasm_bindgen]
impl Session {
    /// Reads and analyses `data` (the file's bytes). `progress(bytesRead, total)` is called
    /// now and then. Throws the error message of a file that is not a readable trace.
    #[wasm_bindgen(constructor)]
    pub fn new(data: Vec<u8>, name: &str, progress: &js_sys::Function) -> Result<Session, JsValue> {
        let mut report = |read: u64, total: u64| {
            let _ = progress.call2(&JsValue::NULL, &JsValue::from_f64(read as f64), &JsValue::from_f64(total as f64));
        };
        let analysis = Analysis::run(&data, name, &mut report).map_err(err)?;
        Ok(Session { data, analysis })
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
        to_js(&queries::profile(&self.data, &self.analysis, kind, scope).map_err(err)?)
    }

    /// The same profile as a gzipped pprof file.
    #[wasm_bindgen(js_name = pprofGz)]
    pub fn pprof_gz(&self, kind: &str, scope: &str) -> Result<Vec<u8>, JsValue> {
        let p = queries::profile(&self.data, &self.analysis, kind, scope).map_err(err)?;
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

    /// Regions of a type (and start PC if not 0).
    pub fn regions(&self, typ: &str, pc: f64) -> Result<JsValue, JsValue> {
        to_js(&queries::regions(&self.analysis, typ, pc as u64))
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
}
