// annotations: user annotations of runtime/trace.
//   - nested tasks (job > stage > step) and a task whose work continues on other goroutines
//   - trace.WithRegion and trace.StartRegion, nested, inside tasks and outside any task
//   - trace.Log / trace.Logf, with and without a category, with and without a task
//   - a task that is never ended, a region still open when its goroutine exits
//
// Usage: annotations OUT.trace
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

var sink int

func work(n int) {
	s := 0
	for i := 0; i < n; i++ {
		s += i ^ (i << 1)
	}
	sink += s
}

// stage runs one stage of a job: a child task with a nested step task, and regions.
func stage(ctx context.Context, job, st int) {
	ctx, task := trace.NewTask(ctx, "stage")
	defer task.End()
	trace.Logf(ctx, "stage", "job %d stage %d", job, st)
	trace.WithRegion(ctx, "prepare", func() {
		work(8000)
		trace.WithRegion(ctx, "prepare/validate", func() { work(4000) })
	})
	sctx, step := trace.NewTask(ctx, "step")
	r := trace.StartRegion(sctx, "step-run")
	work(6000)
	r.End()
	step.End()
}

// job is a top-level task; its "io" child task is handed to two helper goroutines,
// which annotate it (regions, logs) on their own goroutines.
func job(ctx context.Context, id int) {
	ctx, task := trace.NewTask(ctx, "job")
	defer task.End()
	trace.Logf(ctx, "jobID", "%d", id)
	for st := 0; st < 2; st++ {
		stage(ctx, id, st)
	}

	ioctx, io := trace.NewTask(ctx, "io")
	var wg sync.WaitGroup
	for k := 0; k < 2; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outer := trace.StartRegion(ioctx, "io-fetch")
			trace.Log(ioctx, "shard", fmt.Sprint(k))
			time.Sleep(200 * time.Microsecond)
			inner := trace.StartRegion(ioctx, "io-decode")
			work(5000)
			inner.End()
			outer.End()
		}()
	}
	wg.Wait()
	io.End()

	trace.WithRegion(ctx, "finish", func() {
		work(3000)
		trace.Log(ctx, "", "finished (log without category)")
	})
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: annotations OUT.trace")
		os.Exit(2)
	}
	// Two Ps whatever the machine, so regenerated traces have the same shape.
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
	bg := context.Background()

	// Regions and logs outside any task.
	trace.WithRegion(bg, "init", func() {
		work(10000)
		r := trace.StartRegion(bg, "init/config")
		work(5000)
		r.End()
	})
	trace.Log(bg, "phase", "init done")
	trace.Logf(bg, "", "no-task log %d", 42)

	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job(bg, i)
		}()
	}
	wg.Wait()

	// A task never ended before the trace stops, with a log and a region in it.
	octx, _ := trace.NewTask(bg, "never-ended")
	trace.Log(octx, "state", "started, never ended")
	trace.WithRegion(octx, "inside-open-task", func() { work(2000) })

	// A region still open when its goroutine exits.
	done := make(chan struct{})
	go func() {
		defer close(done)
		trace.StartRegion(octx, "left-open")
		work(3000)
	}()
	<-done
	time.Sleep(time.Millisecond)
}
