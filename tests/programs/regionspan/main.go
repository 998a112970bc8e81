// regionspan: one region type at two places, one of them unknown. The first "span" region
// begins during an earlier tracing session and ends in this trace, which so has its end but
// not its beginning (a region without a start location, PC 0); the other "span" regions begin
// and end in the trace, at a location. go tool trace lists them as two region types.
//
// Usage: regionspan OUT.trace
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/trace"
)

var sink int

func work(n int) {
	s := 0
	for i := 0; i < n; i++ {
		s += i ^ (i << 1)
	}
	sink += s
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: regionspan OUT.trace")
		os.Exit(2)
	}
	ctx := context.Background()

	// An earlier tracing session, thrown away: the region begins there.
	if err := trace.Start(io.Discard); err != nil {
		panic(err)
	}
	early := trace.StartRegion(ctx, "span")
	trace.Stop()

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	work(200000)
	early.End() // its end is in this trace, its beginning is not
	for i := 0; i < 3; i++ {
		trace.WithRegion(ctx, "span", func() { work(100000) })
	}
	trace.Stop()
}
