package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/cmd/internal/demo"
	"github.com/loadgo/loadgo/examples"
	"github.com/loadgo/loadgo/scenario"
)

type demoOptions struct {
	runOptions
	Addr  string
	Serve bool
	Delay time.Duration
	// Counter is the demo target's view counter mode (safe or naive).
	Counter string
}

func newDemoCmd(st *state, runF func(*demoOptions) error) *cobra.Command {
	o := &demoOptions{}
	c := &cobra.Command{
		Use:   "demo [flags] [SCENARIO.yaml]",
		Short: "Start the built-in demo target and load it",
		Long: `Start the built-in demo target on a loopback port and run a scenario against it:
the quickstart (examples/quickstart.yaml, built in) unless a file is given.
The scenario's target is replaced by the demo target's address. At the end,
the number of requests the demo target counted is printed beside loadgo's own.

With --serve, only serve the demo target (default 127.0.0.1:8089, the target
of every file in examples/) until interrupted.`,
		Example: `  # a first real load test, no server of your own needed
  loadgo demo

  # serve the demo target, then run examples against it from another terminal
  loadgo demo --serve
  loadgo run examples/closed-model.yaml

  # a slower backend: every answer takes 20 ms more
  loadgo demo --delay 20ms examples/one-vcpu-capacity.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.File = args[0]
			}
			if runF != nil {
				return runF(o)
			}
			return demoRun(st, o)
		},
	}
	addRunFlags(c, &o.runOptions)
	f := c.Flags()
	f.StringVar(&o.Addr, "addr", "", "loopback `address` to listen on (default 127.0.0.1:8089 with --serve, else a free port)")
	f.BoolVar(&o.Serve, "serve", false, "only serve the demo target until interrupted")
	f.DurationVar(&o.Delay, "delay", 0, "extra time every demo API answer takes")
	f.StringVar(&o.Counter, "counter", demo.CounterSafe, "view counter `mode`: safe (atomic) or naive (loses concurrent views)")
	return c
}

func demoRun(st *state, o *demoOptions) error {
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
		if o.Serve {
			addr = "127.0.0.1:8089"
		}
	}
	srv, err := demo.Start(addr, demo.Options{Delay: o.Delay, Counter: o.Counter})
	if err != nil {
		return usageError(err)
	}
	defer srv.Close()
	if o.Serve {
		fmt.Fprintf(st.stdout, "demo target listening on %s (Ctrl-C to stop)\n", srv.URL())
		ctx, stop := st.notifyStop(context.Background())
		defer stop()
		<-ctx.Done()
		fmt.Fprintf(st.stdout, "demo target served %d requests\n", srv.Requests())
		return nil
	}

	var sc *scenario.Scenario
	name := o.File
	opts := scenario.LoadOptions{Target: srv.URL()}
	if o.File == "" {
		name = filepath.Join("examples", examples.Quickstart) + " (built in)"
		data, err := examples.FS.ReadFile(examples.Quickstart)
		if err != nil {
			return fmt.Errorf("reading the built-in quickstart: %w", err)
		}
		sc, err = scenario.Parse(filepath.Join("examples", examples.Quickstart), data, opts)
		if err != nil {
			return scenarioError(st, err)
		}
	} else {
		sc, err = scenario.Load(o.File, opts)
		if err != nil {
			return scenarioError(st, err)
		}
	}
	printWarnings(st, sc)
	fmt.Fprintf(st.stdout, "demo target listening on %s\n", srv.URL())
	sum, runErr := execute(st, sc, &o.runOptions, name)
	if sum != nil {
		fmt.Fprintf(st.stdout, "loadgo counted %d requests; the demo target counted %d\n", sum.Total.Count, srv.Requests())
	}
	return runErr
}
