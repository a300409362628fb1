package reporters

import (
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// PhaseStats is the part of a run that happened in one phase: the series
// recorded in it and their merge.
type PhaseStats struct {
	// Index is the phase index (0-based), or -1 for the before and after
	// flows, which get one PhaseStats per distinct phase name.
	Index int
	Name  string
	// Duration is how long the phase ran; 0 when unknown.
	Duration time.Duration
	// Series are the summary's series of this phase, in summary order.
	Series []metrics.SeriesStats
	// Total merges Series.
	Total metrics.Stats
}

// Phases groups sum.Series by phase. It returns one entry per phase of
// sum.Phases, in order and even when the phase recorded nothing, followed
// by one entry per other group met in sum.Series (before/after flows at
// index -1, grouped by phase name, "before/after" when it is empty), in
// order of first appearance.
//
// A phase's Duration is sum.PhaseDurations[i] when known; otherwise, when
// the run was not interrupted (so the plan was followed), planned[i].Duration
// of the plan given to Start. planned may be nil.
func Phases(sum *metrics.Summary, planned []PhaseInfo) []PhaseStats {
	type key struct {
		index int
		name  string // only for index < 0 or beyond sum.Phases
	}
	out := make([]PhaseStats, len(sum.Phases))
	pos := make(map[key]int, len(sum.Phases))
	for i, name := range sum.Phases {
		out[i] = PhaseStats{Index: i, Name: name, Duration: phaseDuration(sum, planned, i)}
		pos[key{index: i}] = i
	}
	for _, s := range sum.Series {
		k := key{index: s.Series.Phase}
		if k.index < 0 || k.index >= len(sum.Phases) {
			k.name = s.Series.PhaseName
		}
		i, ok := pos[k]
		if !ok {
			i = len(out)
			pos[k] = i
			name := s.Series.PhaseName
			if name == "" && k.index < 0 {
				name = "before/after"
			}
			out = append(out, PhaseStats{Index: k.index, Name: name})
		}
		out[i].Series = append(out[i].Series, s)
	}
	for i := range out {
		out[i].Total = metrics.NewStats()
		for j := range out[i].Series {
			out[i].Total.Merge(&out[i].Series[j].Stats)
		}
	}
	return out
}

func phaseDuration(sum *metrics.Summary, planned []PhaseInfo, i int) time.Duration {
	if i < len(sum.PhaseDurations) && sum.PhaseDurations[i] > 0 {
		return sum.PhaseDurations[i]
	}
	if !sum.Interrupted && i < len(planned) && planned[i].Duration > 0 {
		return planned[i].Duration
	}
	return 0
}
