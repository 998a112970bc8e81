// biggen: generator of the BENCHMARK trace (not a committed fixture). Runs a realistic
// mix of busy goroutines under runtime/trace until the trace file reaches -mb MB
// (checked with os.Stat every 50 ms), then stops tracing. The file ends up a little
// larger than -mb MB (the buffers still in flight are flushed by trace.Stop).
//
// The mix (70 goroutines plus the runtime's): channel ping-pong pairs, sync.Mutex
// contention, allocation churn (GC cycles, mark assists, sweeping), small blocking
// syscalls (writes to os.DevNull, reads and writes on a pipe), time.Sleep, and user
// annotations (trace.NewTask with child tasks continued on worker goroutines,
// trace.WithRegion / StartRegion, trace.Log / Logf).
//
// Usage: biggen [-mb N] [-timeout D] OUT.trace
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

var (
	stop atomic.Bool
	sink atomic.Int64
)

func spin(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i ^ (i >> 3)
	}
	return s
}

// Every worker below runs in bursts separated by short sleeps, so that no kind of
// activity monopolizes the 2 CPUs and the trace gets a mix of all of them (rather
// than, say, 95% channel hand-offs between two goroutines sharing a P).

// pingPong: two goroutines bouncing a counter over unbuffered channels; a task per
// burst of 5 regions of 10 exchanges.
func pingPong(id int, wg *sync.WaitGroup) {
	ping, pong := make(chan int), make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := range ping {
			spin(100)
			pong <- v + 1
		}
		close(pong)
	}()
	defer wg.Done()
	for round := 0; !stop.Load(); round++ {
		ctx, task := trace.NewTask(context.Background(), "pingpong")
		for k := 0; k < 5; k++ {
			trace.WithRegion(ctx, "exchange", func() {
				for j := 0; j < 10; j++ {
					ping <- j
					<-pong
				}
			})
		}
		if round%10 == 0 {
			trace.Logf(ctx, "pingpong", "pair %d round %d", id, round)
		}
		task.End()
		time.Sleep(3 * time.Millisecond)
	}
	close(ping)
	<-pong
}

// mutexWorker: bursts of short critical sections on one shared mutex (contention).
func mutexWorker(mu *sync.Mutex, shared *int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; !stop.Load(); i++ {
		if i%20 == 0 {
			trace.WithRegion(context.Background(), "mutex-burst", func() {
				for k := 0; k < 150; k++ {
					mu.Lock()
					*shared += spin(2500) & 1
					mu.Unlock()
					spin(100)
				}
			})
		} else {
			for k := 0; k < 150; k++ {
				mu.Lock()
				*shared += spin(2500) & 1
				mu.Unlock()
				spin(100)
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
}

type node struct {
	next *node
	val  int
	pad  []byte
}

// allocator: builds and drops linked lists (GC churn), keeping a small live set.
func allocator(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	var keep []*node
	for r := 0; !stop.Load(); r++ {
		trace.WithRegion(context.Background(), "alloc-batch", func() {
			var head *node
			for i := 0; i < 300; i++ {
				head = &node{next: head, val: i, pad: make([]byte, 32+(i%8)*24)}
			}
			if r%16 == 0 {
				keep = append(keep, head)
				if len(keep) > 8 {
					keep = keep[1:]
				}
			}
		})
		time.Sleep(time.Millisecond)
	}
	sink.Add(int64(len(keep) + id))
}

// syscaller: bursts of small writes to os.DevNull (write(2) system calls).
func syscaller(wg *sync.WaitGroup) {
	defer wg.Done()
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	for !stop.Load() {
		for k := 0; k < 20; k++ {
			f.Write(buf)
			spin(200)
		}
		time.Sleep(time.Millisecond)
	}
}

// pipePair: a writer and a reader on an os.Pipe (the reader blocks in the netpoller).
func pipePair(wg *sync.WaitGroup) {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 256)
		for {
			if _, err := r.Read(buf); err != nil {
				r.Close()
				return
			}
		}
	}()
	defer wg.Done()
	msg := []byte("0123456789abcdef0123456789abcdef")
	for !stop.Load() {
		w.Write(msg)
		time.Sleep(200 * time.Microsecond)
	}
	w.Close()
}

// sleeper: sleeps of varying length, a little work, a log now and then.
func sleeper(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	ctx := context.Background()
	for i := 0; !stop.Load(); i++ {
		time.Sleep(time.Duration(50+(id*37+i*11)%450) * time.Microsecond)
		spin(2000)
		if i%20 == 0 {
			trace.Log(ctx, "sleeper", fmt.Sprint(id))
		}
	}
}

type job struct {
	ctx  context.Context
	n    int
	done chan<- int
}

// requester: a task per request with regions and logs, and a child task whose work
// runs on the worker pool (tasks continued on other goroutines).
func requester(id int, jobs chan<- job, wg *sync.WaitGroup) {
	defer wg.Done()
	done := make(chan int, 4)
	for i := 0; !stop.Load(); i++ {
		ctx, task := trace.NewTask(context.Background(), "request")
		trace.Logf(ctx, "request", "client %d req %d", id, i)
		trace.WithRegion(ctx, "decode", func() { spin(3000) })
		cctx, child := trace.NewTask(ctx, "backend")
		for k := 0; k < 3; k++ {
			jobs <- job{ctx: cctx, n: 2000 + k*500, done: done}
		}
		for k := 0; k < 3; k++ {
			<-done
		}
		child.End()
		r := trace.StartRegion(ctx, "encode")
		trace.WithRegion(ctx, "encode/compress", func() { spin(2000) })
		r.End()
		task.End()
		time.Sleep(500 * time.Microsecond)
	}
}

func worker(jobs <-chan job, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		r := trace.StartRegion(j.ctx, "work")
		v := spin(j.n)
		trace.Log(j.ctx, "worker", "done")
		r.End()
		j.done <- v
	}
}

func main() {
	mb := flag.Int("mb", 85, "stop once the trace file has at least this many MB (1 MB = 1,000,000 bytes)")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up (exit 1) if the size is not reached by then")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: biggen [-mb N] [-timeout D] OUT.trace")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *mb <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	out := flag.Arg(0)
	want := int64(*mb) * 1_000_000
	// Two Ps whatever the machine, so the trace has the same shape everywhere.
	runtime.GOMAXPROCS(2)

	f, err := os.Create(out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "biggen:", err)
		os.Exit(1)
	}
	start := time.Now()
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, "biggen:", err)
		os.Exit(1)
	}

	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go pingPong(i, &wg) // 2 goroutines each
	}
	var mu sync.Mutex
	shared := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go mutexWorker(&mu, &shared, &wg)
	}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go allocator(i, &wg)
	}
	for i := 0; i < 6; i++ {
		wg.Add(2)
		go syscaller(&wg)
		go pipePair(&wg) // 2 goroutines each
	}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go sleeper(i, &wg)
	}
	jobs := make(chan job)
	var pool sync.WaitGroup
	for i := 0; i < 4; i++ {
		pool.Add(1)
		go worker(jobs, &pool)
	}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go requester(i, jobs, &wg)
	}

	size := int64(0)
	timedOut := false
	for size < want {
		time.Sleep(50 * time.Millisecond)
		if st, err := os.Stat(out); err == nil {
			size = st.Size()
		}
		if time.Since(start) > *timeout {
			timedOut = true
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	close(jobs)
	pool.Wait()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "biggen:", err)
		os.Exit(1)
	}
	if st, err := os.Stat(out); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(os.Stderr, "biggen: wrote %s: %d bytes in %.1f s\n", out, size, time.Since(start).Seconds())
	if timedOut {
		fmt.Fprintf(os.Stderr, "biggen: timed out after %v before reaching %d MB\n", *timeout, *mb)
		os.Exit(1)
	}
}
