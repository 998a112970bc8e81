//! Which goroutines are the runtime's own.

/// Whether a goroutine with this entry function is a system goroutine (Go's
/// `internal/trace.IsSystemGoroutine`, which mimics `runtime.isSystemGoroutine`): every
/// `runtime.*` function but `runtime.main`, and the empty name (e.g. a locked goroutine on an
/// extra M, or a goroutine never seen with a stack).
pub fn is_system_goroutine(entry_fn: &str) -> bool {
    entry_fn.is_empty() || (entry_fn != "runtime.main" && entry_fn.starts_with("runtime."))
}

#[cfg(test)]
mod tests {
    use super::is_system_goroutine;

    #[test]
    fn system_goroutines() {
        assert!(is_system_goroutine(""));
        assert!(is_system_goroutine("runtime.bgsweep"));
        assert!(is_system_goroutine("runtime.gcBgMarkWorker"));
        assert!(!is_system_goroutine("runtime.main"));
        assert!(!is_system_goroutine("main.main"));
        assert!(!is_system_goroutine("runtime/trace.Start.func1"));
    }
}
