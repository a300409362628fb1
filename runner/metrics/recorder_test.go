package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// newRig registers n series in phase 0 and returns a recorder with shards
// shards and an aggregator over it.
func newRig(n, shards int) (*metrics.Recorder, *metrics.Aggregator, []metrics.SeriesID) {
	reg := metrics.NewRegistry()
	ids := make([]metrics.SeriesID, n)
	for i := range ids {
		ids[i] = reg.Register(string(rune('a'+i)), 0, "main", "http")
	}
	rec := metrics.NewRecorder(reg, shards)
	return rec, metrics.NewAggregator(rec, t0), ids
}

func TestRecordCounters(t *testing.T) {
	tests := []struct {
		name    string
		samples []metrics.Sample
		check   func(t *testing.T, st *metrics.Stats)
	}{
		{
			// Successful samples: counts, bytes and status, no errors.
			name: "successes",
			samples: []metrics.Sample{
				{Latency: time.Millisecond, Status: 200, BytesIn: 100, BytesOut: 10},
				{Latency: 2 * time.Millisecond, Status: 204, BytesIn: 1, BytesOut: 2},
			},
			check: func(t *testing.T, st *metrics.Stats) {
				want(t, "Count", st.Count, 2)
				want(t, "Errors", st.Errors, 0)
				want(t, "BytesIn", st.BytesIn, 101)
				want(t, "BytesOut", st.BytesOut, 12)
				want(t, "Status[200]", st.Status[200], 1)
				want(t, "Status[204]", st.Status[204], 1)
			},
		},
		{
			// Every error kind is counted under its own kind.
			name: "error kinds",
			samples: []metrics.Sample{
				{Latency: time.Millisecond, Err: metrics.ErrTimeout},
				{Latency: time.Millisecond, Err: metrics.ErrTimeout},
				{Latency: time.Millisecond, Err: metrics.ErrRefused},
				{Latency: time.Millisecond, Status: 500, Err: metrics.ErrStatus},
				{Latency: time.Millisecond, Status: 200},
			},
			check: func(t *testing.T, st *metrics.Stats) {
				want(t, "Count", st.Count, 5)
				want(t, "Errors", st.Errors, 4)
				want(t, "timeout", st.ErrorsByKind[metrics.ErrTimeout], 2)
				want(t, "refused", st.ErrorsByKind[metrics.ErrRefused], 1)
				want(t, "status", st.ErrorsByKind[metrics.ErrStatus], 1)
				want(t, "none", st.ErrorsByKind[metrics.ErrNone], 0)
			},
		},
		{
			// An unknown error kind counts as "other", not out of bounds.
			name:    "unknown kind",
			samples: []metrics.Sample{{Latency: time.Millisecond, Err: metrics.NumErrorKinds + 3}},
			check: func(t *testing.T, st *metrics.Stats) {
				want(t, "Errors", st.Errors, 1)
				want(t, "other", st.ErrorsByKind[metrics.ErrOther], 1)
			},
		},
		{
			// Status 0 (no response) is not a status; out-of-range codes
			// share one key; 1..599 are kept as they are.
			name: "status slots",
			samples: []metrics.Sample{
				{Latency: time.Millisecond, Status: 0, Err: metrics.ErrRefused},
				{Latency: time.Millisecond, Status: 600},
				{Latency: time.Millisecond, Status: -1},
				{Latency: time.Millisecond, Status: 1_000_000},
				{Latency: time.Millisecond, Status: 599},
				{Latency: time.Millisecond, Status: 1},
			},
			check: func(t *testing.T, st *metrics.Stats) {
				want(t, "Status[0]", st.Status[0], 0)
				want(t, "Status[out of range]", st.Status[metrics.StatusOutOfRange], 3)
				want(t, "Status[599]", st.Status[599], 1)
				want(t, "Status[1]", st.Status[1], 1)
				want(t, "len(Status)", int64(len(st.Status)), 3)
			},
		},
		{
			// Values above MaxTrackable are recorded as it and counted once
			// per sample, whichever of latency and intended was too large.
			name: "clamping",
			samples: []metrics.Sample{
				{Latency: 2 * time.Hour},
				{Latency: time.Second, Intended: 3 * time.Hour},
				{Latency: 2 * time.Hour, Intended: 3 * time.Hour},
				{Latency: metrics.MaxTrackable},
			},
			check: func(t *testing.T, st *metrics.Stats) {
				want(t, "Clamped", st.Clamped, 3)
				if st.Max() < metrics.MaxTrackable || st.Max() > metrics.MaxTrackable+metrics.MaxTrackable/1000 {
					t.Errorf("Max = %v, want MaxTrackable within precision", st.Max())
				}
				if st.IntendedMax() < metrics.MaxTrackable || st.IntendedMax() > metrics.MaxTrackable+metrics.MaxTrackable/1000 {
					t.Errorf("IntendedMax = %v, want MaxTrackable within precision", st.IntendedMax())
				}
				want(t, "latency count", st.Latency.TotalCount(), 4)
			},
		},
		{
			// Sub-microsecond latencies record as 1 µs.
			name:    "sub-microsecond",
			samples: []metrics.Sample{{Latency: 0}, {Latency: 999 * time.Nanosecond}},
			check: func(t *testing.T, st *metrics.Stats) {
				if st.Min() != time.Microsecond || st.Max() != time.Microsecond {
					t.Errorf("min, max = %v, %v, want 1µs", st.Min(), st.Max())
				}
			},
		},
		{
			// Without intended times, Intended is the latency histogram itself.
			name:    "intended shared",
			samples: []metrics.Sample{{Latency: 10 * time.Microsecond}, {Latency: 20 * time.Microsecond}},
			check: func(t *testing.T, st *metrics.Stats) {
				if st.Intended != st.Latency {
					t.Error("Intended is not shared with Latency")
				}
				want(t, "intended p100", int64(st.IntendedPercentile(100)), int64(20*time.Microsecond))
			},
		},
		{
			// Intended == 0 means "same as latency" even after a sample with a
			// distinct intended start, before or after it.
			name: "intended mixed",
			samples: []metrics.Sample{
				{Latency: 10 * time.Microsecond},
				{Latency: 20 * time.Microsecond, Intended: 500 * time.Microsecond},
				{Latency: 30 * time.Microsecond},
			},
			check: func(t *testing.T, st *metrics.Stats) {
				if !st.Intended.Equals(histOf(t, []int64{10, 500, 30})) {
					t.Error("Intended histogram is not {10, 500, 30} µs")
				}
				if !st.Latency.Equals(histOf(t, []int64{10, 20, 30})) {
					t.Error("Latency histogram is not {10, 20, 30} µs")
				}
			},
		},
	}
	for _, tt := range tests {
		// One shard, and samples spread over shards: merging must not matter.
		for _, shards := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d shards", tt.name, shards), func(t *testing.T) {
				rec, agg, ids := newRig(1, shards)
				for i := range tt.samples {
					rec.Shard(i).Record(ids[0], &tt.samples[i])
				}
				snap := agg.Collect(t0.Add(1*time.Second), 0, "main", metrics.VUStats{})
				if len(snap.Series) != 1 {
					t.Fatalf("snapshot has %d series, want 1", len(snap.Series))
				}
				tt.check(t, &snap.Series[0].Stats)
			})
		}
	}
}

func want(t *testing.T, what string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

func TestRecorderShardModulo(t *testing.T) {
	rec, _, _ := newRig(1, 4)
	tests := []struct {
		name string
		i, j int
	}{
		// Indexes wrap around the shard count.
		{name: "wrap", i: 1, j: 5},
		// Negative indexes wrap too instead of panicking.
		{name: "negative", i: -1, j: 3},
		// Large indexes.
		{name: "large", i: 1 << 40, j: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec.Shard(tt.i) != rec.Shard(tt.j) {
				t.Errorf("Shard(%d) != Shard(%d)", tt.i, tt.j)
			}
		})
	}
	if rec.Shard(0) == rec.Shard(1) {
		t.Error("shards 0 and 1 are the same")
	}
	if rec.NumShards() != 4 {
		t.Errorf("NumShards = %d", rec.NumShards())
	}
	// At least one shard, whatever is asked for.
	if r, _, _ := newRig(1, 0); r.NumShards() != 1 {
		t.Errorf("NumShards with 0 requested = %d, want 1", r.NumShards())
	}
}

func TestRecordUnknownSeriesPanics(t *testing.T) {
	// A series registered after NewRecorder has no accumulator: a
	// programming error that must not be silently dropped.
	reg := metrics.NewRegistry()
	reg.Register("a", 0, "p", "http")
	rec := metrics.NewRecorder(reg, 1)
	late := reg.Register("b", 0, "p", "http")
	defer func() {
		if recover() == nil {
			t.Fatal("Record of an unknown series did not panic")
		}
	}()
	rec.Shard(0).Record(late, &metrics.Sample{Latency: time.Millisecond})
}

func TestRecordAllocs(t *testing.T) {
	rec, agg, ids := newRig(2, 2)
	sh := rec.Shard(0)
	smp := metrics.Sample{Latency: 1234 * time.Microsecond, Intended: 2 * time.Millisecond, Status: 200, BytesIn: 512}
	// Warm both accumulator sets: the first sample of a series in a set
	// attaches its histograms.
	for range 2 {
		sh.Record(ids[0], &smp)
		agg.Collect(t0.Add(1*time.Second), 0, "main", metrics.VUStats{})
	}
	if n := testing.AllocsPerRun(1000, func() { sh.Record(ids[0], &smp) }); n != 0 {
		t.Fatalf("Record allocates %v times per call, want 0", n)
	}
	// Errors, other statuses and other series are no different. (That the
	// first sample of a newly active series reuses released histograms is
	// checked in TestIdleSeriesReleaseHistograms.)
	other := metrics.Sample{Latency: time.Millisecond, Status: 500, Err: metrics.ErrStatus}
	sh.Record(ids[1], &other)
	if n := testing.AllocsPerRun(1000, func() { sh.Record(ids[1], &other) }); n != 0 {
		t.Fatalf("Record of an error allocates %v times per call, want 0", n)
	}
}

func BenchmarkRecord(b *testing.B) {
	rec, _, ids := newRig(4, 1)
	sh := rec.Shard(0)
	smp := metrics.Sample{Latency: 1234 * time.Microsecond, Status: 200, BytesIn: 512, BytesOut: 64}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		smp.Latency = time.Duration(1000+i&0xffff) * time.Microsecond
		sh.Record(ids[i&3], &smp)
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	rec, _, ids := newRig(4, 64)
	var next atomicCounter
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		sh := rec.Shard(next.inc()) // one shard per goroutine
		smp := metrics.Sample{Latency: 1234 * time.Microsecond, Status: 200, BytesIn: 512, BytesOut: 64}
		i := 0
		for pb.Next() {
			smp.Latency = time.Duration(1000+i&0xffff) * time.Microsecond
			sh.Record(ids[i&3], &smp)
			i++
		}
	})
}
