package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/reporters/console"
	"github.com/loadgo/loadgo/reporters/influxdb"
)

// reportOptions are the flags of `loadgo report`.
type reportOptions struct {
	FromInflux string
	Influx     influxOptions
	Timeout    time.Duration
}

func newReportCmd(st *state, runF func(*reportOptions) error) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report --from-influxdb URL --run-id ID",
		Short: "Print the summary of a run stored in InfluxDB",
		Long: `Read a run back from InfluxDB and print the same summary as the run printed:
the stored interval histograms are merged, so counts and percentiles are exact.
Several instances of one run (--segment) are merged into one summary.

Bucket and token come from the flags or LOADGO_INFLUX_BUCKET / LOADGO_INFLUX_TOKEN
(InfluxDB 1.8: bucket "db/rp", token "user:password" or empty). The URL may come
from LOADGO_INFLUX_URL.`,
		Example: `  # the run ID is printed when a run starts writing to InfluxDB
  loadgo report --from-influxdb http://127.0.0.1:8086 --run-id 20250102-150405-a1b2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return reportRun(st, o)
		},
	}
	c.Flags().StringVar(&o.FromInflux, "from-influxdb", "", "InfluxDB base `URL` to read the run from (env "+envInfluxURL+")")
	c.Flags().DurationVar(&o.Timeout, "timeout", 2*time.Minute, "give up reading after this long")
	addInfluxFlags(c, &o.Influx, false)
	return c
}

func reportRun(st *state, o *reportOptions) error {
	from := o.FromInflux
	if from == "" {
		from = st.env[envInfluxURL]
	}
	ic := o.Influx.resolve(st.env)
	cfg := influxdb.Config{URL: from, Bucket: ic.Bucket, Token: ic.Token}
	switch {
	case from == "":
		return usageErrorf("--from-influxdb: no URL (or set %s)", envInfluxURL)
	case ic.RunID == "":
		return usageErrorf("--run-id: which run? (printed when the run started writing to InfluxDB)")
	}
	if err := cfg.Validate(); err != nil {
		return usageError(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	run, err := influxdb.ReadRun(ctx, influxdb.SourceOf(cfg), ic.RunID)
	if errors.Is(err, influxdb.ErrRunNotFound) {
		return fmt.Errorf("%w in %s (bucket %s)", err, influxdb.Redact(from), ic.Bucket)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(st.stderr, "run %s: %d instance(s), %d intervals (%d not delivered)\n",
		ic.RunID, len(run.Instances), run.Intervals, run.Undelivered)
	_, noColor := st.env["NO_COLOR"]
	return console.WriteSummary(st.stdout, run.Info, run.Summary, console.Options{NoColor: noColor || !st.stdoutTTY})
}
