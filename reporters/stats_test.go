package reporters_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/internal/fixture"
	"github.com/loadgo/loadgo/runner/metrics"
)

// us converts a histogram value to a Duration.
func us(v int64) time.Duration { return time.Duration(v) * time.Microsecond }

func TestLatencyOf(t *testing.T) {
	ramp := fixture.Stats(fixture.Spec{Latencies: fixture.Ramp(1000, time.Millisecond, 1000*time.Millisecond)})
	single := fixture.Stats(fixture.Spec{Latencies: []time.Duration{1500 * time.Microsecond}})
	empty := fixture.Stats(fixture.Spec{})
	tests := []struct {
		name  string
		stats *metrics.Stats
		empty bool
	}{
		// A wide spread: every statistic differs and must come from the
		// right quantile.
		{name: "ramp", stats: &ramp},
		// One value: every statistic is that value (HDR-rounded).
		{name: "single", stats: &single},
		// No samples: the zero Latency, whose Count says "no data".
		{name: "empty", stats: &empty, empty: true},
		// No histograms at all (a hand-made Stats) is also "no data".
		{name: "nil histograms", stats: &metrics.Stats{Count: 3}, empty: true},
		// A nil Stats does not panic.
		{name: "nil stats", stats: nil, empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reporters.LatencyOf(tt.stats)
			if tt.empty {
				if got != (reporters.Latency{}) {
					t.Fatalf("got %+v, want zero", got)
				}
				return
			}
			h := tt.stats.Latency
			want := reporters.Latency{
				Count: h.TotalCount(),
				Min:   us(h.Min()),
				Mean:  time.Duration(math.Round(h.Mean() * float64(time.Microsecond))),
				P50:   us(h.ValueAtQuantile(50)),
				P90:   us(h.ValueAtQuantile(90)),
				P95:   us(h.ValueAtQuantile(95)),
				P99:   us(h.ValueAtQuantile(99)),
				P999:  us(h.ValueAtQuantile(99.9)),
				Max:   us(h.Max()),
			}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if got.P50 > got.P90 || got.P90 > got.P95 || got.P95 > got.P99 || got.P99 > got.P999 || got.P999 > got.Max || got.Min > got.P50 {
				t.Errorf("statistics out of order: %+v", got)
			}
		})
	}
}

func TestIntendedOf(t *testing.T) {
	lat := fixture.Ramp(100, 10*time.Millisecond, 20*time.Millisecond)
	open := fixture.Stats(fixture.Spec{Latencies: lat, Wait: 50 * time.Millisecond})
	shared := fixture.Stats(fixture.Spec{Latencies: lat})
	shared.Intended = shared.Latency
	nilIntended := fixture.Stats(fixture.Spec{Latencies: lat})
	nilIntended.Intended = nil
	tests := []struct {
		name  string
		stats *metrics.Stats
		// want is the histogram the result must be read from.
		wantFrom func(s *metrics.Stats) reporters.Latency
	}{
		// Open model: the intended view is its own, larger, histogram.
		{name: "open model", stats: &open, wantFrom: fromHist(open.Intended)},
		// Closed model, shared histogram: the same values as Latency.
		{name: "shared", stats: &shared, wantFrom: reporters.LatencyOf},
		// A nil Intended reads as Latency, as in package metrics.
		{name: "nil intended", stats: &nilIntended, wantFrom: reporters.LatencyOf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reporters.IntendedOf(tt.stats)
			if want := tt.wantFrom(tt.stats); got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
	if got := reporters.IntendedOf(&open); got.Min < 60*time.Millisecond-60*time.Microsecond {
		t.Errorf("open model intended min %v does not include the 50ms wait", got.Min)
	}
}

// fromHist summarises h directly, independently of the Stats methods.
func fromHist(h interface {
	TotalCount() int64
	Min() int64
	Max() int64
	Mean() float64
	ValueAtQuantile(float64) int64
}) func(*metrics.Stats) reporters.Latency {
	return func(*metrics.Stats) reporters.Latency {
		return reporters.Latency{
			Count: h.TotalCount(),
			Min:   us(h.Min()),
			Mean:  time.Duration(math.Round(h.Mean() * float64(time.Microsecond))),
			P50:   us(h.ValueAtQuantile(50)),
			P90:   us(h.ValueAtQuantile(90)),
			P95:   us(h.ValueAtQuantile(95)),
			P99:   us(h.ValueAtQuantile(99)),
			P999:  us(h.ValueAtQuantile(99.9)),
			Max:   us(h.Max()),
		}
	}
}

func TestHasIntended(t *testing.T) {
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	lat := fixture.Ramp(50, time.Millisecond, 5*time.Millisecond)
	closed := fixture.Summary(start, time.Minute, []string{"p"},
		fixture.Series{Name: "a", Spec: fixture.Spec{Latencies: lat}})
	open := fixture.Summary(start, time.Minute, []string{"p"},
		fixture.Series{Name: "a", Spec: fixture.Spec{Latencies: lat}},
		fixture.Series{Name: "b", Spec: fixture.Spec{Latencies: lat, Wait: 30 * time.Millisecond}})
	shared := fixture.Summary(start, time.Minute, []string{"p"},
		fixture.Series{Name: "a", Spec: fixture.Spec{Latencies: lat}})
	shared.Total.Intended = shared.Total.Latency
	shared.ByName[0].Intended = nil
	tests := []struct {
		name string
		sum  *metrics.Summary
		want bool
	}{
		// Same values in both views: nothing to show.
		{name: "closed model", sum: closed, want: false},
		// One series waited before sending: the intended view matters.
		{name: "open model", sum: open, want: true},
		// Shared or nil Intended histograms mean "same as latency".
		{name: "shared and nil", sum: shared, want: false},
		// An empty run has nothing to show.
		{name: "empty", sum: fixture.Summary(start, 0, nil), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reporters.HasIntended(tt.sum); got != tt.want {
				t.Errorf("HasIntended = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		d    time.Duration
		want float64
	}{
		// The plain case.
		{name: "per second", n: 300, d: time.Minute, want: 5},
		// Sub-second runs scale up.
		{name: "short run", n: 5, d: 500 * time.Millisecond, want: 10},
		// A zero duration gives 0, not Inf or NaN.
		{name: "zero duration", n: 5, d: 0, want: 0},
		// A negative duration (clock trouble) also gives 0.
		{name: "negative duration", n: 5, d: -time.Second, want: 0},
		// No requests over a real duration is a rate of 0.
		{name: "no requests", n: 0, d: time.Second, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reporters.Rate(tt.n, tt.d); got != tt.want {
				t.Errorf("Rate(%d, %v) = %v, want %v", tt.n, tt.d, got, tt.want)
			}
		})
	}
}

func TestRunDuration(t *testing.T) {
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		sum  metrics.Summary
		want time.Duration
	}{
		// Duration wins when set.
		{name: "duration", sum: metrics.Summary{Start: start, End: start.Add(time.Hour), Duration: time.Minute}, want: time.Minute},
		// Without it, End minus Start.
		{name: "from bounds", sum: metrics.Summary{Start: start, End: start.Add(90 * time.Second)}, want: 90 * time.Second},
		// End before Start never gives a negative duration.
		{name: "inverted bounds", sum: metrics.Summary{Start: start.Add(time.Second), End: start}, want: 0},
		// The zero summary lasts 0.
		{name: "zero", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reporters.RunDuration(&tt.sum); got != tt.want {
				t.Errorf("RunDuration = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStatusAndErrorCounts(t *testing.T) {
	s := fixture.Stats(fixture.Spec{
		Latencies: fixture.Ramp(10, time.Millisecond, 2*time.Millisecond),
		Status:    map[int]int64{503: 1, 200: 7, 404: 2, 302: 0},
		Errors:    map[metrics.ErrorKind]int64{metrics.ErrStatus: 3, metrics.ErrTimeout: 2},
	})
	wantCodes := []reporters.StatusCount{{200, 7}, {404, 2}, {503, 1}}
	if got := reporters.StatusCounts(&s); !slices.Equal(got, wantCodes) {
		t.Errorf("StatusCounts = %v, want %v (sorted, zero counts dropped)", got, wantCodes)
	}
	wantKinds := []reporters.KindCount{{metrics.ErrTimeout, 2}, {metrics.ErrStatus, 3}}
	if got := reporters.ErrorCounts(&s); !slices.Equal(got, wantKinds) {
		t.Errorf("ErrorCounts = %v, want %v (kind order, non-zero only)", got, wantKinds)
	}
	var empty metrics.Stats
	if got := reporters.StatusCounts(&empty); len(got) != 0 {
		t.Errorf("StatusCounts of empty stats = %v, want none", got)
	}
	if got := reporters.ErrorCounts(&empty); len(got) != 0 {
		t.Errorf("ErrorCounts of empty stats = %v, want none", got)
	}
}

func TestFailedThresholds(t *testing.T) {
	sum := &metrics.Summary{Thresholds: []metrics.ThresholdResult{
		{Name: "a", Passed: true}, {Name: "b"}, {Name: "c"}, {Name: "d", Passed: true},
	}}
	if got := reporters.FailedThresholds(sum); got != 2 {
		t.Errorf("FailedThresholds = %d, want 2", got)
	}
	if got := reporters.FailedThresholds(&metrics.Summary{}); got != 0 {
		t.Errorf("FailedThresholds without thresholds = %d, want 0", got)
	}
}

func TestNames(t *testing.T) {
	ss := []metrics.SeriesStats{
		{Series: metrics.Series{Name: "/a", Protocol: "http"}},
		{Series: metrics.Series{Name: "/feed", Protocol: "http"}},
		{Series: metrics.Series{Name: "/feed", Protocol: "sse"}},
	}
	want := []string{"/a", "/feed (http)", "/feed (sse)"}
	if got := reporters.Names(ss); !slices.Equal(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
}
