package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/scenario"
)

type validateOptions struct {
	File        string
	Environment string
	MaxVUs      int
	MaxConns    int
}

func newValidateCmd(st *state, runF func(*validateOptions) error) *cobra.Command {
	o := &validateOptions{}
	c := &cobra.Command{
		Use:   "validate [flags] SCENARIO.yaml",
		Short: "Check a scenario without running it",
		Long: `Check a scenario without running it: every problem is printed as
file:line:col: path: message, all at once. Exit 0 when valid, 2 when not.
Warnings (dangerous plans) are printed but do not fail validation.`,
		Example: `  loadgo validate examples/quickstart.yaml
  loadgo validate -e staging scenario.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.File = args[0]
			if runF != nil {
				return runF(o)
			}
			return validateRun(st, o)
		},
	}
	c.Flags().StringVarP(&o.Environment, "environment", "e", "", "validate with config.environments.`NAME` applied")
	addLimitFlags(c, &o.MaxVUs, &o.MaxConns)
	return c
}

func validateRun(st *state, o *validateOptions) error {
	sc, err := scenario.Load(o.File, scenario.LoadOptions{Environment: o.Environment})
	if err != nil {
		return scenarioError(st, err)
	}
	printWarnings(st, sc)
	maxConns, err := resolveMaxConns(st, sc, o.MaxVUs, o.MaxConns)
	if err != nil {
		return err
	}
	printPlanWarnings(st, sc, runner.Options{MaxVUs: o.MaxVUs, MaxConns: maxConns})
	phases, flows := len(sc.Config.Phases), len(sc.Flows)
	fmt.Fprintf(st.stdout, "%s is valid: %d phase%s, %d scenario%s\n", o.File, phases, plural(phases), flows, plural(flows))
	return nil
}
