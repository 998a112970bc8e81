// gc: allocation churn with debug.SetGCPercent(25), causing several GC cycles
// (stop-the-world pauses, background mark workers, mark assists, sweeping and the
// heap metrics), then an explicit runtime.GC().
//
// Usage: gc OUT.trace
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"sync"
)

type node struct {
	next *node
	id   int64
	buf  []byte
}

var (
	mu   sync.Mutex
	live [][]*node // a slowly changing live set, so marking has work to do
)

func churn(rounds int) int {
	total := 0
	for r := 0; r < rounds; r++ {
		var head *node
		for i := 0; i < 1500; i++ {
			head = &node{next: head, id: int64(i), buf: make([]byte, 48+(i%5)*40)}
		}
		for n := head; n != nil; n = n.next {
			total += int(n.id & 1)
		}
		if r%6 == 0 {
			keep := make([]*node, 0, 64)
			for n := head; n != nil && len(keep) < 64; n = n.next {
				keep = append(keep, n)
			}
			mu.Lock()
			live = append(live, keep)
			if len(live) > 32 {
				live = live[8:]
			}
			mu.Unlock()
		}
	}
	return total
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gc OUT.trace")
		os.Exit(2)
	}
	// One P. With two or more, the background sweeper often spins for milliseconds
	// after a GC cycle (runtime.bgsweep yielding in a loop while gcMarkTermination
	// still holds the sweep barrier on another P, worse on a loaded machine),
	// adding 10,000s of Gosched events to a trace that has ~2,000 otherwise.
	// One P keeps the trace small and its structure stable from run to run.
	runtime.GOMAXPROCS(1)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	debug.SetGCPercent(25)
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			churn(12)
		}()
	}
	wg.Wait()
	runtime.GC()
}
