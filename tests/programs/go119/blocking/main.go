// blocking: the v1 (Go 1.19) fixture of goroutine blocking, syscalls and GC: unbuffered and
// buffered channels, select with timeout, Mutex, Cond, WaitGroup, time.Sleep, file
// write/fsync/read, a blocking pipe read, allocation with a low GC percent (GCs, sweeps, mark assists),
// and a GOMAXPROCS change. Usage: blocking OUT.trace [ROUNDS] (default 1; more rounds make a
// larger trace, for benchmarks).
package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

var sink [][]byte

func channels() {
	var wg sync.WaitGroup
	ping, pong := make(chan int), make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	for i := 0; i < 5; i++ {
		ping <- i
		<-pong
	}
	close(ping)
	<-pong
	buf := make(chan int, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 6; i++ {
			buf <- i
		}
		close(buf)
	}()
	for range buf {
		time.Sleep(50 * time.Microsecond)
	}
	timeout := time.After(time.Millisecond)
	never := make(chan int)
	select {
	case <-never:
	case <-timeout:
	}
	wg.Wait()
}

func locks() {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := false
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			for !ready {
				cond.Wait()
			}
			mu.Unlock()
			for j := 0; j < 3; j++ {
				mu.Lock()
				time.Sleep(10 * time.Microsecond)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(500 * time.Microsecond)
	mu.Lock()
	ready = true
	cond.Broadcast()
	mu.Unlock()
	wg.Wait()
}

func syscalls(dir string) {
	data := make([]byte, 4<<10)
	p := filepath.Join(dir, "f")
	for i := 0; i < 1; i++ {
		f, err := os.Create(p)
		if err != nil {
			panic(err)
		}
		f.Write(data)
		f.Sync()
		f.Close()
		if _, err := os.ReadFile(p); err != nil {
			panic(err)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	go func() {
		for i := 0; i < 2; i++ {
			time.Sleep(200 * time.Microsecond)
			w.Write([]byte("0123456789"))
		}
		w.Close()
	}()
	b := make([]byte, 10)
	for {
		if _, err := r.Read(b); err != nil {
			break
		}
	}
	r.Close()
}

func garbage() {
	// A tiny GC goal: allocation triggers collections (mark assists, sweeps) by itself.
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var keep [][]byte
			for i := 0; i < 300; i++ {
				keep = append(keep, make([]byte, 1024))
				if len(keep) > 50 {
					keep = keep[:0]
				}
			}
			sink = keep
		}()
	}
	wg.Wait()
}

func main() {
	rounds := 1
	if len(os.Args) > 2 {
		rounds, _ = strconv.Atoi(os.Args[2])
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "blocking")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	runtime.GOMAXPROCS(2)
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()
	for r := 0; r < rounds; r++ {
		channels()
		locks()
		syscalls(dir)
		garbage()
		if r == 0 {
			runtime.GOMAXPROCS(3)
		}
	}
}
