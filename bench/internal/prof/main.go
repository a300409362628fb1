// Command prof runs a scenario in-process with a CPU profile: the profiling
// harness behind docs/BENCHMARKS.md's "where the time goes".
//
//	go run ./bench/internal/prof -cpuprofile cpu.out scenario.yaml
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"

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
	flag.Parse()
	if flag.NArg() != 1 {
		return fmt.Errorf("usage: prof [-cpuprofile FILE] scenario.yaml")
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
	sum, err := r.Run(context.Background(), nil)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	fmt.Printf("requests %d errors %d\n", sum.Total.Count, sum.Total.Errors)
	return nil
}
