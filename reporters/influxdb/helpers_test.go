package influxdb

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/console"
	"github.com/loadgo/loadgo/runner/metrics"
)

// fakeRun drives the real metrics pipeline (registry, sharded recorder,
// aggregator) with deterministic samples, so tests get genuine snapshots and
// the summary the aggregator builds from them.
type fakeRun struct {
	reg   *metrics.Registry
	rec   *metrics.Recorder
	agg   *metrics.Aggregator
	ids   []metrics.SeriesID
	start time.Time
	seq   int
	vus   metrics.VUStats
}

// The fake run's series: two names in phase 0, one of them again in phase
// 1, and a before-flow request.
func newFakeRun() *fakeRun {
	reg := metrics.NewRegistry()
	ids := []metrics.SeriesID{
		reg.Register("login", -1, "", "http"),
		reg.Register("GET /shows", 0, "warm up", "http"),
		reg.Register("GET /shows/{{ id }}", 0, "warm up", "http"),
		reg.Register("GET /shows", 1, "hold", "http"),
	}
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	rec := metrics.NewRecorder(reg, 4)
	return &fakeRun{reg: reg, rec: rec, agg: metrics.NewAggregator(rec, start), ids: ids, start: start}
}

// interval records n samples into each of the given series (varied
// latencies, some errors and statuses, intended start distinct when open)
// and collects the interval's snapshot.
func (f *fakeRun) interval(n int, open bool, series ...int) *metrics.Snapshot {
	for _, si := range series {
		sh := f.rec.Shard(si)
		for i := range n {
			lat := time.Duration(1000+((i*7919+si*104729+f.seq*31)%50000)) * time.Microsecond
			smp := metrics.Sample{Latency: lat, Status: 200, BytesIn: 100, BytesOut: 10}
			if open {
				smp.Intended = lat + time.Duration(i%5)*time.Millisecond
			}
			switch i % 50 {
			case 7:
				smp.Status, smp.Err = 503, metrics.ErrStatus
			case 13:
				smp.Status, smp.Err = 0, metrics.ErrTimeout
			}
			sh.Record(f.ids[si], &smp)
		}
	}
	f.vus.Created += int64(n)
	f.vus.Completed += int64(n) - 1
	f.vus.Active = 1
	phase, name := 0, "warm up"
	if f.seq >= 2 {
		phase, name = 1, "hold"
	}
	f.seq++
	return f.agg.Collect(f.start.Add(time.Duration(f.seq)*time.Second), phase, name, f.vus)
}

// summary is the run's summary as the runner would build it.
func (f *fakeRun) summary() *metrics.Summary {
	sum := f.agg.Summary(f.start.Add(time.Duration(f.seq)*time.Second), f.vus, []string{"warm up", "hold"})
	sum.PhaseDurations = []time.Duration{2 * time.Second, time.Duration(f.seq-2) * time.Second}
	sum.Thresholds = []metrics.ThresholdResult{
		{Name: "http.response_time.p99 < 200", Passed: true, Value: 49.9, Limit: 200},
		{Name: "http.response_time.p99 < 1 and http.error_rate < 1", Passed: false, Value: 1, Limit: nanLimit()},
	}
	sum.Passed = false
	return sum
}

func nanLimit() float64 {
	var zero float64
	return zero / zero
}

func (f *fakeRun) info() reporters.RunInfo {
	return reporters.RunInfo{
		Scenario: "examples/fake.yaml", Target: "http://127.0.0.1:8089", Start: f.start,
		Phases: []reporters.PhaseInfo{{Name: "warm up", Kind: "open", Duration: 2 * time.Second}, {Name: "hold", Kind: "closed", Duration: 3 * time.Second}},
		Total:  5 * time.Second,
	}
}

// summaryText renders sum as the console prints it, without colour.
func summaryText(t *testing.T, info reporters.RunInfo, sum *metrics.Summary) string {
	t.Helper()
	var b bytes.Buffer
	if err := console.WriteSummary(&b, info, sum, console.Options{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// eventually polls cond until it holds; the deadline only guards against a
// hung test, nothing is asserted about time.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
