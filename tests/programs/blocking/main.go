// blocking: goroutines blocking for every common reason, one after the other:
// unbuffered and buffered channels, select (and select with a timeout), sync.Mutex
// contention, sync.RWMutex, sync.WaitGroup, sync.Cond, time.Sleep, a file
// write + fsync (syscalls) and a TCP echo over 127.0.0.1 (network blocking).
//
// Usage: blocking OUT.trace
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"time"
)

var sink int

func spin(n int) {
	s := 0
	for i := 0; i < n; i++ {
		s += i ^ (i >> 2)
	}
	sink += s
}

// unbuffered: a request/reply ping-pong over two unbuffered channels.
func unbuffered() {
	req, rep := make(chan int), make(chan int)
	go func() {
		for v := range req {
			rep <- v * 2
		}
		close(rep)
	}()
	for i := 0; i < 50; i++ {
		req <- i
		<-rep
	}
	close(req)
	<-rep
}

// buffered: a fast producer blocks on a full buffer, a slow consumer drains it.
func buffered() {
	ch := make(chan int, 4)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 30; i++ {
			ch <- i
		}
		close(ch)
	}()
	go func() {
		defer close(done)
		for range ch {
			time.Sleep(100 * time.Microsecond)
		}
	}()
	<-done
}

// selects: a goroutine blocked in a 3-way select, then selects that time out.
func selects() {
	a, b, quit := make(chan int), make(chan string), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case v := <-a:
				sink += v
			case s := <-b:
				sink += len(s)
			case <-quit:
				return
			}
		}
	}()
	for i := 0; i < 30; i++ {
		if i%3 == 0 {
			b <- "x"
		} else {
			a <- i
		}
	}
	never := make(chan int)
	for i := 0; i < 4; i++ {
		select {
		case <-never:
		case <-time.After(500 * time.Microsecond):
		}
	}
	close(quit)
	wg.Wait()
}

func mutexes() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				mu.Lock()
				spin(3000)
				if i%2 == 0 {
					// Sleeping with the lock held: the others park in Lock.
					time.Sleep(20 * time.Microsecond)
				}
				mu.Unlock()
				spin(1000)
			}
		}()
	}
	wg.Wait()
}

func rwmutexes() {
	var rw sync.RWMutex
	var wg sync.WaitGroup
	m := map[int]int{}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				if i%6 == 0 {
					rw.Lock()
					m[i] = g
					spin(4000)
					rw.Unlock()
				} else {
					rw.RLock()
					sink += m[i-1]
					spin(800)
					rw.RUnlock()
				}
			}
		}()
	}
	wg.Wait()
}

func cond() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	var wg sync.WaitGroup
	for g := 0; g < 5; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			for !ready {
				c.Wait()
			}
			mu.Unlock()
		}()
	}
	time.Sleep(time.Millisecond)
	mu.Lock()
	ready = true
	c.Broadcast()
	mu.Unlock()
	wg.Wait()
}

// sleepers: a WaitGroup waiting on goroutines that sleep for different durations.
func sleepers() {
	var wg sync.WaitGroup
	for g := 1; g <= 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(g) * 150 * time.Microsecond)
		}()
	}
	wg.Wait()
}

// fileSync: write a file and fsync it (blocking syscalls).
func fileSync(dir string) {
	buf := make([]byte, 32<<10)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	for i := 0; i < 4; i++ {
		p := filepath.Join(dir, fmt.Sprintf("file%d", i))
		f, err := os.Create(p)
		if err != nil {
			panic(err)
		}
		for j := 0; j < 4; j++ {
			if _, err := f.Write(buf); err != nil {
				panic(err)
			}
		}
		if err := f.Sync(); err != nil {
			panic(err)
		}
		f.Close()
		os.Remove(p)
	}
}

// tcpEcho: an echo server on 127.0.0.1 (port 0) and two clients.
func tcpEcho() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	var srv sync.WaitGroup
	srv.Add(1)
	go func() {
		defer srv.Done()
		for i := 0; i < 2; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			srv.Add(1)
			go func() {
				defer srv.Done()
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					c.Write([]byte(strings.ToUpper(line)))
				}
			}()
		}
	}()
	var cli sync.WaitGroup
	for k := 0; k < 2; k++ {
		cli.Add(1)
		go func() {
			defer cli.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			defer c.Close()
			r := bufio.NewReader(c)
			for i := 0; i < 20; i++ {
				fmt.Fprintf(c, "ping %d from %d\n", i, k)
				if _, err := r.ReadString('\n'); err != nil {
					panic(err)
				}
			}
		}()
	}
	cli.Wait()
	srv.Wait()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: blocking OUT.trace")
		os.Exit(2)
	}
	// Two Ps whatever the machine, so regenerated traces have the same shape.
	runtime.GOMAXPROCS(2)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "gotrace-blocking")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()
	unbuffered()
	buffered()
	selects()
	mutexes()
	rwmutexes()
	cond()
	sleepers()
	fileSync(dir)
	tcpEcho()
}
