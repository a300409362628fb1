package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/influxdb"
	"github.com/loadgo/loadgo/runner/metrics"
)

// Environment variables for the InfluxDB output and `loadgo report`. The
// token comes from the environment or a flag, never from the scenario file.
const (
	envInfluxURL      = "LOADGO_INFLUX_URL"
	envInfluxOrg      = "LOADGO_INFLUX_ORG"
	envInfluxBucket   = "LOADGO_INFLUX_BUCKET"
	envInfluxToken    = "LOADGO_INFLUX_TOKEN"
	envInfluxRunID    = "LOADGO_INFLUX_RUN_ID"
	envInfluxInstance = "LOADGO_INFLUX_INSTANCE"
)

// defaultInfluxBucket suits InfluxDB 1.8 after `CREATE DATABASE loadgo`.
const defaultInfluxBucket = "loadgo/autogen"

// influxOptions are the InfluxDB flags; empty values fall back to the
// LOADGO_INFLUX_* environment variables.
type influxOptions struct {
	Org, Bucket, Token, RunID, Instance string
}

// addInfluxFlags registers the InfluxDB flags; writer adds the ones only a
// run needs (org, instance).
func addInfluxFlags(c *cobra.Command, o *influxOptions, writer bool) {
	f := c.Flags()
	f.StringVar(&o.Bucket, "influx-bucket", "", "InfluxDB `bucket` (1.8: \"db/rp\"; env "+envInfluxBucket+", default "+defaultInfluxBucket+")")
	f.StringVar(&o.Token, "influx-token", "", "InfluxDB `token` (1.8: \"user:password\"; prefer env "+envInfluxToken+": flags show in ps)")
	f.StringVar(&o.RunID, "run-id", "", "`ID` of the run in InfluxDB (env "+envInfluxRunID+"; a run generates one unless given)")
	if writer {
		f.StringVar(&o.Org, "influx-org", "", "InfluxDB 2.x `organisation` (env "+envInfluxOrg+")")
		f.StringVar(&o.Instance, "instance", "", "`NAME` of this load generator in InfluxDB (env "+envInfluxInstance+"; default the host name)")
	}
}

// resolve fills o's empty values from env and the defaults.
func (o influxOptions) resolve(env map[string]string) influxOptions {
	pick := func(flag, key, def string) string {
		switch {
		case flag != "":
			return flag
		case env[key] != "":
			return env[key]
		}
		return def
	}
	o.Org = pick(o.Org, envInfluxOrg, "")
	o.Bucket = pick(o.Bucket, envInfluxBucket, defaultInfluxBucket)
	o.Token = pick(o.Token, envInfluxToken, "")
	o.RunID = pick(o.RunID, envInfluxRunID, "")
	o.Instance = pick(o.Instance, envInfluxInstance, "")
	return o
}

// influxOutputs takes the influxdb=URL specs out of o.Outputs and makes
// their reporters; it returns the other specs for buildOutputs.
func influxOutputs(st *state, o *runOptions) (sinks []reporters.Reporter, rest []string, err error) {
	for _, spec := range o.Outputs {
		kind, dest, _ := strings.Cut(spec, "=")
		if kind != "influxdb" {
			rest = append(rest, spec)
			continue
		}
		if dest == "" {
			return nil, nil, usageErrorf("-o %q: expected influxdb=URL, e.g. influxdb=http://127.0.0.1:8086", spec)
		}
		ic := o.Influx.resolve(st.env) // flags over environment
		if ic.Instance == "" {
			ic.Instance = defaultInstance(o.Segment)
		}
		r, err := influxdb.New(influxdb.Config{
			URL: dest, Org: ic.Org, Bucket: ic.Bucket, Token: ic.Token,
			RunID: ic.RunID, Instance: ic.Instance, Log: st.stderr,
		})
		if err != nil {
			return nil, nil, usageError(fmt.Errorf("-o influxdb: %w", err))
		}
		sinks = append(sinks, r)
	}
	return sinks, rest, nil
}

// defaultInstance is the host name, with the segment of a split run.
func defaultInstance(segment string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "local"
	}
	if segment != "" {
		host += "/" + segment
	}
	return host
}

// finishReporters finishes the network sinks first, adds what they could
// not deliver to the summary's notes, then finishes the reporters that
// print or write the summary, so those show the notes.
func finishReporters(sum *metrics.Summary, sinks []reporters.Reporter, rest reporters.Reporter) error {
	errs := []error{reporters.NewMulti(sinks...).Finish(sum)}
	if sum != nil {
		sum.Notes = append(sum.Notes, reporters.CollectNotes(sinks...)...)
	}
	errs = append(errs, rest.Finish(sum))
	return errors.Join(errs...)
}
