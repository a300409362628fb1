package reporters

import "github.com/loadgo/loadgo/runner/metrics"

// CorrectedOf summarises s.Corrected, the closed model's latency corrected
// for coordinated omission; the zero Latency when there is none.
func CorrectedOf(s *metrics.Stats) Latency {
	if s == nil || s.Corrected == nil || s.Corrected.TotalCount() == 0 {
		return Latency{}
	}
	h := s.Corrected
	return Latency{
		Count: h.TotalCount(),
		Min:   micros(float64(h.Min())),
		Mean:  micros(h.Mean()),
		P50:   s.CorrectedPercentile(50),
		P90:   s.CorrectedPercentile(90),
		P95:   s.CorrectedPercentile(95),
		P99:   s.CorrectedPercentile(99),
		P999:  s.CorrectedPercentile(99.9),
		Max:   micros(float64(h.Max())),
	}
}

// HasCorrected reports whether the summary carries the closed model's
// corrected view.
func HasCorrected(sum *metrics.Summary) bool {
	return sum != nil && sum.Total.Corrected != nil && sum.Total.Corrected.TotalCount() > 0
}
