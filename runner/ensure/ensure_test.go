package ensure_test

import (
	"math"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/ensure"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// fixtureStart is when fixture runs start.
var fixtureStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// fixture records a small run through the real metrics pipeline. Latencies
// are below 2048 µs, where histograms are exact, so expected values can be
// computed by hand:
//
//	login/warm: 100, 200, ..., 1000 µs, status 200, intended latency +1000 µs
//	login/ramp: 1500, 1600 µs, status 401 (errors of kind status)
//	home/warm:  50 µs four times (status 200), 1900 µs timeout (no response)
//	home/ramp:  registered, never run
//
// Whole run, sorted: 50×4, 100..1000, 1500, 1600, 1900 (17 samples).
func fixture(t *testing.T) *metrics.Summary {
	t.Helper()
	reg := metrics.NewRegistry()
	loginWarm := reg.Register("login", 0, "warm", "http")
	homeWarm := reg.Register("home", 0, "warm", "http")
	loginRamp := reg.Register("login", 1, "ramp", "http")
	reg.Register("home", 1, "ramp", "http")
	rec := metrics.NewRecorder(reg, 2)
	start := fixtureStart
	agg := metrics.NewAggregator(rec, start)
	us := func(n int) time.Duration { return time.Duration(n) * time.Microsecond }

	for i := 1; i <= 10; i++ {
		rec.Shard(i).Record(loginWarm, &metrics.Sample{Latency: us(100 * i), Intended: us(100*i + 1000), Status: 200})
	}
	for range 4 {
		rec.Shard(0).Record(homeWarm, &metrics.Sample{Latency: us(50), Status: 200})
	}
	rec.Shard(1).Record(homeWarm, &metrics.Sample{Latency: us(1900), Err: metrics.ErrTimeout})
	agg.Collect(start.Add(time.Second), 0, "warm", metrics.VUStats{})
	for _, l := range []int{1500, 1600} {
		rec.Shard(0).Record(loginRamp, &metrics.Sample{Latency: us(l), Status: 401, Err: metrics.ErrStatus})
	}
	agg.Collect(start.Add(2*time.Second), 1, "ramp", metrics.VUStats{})
	return agg.Summary(start.Add(2*time.Second),
		metrics.VUStats{Created: 10, Completed: 8, Failed: 1, Dropped: 1}, []string{"warm", "ramp"})
}

func TestValue(t *testing.T) {
	sum := fixture(t)
	tests := []struct {
		name           string
		stat           string
		request, phase string
		want           float64
		wantOK         bool
	}{
		// Whole run, latency statistics in ms.
		{name: "min", stat: "http.response_time.min", want: 0.05, wantOK: true},
		{name: "max", stat: "http.response_time.max", want: 1.9, wantOK: true},
		// 10700 µs / 17 = 629.41 µs, rounded to the µs.
		{name: "mean", stat: "http.response_time.mean", want: 0.629, wantOK: true},
		// Rank 0.5·17+0.5 = 9: the 9th value is 500 µs.
		{name: "p50", stat: "http.response_time.p50", want: 0.5, wantOK: true},
		// The alias median is p50.
		{name: "median alias", stat: "http.response_time.median", want: 0.5, wantOK: true},
		// Rank 0.9·17+0.5 = 15.8 → 15: 1500 µs.
		{name: "p90", stat: "http.response_time.p90", want: 1.5, wantOK: true},
		{name: "p99", stat: "http.response_time.p99", want: 1.9, wantOK: true},
		// Fractional percentiles, and the p999 alias.
		{name: "p99.9", stat: "http.response_time.p99.9", want: 1.9, wantOK: true},
		{name: "p999 alias", stat: "http.response_time.p999", want: 1.9, wantOK: true},
		// Rank 0.25·17+0.5 = 4.75 → 4: the fourth 50 µs.
		{name: "p25", stat: "http.response_time.p25", want: 0.05, wantOK: true},

		// Intended latency: login/warm's values move to 1100..2000 µs; the
		// 9th of 50×4, 1100, 1200, 1300, 1400, 1500, 1500, ... is 1500.
		{name: "intended p50", stat: "http.response_time_intended.p50", want: 1.5, wantOK: true},
		{name: "intended max", stat: "http.response_time_intended.max", want: 2.0, wantOK: true},
		{name: "intended min", stat: "http.response_time_intended.min", want: 0.05, wantOK: true},
		// Without distinct intended times, intended is latency.
		{name: "intended shared", stat: "http.response_time_intended.mean", request: "home", want: 0.42, wantOK: true},

		// Counts.
		{name: "requests", stat: "http.requests", want: 17, wantOK: true},
		{name: "errors", stat: "http.errors", want: 3, wantOK: true},
		{name: "error rate", stat: "http.error_rate", want: 300.0 / 17, wantOK: true},
		{name: "code 200", stat: "http.codes.200", want: 14, wantOK: true},
		{name: "code 401", stat: "http.codes.401", want: 2, wantOK: true},
		// A code that never occurred counts 0.
		{name: "code 404", stat: "http.codes.404", want: 0, wantOK: true},
		{name: "errors.timeout", stat: "errors.timeout", want: 1, wantOK: true},
		{name: "errors.status", stat: "errors.status", want: 2, wantOK: true},
		{name: "errors.dns", stat: "errors.dns", want: 0, wantOK: true},
		{name: "vusers.created", stat: "vusers.created", want: 10, wantOK: true},
		{name: "vusers.completed", stat: "vusers.completed", want: 8, wantOK: true},
		{name: "vusers.failed", stat: "vusers.failed", want: 1, wantOK: true},
		{name: "vusers.dropped", stat: "vusers.dropped", want: 1, wantOK: true},

		// Selectors. A request over every phase: 100..1000, 1500, 1600 µs;
		// rank 6.5 → 6: 600 µs.
		{name: "name p50", stat: "http.response_time.p50", request: "login", want: 0.6, wantOK: true},
		{name: "name max", stat: "http.response_time.max", request: "login", want: 1.6, wantOK: true},
		{name: "name error rate", stat: "http.error_rate", request: "login", want: 200.0 / 12, wantOK: true},
		// A phase over every request: only login ran in ramp.
		{name: "phase requests", stat: "http.requests", phase: "ramp", want: 2, wantOK: true},
		{name: "phase p50", stat: "http.response_time.p50", phase: "ramp", want: 1.5, wantOK: true},
		// A phase merging two requests: warm has 15 samples.
		{name: "phase merge", stat: "http.requests", phase: "warm", want: 15, wantOK: true},
		{name: "phase merge max", stat: "http.response_time.max", phase: "warm", want: 1.9, wantOK: true},
		// Name and phase: login in warm, rank 9.5 → 9: 900 µs.
		{name: "name and phase", stat: "http.response_time.p90", request: "login", phase: "warm", want: 0.9, wantOK: true},
		{name: "name and phase code", stat: "http.codes.401", request: "login", phase: "ramp", want: 2, wantOK: true},

		// No data: counts are 0; latency and the error rate have no value.
		{name: "no data requests", stat: "http.requests", request: "home", phase: "ramp", want: 0, wantOK: true},
		{name: "no data code", stat: "http.codes.200", request: "home", phase: "ramp", want: 0, wantOK: true},
		{name: "no data latency", stat: "http.response_time.p99", request: "home", phase: "ramp", want: math.NaN()},
		{name: "no data intended", stat: "http.response_time_intended.max", request: "home", phase: "ramp", want: math.NaN()},
		{name: "no data error rate", stat: "http.error_rate", request: "home", phase: "ramp", want: math.NaN()},
		// An unknown request or phase selects nothing.
		{name: "unknown request", stat: "http.response_time.p95", request: "nosuch", want: math.NaN()},
		{name: "unknown phase", stat: "http.response_time.p95", phase: "nosuch", want: math.NaN()},
		{name: "unknown request count", stat: "http.requests", request: "nosuch", want: 0, wantOK: true},

		// Invalid metrics never pass.
		{name: "unknown family", stat: "http.latency.p99", want: math.NaN()},
		{name: "unknown stat", stat: "http.response_time.p", want: math.NaN()},
		{name: "percentile 100", stat: "http.response_time.p100", want: math.NaN()},
		{name: "percentile 0", stat: "http.response_time.p0", want: math.NaN()},
		{name: "malformed percentile", stat: "http.response_time.p9.", want: math.NaN()},
		{name: "signed percentile", stat: "http.response_time.p+9", want: math.NaN()},
		{name: "code out of range", stat: "http.codes.600", want: math.NaN()},
		{name: "code not 3 digits", stat: "http.codes.0200", want: math.NaN()},
		{name: "unknown error kind", stat: "errors.boom", want: math.NaN()},
		{name: "error kind none", stat: "errors.", want: math.NaN()},
		{name: "unknown vusers", stat: "vusers.active", want: math.NaN()},
		{name: "empty", stat: "", want: math.NaN()},
		// vusers metrics take no selector.
		{name: "vusers with selector", stat: "vusers.created", phase: "warm", want: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := scenario.Threshold{Stat: tt.stat, Request: tt.request, Phase: tt.phase}
			got, ok := ensure.Value(th, sum)
			if ok != tt.wantOK || !sameFloat(got, tt.want) {
				t.Errorf("Value(%q{%q,%q}) = %v, %v, want %v, %v", tt.stat, tt.request, tt.phase, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// sameFloat compares with NaN equal to NaN, and within rounding otherwise.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

func TestValueNilSummary(t *testing.T) {
	// Without a summary nothing is known, not even counts.
	if v, ok := ensure.Value(scenario.Threshold{Stat: "http.requests"}, nil); ok || !math.IsNaN(v) {
		t.Fatalf("Value on nil summary = %v, %v", v, ok)
	}
}
