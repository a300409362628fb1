package metrics

import (
	"sort"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Corrected returns a copy of h (in microseconds) with HdrHistogram's
// coordinated-omission correction applied, for the closed model's corrected
// view. h is not modified; nil gives nil.
//
// A closed-model VU that waits for a slow response does not send the
// requests it would have sent meanwhile, so the slow period is represented by
// one sample instead of many and the percentiles understate the tail. The
// correction assumes a request was due every expectedInterval: each recorded
// value v with count n is recorded n times, plus n times each of the values
// v-k·expectedInterval (k = 1, 2, ...) that are at least expectedInterval —
// the latencies the requests that were not sent would have seen. As in
// HdrHistogram's copyCorrectedForCoordinatedOmission, v is the highest value
// equivalent to the recorded one. An expectedInterval below 1 µs gives a
// plain copy.
//
// The cost is bounded by the histogram's buckets, not by the number of
// synthesised values: values falling into one bucket are recorded at once.
func Corrected(h *hdrhistogram.Histogram, expectedInterval time.Duration) *hdrhistogram.Histogram {
	if h == nil {
		return nil
	}
	out := hdrhistogram.New(h.LowestTrackableValue(), h.HighestTrackableValue(), int(h.SignificantFigures()))
	iv := int64(expectedInterval / time.Microsecond)
	for _, bar := range h.Distribution() {
		if bar.Count == 0 {
			continue
		}
		v, n := bar.To, bar.Count
		// Every value here was recordable in h, which has the same geometry,
		// so these records cannot fail.
		_ = out.RecordValues(v, n)
		if iv <= 0 {
			continue
		}
		// The synthesised values v-iv, v-2iv, ... down to iv, a whole bucket
		// at a time: k of them fall in [max(lo, iv), x].
		for x := v - iv; x >= iv; {
			floor := max(lowestEquivalent(out, x), iv)
			k := (x-floor)/iv + 1
			_ = out.RecordValues(x, k*n)
			x -= k * iv
		}
	}
	return out
}

// lowestEquivalent returns the lowest value equivalent to x in h, found with
// h's public API: equivalence classes are contiguous ranges, so the values
// equivalent to x are exactly those in [lowest, x] at or below it.
func lowestEquivalent(h *hdrhistogram.Histogram, x int64) int64 {
	// sort.Search over offsets 0..x: the first offset d with x-d not
	// equivalent, counted from x downwards.
	d := sort.Search(int(x)+1, func(d int) bool {
		return !h.ValuesAreEquivalent(x-int64(d), x)
	})
	return x - int64(d) + 1
}
