//! The wasm heap: the allocator Rust uses on wasm by default (dlmalloc), asking the browser
//! for memory 1 MB at a time instead of 64 kB. Each `memory.grow` costs a call into the engine
//! (and may start its garbage collector); loading a big trace grows the heap to a few hundred
//! MB, and with 64 kB steps a tenth of the load time went there (the 85 MB benchmark trace, in
//! Node: 3.5 -> 3.25 s). At most one step is reserved beyond what the heap uses.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use dlmalloc::Dlmalloc;

/// Bytes the heap grows by at least.
const GROWTH: usize = 1 << 20;

struct Heap(UnsafeCell<Dlmalloc>);

// SAFETY: this wasm module runs on one thread (no `atomics` target feature: no shared memory,
// no threads), so the heap is never used from two threads.
unsafe impl Sync for Heap {}

const fn heap() -> Dlmalloc {
    let mut d = Dlmalloc::new();
    let ok = d.set_granularity(GROWTH);
    assert!(ok, "GROWTH is a power of two above the page size");
    d
}

#[global_allocator]
static HEAP: Heap = Heap(UnsafeCell::new(heap()));

/// The size of the last allocation the heap could not make (0: none failed). Rust then aborts
/// (a trap, which JavaScript sees as "unreachable"); the worker asks this to say why.
static FAILED: AtomicUsize = AtomicUsize::new(0);

/// The size of the last allocation that failed, 0 if none did.
pub(crate) fn failed_allocation() -> usize {
    FAILED.load(Ordering::Relaxed)
}

#[inline]
fn noted(p: *mut u8, size: usize) -> *mut u8 {
    if p.is_null() {
        FAILED.store(size.max(1), Ordering::Relaxed);
    }
    p
}

// SAFETY: each call has the heap to itself (one thread, and dlmalloc does not call back into
// the global allocator); the layouts are passed through unchanged.
unsafe impl GlobalAlloc for Heap {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        noted(unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }, layout.size())
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        noted(unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }, layout.size())
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        noted(unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }, new_size)
    }
}
