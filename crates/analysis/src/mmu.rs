//! Minimum mutator utilization (Go's internal/trace/gc.go).
