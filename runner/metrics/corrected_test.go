package metrics_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/loadgo/loadgo/runner/metrics"
)

// countsOf returns the histogram's non-zero counts keyed by value; exact for
// values below 2048 µs, where every value is its own bucket.
func countsOf(h *hdrhistogram.Histogram) map[int64]int64 {
	out := make(map[int64]int64)
	for _, b := range h.Distribution() {
		if b.Count != 0 {
			out[b.To] = b.Count
		}
	}
	return out
}

func TestCorrectedHandComputed(t *testing.T) {
	// Recorded: 1000 µs once, 250 µs twice, 100 µs and 80 µs once; a request
	// was due every 100 µs.
	h := histOf(t, []int64{1000, 250, 250, 100, 80})
	got := countsOf(metrics.Corrected(h, 100*time.Microsecond))
	want := map[int64]int64{
		// 1000 and the 9 requests not sent while it was outstanding.
		1000: 1, 900: 1, 800: 1, 700: 1, 600: 1, 500: 1, 400: 1, 300: 1, 200: 1,
		// 100 itself (not above the interval: nothing added) plus 1000's last.
		100: 2,
		// 250 twice, each with one missing request at 150 (50 < 100 stops).
		250: 2, 150: 2,
		// 80 is below the interval.
		80: 1,
	}
	if len(got) != len(want) {
		t.Errorf("corrected has %d distinct values, want %d: %v", len(got), len(want), got)
	}
	for v, n := range want {
		if got[v] != n {
			t.Errorf("count of %d µs = %d, want %d", v, got[v], n)
		}
	}
	if h.TotalCount() != 5 {
		t.Error("Corrected modified its argument")
	}
}

func TestCorrectedMatchesLibraryCorrection(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	values := randomMicros(rng, 500)
	h := histOf(t, values)
	tests := []struct {
		name     string
		interval time.Duration
	}{
		// An interval far below most values: many synthesised values per
		// sample, spanning many buckets.
		{name: "5ms", interval: 5 * time.Millisecond},
		// An interval in the middle of the distribution.
		{name: "250ms", interval: 250 * time.Millisecond},
		// An interval above every value: a plain copy.
		{name: "1h", interval: time.Hour},
		// An interval that is not a whole number of buckets.
		{name: "7777us", interval: 7777 * time.Microsecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The reference: the library's per-value correction, applied to
			// every recorded value (as the highest equivalent value).
			ref := metrics.NewHistogram()
			for _, b := range h.Distribution() {
				for range b.Count {
					if err := ref.RecordCorrectedValue(b.To, int64(tt.interval/time.Microsecond)); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got := metrics.Corrected(h, tt.interval); !got.Equals(ref) {
				t.Errorf("Corrected differs from RecordCorrectedValue: count %d vs %d, p99 %d vs %d",
					got.TotalCount(), ref.TotalCount(), got.ValueAtPercentile(99), ref.ValueAtPercentile(99))
			}
		})
	}
}

func TestCorrectedEdgeCases(t *testing.T) {
	h := histOf(t, []int64{10, 20, 3000})
	tests := []struct {
		name     string
		in       *hdrhistogram.Histogram
		interval time.Duration
		check    func(t *testing.T, got *hdrhistogram.Histogram)
	}{
		{
			// No histogram, no copy.
			name: "nil", in: nil, interval: time.Millisecond,
			check: func(t *testing.T, got *hdrhistogram.Histogram) {
				if got != nil {
					t.Error("Corrected(nil) is not nil")
				}
			},
		},
		{
			// A sub-microsecond interval cannot be applied: a plain copy.
			name: "zero interval", in: h, interval: 999 * time.Nanosecond,
			check: func(t *testing.T, got *hdrhistogram.Histogram) {
				if !got.Equals(h) || got == h {
					t.Error("not an equal, separate copy")
				}
			},
		},
		{
			// A negative interval too.
			name: "negative interval", in: h, interval: -time.Second,
			check: func(t *testing.T, got *hdrhistogram.Histogram) {
				if !got.Equals(h) {
					t.Error("not an equal copy")
				}
			},
		},
		{
			// An empty histogram stays empty.
			name: "empty", in: metrics.NewHistogram(), interval: time.Microsecond,
			check: func(t *testing.T, got *hdrhistogram.Histogram) {
				if got.TotalCount() != 0 {
					t.Errorf("TotalCount = %d", got.TotalCount())
				}
			},
		},
		{
			// The largest value with a 1 µs interval synthesises billions of
			// values; they are recorded a bucket at a time. v-1, v-2, ..., 1
			// plus v itself make v values, uniform over 1..v.
			name: "huge", in: histOf(t, []int64{int64(metrics.MaxTrackable / time.Microsecond)}), interval: time.Microsecond,
			check: func(t *testing.T, got *hdrhistogram.Histogram) {
				v := got.Max()
				if got.TotalCount() != v {
					t.Errorf("TotalCount = %d, want %d", got.TotalCount(), v)
				}
				if p50 := float64(got.ValueAtPercentile(50)); math.Abs(p50-float64(v)/2) > float64(v)/500 {
					t.Errorf("p50 = %v, want about %v", p50, v/2)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, metrics.Corrected(tt.in, tt.interval))
		})
	}
}
