package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/reporters/influxdb/influxtest"
)

// runCLIEnv is runCLI with a given environment.
func runCLIEnv(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	st := &state{stdout: &out, stderr: &errb, env: env}
	st.notifyStop = func(parent context.Context) (context.Context, func()) { return context.WithCancel(parent) }
	code := execRoot(st, args)
	return cliResult{stdout: out.String(), stderr: errb.String(), code: code}
}

func TestReportFlagsAndErrors(t *testing.T) {
	url := influxtest.URL(t)
	bucket := influxtest.Database(t, url)
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		inStderr string
	}{
		// No URL anywhere.
		{"no URL", nil, []string{"report", "--run-id", "x"}, exitUsage, "--from-influxdb"},
		// No run ID.
		{"no run id", nil, []string{"report", "--from-influxdb", url}, exitUsage, "--run-id"},
		// Not an http(s) URL.
		{"bad URL", nil, []string{"report", "--from-influxdb", "127.0.0.1:8086", "--run-id", "x"}, exitUsage, "want http(s)://"},
		// Arguments are not accepted.
		{"extra argument", nil, []string{"report", "--from-influxdb", url, "--run-id", "x", "extra"}, exitUsage, "unknown command"},
		// A run that is not there is a runtime failure.
		{"not found", nil, []string{"report", "--from-influxdb", url, "--influx-bucket", bucket, "--run-id", "nope"}, exitRuntime, "run not found"},
		// URL, bucket and run ID from the environment.
		{"environment", map[string]string{envInfluxURL: url, envInfluxBucket: bucket, envInfluxRunID: "nope-env"},
			[]string{"report"}, exitRuntime, `run "nope-env": run not found`},
		// Nothing listens: a runtime failure, the token is not printed.
		{"refused", map[string]string{envInfluxToken: "u:s3cret"},
			[]string{"report", "--from-influxdb", "http://127.0.0.1:1", "--run-id", "x"}, exitRuntime, "connection refused"},
		// A database that does not exist.
		{"no database", nil, []string{"report", "--from-influxdb", url, "--influx-bucket", "no_such_db", "--run-id", "x"}, exitRuntime, "database not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = map[string]string{}
			}
			res := runCLIEnv(t, env, tt.args...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", res.code, res.stderr, tt.code, tt.inStderr)
			}
			if strings.Contains(res.stdout+res.stderr, "s3cret") {
				t.Error("the token was printed")
			}
		})
	}
}

func TestRunInfluxOutputFlags(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "s.yaml", strings.Replace(smallScenario, "%s", "5000", 1))
	tests := []struct {
		name     string
		args     []string
		inStderr string
	}{
		// influxdb= needs a URL.
		{"empty URL", []string{"-o", "influxdb="}, "expected influxdb=URL"},
		// Only http(s).
		{"bad scheme", []string{"-o", "influxdb=udp://127.0.0.1:8089"}, "want http(s)://"},
		// The unknown-type message lists influxdb.
		{"unknown type", []string{"-o", "influx=http://127.0.0.1:8086"}, "known: json, influxdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCLIEnv(t, map[string]string{}, append(append([]string{"run"}, tt.args...), file)...)
			if res.code != exitUsage || !strings.Contains(res.stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", res.code, res.stderr, tt.inStderr)
			}
		})
	}
}

func TestInfluxOptionsResolve(t *testing.T) {
	env := map[string]string{envInfluxOrg: "env-org", envInfluxBucket: "env-b", envInfluxToken: "env-t", envInfluxRunID: "env-r", envInfluxInstance: "env-i"}
	tests := []struct {
		name string
		in   influxOptions
		env  map[string]string
		want influxOptions
	}{
		// Flags win over the environment.
		{"flags", influxOptions{Org: "o", Bucket: "b", Token: "t", RunID: "r", Instance: "i"}, env,
			influxOptions{Org: "o", Bucket: "b", Token: "t", RunID: "r", Instance: "i"}},
		// The environment fills what flags leave empty.
		{"environment", influxOptions{Bucket: "b"}, env,
			influxOptions{Org: "env-org", Bucket: "b", Token: "env-t", RunID: "env-r", Instance: "env-i"}},
		// Neither: the 1.8 default bucket, everything else empty.
		{"defaults", influxOptions{}, map[string]string{}, influxOptions{Bucket: defaultInfluxBucket}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.resolve(tt.env); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
