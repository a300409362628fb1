package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version (or "devel") is shown.
var version = ""

// Main runs loadgo with the process state and returns the exit code.
func Main(st *state) int {
	return execRoot(st, nil)
}

// execRoot runs the root command with args (nil: os.Args[1:]).
func execRoot(st *state, args []string) int {
	root := newRootCmd(st)
	if args != nil {
		root.SetArgs(args)
	}
	err := root.Execute()
	if err != nil && !isSilent(err) {
		fmt.Fprintf(st.stderr, "loadgo: %v\n", err)
	}
	return exitCode(err)
}

func newRootCmd(st *state) *cobra.Command {
	root := &cobra.Command{
		Use:   "loadgo",
		Short: "Load testing with Artillery-style YAML scenarios and honest latency",
		Long: `loadgo runs load tests written in Artillery's YAML vocabulary, in the open model
(arrival rate) or the closed model (fixed VUs), records latency in HDR histograms
(also measured from each arrival's intended start, so coordinated omission cannot
hide), and gates CI on thresholds.

Exit codes: 0 passed, 1 loadgo failed, 2 usage error or invalid scenario,
3 thresholds failed, 130 interrupted (results are still reported).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(st.stdout)
	root.SetErr(st.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(
		newRunCmd(st, nil),
		newValidateCmd(st, nil),
		newQuickCmd(st, nil),
		newDemoCmd(st, nil),
		newReportCmd(st, nil),
		newCompareCmd(st, nil),
		newVersionCmd(st),
	)
	// Positional-argument errors from cobra are usage errors too.
	for _, c := range root.Commands() {
		wrapArgs(c)
	}
	return root
}

// wrapArgs makes cobra's argument validation return usage errors (exit 2).
func wrapArgs(c *cobra.Command) {
	if c.Args == nil {
		return
	}
	inner := c.Args
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := inner(cmd, args); err != nil {
			return usageError(err)
		}
		return nil
	}
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func newVersionCmd(st *state) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print loadgo's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(st.stdout, "loadgo %s\n", versionString())
			return nil
		},
	}
}
