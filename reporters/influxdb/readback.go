package influxdb

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// ErrRunNotFound is returned by ReadRun when InfluxDB holds no point of the
// run.
var ErrRunNotFound = errors.New("run not found")

// Run is a run read back from InfluxDB.
type Run struct {
	// Info is the run description of its start event (the zero value's
	// fields when that event is missing).
	Info reporters.RunInfo
	// Summary is rebuilt from the stored intervals: their counts summed and
	// their histograms merged, so its percentiles are exact.
	Summary *metrics.Summary
	// Instances lists the instances that wrote the run, sorted.
	Instances []string
	// Intervals and Undelivered are the intervals the instances reported
	// and could not deliver, from their end events (0 when missing).
	Intervals, Undelivered int64
	// Ended is false when no end event was found (the run is going on, or
	// its end was not delivered).
	Ended bool
}

// ReadRun reads run runID back from src and rebuilds its summary, as the
// local summary of the run was built: per (name, phase) series ordered by
// registration, per name merged over phases, and a total, with counts,
// status codes, error kinds and merged HDR histograms. Several instances of
// one run are merged.
func ReadRun(ctx context.Context, src Source, runID string) (*Run, error) {
	run := &Run{Summary: &metrics.Summary{Passed: true}}
	found := false
	ev := eventReader{run: run}
	q := "SELECT * FROM " + MeasurementEvents + " WHERE " + TagRunID + " = " + QuoteString(runID)
	if err := Query(ctx, src, q, func(r *Row) error { found = true; return ev.add(r) }); err != nil {
		return nil, fmt.Errorf("reading run %s: events: %w", runID, err)
	}
	sr := seriesReader{byKey: map[seriesKey]int{}, instances: map[string]bool{}}
	q = "SELECT * FROM " + MeasurementRequests + " WHERE " + TagRunID + " = " + QuoteString(runID)
	if err := Query(ctx, src, q, func(r *Row) error { found = true; return sr.add(r) }); err != nil {
		return nil, fmt.Errorf("reading run %s: requests: %w", runID, err)
	}
	var rt rtReader
	q = "SELECT * FROM " + MeasurementRealtime + " WHERE " + TagRunID + " = " + QuoteString(runID)
	if err := Query(ctx, src, q, func(r *Row) error { found = true; return rt.add(r) }); err != nil {
		return nil, fmt.Errorf("reading run %s: realtime: %w", runID, err)
	}
	if !found {
		return nil, fmt.Errorf("run %q: %w", runID, ErrRunNotFound)
	}
	sr.summarise(run.Summary)
	ev.extra.apply(run.Summary, rt.rt)
	for inst := range ev.instances {
		sr.instances[inst] = true
	}
	for inst := range sr.instances {
		run.Instances = append(run.Instances, inst)
	}
	slices.Sort(run.Instances)
	ev.finish()
	return run, nil
}

// eventReader folds start, end and threshold events into a Run.
type eventReader struct {
	run        *Run
	extra      extraReader
	instances  map[string]bool
	thresholds map[string][]metrics.ThresholdResult // by instance
}

func (e *eventReader) add(r *Row) error {
	if e.instances == nil {
		e.instances, e.thresholds = map[string]bool{}, map[string][]metrics.ThresholdResult{}
	}
	inst := r.Str(TagInstance)
	e.instances[inst] = true
	run, sum := e.run, e.run.Summary
	switch r.Str(TagKind) {
	case EventStart:
		info := &run.Info
		info.Scenario, info.Target, info.Segment = r.Str(TagScenario), r.Str(FieldTarget), r.Str(FieldSegment)
		info.Start = time.Unix(0, r.Int("time"))
		var plan []planPhase
		if err := json.Unmarshal([]byte(r.Str(FieldPlan)), &plan); err != nil {
			return fmt.Errorf("start event: plan: %w", err)
		}
		info.Phases, info.Total = nil, 0
		for _, p := range plan {
			info.Phases = append(info.Phases, reporters.PhaseInfo{Name: p.Name, Kind: p.Kind, Duration: time.Duration(p.DurationNS)})
			info.Total += time.Duration(p.DurationNS)
		}
	case EventEnd:
		if err := e.extra.add(r); err != nil {
			return err
		}
		return e.end(r, run, sum)
	case EventThreshold:
		t := metrics.ThresholdResult{Name: r.Str(FieldThreshold), Passed: r.Bool(FieldPassed), Value: math.NaN(), Limit: math.NaN()}
		if r.Has(FieldValue) {
			t.Value = r.Float(FieldValue)
		}
		if r.Has(FieldLimit) {
			t.Limit = r.Float(FieldLimit)
		}
		i := int(r.Int(FieldIndex))
		ts := e.thresholds[inst]
		for len(ts) <= i {
			ts = append(ts, metrics.ThresholdResult{})
		}
		ts[i] = t
		e.thresholds[inst] = ts
	}
	return nil
}

// end folds one instance's end event: the run spans from the earliest
// start to the latest end, counters add up.
func (e *eventReader) end(r *Row, run *Run, sum *metrics.Summary) error {
	first := !run.Ended
	run.Ended = true
	start, end := time.Unix(0, r.Int(FieldStartNS)), time.Unix(0, r.Int("time"))
	if first || start.Before(sum.Start) {
		sum.Start = start
	}
	if first || end.After(sum.End) {
		sum.End = end
	}
	sum.Duration = max(sum.Duration, time.Duration(r.Int(FieldDurationNS)))
	sum.Interrupted = sum.Interrupted || r.Bool(FieldInterrupted)
	sum.Passed = sum.Passed && r.Bool(FieldPassed)
	v := &sum.VUs
	v.Active += r.Int(FieldVUsPrefix + "active")
	v.Created += r.Int(FieldVUsPrefix + "created")
	v.Completed += r.Int(FieldVUsPrefix + "completed")
	v.Failed += r.Int(FieldVUsPrefix + "failed")
	v.Dropped += r.Int(FieldVUsPrefix + "dropped")
	run.Intervals += r.Int(FieldIntervals)
	run.Undelivered += r.Int(FieldUndelivered)
	var phases, notes []string
	var durs []int64
	for _, j := range []struct {
		field string
		dst   any
	}{{FieldPhases, &phases}, {FieldNotes, &notes}, {FieldPhaseDurationsNS, &durs}} {
		if err := json.Unmarshal([]byte(r.Str(j.field)), j.dst); err != nil {
			return fmt.Errorf("end event: %s: %w", j.field, err)
		}
	}
	if first {
		sum.Phases = phases
		for _, d := range durs {
			sum.PhaseDurations = append(sum.PhaseDurations, time.Duration(d))
		}
	}
	for _, n := range notes {
		if !slices.Contains(sum.Notes, n) {
			sum.Notes = append(sum.Notes, n)
		}
	}
	return nil
}

// finish sets the thresholds (those of the first instance: every instance
// evaluates the same config.ensure on its own share) and the delivery note.
func (e *eventReader) finish() {
	insts := make([]string, 0, len(e.thresholds))
	for inst := range e.thresholds {
		insts = append(insts, inst)
	}
	slices.Sort(insts)
	if len(insts) > 0 {
		e.run.Summary.Thresholds = e.thresholds[insts[0]]
	}
	if n := e.run.Undelivered; n > 0 {
		e.run.Summary.Notes = append(e.run.Summary.Notes, fmt.Sprintf(
			"%d of %d intervals of this run were not delivered to InfluxDB: counts and percentiles here are incomplete", n, e.run.Intervals))
	}
	if !e.run.Ended {
		e.run.Summary.Notes = append(e.run.Summary.Notes,
			"the run has no end event: it is still going on, or its end was not delivered")
	}
}

type seriesKey struct {
	name, protocol string
	phase          int
}

// seriesReader merges interval points into per-series stats.
type seriesReader struct {
	byKey     map[seriesKey]int
	series    []metrics.SeriesStats
	instances map[string]bool
}

func (s *seriesReader) add(r *Row) error {
	s.instances[r.Str(TagInstance)] = true
	k := seriesKey{name: r.Str(TagName), protocol: r.Str(TagProtocol), phase: int(r.Int(FieldPhaseIndex))}
	i, ok := s.byKey[k]
	if !ok {
		phase := r.Str(TagPhase)
		if k.phase < 0 && phase == PhaseNone {
			phase = ""
		}
		i = len(s.series)
		s.byKey[k] = i
		s.series = append(s.series, metrics.SeriesStats{Series: metrics.Series{
			ID: metrics.SeriesID(r.Int(FieldSeriesID)), Name: k.name, Phase: k.phase, PhaseName: phase, Protocol: k.protocol,
		}})
	}
	st, err := rowStats(r)
	if err != nil {
		return fmt.Errorf("series %q at %d: %w", k.name, r.Int("time"), err)
	}
	s.series[i].Merge(&st)
	return nil
}

// rowStats decodes one interval point of MeasurementRequests.
func rowStats(r *Row) (metrics.Stats, error) {
	st := metrics.Stats{
		Count: r.Int(FieldCount), Errors: r.Int(FieldErrors),
		BytesIn: r.Int(FieldBytesIn), BytesOut: r.Int(FieldBytesOut), Clamped: r.Int(FieldClamped),
	}
	for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
		st.ErrorsByKind[k] = r.Int(FieldErrorsPrefix + k.String())
	}
	for _, c := range r.Columns() {
		code, ok := strings.CutPrefix(c, FieldStatusPrefix)
		if !ok || !r.Has(c) {
			continue
		}
		n, err := strconv.Atoi(code)
		if err != nil {
			continue
		}
		if st.Status == nil {
			st.Status = map[int]int64{}
		}
		st.Status[n] += r.Int(c)
	}
	if r.Has(FieldHDR) {
		h, err := DecodeHistogram(r.Str(FieldHDR))
		if err != nil {
			return st, err
		}
		st.Latency, st.Intended = h, h
	}
	if r.Has(FieldHDRIntended) {
		h, err := DecodeHistogram(r.Str(FieldHDRIntended))
		if err != nil {
			return st, fmt.Errorf("intended: %w", err)
		}
		st.Intended = h
	}
	return st, nil
}

// summarise fills sum's Series, ByName and Total as Aggregator.Summary does.
func (s *seriesReader) summarise(sum *metrics.Summary) {
	slices.SortStableFunc(s.series, func(a, b metrics.SeriesStats) int {
		return cmp.Compare(a.Series.ID, b.Series.ID)
	})
	type nameKey struct{ name, protocol string }
	byName := map[nameKey]int{}
	sum.Total = metrics.NewStats()
	sum.Total.Intended = sum.Total.Latency
	for _, ss := range s.series {
		if ss.Count == 0 {
			continue
		}
		sum.Series = append(sum.Series, ss)
		k := nameKey{ss.Series.Name, ss.Series.Protocol}
		i, ok := byName[k]
		if !ok {
			i = len(sum.ByName)
			byName[k] = i
			sum.ByName = append(sum.ByName, metrics.SeriesStats{
				Series: metrics.Series{ID: -1, Name: ss.Series.Name, Phase: -1, Protocol: ss.Series.Protocol},
			})
		}
		sum.ByName[i].Merge(&ss.Stats)
		sum.Total.Merge(&ss.Stats)
	}
}
