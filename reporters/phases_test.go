package reporters_test

import (
	"testing"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/internal/fixture"
	"github.com/loadgo/loadgo/runner/metrics"
)

func TestPhases(t *testing.T) {
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	lat := func(n int) fixture.Spec {
		return fixture.Spec{Latencies: fixture.Ramp(n, time.Millisecond, 9*time.Millisecond)}
	}
	sum := fixture.Summary(start, 3*time.Minute, []string{"warm", "ramp", "idle"},
		fixture.Series{Name: "login", Phase: -1, PhaseName: "before", Spec: lat(1)},
		fixture.Series{Name: "/a", Phase: 0, PhaseName: "warm", Spec: lat(10)},
		fixture.Series{Name: "/b", Phase: 0, PhaseName: "warm", Spec: lat(5)},
		fixture.Series{Name: "/a", Phase: 1, PhaseName: "ramp", Spec: lat(40)},
		fixture.Series{Name: "logout", Phase: -1, PhaseName: "after", Spec: lat(2)},
		fixture.Series{Name: "cleanup", Phase: -1, Spec: lat(3)},
	)
	planned := []reporters.PhaseInfo{{Name: "warm", Duration: time.Minute}, {Name: "ramp", Duration: 2 * time.Minute}, {Name: "idle", Duration: 30 * time.Second}}

	type want struct {
		index    int
		name     string
		names    []string
		count    int64
		duration time.Duration
	}
	base := []want{
		{0, "warm", []string{"/a", "/b"}, 15, 0},
		{1, "ramp", []string{"/a"}, 40, 0},
		{2, "idle", nil, 0, 0},
		{-1, "before", []string{"login"}, 1, 0},
		{-1, "after", []string{"logout"}, 2, 0},
		{-1, "before/after", []string{"cleanup"}, 3, 0},
	}
	withDur := func(ds ...time.Duration) []want {
		out := append([]want(nil), base...)
		for i, d := range ds {
			out[i].duration = d
		}
		return out
	}
	tests := []struct {
		name        string
		durations   []time.Duration
		interrupted bool
		planned     []reporters.PhaseInfo
		want        []want
	}{
		// No durations anywhere: every phase's duration is unknown.
		{name: "unknown durations", want: withDur()},
		// Actual durations from the summary.
		{name: "actual", durations: []time.Duration{50 * time.Second, 70 * time.Second, 0}, want: withDur(50*time.Second, 70*time.Second)},
		// The plan fills the gaps when the run followed it.
		{name: "planned fallback", durations: []time.Duration{50 * time.Second}, planned: planned, want: withDur(50*time.Second, 2*time.Minute, 30*time.Second)},
		// An interrupted run did not follow the plan: no fallback.
		{name: "interrupted", durations: []time.Duration{50 * time.Second}, interrupted: true, planned: planned, want: withDur(50 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := *sum
			s.PhaseDurations = tt.durations
			s.Interrupted = tt.interrupted
			got := reporters.Phases(&s, tt.planned)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d phases, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Index != w.index || g.Name != w.name || g.Duration != w.duration || g.Total.Count != w.count {
					t.Errorf("phase %d = {%d %q %v count %d}, want {%d %q %v count %d}",
						i, g.Index, g.Name, g.Duration, g.Total.Count, w.index, w.name, w.duration, w.count)
				}
				var names []string
				for _, s := range g.Series {
					names = append(names, s.Series.Name)
				}
				if len(names) != len(w.names) || (len(names) > 0 && !equal(names, w.names)) {
					t.Errorf("phase %d series %q, want %q", i, names, w.names)
				}
				if g.Total.Latency == nil || g.Total.Latency.TotalCount() != w.count {
					t.Errorf("phase %d total histogram does not hold its %d samples", i, w.count)
				}
			}
		})
	}
}

func TestPhasesMergesHistograms(t *testing.T) {
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	fast := fixture.Ramp(90, time.Millisecond, 2*time.Millisecond)
	slow := fixture.Ramp(10, time.Second, 2*time.Second)
	sum := fixture.Summary(start, time.Minute, []string{"only"},
		fixture.Series{Name: "/fast", Phase: 0, Spec: fixture.Spec{Latencies: fast}},
		fixture.Series{Name: "/slow", Phase: 0, Spec: fixture.Spec{Latencies: slow}})
	got := reporters.Phases(sum, nil)[0]
	// The p95 of the merge lies among the slow requests; an average of the
	// two series' p95s would not.
	want := fixture.Histogram(append(fast, slow...)...).ValueAtQuantile(95)
	if p95 := got.Total.Percentile(95); p95 != us(want) {
		t.Errorf("merged p95 = %v, want %v", p95, us(want))
	}
}

func TestPhasesEmptySummary(t *testing.T) {
	got := reporters.Phases(&metrics.Summary{}, nil)
	if len(got) != 0 {
		t.Errorf("got %d phases for an empty summary, want 0", len(got))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
