// Command prof runs a scenario in-process with a CPU profile: the profiling
// harness behind docs/BENCHMARKS.md's "where the time goes". With
// -heapprofile it also writes a heap profile after -heapat and prints the
// goroutine count and memory statistics of that moment (connection scale).
//
//	go run ./bench/internal/prof -cpuprofile cpu.out scenario.yaml
//	go run ./bench/internal/prof -heapprofile heap.out -heapat 45s scenario.yaml
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/scenario"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "prof:", err)
		os.Exit(1)
	}
}

func run() error {
	cpu := flag.String("cpuprofile", "cpu.out", "where to write the CPU profile")
	heap := flag.String("heapprofile", "", "where to write a heap profile taken after -heapat (empty: none)")
	heapAt := flag.Duration("heapat", 30*time.Second, "when to take the heap profile")
	flag.Parse()
	if flag.NArg() != 1 {
		return fmt.Errorf("usage: prof [-cpuprofile FILE] [-heapprofile FILE -heapat D] scenario.yaml")
	}
	sc, err := scenario.Load(flag.Arg(0), scenario.LoadOptions{})
	if err != nil {
		return err
	}
	r, err := runner.New(sc, runner.Options{})
	if err != nil {
		return err
	}
	f, err := os.Create(*cpu)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	if *heap != "" {
		t := time.AfterFunc(*heapAt, func() {
			if err := writeHeap(*heap); err != nil {
				fmt.Fprintln(os.Stderr, "prof:", err)
			}
		})
		defer t.Stop()
	}
	sum, err := r.Run(context.Background(), nil)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	fmt.Printf("requests %d errors %d\n", sum.Total.Count, sum.Total.Errors)
	return nil
}

// writeHeap writes a heap profile (after a GC, so it shows live memory) and
// prints the goroutine count and the runtime's memory statistics.
func writeHeap(path string) error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("goroutines %d heap_inuse_kb %d stack_inuse_kb %d sys_kb %d\n",
		runtime.NumGoroutine(), ms.HeapInuse>>10, ms.StackInuse>>10, ms.Sys>>10)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	return nil
}
