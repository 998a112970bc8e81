// cpuprofile: a trace with CPU profile samples. The CPU profiler runs while the trace is
// written (as `go test -cpuprofile -trace` does), so the runtime records each profiling
// sample in the trace too, with its goroutine and stack. Three goroutines burn CPU in
// functions of their own (spin, hash, sortLoop) for about 0.3 s each on two Ps: at the
// profiler's 100 Hz, some 60 samples over three stacks.
//
// Usage: cpuprofile OUT.trace
package main

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"sync"
	"time"
)

const burn = 300 * time.Millisecond

var sink uint64

func spin(until time.Time) {
	x := uint64(1)
	for time.Now().Before(until) {
		for i := 0; i < 10000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink += x
}

func hash(until time.Time) {
	buf := make([]byte, 4096)
	var h uint32
	for time.Now().Before(until) {
		h = crc32.Update(h, crc32.IEEETable, buf)
		buf[h%4096]++
	}
	sink += uint64(h)
}

func sortLoop(until time.Time) {
	v := make([]int, 2048)
	for time.Now().Before(until) {
		for i := range v {
			v[i] = (i * 7919) % 2048
		}
		sort.Ints(v)
	}
	sink += uint64(v[0])
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cpuprofile OUT.trace")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(2)
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	until := time.Now().Add(burn)
	var wg sync.WaitGroup
	for _, work := range []func(time.Time){spin, hash, sortLoop} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(until)
		}()
	}
	wg.Wait()
	trace.Stop()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
