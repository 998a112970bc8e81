// tasks: the v1 (Go 1.19) fixture like the seed walkthrough of `go tool trace`: a task
// "sumTask" with a child task, goroutines each summing numbers inside a region "region_NN"
// (with a nested region and logs), on 2 Ps. Usage: tasks OUT.trace
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
)

func sum(n int64) int64 {
	var s int64
	for k := int64(0); k < n; k++ {
		s += k
	}
	return s
}

func main() {
	runtime.GOMAXPROCS(2)
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
	trace.Log(ctx, "phase", "start")

	var wg sync.WaitGroup
	wg.Add(6)
	for i := 0; i < 6; i++ {
		go func(i int, region string) {
			defer wg.Done()
			trace.WithRegion(ctx, region, func() {
				s := sum(2000000)
				if i%2 == 0 {
					// A nested region and a log message with a category.
					r := trace.StartRegion(ctx, "inner")
					s += sum(500000)
					trace.Logf(ctx, "result", "%s=%d", region, s)
					r.End()
				}
				fmt.Fprintln(os.Stderr, region, s)
			})
		}(i, fmt.Sprintf("region_%02d", i))
	}

	// A child task, ended on another goroutine.
	cctx, child := trace.NewTask(ctx, "childTask")
	done := make(chan struct{})
	go func() {
		trace.WithRegion(cctx, "child_region", func() { sum(1000000) })
		trace.Log(cctx, "", "no category")
		child.End()
		close(done)
	}()
	wg.Wait()
	<-done
	// A region without a task.
	trace.WithRegion(context.Background(), "background", func() { sum(100000) })
	trace.Log(ctx, "phase", "end")
}
