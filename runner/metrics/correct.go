package metrics

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// CorrectClosed adds the closed model's corrected view to the summary.
// interval returns, for a phase index, the expected interval between one
// VU's requests and true when the phase is closed-model (false for open
// phases, pauses and the before/after flows, phase -1).
//
// Each closed-phase series gets Corrected: its latency histogram with
// HdrHistogram's correction for that interval (see Corrected). ByName and
// Total get the merge of every series' best view: the corrected histogram of
// closed-phase series, the intended one of the others (which is already free
// of coordinated omission in the open model). Nothing is set when no series
// is closed-model. Intervals below 1 µs leave the series uncorrected.
func (sum *Summary) CorrectClosed(interval func(phase int) (time.Duration, bool)) {
	found := false
	for i := range sum.Series {
		st := &sum.Series[i]
		iv, ok := interval(st.Series.Phase)
		if !ok || iv < time.Microsecond || st.Latency == nil {
			continue
		}
		st.Corrected = Corrected(st.Latency, iv)
		st.CorrectedInterval = iv
		found = true
	}
	if !found {
		return
	}
	byName := make(map[nameProto]*Stats, len(sum.ByName))
	for i := range sum.ByName {
		s := &sum.ByName[i]
		s.Corrected, s.CorrectedInterval = NewHistogram(), 0
		byName[nameProto{s.Series.Name, s.Series.Protocol}] = &s.Stats
	}
	sum.Total.Corrected, sum.Total.CorrectedInterval = NewHistogram(), 0
	for i := range sum.Series {
		st := &sum.Series[i]
		view := st.bestView()
		if view == nil {
			continue
		}
		if s := byName[nameProto{st.Series.Name, st.Series.Protocol}]; s != nil {
			s.Corrected.Merge(view)
			s.CorrectedInterval = sameInterval(s.CorrectedInterval, st.CorrectedInterval)
		}
		sum.Total.Corrected.Merge(view)
		sum.Total.CorrectedInterval = sameInterval(sum.Total.CorrectedInterval, st.CorrectedInterval)
	}
	for i := range sum.ByName {
		sum.ByName[i].CorrectedInterval = max(sum.ByName[i].CorrectedInterval, 0)
	}
	sum.Total.CorrectedInterval = max(sum.Total.CorrectedInterval, 0)
}

// sameInterval folds one more series' interval into a merge's: the common
// interval while every corrected series shares it, -1 once two differ (the
// caller turns that into 0). Uncorrected series (0) do not count.
func sameInterval(acc, iv time.Duration) time.Duration {
	switch {
	case iv == 0 || acc == iv:
		return acc
	case acc == 0:
		return iv
	}
	return -1
}

type nameProto struct{ name, protocol string }

// bestView is the corrected histogram when there is one, else the intended
// one (which is Latency when not distinct).
func (s *Stats) bestView() *hdrhistogram.Histogram {
	switch {
	case s.Corrected != nil:
		return s.Corrected
	case s.Intended != nil:
		return s.Intended
	}
	return s.Latency
}

// CorrectedPercentile returns quantile q (0..100) of the corrected view;
// zero when there is none.
func (s *Stats) CorrectedPercentile(q float64) time.Duration {
	if s.Corrected == nil || s.Corrected.TotalCount() == 0 {
		return 0
	}
	return fromMicros(s.Corrected.ValueAtQuantile(q))
}
