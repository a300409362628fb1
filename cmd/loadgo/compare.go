package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/cmd/internal/demo"
	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// compareOptions are the flags of `loadgo compare`. Outputs (-o json=FILE)
// receive the comparison table, not the runs' summaries.
type compareOptions struct {
	runOptions
	Files []string
	Demo  bool
	Delay time.Duration
}

func newCompareCmd(st *state, runF func(*compareOptions) error) *cobra.Command {
	o := &compareOptions{}
	c := &cobra.Command{
		Use:   "compare [flags] SCENARIO.yaml...",
		Short: "Run several scenarios in turn and compare them in one table",
		Long: `Run several scenarios one after the other, each with its usual live progress and
summary, then print one comparison table with a row per scenario: delivery latency
p50/p95/p99, delivery ratio (delivered/expected), duplicates, messages/s, requests/s,
peak real-time connections, bytes per user and errors.

Rows are ranked by delivery p95 (scenarios that measured no deliveries come after,
ranked by request p95). A scenario whose numbers cannot stand is FLAGGED and never
ranked: more than half of its requests failed, nothing it sent was delivered, a
message reached another group, or the run was interrupted.

With --demo, each scenario runs against a fresh built-in demo target started on a
loopback port (its config.target is replaced), like loadgo demo.

Exit code: 0 when every scenario ran clean; 3 when any failed its thresholds or was
flagged; 2 when a scenario is invalid (nothing runs then); 130 when interrupted (the
table of what ran is still printed and written).`,
		Example: `  # the location-sharing showdown: five transports, one table
  loadgo compare --demo examples/location-*.yaml

  # keep the table for CI, no live progress
  loadgo compare --demo -q -o json=compare.json examples/location-*.yaml

  # your own server
  loadgo compare --target http://127.0.0.1:8080 ws.yaml sse.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Files = args
			if runF != nil {
				return runF(o)
			}
			return compareRun(st, o)
		},
	}
	addRunFlags(c, &o.runOptions)
	f := c.Flags()
	f.Lookup("output").Usage = "write the comparison table as `TYPE=DEST`, repeatable: json=FILE"
	f.StringVarP(&o.Environment, "environment", "e", "", "use config.environments.`NAME`")
	f.StringVar(&o.Target, "target", "", "override config.target with `URL`")
	f.BoolVar(&o.Demo, "demo", false, "run each scenario against a fresh built-in demo target")
	f.DurationVar(&o.Delay, "delay", 0, "with --demo: extra time every demo API answer takes")
	return c
}

func compareRun(st *state, o *compareOptions) error {
	if o.Demo && o.Target != "" {
		return usageErrorf("--demo and --target are exclusive: --demo targets the built-in demo target")
	}
	if o.Delay != 0 && !o.Demo {
		return usageErrorf("--delay needs --demo")
	}
	if o.Target != "" {
		if err := checkTargetURL(o.Target); err != nil {
			return usageError(fmt.Errorf("--target: %w", err))
		}
	}
	jsonOut, err := compareOutputs(o.Outputs)
	if err != nil {
		return err
	}
	// Check every file before running any: a typo in the fifth file must
	// not cost the first four runs.
	if err := loadAll(st, o); err != nil {
		return err
	}
	var rows []compareRow
	interrupted := false
	for i, file := range o.Files {
		fmt.Fprintf(st.stdout, "== %s (%d of %d)\n", file, i+1, len(o.Files))
		sum, err := compareOne(st, o, file)
		if sum == nil {
			return err
		}
		rows = append(rows, rowOf(scenarioName(file), file, sum))
		if code := exitCode(err); code == exitInterrupted {
			interrupted = true
			break
		} else if code != exitOK && code != exitThresholdsFailed {
			return err
		}
		fmt.Fprintln(st.stdout)
	}
	rows = rankRows(rows)
	fmt.Fprintf(st.stdout, "\ncomparison of %d scenario%s (ranked by delivery p95, lower is better)\n\n", len(rows), plural(len(rows)))
	if err := writeCompareTable(st.stdout, rows); err != nil {
		return fmt.Errorf("writing the comparison: %w", err)
	}
	if jsonOut != "" {
		data, err := compareJSON(rows)
		if err == nil {
			err = reporters.WriteFileAtomic(jsonOut, data)
		}
		if err != nil {
			return fmt.Errorf("writing the comparison: %w", err)
		}
	}
	if interrupted {
		return silentExit(exitInterrupted)
	}
	for _, r := range rows {
		if r.Flag != "" || !r.ThresholdsPassed {
			return silentExit(exitThresholdsFailed)
		}
	}
	return nil
}

// compareOutputs checks -o specs: only json=FILE, at most once.
func compareOutputs(specs []string) (string, error) {
	var out string
	for _, spec := range specs {
		kind, dest, ok := strings.Cut(spec, "=")
		switch {
		case !ok || dest == "":
			return "", usageErrorf("-o %q: expected TYPE=DEST, e.g. json=compare.json", spec)
		case kind != "json":
			return "", usageErrorf("-o %q: unknown output type %q (compare writes json)", spec, kind)
		case out != "":
			return "", usageErrorf("-o %q: the comparison is already written to %s", spec, out)
		}
		out = dest
	}
	return out, nil
}

// loadAll validates every file, printing every problem of every file.
func loadAll(st *state, o *compareOptions) error {
	var bad error
	for _, file := range o.Files {
		sc, err := scenario.Load(file, scenario.LoadOptions{Environment: o.Environment, Target: o.Target})
		if err != nil {
			bad = scenarioError(st, err)
			var ps scenario.Problems
			if !errors.As(err, &ps) {
				return bad
			}
			continue
		}
		printWarnings(st, sc)
	}
	return bad
}

// compareOne runs one scenario, against a fresh demo target with --demo,
// and returns its summary and execute's error (exit code).
func compareOne(st *state, o *compareOptions, file string) (*metrics.Summary, error) {
	opts := scenario.LoadOptions{Environment: o.Environment, Target: o.Target}
	if o.Demo {
		srv, err := demo.Start("127.0.0.1:0", demo.Options{Delay: o.Delay})
		if err != nil {
			return nil, fmt.Errorf("starting the demo target: %w", err)
		}
		defer srv.Close()
		opts.Target = srv.URL()
	}
	sc, err := scenario.Load(file, opts)
	if err != nil {
		return nil, scenarioError(st, err)
	}
	ro := o.runOptions
	ro.Outputs = nil // -o is the comparison's, not each run's
	return execute(st, sc, &ro, file)
}

// scenarioName is a file's name without directory and extension.
func scenarioName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
