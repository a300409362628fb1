package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/console"
	"github.com/loadgo/loadgo/reporters/jsonout"
	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// execute runs a loaded scenario with the reporters o asks for and maps the
// outcome to an exit code: interrupted 130, thresholds failed 3, else 0.
func execute(st *state, sc *scenario.Scenario, o *runOptions, name string) (*metrics.Summary, error) {
	seg, err := parseSegment(o.Segment)
	if err != nil {
		return nil, err
	}
	sinks, specs, err := influxOutputs(st, o)
	if err != nil {
		return nil, err
	}
	outs, err := buildOutputs(specs)
	if err != nil {
		return nil, err
	}
	maxConns, err := resolveMaxConns(st, sc, o.MaxVUs, o.MaxConns)
	if err != nil {
		return nil, err
	}
	ropts := runner.Options{
		Segment:     seg,
		GracePeriod: o.Grace,
		MaxVUs:      o.MaxVUs,
		MaxConns:    maxConns,
		Env:         st.env,
		Log:         st.stderr,
	}
	r, err := runner.New(sc, ropts)
	if err != nil {
		return nil, usageError(err)
	}
	printPlanWarnings(st, sc, ropts)
	// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
	_, noColor := st.env["NO_COLOR"]
	con := console.New(st.stdout, console.Options{TTY: st.stdoutTTY, Quiet: o.Quiet, NoColor: noColor || !st.stdoutTTY})
	rep := reporters.NewMulti(append([]reporters.Reporter{con}, outs...)...)
	all := reporters.NewMulti(rep, reporters.NewMulti(sinks...))
	info := runInfo(sc, r, name, o.Segment)
	if err := all.Start(info); err != nil {
		return nil, fmt.Errorf("starting outputs: %w", err)
	}

	ctx, stop := st.notifyStop(context.Background())
	defer stop()
	sum, runErr := r.Run(ctx, all.Report)
	if runErr != nil && sum == nil {
		return nil, fmt.Errorf("run: %w", runErr)
	}
	// Network sinks finish first: their notes go into the printed summary.
	finErr := finishReporters(sum, sinks, rep)
	switch {
	case finErr != nil:
		return sum, fmt.Errorf("writing results: %w", errors.Join(finErr, runErr))
	case runErr != nil:
		return sum, fmt.Errorf("run: %w", runErr)
	case sum.Interrupted:
		return sum, silentExit(exitInterrupted)
	case !sum.Passed:
		return sum, silentExit(exitThresholdsFailed)
	}
	return sum, nil
}

func runInfo(sc *scenario.Scenario, r *runner.Runner, name, segment string) reporters.RunInfo {
	info := reporters.RunInfo{
		Scenario: name,
		Target:   sc.Config.Target,
		Start:    time.Now(),
		Segment:  segment,
	}
	for _, p := range r.Phases() {
		info.Phases = append(info.Phases, reporters.PhaseInfo{Name: p.Name, Kind: p.Kind.String(), Duration: p.Duration})
		info.Total += p.Duration
	}
	return info
}

// buildOutputs turns -o TYPE=DEST specs into reporters.
func buildOutputs(specs []string) ([]reporters.Reporter, error) {
	var outs []reporters.Reporter
	for _, spec := range specs {
		kind, dest, ok := strings.Cut(spec, "=")
		if !ok || dest == "" {
			return nil, usageErrorf("-o %q: expected TYPE=DEST, e.g. json=summary.json", spec)
		}
		switch kind {
		case "json":
			outs = append(outs, jsonout.New(dest))
		default:
			return nil, usageErrorf("-o %q: unknown output type %q (known: json, influxdb)", spec, kind)
		}
	}
	return outs, nil
}
