package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/scenario"
)

// addLimitFlags registers the resource-guard flags shared by run, quick,
// demo, compare and validate: --max-vus and --max-conns.
func addLimitFlags(c *cobra.Command, maxVUs, maxConns *int) {
	f := c.Flags()
	f.IntVar(maxVUs, "max-vus", runner.DefaultMaxVUs, "safety cap on concurrent VUs (arrivals past it are counted as dropped)")
	f.IntVar(maxConns, "max-conns", 0, "cap on connections open at once, all VUs and protocols (default: config.http.maxConnections, else the open-file limit less 256); past it requests fail as errors.conncap")
}

// resolveMaxConns checks the limit flags and resolves the connection cap:
// --max-conns, else config.http.maxConnections (0 here: the engine reads
// it), else the open-file limit less a headroom.
func resolveMaxConns(st *state, sc *scenario.Scenario, maxVUs, maxConns int) (int, error) {
	switch {
	case maxConns < 0:
		return 0, usageErrorf("--max-conns %d: must be positive (or 0 for the default)", maxConns)
	case maxVUs < 0:
		return 0, usageErrorf("--max-vus %d: must be positive", maxVUs)
	case maxConns > 0:
		return maxConns, nil
	case sc.Config.HTTP.MaxConnections > 0:
		return 0, nil
	}
	return runner.DefaultMaxConns(st.fdLimit), nil
}

// printPlanWarnings prints the resource warnings of sc's plan (see
// runner.CheckPlan), one "warning: " line each.
func printPlanWarnings(st *state, sc *scenario.Scenario, opts runner.Options) {
	for _, w := range runner.CheckPlan(sc, opts, st.fdLimit) {
		fmt.Fprintf(st.stderr, "warning: %s\n", w)
	}
}
