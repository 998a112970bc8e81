// sample: the program of the seed walkthrough of `go tool trace`, scaled down so the
// trace stays small. GOMAXPROCS(1), one task "sumTask", 10 goroutines each summing
// 0..N inside a region "region_NN". With a single P and ~40 ms of work per goroutine
// the scheduler preempts them (10 ms time slices), so the trace shows preemption,
// a task and 10 regions. This trace is the app's bundled sample.
//
// Usage: sample OUT.trace
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
)

// n is the upper bound of each goroutine's sum: about 35 ms of CPU each on a
// current x86 core (~4 GHz), about 0.35 s for the whole run.
const n = 150_000_000

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sample OUT.trace")
		os.Exit(2)
	}
	// One P, to see goroutine preemption.
	runtime.GOMAXPROCS(1)

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()

	ctx, task := trace.NewTask(context.Background(), "sumTask")
	defer task.End()

	var wg sync.WaitGroup
	wg.Add(10)
	for i := 0; i < 10; i++ {
		name := fmt.Sprintf("region_%02d", i)
		go func() {
			defer wg.Done()
			trace.WithRegion(ctx, name, func() {
				var sum int64
				for k := int64(0); k < n; k++ {
					sum += k
				}
				fmt.Println(name, sum)
			})
		}()
	}
	wg.Wait()
}
