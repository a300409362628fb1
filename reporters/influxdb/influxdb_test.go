package influxdb

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/reporters/influxdb/influxtest"
)

// writeFakeRun reports a fake run's intervals to cfg's database and returns
// the run and its local summary.
func writeFakeRun(t *testing.T, cfg Config) (*fakeRun, *Reporter) {
	t.Helper()
	f := newFakeRun()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(f.info()); err != nil {
		t.Fatal(err)
	}
	r.Report(f.interval(20, false, 0))     // before flow
	r.Report(f.interval(300, true, 1, 2))  // warm up
	r.Report(f.interval(500, true, 1, 2))  // warm up again
	r.Report(f.interval(800, false, 3))    // hold
	r.Report(f.interval(0, false))         // an interval without requests
	r.Report(f.interval(400, false, 3, 0)) // hold, and the after flow
	if err := r.Finish(f.summary()); err != nil {
		t.Fatal(err)
	}
	return f, r
}

func TestReadRunEqualsLocalSummary(t *testing.T) {
	url := influxtest.URL(t)
	cfg := Config{URL: url, Bucket: influxtest.Database(t, url)}
	cfg.RunID, cfg.Instance = "run-a", "gen-1"
	var log bytes.Buffer
	cfg.Log = &log
	f, r := writeFakeRun(t, cfg)
	if n := r.Undelivered(); n != 0 {
		t.Fatalf("%d intervals undelivered; log: %s", n, log.String())
	}
	if notes := r.Notes(); notes != nil {
		t.Fatalf("notes %q", notes)
	}
	if !strings.Contains(log.String(), "run-a") {
		t.Errorf("the log does not name the run: %q", log.String())
	}

	run, err := ReadRun(testCtx(t), SourceOf(cfg), "run-a")
	if err != nil {
		t.Fatal(err)
	}
	local := f.summary()
	if got, want := summaryText(t, run.Info, run.Summary), summaryText(t, f.info(), local); got != want {
		t.Errorf("summary read back differs from the local one\n--- got\n%s\n--- want\n%s", got, want)
	}
	// Beyond the text: every per-series count and the merged histograms.
	if len(run.Summary.Series) != len(local.Series) {
		t.Fatalf("%d series read back, want %d", len(run.Summary.Series), len(local.Series))
	}
	for i := range local.Series {
		g, w := &run.Summary.Series[i], &local.Series[i]
		if g.Series != w.Series || g.Count != w.Count || g.ErrorsByKind != w.ErrorsByKind || g.BytesIn != w.BytesIn {
			t.Errorf("series %d: got %+v count %d, want %+v count %d", i, g.Series, g.Count, w.Series, w.Count)
		}
		if !g.Latency.Equals(w.Latency) || !g.Intended.Equals(w.Intended) {
			t.Errorf("series %d (%s): histograms differ", i, w.Series.Name)
		}
	}
	if !run.Summary.Total.Latency.Equals(local.Total.Latency) {
		t.Error("total histogram differs")
	}
	if run.Intervals != 6 || run.Undelivered != 0 || !run.Ended || len(run.Instances) != 1 || run.Instances[0] != "gen-1" {
		t.Errorf("run %+v", run)
	}
}

func TestReadRunMergesInstances(t *testing.T) {
	url := influxtest.URL(t)
	cfg := Config{URL: url, Bucket: influxtest.Database(t, url)}
	cfg.RunID = "run-two"
	var sums []*fakeRun
	for _, inst := range []string{"gen-1", "gen-2"} {
		c := cfg
		c.Instance = inst
		f, _ := writeFakeRun(t, c)
		sums = append(sums, f)
	}
	run, err := ReadRun(testCtx(t), SourceOf(cfg), "run-two")
	if err != nil {
		t.Fatal(err)
	}
	a, b := sums[0].summary(), sums[1].summary()
	a.Total.Merge(&b.Total)
	if run.Summary.Total.Count != a.Total.Count || !run.Summary.Total.Latency.Equals(a.Total.Latency) {
		t.Errorf("total: %d requests read back, want %d (and equal histograms)", run.Summary.Total.Count, a.Total.Count)
	}
	if got, want := run.Summary.VUs.Created, 2*sums[0].vus.Created; got != want {
		t.Errorf("VUs created %d, want %d", got, want)
	}
	if len(run.Instances) != 2 || run.Intervals != 12 {
		t.Errorf("instances %v, intervals %d", run.Instances, run.Intervals)
	}
}

func TestReadRunNotFound(t *testing.T) {
	url := influxtest.URL(t)
	cfg := Config{URL: url, Bucket: influxtest.Database(t, url)}
	_, err := ReadRun(testCtx(t), SourceOf(cfg), "no-such-run")
	if !errors.Is(err, ErrRunNotFound) {
		t.Fatalf("error %v, want ErrRunNotFound", err)
	}
}

func TestQueryErrors(t *testing.T) {
	url := influxtest.URL(t)
	cfg := Config{URL: url, Bucket: influxtest.Database(t, url)}
	tests := []struct {
		name string
		src  Source
		q    string
	}{
		// InfluxQL that does not parse: the server's message comes back.
		{"bad syntax", SourceOf(cfg), "SELEKT 1"},
		// A database that does not exist.
		{"no database", Source{URL: url, DB: "no_such_db"}, "SELECT * FROM loadgo_requests"},
		// Nothing listens there.
		{"refused", Source{URL: "http://127.0.0.1:1", DB: "x"}, "SELECT 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Query(testCtx(t), tt.src, tt.q, func(*Row) error { return nil })
			if err == nil {
				t.Fatal("no error")
			}
		})
	}
}
