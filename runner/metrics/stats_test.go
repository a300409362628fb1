package metrics_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/loadgo/loadgo/runner/metrics"
)

// us converts whole microseconds to a Duration.
func us(n int64) time.Duration { return time.Duration(n) * time.Microsecond }

// randomMicros returns n latencies in whole microseconds, spread over six
// orders of magnitude so that they land in many histogram buckets.
func randomMicros(rng *rand.Rand, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(math.Exp(rng.Float64()*math.Log(1e7))) + 1
	}
	return out
}

// histOf builds a histogram directly from values in microseconds.
func histOf(t testing.TB, values []int64) *hdrhistogram.Histogram {
	t.Helper()
	h := metrics.NewHistogram()
	for _, v := range values {
		if err := h.RecordValue(v); err != nil {
			t.Fatalf("RecordValue(%d): %v", v, err)
		}
	}
	return h
}

// statsOf builds Stats from latencies (and intended latencies, when given)
// in microseconds.
func statsOf(t testing.TB, lat, intended []int64) metrics.Stats {
	t.Helper()
	st := metrics.Stats{Count: int64(len(lat)), Latency: histOf(t, lat)}
	if intended != nil {
		st.Intended = histOf(t, intended)
	} else {
		st.Intended = st.Latency
	}
	return st
}

var quantiles = []float64{0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100}

// samePercentiles fails unless got's latency percentiles, min, max and mean
// are those of want.
func samePercentiles(t *testing.T, what string, got *metrics.Stats, want *hdrhistogram.Histogram) {
	t.Helper()
	if got.Latency.TotalCount() != want.TotalCount() {
		t.Errorf("%s: histogram count %d, want %d", what, got.Latency.TotalCount(), want.TotalCount())
	}
	for _, q := range quantiles {
		if g, w := got.Percentile(q), us(want.ValueAtPercentile(q)); g != w {
			t.Errorf("%s: p%v = %v, want %v", what, q, g, w)
		}
	}
	if g, w := got.Min(), us(want.Min()); g != w {
		t.Errorf("%s: min = %v, want %v", what, g, w)
	}
	if g, w := got.Max(), us(want.Max()); g != w {
		t.Errorf("%s: max = %v, want %v", what, g, w)
	}
	if g, w := got.Mean(), time.Duration(math.Round(want.Mean()*1000)); g != w {
		t.Errorf("%s: mean = %v, want %v", what, g, w)
	}
}

func TestStatsLatencyStats(t *testing.T) {
	tests := []struct {
		name                     string
		values                   []int64
		p50, p99, minV, maxV, mu time.Duration
	}{
		{
			// No samples: every statistic is zero.
			name: "empty",
		},
		{
			// One sample is every percentile.
			name: "single", values: []int64{1500},
			p50: us(1500), p99: us(1500), minV: us(1500), maxV: us(1500), mu: us(1500),
		},
		{
			// 1..100 µs is exact at 3 significant figures.
			name: "1 to 100", values: seq(1, 100),
			p50: us(50), p99: us(99), minV: us(1), maxV: us(100), mu: 50500 * time.Nanosecond,
		},
		{
			// Above 2048 µs values are bucketed: 10000 µs reads as the highest
			// value of its bucket (precision 8 µs at this magnitude).
			name: "bucketed", values: []int64{10000, 10000},
			p50: us(10007), p99: us(10007), minV: us(10000), maxV: us(10007), mu: us(10004),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := statsOf(t, tt.values, nil)
			got := []time.Duration{st.Percentile(50), st.Percentile(99), st.Min(), st.Max(), st.Mean()}
			want := []time.Duration{tt.p50, tt.p99, tt.minV, tt.maxV, tt.mu}
			if !slices.Equal(got, want) {
				t.Errorf("p50, p99, min, max, mean = %v, want %v", got, want)
			}
			// With Intended shared, the intended view is the same.
			gotIn := []time.Duration{st.IntendedPercentile(50), st.IntendedPercentile(99), st.IntendedMin(), st.IntendedMax(), st.IntendedMean()}
			if !slices.Equal(gotIn, want) {
				t.Errorf("intended p50, p99, min, max, mean = %v, want %v", gotIn, want)
			}
		})
	}
}

func seq(from, to int64) []int64 {
	var out []int64
	for v := from; v <= to; v++ {
		out = append(out, v)
	}
	return out
}

func TestStatsZeroValue(t *testing.T) {
	// The zero Stats (nil histograms) reads as empty instead of panicking.
	var st metrics.Stats
	if st.Percentile(99) != 0 || st.IntendedPercentile(99) != 0 || st.Min() != 0 || st.Max() != 0 ||
		st.Mean() != 0 || st.StdDev() != 0 || st.IntendedMax() != 0 || st.ErrorRate() != 0 {
		t.Fatal("zero Stats reported a non-zero statistic")
	}
	if codes := st.StatusCodes(); len(codes) != 0 {
		t.Fatalf("StatusCodes = %v", codes)
	}
}

func TestStatsErrorRateAndRate(t *testing.T) {
	tests := []struct {
		name          string
		count, errors int64
		d             time.Duration
		wantErrRate   float64
		wantRate      float64
	}{
		// Nothing happened: both are zero, not NaN.
		{name: "empty", d: time.Second},
		// All requests failed.
		{name: "all errors", count: 4, errors: 4, d: 2 * time.Second, wantErrRate: 100, wantRate: 2},
		// One in four failed over half a second.
		{name: "quarter", count: 4, errors: 1, d: 500 * time.Millisecond, wantErrRate: 25, wantRate: 8},
		// A non-positive duration gives rate 0 rather than Inf.
		{name: "zero duration", count: 3, errors: 0, d: 0, wantErrRate: 0, wantRate: 0},
		// A negative duration too.
		{name: "negative duration", count: 3, errors: 3, d: -time.Second, wantErrRate: 100, wantRate: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := metrics.Stats{Count: tt.count, Errors: tt.errors}
			if got := st.ErrorRate(); got != tt.wantErrRate {
				t.Errorf("ErrorRate = %v, want %v", got, tt.wantErrRate)
			}
			if got := st.Rate(tt.d); got != tt.wantRate {
				t.Errorf("Rate(%v) = %v, want %v", tt.d, got, tt.wantRate)
			}
		})
	}
}

func TestStatsStatusCodes(t *testing.T) {
	st := metrics.Stats{Status: map[int]int64{503: 1, 200: 10, 404: 2, metrics.StatusOutOfRange: 1, 301: 0}}
	want := []int{200, 404, 503, metrics.StatusOutOfRange}
	if got := st.StatusCodes(); !slices.Equal(got, want) {
		t.Fatalf("StatusCodes = %v, want %v (zero counts omitted)", got, want)
	}
}

func TestStatsMergeExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	all := randomMicros(rng, 20000)
	direct := histOf(t, all)
	for _, parts := range []int{1, 2, 7, 64} {
		merged := metrics.NewStats()
		for p := range parts {
			var part []int64
			for i := p; i < len(all); i += parts {
				part = append(part, all[i])
			}
			st := statsOf(t, part, nil)
			merged.Merge(&st)
		}
		if merged.Count != int64(len(all)) {
			t.Errorf("%d parts: Count = %d, want %d", parts, merged.Count, len(all))
		}
		if !merged.Latency.Equals(direct) {
			t.Errorf("%d parts: merged latency histogram differs from the direct one", parts)
		}
		samePercentiles(t, "merged", &merged, direct)
	}
}

func TestStatsMergeCounters(t *testing.T) {
	a := metrics.Stats{Count: 3, Errors: 1, BytesIn: 10, BytesOut: 5, Clamped: 1, Status: map[int]int64{200: 2}}
	a.ErrorsByKind[metrics.ErrTimeout] = 1
	b := metrics.Stats{Count: 2, Errors: 2, BytesIn: 1, BytesOut: 2, Status: map[int]int64{200: 1, 500: 1}}
	b.ErrorsByKind[metrics.ErrStatus] = 1
	b.ErrorsByKind[metrics.ErrTimeout] = 1
	var got metrics.Stats // nil map and histograms are allocated on demand
	got.Merge(&a)
	got.Merge(&b)
	want := metrics.Stats{Count: 5, Errors: 3, BytesIn: 11, BytesOut: 7, Clamped: 1}
	want.ErrorsByKind[metrics.ErrTimeout] = 2
	want.ErrorsByKind[metrics.ErrStatus] = 1
	if got.Count != want.Count || got.Errors != want.Errors || got.BytesIn != want.BytesIn ||
		got.BytesOut != want.BytesOut || got.Clamped != want.Clamped || got.ErrorsByKind != want.ErrorsByKind {
		t.Errorf("Merge counters = %+v, want %+v", got, want)
	}
	if got.Status[200] != 3 || got.Status[500] != 1 || len(got.Status) != 2 {
		t.Errorf("Merge Status = %v", got.Status)
	}
	if got.Latency == nil || got.Intended == nil {
		t.Error("Merge left nil histograms")
	}
	// The sources are unchanged.
	if a.Status[200] != 2 || len(b.Status) != 2 {
		t.Error("Merge modified its argument")
	}
}

func TestStatsMergeIntended(t *testing.T) {
	lat1, in1 := []int64{100, 200, 300}, []int64{150, 900, 301}
	lat2, in2 := []int64{1000, 2000}, []int64{5000, 2001}
	tests := []struct {
		name string
		// nil intended means "same as latency" (a shared histogram).
		dstIn, srcIn []int64
		wantIn       []int64
		wantShared   bool
	}{
		// Both shared: the result stays shared and holds all latencies.
		{name: "shared into shared", wantIn: append(lat1, lat2...), wantShared: true},
		// Distinct into shared: the destination diverges, its intended view
		// starting from its latencies.
		{name: "distinct into shared", srcIn: in2, wantIn: append(slices.Clone(lat1), in2...)},
		// Shared into distinct: the source's latencies are its intended view.
		{name: "shared into distinct", dstIn: in1, wantIn: append(slices.Clone(in1), lat2...)},
		// Both distinct.
		{name: "distinct into distinct", dstIn: in1, srcIn: in2, wantIn: append(slices.Clone(in1), in2...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := statsOf(t, lat1, tt.dstIn)
			src := statsOf(t, lat2, tt.srcIn)
			dst.Merge(&src)
			if !dst.Latency.Equals(histOf(t, append(slices.Clone(lat1), lat2...))) {
				t.Error("latency histogram is not the union of latencies")
			}
			if !dst.Intended.Equals(histOf(t, tt.wantIn)) {
				t.Error("intended histogram differs from the expected values")
			}
			if shared := dst.Intended == dst.Latency; shared != tt.wantShared {
				t.Errorf("intended shared = %v, want %v", shared, tt.wantShared)
			}
			if tt.srcIn != nil && src.Intended == src.Latency {
				t.Error("Merge changed the source's histograms")
			}
		})
	}
}

func TestStatsClone(t *testing.T) {
	tests := []struct {
		name     string
		intended []int64
	}{
		// A shared intended view stays shared in the copy.
		{name: "shared"},
		// A distinct one is copied separately.
		{name: "distinct", intended: []int64{7, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := statsOf(t, []int64{5, 6}, tt.intended)
			orig.Status = map[int]int64{200: 2}
			c := orig.Clone()
			if (c.Intended == c.Latency) != (tt.intended == nil) {
				t.Fatal("Clone changed whether intended is shared")
			}
			// Changing the copy leaves the original alone.
			c.Status[200] = 99
			if err := c.Latency.RecordValue(1000); err != nil {
				t.Fatal(err)
			}
			if err := c.Intended.RecordValue(2000); err != nil {
				t.Fatal(err)
			}
			if orig.Status[200] != 2 || orig.Latency.TotalCount() != 2 || orig.Intended.TotalCount() != 2 {
				t.Fatal("the copy shares state with the original")
			}
		})
	}
}

func TestStatsStdDev(t *testing.T) {
	// 2 and 4 (exact values) have mean 3 and standard deviation 1.
	st := statsOf(t, []int64{2, 4}, nil)
	if got := st.StdDev(); got != us(1) {
		t.Fatalf("StdDev = %v, want 1µs", got)
	}
}
