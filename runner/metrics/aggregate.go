package metrics

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Aggregator turns shard contents into interval snapshots and keeps the
// run-wide totals. Its methods are safe for concurrent use, but a Recorder
// must be drained by a single Aggregator.
type Aggregator struct {
	mu     sync.Mutex
	rec    *Recorder
	start  time.Time
	last   time.Time
	seq    int
	series []Series
	// totals are the run-wide stats per series; a series' histograms are
	// allocated on its first samples.
	totals []Stats
	// build and sets are scratch space reused by every Collect.
	build []Stats
	sets  []*accSet
	// rt aggregates the real-time counters and timings (realtime.go).
	rt rtAgg
}

// NewAggregator returns an aggregator over rec for a run started at start.
func NewAggregator(rec *Recorder, start time.Time) *Aggregator {
	n := len(rec.series)
	return &Aggregator{
		rec:    rec,
		start:  start,
		last:   start,
		series: rec.series,
		totals: make([]Stats, n),
		build:  make([]Stats, n),
		sets:   make([]*accSet, len(rec.shards)),
	}
}

// Collect swaps every shard's accumulators for empty ones, merges what they
// held into a new Snapshot for the interval ending at now and into the run
// totals, and returns the snapshot.
//
// The snapshot's interval starts where the previous one ended (at the run's
// start for the first). Its histograms are its own: later Collects do not
// change them. Series lists the series with samples in the interval, by ID.
func (a *Aggregator) Collect(now time.Time, phase int, phaseName string, vus VUStats) *Snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()

	// Swap every shard before draining any, so that the interval ends at
	// (nearly) the same moment on every shard.
	for i, sh := range a.rec.shards {
		a.sets[i] = sh.swap()
	}
	for i, set := range a.sets {
		set.drain(func(id SeriesID, acc *acc) { acc.addTo(&a.build[id]) })
		a.sets[i] = nil
	}

	snap := &Snapshot{
		Seq:       a.seq,
		Start:     a.last,
		End:       now,
		Elapsed:   now.Sub(a.start),
		Phase:     phase,
		PhaseName: phaseName,
		VUs:       vus,
	}
	a.seq++
	a.last = now
	for id := range a.build {
		st := &a.build[id]
		if st.Count == 0 {
			continue
		}
		snap.Series = append(snap.Series, SeriesStats{Series: a.series[id], Stats: *st})
		a.totals[id].Merge(st)
		snap.Total.Merge(st)
		*st = Stats{}
	}
	ensureHists(&snap.Total)
	snap.Realtime = a.rt.collect(a.rec)
	return snap
}

// ensureHists gives st empty histograms when it has none, so that published
// Stats never have nil histograms.
func ensureHists(st *Stats) {
	if st.Latency == nil {
		st.Latency = NewHistogram()
	}
	if st.Intended == nil {
		st.Intended = st.Latency
	}
}

// Summary returns the run-wide summary. Call it after the last Collect:
// samples recorded since are not in it.
//
// Series lists every (name, phase) series that had samples, by ID (that is,
// in registration order). ByName merges each name's series over all phases,
// including the before/after flows (phase -1), in the order of each name's
// first registered series; a name used by two protocols gives two entries.
// Total merges everything. The summary's histograms are copies, independent
// of the aggregator. Passed is true: thresholds are evaluated afterwards.
func (a *Aggregator) Summary(end time.Time, vus VUStats, phases []string) *Summary {
	a.mu.Lock()
	defer a.mu.Unlock()

	sum := &Summary{
		Start:    a.start,
		End:      end,
		Duration: end.Sub(a.start),
		VUs:      vus,
		Phases:   slices.Clone(phases),
		Passed:   true,
	}
	type nameKey struct{ name, protocol string }
	byName := make(map[nameKey]int)
	for id := range a.totals {
		t := &a.totals[id]
		if t.Count == 0 {
			continue
		}
		s := a.series[id]
		sum.Series = append(sum.Series, SeriesStats{Series: s, Stats: t.Clone()})
		k := nameKey{s.Name, s.Protocol}
		i, ok := byName[k]
		if !ok {
			i = len(sum.ByName)
			byName[k] = i
			sum.ByName = append(sum.ByName, SeriesStats{
				Series: Series{ID: -1, Name: s.Name, Phase: -1, Protocol: s.Protocol},
			})
		}
		sum.ByName[i].Merge(t)
		sum.Total.Merge(t)
	}
	ensureHists(&sum.Total)
	sum.Realtime = a.rt.summary(a.rec)
	sum.Notes = summaryNotes(sum)
	return sum
}

// summaryNotes explains what the recorded values alone show to be less than
// exact. Dropped arrivals are explained by the runner, which knows the phase
// and the VU cap that caused them.
func summaryNotes(sum *Summary) []string {
	var notes []string
	if c := sum.Total.Clamped; c > 0 {
		notes = append(notes, fmt.Sprintf(
			"%d samples took longer than %v and were recorded as %v.", c, MaxTrackable, MaxTrackable))
	}
	return notes
}
