package reporters

import (
	"math"
	"slices"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// Latency is a latency distribution reduced to the statistics reporters
// show. All of it comes from one (merged) HDR histogram, so the values are
// HDR-rounded (3 significant figures) and never averaged percentiles.
type Latency struct {
	// Count is the number of recorded values. When it is 0 every other
	// field is 0 and means "no data", not "zero latency".
	Count int64
	Min   time.Duration
	Mean  time.Duration
	P50   time.Duration
	P90   time.Duration
	P95   time.Duration
	P99   time.Duration
	P999  time.Duration
	Max   time.Duration
}

// LatencyOf summarises s.Latency, the latency from the actual send.
func LatencyOf(s *metrics.Stats) Latency {
	if s == nil || s.Latency == nil || s.Latency.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		Count: s.Latency.TotalCount(),
		Min:   s.Min(),
		Mean:  s.Mean(),
		P50:   s.Percentile(50),
		P90:   s.Percentile(90),
		P95:   s.Percentile(95),
		P99:   s.Percentile(99),
		P999:  s.Percentile(99.9),
		Max:   s.Max(),
	}
}

// IntendedOf summarises s.Intended, the latency from the intended start
// (coordinated-omission safe in the open model). A nil Intended means "same
// as Latency", as in package metrics.
func IntendedOf(s *metrics.Stats) Latency {
	if s == nil {
		return Latency{}
	}
	h := s.Intended
	if h == nil {
		h = s.Latency
	}
	if h == nil || h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		Count: h.TotalCount(),
		Min:   micros(float64(h.Min())),
		Mean:  micros(h.Mean()),
		P50:   s.IntendedPercentile(50),
		P90:   s.IntendedPercentile(90),
		P95:   s.IntendedPercentile(95),
		P99:   s.IntendedPercentile(99),
		P999:  s.IntendedPercentile(99.9),
		Max:   micros(float64(h.Max())),
	}
}

// micros converts a histogram value (µs) to a Duration, rounded to the ns
// like Stats.Mean.
func micros(us float64) time.Duration {
	return time.Duration(math.Round(us * float64(time.Microsecond)))
}

// HasIntended reports whether the intended-start latency of any series of
// sum (or of its total) differs from its latency, i.e. whether arrivals were
// scheduled (open model) and some waited. Reporters show the intended view
// only then: otherwise it repeats the latency.
func HasIntended(sum *metrics.Summary) bool {
	differs := func(s *metrics.Stats) bool {
		in := IntendedOf(s)
		if in.Count == 0 {
			return false
		}
		lat := LatencyOf(s)
		lat.Count = in.Count
		return in != lat
	}
	if differs(&sum.Total) {
		return true
	}
	for i := range sum.ByName {
		if differs(&sum.ByName[i].Stats) {
			return true
		}
	}
	return false
}

// Rate returns n per second over d, or 0 when d is not positive, so that an
// empty or instantaneous run never yields NaN or Inf.
func Rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// RunDuration returns the duration of the run summarised by sum: its
// Duration, else End minus Start, never negative.
func RunDuration(sum *metrics.Summary) time.Duration {
	if sum.Duration > 0 {
		return sum.Duration
	}
	if d := sum.End.Sub(sum.Start); d > 0 {
		return d
	}
	return 0
}

// StatusCount is the number of responses with one status code.
type StatusCount struct {
	Code  int
	Count int64
}

// StatusCounts returns s.Status sorted by code, without zero counts.
func StatusCounts(s *metrics.Stats) []StatusCount {
	out := make([]StatusCount, 0, len(s.Status))
	for code, n := range s.Status {
		if n != 0 {
			out = append(out, StatusCount{Code: code, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b StatusCount) int { return a.Code - b.Code })
	return out
}

// KindCount is the number of errors of one kind.
type KindCount struct {
	Kind  metrics.ErrorKind
	Count int64
}

// ErrorCounts returns the non-zero error counts of s in kind order.
func ErrorCounts(s *metrics.Stats) []KindCount {
	var out []KindCount
	for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
		if n := s.ErrorsByKind[k]; n != 0 {
			out = append(out, KindCount{Kind: k, Count: n})
		}
	}
	return out
}

// FailedThresholds returns how many of sum's thresholds failed.
func FailedThresholds(sum *metrics.Summary) int {
	n := 0
	for _, t := range sum.Thresholds {
		if !t.Passed {
			n++
		}
	}
	return n
}

// Names returns the display name of each series of ss: its request name, or
// "name (protocol)" when several series of ss share the name (one request
// name used by two protocols), so that names can serve as unique keys.
func Names(ss []metrics.SeriesStats) []string {
	seen := make(map[string]int, len(ss))
	for _, s := range ss {
		seen[s.Series.Name]++
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Series.Name
		if seen[s.Series.Name] > 1 {
			out[i] += " (" + s.Series.Protocol + ")"
		}
	}
	return out
}
