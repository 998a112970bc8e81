//! Goroutine, task and region summaries (Go's internal/trace/summary.go).
