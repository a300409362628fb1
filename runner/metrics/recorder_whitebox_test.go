package metrics

import (
	"testing"
	"time"
)

func TestIdleSeriesReleaseHistograms(t *testing.T) {
	reg := NewRegistry()
	a := reg.Register("a", 0, "p", "http")
	b := reg.Register("b", 0, "p", "http")
	rec := NewRecorder(reg, 1)
	agg := NewAggregator(rec, time.Time{})
	sh := rec.Shard(0)
	collect := func() { agg.Collect(time.Time{}, 0, "p", VUStats{}) }
	smp := &Sample{Latency: time.Millisecond, Intended: 2 * time.Millisecond, Status: 200}

	// Series a records in both accumulator sets, which attach histograms.
	first := sh.cur
	sh.Record(a, smp)
	collect()
	second := sh.cur
	sh.Record(a, smp)
	collect()
	hFirst, hSecond := first.acc[a].h, second.acc[a].h
	if hFirst == nil || hSecond == nil || hFirst == hSecond {
		t.Fatal("each set should hold its own histograms for a")
	}
	// A series that recorded in the interval keeps its histograms.
	if len(first.free) != 0 || len(second.free) != 0 {
		t.Fatal("histograms released while still in use")
	}

	// a stays idle for a whole interval in each set: both release it.
	collect() // drains first
	collect() // drains second
	if first.acc[a].h != nil || second.acc[a].h != nil || len(first.free) != 1 || len(second.free) != 1 {
		t.Fatal("idle series' histograms were not released")
	}

	// b's first sample takes a's released histograms, reset, instead of
	// allocating new ones.
	if sh.cur != first {
		t.Fatal("unexpected current set")
	}
	sh.Record(b, &Sample{Latency: 5 * time.Millisecond})
	h := first.acc[b].h
	if h != hFirst || len(first.free) != 0 {
		t.Fatal("b did not reuse the released histograms")
	}
	if h.lat.TotalCount() != 1 || h.distinct || h.status[200] != 0 {
		t.Fatal("reused histograms were not reset")
	}
	// The reused, reset intended histogram is used again when needed.
	sh.Record(b, smp)
	if !h.distinct || h.intended.TotalCount() != 2 {
		t.Fatalf("intended after divergence has %d values, want 2", h.intended.TotalCount())
	}
}

func TestStatusSlot(t *testing.T) {
	tests := []struct {
		code, want int
	}{
		{0, 0},                      // no response: the unused slot
		{1, 1},                      // the lowest kept code
		{200, 200},                  // ordinary
		{599, 599},                  // the highest kept code
		{600, StatusOutOfRange},     // just above
		{-5, StatusOutOfRange},      // negative
		{1 << 40, StatusOutOfRange}, // huge
	}
	for _, tt := range tests {
		if got := statusSlot(tt.code); got != tt.want {
			t.Errorf("statusSlot(%d) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

func TestMicros(t *testing.T) {
	tests := []struct {
		d       time.Duration
		want    int64
		clamped bool
	}{
		{0, 1, false},                          // zero records as the lowest value
		{-time.Second, 1, false},               // a backwards clock too
		{999 * time.Nanosecond, 1, false},      // sub-microsecond
		{1999 * time.Nanosecond, 1, false},     // truncated, not rounded
		{1500 * time.Microsecond, 1500, false}, // ordinary
		{MaxTrackable, histHighest, false},     // the maximum is in range
		{MaxTrackable + time.Microsecond, histHighest, true},
		{1<<63 - 1, histHighest, true}, // the largest Duration
	}
	for _, tt := range tests {
		got, clamped := micros(tt.d)
		if got != tt.want || clamped != tt.clamped {
			t.Errorf("micros(%v) = %d, %v, want %d, %v", tt.d, got, clamped, tt.want, tt.clamped)
		}
	}
}
