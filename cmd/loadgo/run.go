package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/scenario"
)

// runOptions are the flags of `loadgo run`, shared by quick and demo.
type runOptions struct {
	File        string
	Outputs     []string
	Environment string
	Target      string
	Segment     string
	Quiet       bool
	Grace       time.Duration
	MaxVUs      int
	MaxConns    int
	Influx      influxOptions
}

// addRunFlags registers the flags every command that runs a load shares.
func addRunFlags(c *cobra.Command, o *runOptions) {
	f := c.Flags()
	f.StringArrayVarP(&o.Outputs, "output", "o", nil, "extra output `TYPE=DEST`, repeatable: json=FILE, influxdb=URL")
	f.StringVar(&o.Segment, "segment", "", "run only this instance's share `i/n` of every phase (for split runs)")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "no live progress; print the summary only")
	f.DurationVar(&o.Grace, "grace", 30*time.Second, "how long in-flight requests may finish after the last phase or a stop")
	addLimitFlags(c, &o.MaxVUs, &o.MaxConns)
	addInfluxFlags(c, &o.Influx, true)
}

func newRunCmd(st *state, runF func(*runOptions) error) *cobra.Command {
	o := &runOptions{}
	c := &cobra.Command{
		Use:   "run [flags] SCENARIO.yaml",
		Short: "Run a load test scenario",
		Example: `  # run a scenario, live progress on the terminal, summary at the end
  loadgo run examples/quickstart.yaml

  # as a CI gate: thresholds decide the exit code, a JSON summary is left behind
  loadgo run -o json=summary.json examples/quickstart.yaml

  # pick config.environments.staging, point at another target
  loadgo run -e staging --target http://127.0.0.1:8080 scenario.yaml

  # this machine runs the 2nd of 4 shares of the load
  loadgo run --segment 2/4 scenario.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.File = args[0]
			if runF != nil {
				return runF(o)
			}
			return runRun(st, o)
		},
	}
	addRunFlags(c, o)
	c.Flags().StringVarP(&o.Environment, "environment", "e", "", "use config.environments.`NAME`")
	c.Flags().StringVar(&o.Target, "target", "", "override config.target with `URL`")
	return c
}

func runRun(st *state, o *runOptions) error {
	if o.Target != "" {
		if err := checkTargetURL(o.Target); err != nil {
			return usageError(fmt.Errorf("--target: %w", err))
		}
	}
	sc, err := scenario.Load(o.File, scenario.LoadOptions{Environment: o.Environment, Target: o.Target})
	if err != nil {
		return scenarioError(st, err)
	}
	printWarnings(st, sc)
	_, err = execute(st, sc, o, o.File)
	return err
}

// scenarioError prints a scenario's problems, one per line, and returns the
// usage exit code; other errors (an unreadable file) are runtime failures.
func scenarioError(st *state, err error) error {
	var ps scenario.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintf(st.stderr, "%s\n", p)
		}
		fmt.Fprintf(st.stderr, "loadgo: the scenario is invalid (%d problem%s)\n", len(ps), plural(len(ps)))
		return silentExit(exitUsage)
	}
	return usageError(err)
}

func printWarnings(st *state, sc *scenario.Scenario) {
	for _, w := range sc.Warnings {
		fmt.Fprintf(st.stderr, "warning: %s\n", w)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// parseSegment parses --segment; "" is the whole run.
func parseSegment(s string) (runner.Segment, error) {
	if s == "" {
		return runner.Segment{}, nil
	}
	seg, err := runner.ParseSegment(s)
	if err != nil {
		return runner.Segment{}, usageError(fmt.Errorf("--segment: %w", err))
	}
	return seg, nil
}
