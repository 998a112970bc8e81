// generations: meant to be run with GODEBUG=traceadvanceperiod=100000000 (100 ms instead
// of the default 1 s), so that a ~0.6 s trace is split into several generations (one
// Sync event each). A task, a region, a goroutine blocked on a channel and a goroutine
// sitting in a blocking read(2) system call all span generation boundaries. There is
// deliberately no GC: after a GC cycle the background sweeper may yield thousands of
// times (timing dependent), which would bloat the trace; gc/ covers the GC.
//
// Usage: GODEBUG=traceadvanceperiod=100000000 generations OUT.trace
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: generations OUT.trace")
		os.Exit(2)
	}
	// Two Ps whatever the machine, so regenerated traces have the same shape.
	runtime.GOMAXPROCS(2)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	// A raw (blocking) pipe: a read(2) on it stays in the kernel, so the reader is
	// in the Syscall state until the main goroutine writes (os.Pipe would use the
	// netpoller instead and the reader would be Waiting).
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()

	ctx, task := trace.NewTask(context.Background(), "span-task")
	region := trace.StartRegion(ctx, "span-region")
	trace.Log(ctx, "phase", "begin")

	var wg sync.WaitGroup

	// Blocked on a channel for (almost) the whole trace.
	gate := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-gate
		trace.Log(ctx, "waiter", "released")
	}()

	// In a blocking read(2) for (almost) the whole trace.
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 8)
		n, _ := syscall.Read(fds[0], buf)
		trace.Logf(ctx, "reader", "read %d bytes", n)
	}()

	// Light periodic work in short regions.
	deadline := time.Now().Add(600 * time.Millisecond)
	tick := time.NewTicker(5 * time.Millisecond)
	for i := 1; time.Now().Before(deadline); i++ {
		<-tick.C
		trace.WithRegion(ctx, "tick", func() {
			s := 0
			for k := 0; k < 20000; k++ {
				s += k ^ i
			}
			_ = s
		})
	}
	tick.Stop()

	syscall.Write(fds[1], []byte("x"))
	close(gate)
	wg.Wait()
	syscall.Close(fds[0])
	syscall.Close(fds[1])
	trace.Log(ctx, "phase", "end")
	region.End()
	task.End()
}
