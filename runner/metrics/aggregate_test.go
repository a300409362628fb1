package metrics_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestConcurrentRecordAndCollect(t *testing.T) {
	const (
		goroutines = 16
		perG       = 3000
		shards     = 4
		nSeries    = 3
	)
	rec, agg, ids := newRig(nSeries, shards)

	// What every goroutine will record, decided up front so the expected
	// histograms can be built directly from the same values.
	type obs struct {
		series      int
		lat, intend int64 // µs; intend 0 means none
		status      int
		errored     bool
	}
	plans := make([][]obs, goroutines)
	wantLat := make([][]int64, nSeries)
	wantIn := make([][]int64, nSeries)
	var allLat, allIn []int64
	for g := range plans {
		rng := rand.New(rand.NewPCG(uint64(g), 99))
		lats := randomMicros(rng, perG)
		for _, l := range lats {
			o := obs{series: rng.IntN(nSeries), lat: l, status: 200}
			if rng.IntN(3) == 0 { // an open-model arrival that waited
				o.intend = l + int64(rng.IntN(5000))
			}
			if rng.IntN(10) == 0 {
				o.status, o.errored = 503, true
			}
			plans[g] = append(plans[g], o)
			in := o.lat
			if o.intend != 0 {
				in = o.intend
			}
			wantLat[o.series] = append(wantLat[o.series], o.lat)
			wantIn[o.series] = append(wantIn[o.series], in)
			allLat, allIn = append(allLat, o.lat), append(allIn, in)
		}
	}

	var snaps []*metrics.Snapshot
	done := make(chan struct{})
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for i := 1; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			snaps = append(snaps, agg.Collect(t0.Add(time.Duration(i)*time.Millisecond), 0, "main", metrics.VUStats{}))
		}
	}()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			sh := rec.Shard(g)
			for _, o := range plans[g] {
				smp := metrics.Sample{Latency: us(o.lat), Intended: us(o.intend), Status: o.status, BytesIn: 1}
				if o.errored {
					smp.Err = metrics.ErrStatus
				}
				sh.Record(ids[o.series], &smp)
			}
		})
	}
	wg.Wait()
	close(done)
	<-collected
	snaps = append(snaps, agg.Collect(t0.Add(time.Hour), 0, "main", metrics.VUStats{}))
	sum := agg.Summary(t0.Add(time.Hour), metrics.VUStats{}, []string{"main"})

	// Every sample is in exactly one snapshot.
	var snapCount int64
	perSeries := make([]int64, nSeries)
	merged := metrics.NewStats()
	for _, s := range snaps {
		snapCount += s.Total.Count
		for _, ss := range s.Series {
			perSeries[ss.Series.ID] += ss.Count
		}
		merged.Merge(&s.Total)
	}
	total := int64(goroutines * perG)
	if snapCount != total {
		t.Fatalf("snapshot counts sum to %d, want %d (over %d snapshots)", snapCount, total, len(snaps))
	}
	for i := range nSeries {
		if perSeries[i] != int64(len(wantLat[i])) {
			t.Errorf("series %d: snapshot counts sum to %d, want %d", i, perSeries[i], len(wantLat[i]))
		}
	}
	// Merging every interval gives the run's distribution exactly.
	if !merged.Latency.Equals(histOf(t, allLat)) || !merged.Intended.Equals(histOf(t, allIn)) {
		t.Error("merged snapshot histograms differ from the recorded values")
	}

	// The summary equals histograms built directly from the values.
	if sum.Total.Count != total || sum.Total.BytesIn != total {
		t.Errorf("summary Count, BytesIn = %d, %d, want %d", sum.Total.Count, sum.Total.BytesIn, total)
	}
	if sum.Total.Status[200]+sum.Total.Status[503] != total || sum.Total.Errors != sum.Total.Status[503] {
		t.Errorf("summary status %v, errors %d inconsistent", sum.Total.Status, sum.Total.Errors)
	}
	samePercentiles(t, "summary total", &sum.Total, histOf(t, allLat))
	if !sum.Total.Intended.Equals(histOf(t, allIn)) {
		t.Error("summary total intended histogram differs from the recorded values")
	}
	if len(sum.Series) != nSeries {
		t.Fatalf("summary has %d series, want %d", len(sum.Series), nSeries)
	}
	for _, ss := range sum.Series {
		samePercentiles(t, "summary series "+ss.Series.Name, &ss.Stats, histOf(t, wantLat[ss.Series.ID]))
		if !ss.Intended.Equals(histOf(t, wantIn[ss.Series.ID])) {
			t.Errorf("series %s: intended histogram differs", ss.Series.Name)
		}
	}
}

func TestCollectSnapshotFields(t *testing.T) {
	rec, agg, ids := newRig(3, 2)
	vus := metrics.VUStats{Active: 3, Created: 10, Completed: 7}

	// Interval 1: series 2 and 0 have samples, series 1 none.
	rec.Shard(0).Record(ids[2], &metrics.Sample{Latency: time.Millisecond})
	rec.Shard(1).Record(ids[0], &metrics.Sample{Latency: 2 * time.Millisecond})
	rec.Shard(1).Record(ids[0], &metrics.Sample{Latency: 3 * time.Millisecond})
	s1 := agg.Collect(t0.Add(time.Second), 0, "warm", vus)
	// Interval 2: nothing.
	s2 := agg.Collect(t0.Add(2*time.Second), 1, "ramp", metrics.VUStats{})

	tests := []struct {
		name      string
		snap      *metrics.Snapshot
		seq       int
		start     time.Time
		elapsed   time.Duration
		phase     int
		phaseName string
		vus       metrics.VUStats
		series    []metrics.SeriesID
		total     int64
	}{
		// Series with samples only, by ID; the first interval starts at the run's start.
		{name: "first", snap: s1, seq: 0, start: t0, elapsed: time.Second, phase: 0, phaseName: "warm",
			vus: vus, series: []metrics.SeriesID{ids[0], ids[2]}, total: 3},
		// An empty interval has no series and an empty (non-nil) total; it
		// starts where the previous ended.
		{name: "empty", snap: s2, seq: 1, start: t0.Add(time.Second), elapsed: 2 * time.Second, phase: 1, phaseName: "ramp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.snap
			if s.Seq != tt.seq || !s.Start.Equal(tt.start) || s.Elapsed != tt.elapsed ||
				s.Phase != tt.phase || s.PhaseName != tt.phaseName || s.VUs != tt.vus {
				t.Errorf("snapshot = seq %d start %v elapsed %v phase %d %q vus %+v", s.Seq, s.Start, s.Elapsed, s.Phase, s.PhaseName, s.VUs)
			}
			var got []metrics.SeriesID
			for _, ss := range s.Series {
				got = append(got, ss.Series.ID)
				if ss.Latency == nil || ss.Intended == nil {
					t.Errorf("series %d has nil histograms", ss.Series.ID)
				}
			}
			if !slices.Equal(got, tt.series) {
				t.Errorf("series = %v, want %v", got, tt.series)
			}
			if s.Total.Count != tt.total || s.Total.Latency == nil || s.Total.Intended == nil ||
				s.Total.Latency.TotalCount() != tt.total {
				t.Errorf("total count %d (histogram non-nil: %v), want %d", s.Total.Count, s.Total.Latency != nil, tt.total)
			}
		})
	}
}

func TestSnapshotsAreIndependent(t *testing.T) {
	rec, agg, ids := newRig(1, 1)
	rec.Shard(0).Record(ids[0], &metrics.Sample{Latency: time.Millisecond, Status: 200})
	s1 := agg.Collect(t0.Add(time.Second), 0, "main", metrics.VUStats{})
	saved := s1.Series[0].Stats.Clone()
	savedTotal := s1.Total.Clone()

	// Later samples reuse the shard's accumulators and the run totals.
	for range 3 {
		rec.Shard(0).Record(ids[0], &metrics.Sample{Latency: time.Second, Status: 500})
		agg.Collect(t0.Add(2*time.Second), 0, "main", metrics.VUStats{})
	}
	agg.Summary(t0.Add(3*time.Second), metrics.VUStats{}, nil)

	got := s1.Series[0]
	if got.Count != 1 || !got.Latency.Equals(saved.Latency) || !got.Intended.Equals(saved.Intended) ||
		got.Status[200] != 1 || len(got.Status) != 1 {
		t.Error("a published snapshot's series changed after later collects")
	}
	if !s1.Total.Latency.Equals(savedTotal.Latency) || s1.Total.Count != 1 {
		t.Error("a published snapshot's total changed after later collects")
	}
}

func TestSummary(t *testing.T) {
	reg := metrics.NewRegistry()
	login0 := reg.Register("login", -1, "", "http") // before flow
	home0 := reg.Register("home", 0, "warm", "http")
	login1 := reg.Register("login", 0, "warm", "http")
	home1 := reg.Register("home", 1, "ramp", "http")
	unused := reg.Register("unused", 1, "ramp", "http")
	rec := metrics.NewRecorder(reg, 2)
	agg := metrics.NewAggregator(rec, t0)

	rec.Shard(0).Record(login0, &metrics.Sample{Latency: us(100), Status: 200})
	rec.Shard(0).Record(home0, &metrics.Sample{Latency: us(200), Status: 200})
	rec.Shard(1).Record(login1, &metrics.Sample{Latency: us(300), Status: 401, Err: metrics.ErrStatus})
	agg.Collect(t0.Add(time.Second), 0, "warm", metrics.VUStats{})
	rec.Shard(1).Record(home1, &metrics.Sample{Latency: us(400), Intended: us(900), Status: 200})
	rec.Shard(0).Record(home1, &metrics.Sample{Latency: 2 * time.Hour, Status: 200})
	agg.Collect(t0.Add(2*time.Second), 1, "ramp", metrics.VUStats{})

	vus := metrics.VUStats{Created: 5, Completed: 3, Failed: 1, Dropped: 2}
	phases := []string{"warm", "ramp"}
	sum := agg.Summary(t0.Add(90*time.Second), vus, phases)
	phases[0] = "changed"

	if !sum.Start.Equal(t0) || sum.Duration != 90*time.Second || sum.VUs != vus || !sum.Passed ||
		!slices.Equal(sum.Phases, []string{"warm", "ramp"}) || sum.Interrupted || len(sum.Thresholds) != 0 {
		t.Errorf("summary header = start %v duration %v vus %+v passed %v phases %v", sum.Start, sum.Duration, sum.VUs, sum.Passed, sum.Phases)
	}

	// Series: by ID, only those with samples.
	var gotIDs []metrics.SeriesID
	for _, ss := range sum.Series {
		gotIDs = append(gotIDs, ss.Series.ID)
	}
	if want := []metrics.SeriesID{login0, home0, login1, home1}; !slices.Equal(gotIDs, want) {
		t.Errorf("Series IDs = %v, want %v (not %d)", gotIDs, want, unused)
	}

	tests := []struct {
		name     string
		count    int64
		errors   int64
		lat      []int64
		intended []int64
	}{
		// Merged over phase -1 and phase 0, in first-registered order.
		{name: "login", count: 2, errors: 1, lat: []int64{100, 300}, intended: []int64{100, 300}},
		// One clamped sample; the intended view diverged in phase 1 only.
		{name: "home", count: 3, lat: []int64{200, 400, 3_600_000_000}, intended: []int64{200, 900, 3_600_000_000}},
	}
	if len(sum.ByName) != len(tests) {
		t.Fatalf("ByName has %d entries, want %d", len(sum.ByName), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sum.ByName[i]
			if got.Series.Name != tt.name || got.Series.Phase != -1 || got.Series.ID != -1 || got.Series.Protocol != "http" {
				t.Errorf("ByName[%d].Series = %+v", i, got.Series)
			}
			if got.Count != tt.count || got.Errors != tt.errors {
				t.Errorf("count, errors = %d, %d, want %d, %d", got.Count, got.Errors, tt.count, tt.errors)
			}
			if !got.Latency.Equals(histOf(t, tt.lat)) || !got.Intended.Equals(histOf(t, tt.intended)) {
				t.Error("histograms differ from the recorded values")
			}
		})
	}

	if sum.Total.Count != 5 || sum.Total.Clamped != 1 || sum.Total.Status[200] != 4 || sum.Total.Status[401] != 1 {
		t.Errorf("Total = count %d clamped %d status %v", sum.Total.Count, sum.Total.Clamped, sum.Total.Status)
	}
	// The clamped sample is explained; dropped arrivals are left to the
	// runner, which knows their phase and cause.
	if len(sum.Notes) != 1 || !strings.Contains(sum.Notes[0], "1 samples took longer than 1h0m0s") {
		t.Errorf("Notes = %q, want only the clamped sample explained", sum.Notes)
	}

	// The summary is a copy: collecting more changes nothing in it.
	rec.Shard(0).Record(home1, &metrics.Sample{Latency: us(5)})
	agg.Collect(t0.Add(91*time.Second), 1, "ramp", metrics.VUStats{})
	if sum.Total.Count != 5 || sum.Total.Latency.TotalCount() != 5 || sum.Series[3].Latency.TotalCount() != 2 {
		t.Error("the summary changed after a later Collect")
	}
}

func TestSummaryEmptyRun(t *testing.T) {
	// A run without samples: no series, an empty total with histograms, no notes.
	_, agg, _ := newRig(2, 2)
	agg.Collect(t0.Add(time.Second), 0, "main", metrics.VUStats{})
	sum := agg.Summary(t0.Add(time.Second), metrics.VUStats{}, []string{"main"})
	if len(sum.Series) != 0 || len(sum.ByName) != 0 || sum.Total.Count != 0 || len(sum.Notes) != 0 {
		t.Errorf("empty summary = %+v", sum)
	}
	if sum.Total.Latency == nil || sum.Total.Intended == nil || sum.Total.Percentile(99) != 0 {
		t.Error("empty summary total lacks empty histograms")
	}
}
