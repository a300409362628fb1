package influxdb

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// runTags are the tags every point of a run carries.
type runTags struct {
	RunID, Scenario, Instance string
}

func (rt runTags) with(extra ...string) map[string]string {
	m := make(map[string]string, 3+len(extra)/2)
	m[TagRunID], m[TagScenario], m[TagInstance] = rt.RunID, rt.Scenario, rt.Instance
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// fields collects point fields, dropping non-finite floats: line protocol
// has no NaN or Inf, and one such value would make InfluxDB reject the
// whole batch.
type fields map[string]any

func (f fields) float(k string, v float64) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		f[k] = v
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// phaseTag is the phase tag value of a phase name.
func phaseTag(name string) string {
	if name == "" {
		return PhaseNone
	}
	return name
}

// EncodeHistogram returns h in HdrHistogram's V2 compressed encoding,
// base64 (standard alphabet): the FieldHDR format, the one of HdrHistogram's
// log files, which every HdrHistogram implementation decodes.
func EncodeHistogram(h *hdrhistogram.Histogram) (string, error) {
	// Encode's output is already base64 text.
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("encoding histogram: %w", err)
	}
	return string(b), nil
}

// DecodeHistogram reverses EncodeHistogram.
func DecodeHistogram(s string) (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decoding histogram: %w", err)
	}
	return h, nil
}

// snapshotPoints returns the points of one interval: one per series with
// samples, one for real-time metrics when there were any, and one for the
// VUs. vuPrev holds the cumulative VU counters at
// the previous interval's end, so the point carries the interval's counts.
func snapshotPoints(rt runTags, s *metrics.Snapshot, vuPrev metrics.VUStats) ([]*write.Point, error) {
	pts := make([]*write.Point, 0, len(s.Series)+2)
	span := s.End.Sub(s.Start)
	for i := range s.Series {
		p, err := seriesPoint(rt, &s.Series[i], span, s.End)
		if err != nil {
			return nil, fmt.Errorf("series %q: %w", s.Series[i].Series.Name, err)
		}
		pts = append(pts, p)
	}
	rtp, err := realtimePoint(rt, s)
	if err != nil {
		return nil, err
	}
	if rtp != nil {
		pts = append(pts, rtp)
	}
	v := s.VUs
	pts = append(pts, write.NewPoint(MeasurementVUs, rt.with(TagPhase, phaseTag(s.PhaseName)), fields{
		FieldActive:    v.Active,
		FieldCreated:   v.Created - vuPrev.Created,
		FieldCompleted: v.Completed - vuPrev.Completed,
		FieldFailed:    v.Failed - vuPrev.Failed,
		FieldDropped:   v.Dropped - vuPrev.Dropped,
		FieldRequests:  s.Total.Count,
		FieldSeq:       int64(s.Seq),
	}, s.End))
	return pts, nil
}

// seriesPoint is the point of one series in an interval of length span.
func seriesPoint(rt runTags, ss *metrics.SeriesStats, span time.Duration, at time.Time) (*write.Point, error) {
	st := &ss.Stats
	f := fields{
		FieldCount:      st.Count,
		FieldErrors:     st.Errors,
		FieldBytesIn:    st.BytesIn,
		FieldBytesOut:   st.BytesOut,
		FieldClamped:    st.Clamped,
		FieldSeriesID:   int64(ss.Series.ID),
		FieldPhaseIndex: int64(ss.Series.Phase),
	}
	f.float(FieldIntervalMS, ms(span))
	f.float(FieldRPS, reporters.Rate(st.Count, span))
	for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
		f[FieldErrorsPrefix+k.String()] = st.ErrorsByKind[k]
	}
	for code, n := range st.Status {
		f[FieldStatusPrefix+strconv.Itoa(code)] = n
	}
	if l := reporters.LatencyOf(st); l.Count > 0 {
		f.float(FieldMinMS, ms(l.Min))
		f.float(FieldMeanMS, ms(l.Mean))
		f.float(FieldP50MS, ms(l.P50))
		f.float(FieldP90MS, ms(l.P90))
		f.float(FieldP95MS, ms(l.P95))
		f.float(FieldP99MS, ms(l.P99))
		f.float(FieldP999MS, ms(l.P999))
		f.float(FieldMaxMS, ms(l.Max))
		f.float(FieldIntendedP99MS, ms(reporters.IntendedOf(st).P99))
	}
	if st.Latency != nil {
		enc, err := EncodeHistogram(st.Latency)
		if err != nil {
			return nil, err
		}
		f[FieldHDR] = enc
	}
	if st.Intended != nil && st.Intended != st.Latency {
		enc, err := EncodeHistogram(st.Intended)
		if err != nil {
			return nil, fmt.Errorf("intended: %w", err)
		}
		f[FieldHDRIntended] = enc
	}
	s := &ss.Series
	return write.NewPoint(MeasurementRequests,
		rt.with(TagName, s.Name, TagPhase, phaseTag(s.PhaseName), TagProtocol, s.Protocol), f, at), nil
}

// planPhase is the JSON form of a planned phase in FieldPlan.
type planPhase struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	DurationNS int64  `json:"duration_ns"`
}

func jsonString(v any) string {
	// Marshalling slices of strings, ints and planPhase cannot fail.
	b, _ := json.Marshal(v)
	return string(b)
}

// startPoint is the run start annotation.
func startPoint(rt runTags, info reporters.RunInfo) *write.Point {
	plan := make([]planPhase, len(info.Phases))
	names := make([]string, len(info.Phases))
	for i, p := range info.Phases {
		plan[i] = planPhase{Name: p.Name, Kind: p.Kind, DurationNS: int64(p.Duration)}
		names[i] = p.Name
	}
	text := fmt.Sprintf("run %s started: %s, %d phase(s): %s", rt.RunID, rt.Scenario, len(names), strings.Join(names, ", "))
	return write.NewPoint(MeasurementEvents, rt.with(TagKind, EventStart), fields{
		FieldTitle:   "loadgo run started",
		FieldText:    text,
		FieldTags:    "loadgo,start",
		FieldTarget:  info.Target,
		FieldSegment: info.Segment,
		FieldPlan:    jsonString(plan),
	}, info.Start)
}

// endPoints are the run end annotation and one point per threshold result.
// intervals and undelivered describe this instance's delivery.
func endPoints(rt runTags, info reporters.RunInfo, sum *metrics.Summary, intervals, undelivered int64) []*write.Point {
	end := sum.End
	if end.IsZero() {
		end = time.Now()
	}
	durs := make([]int64, len(sum.PhaseDurations))
	for i, d := range sum.PhaseDurations {
		durs[i] = int64(d)
	}
	verdict := "passed"
	switch {
	case sum.Interrupted:
		verdict = "interrupted"
	case !sum.Passed:
		verdict = "failed"
	}
	f := fields{
		FieldTitle:                   "loadgo run ended: " + verdict,
		FieldText:                    fmt.Sprintf("run %s ended (%s): %d requests, %d errors", rt.RunID, verdict, sum.Total.Count, sum.Total.Errors),
		FieldTags:                    "loadgo,end," + verdict,
		FieldTarget:                  info.Target,
		FieldSegment:                 info.Segment,
		FieldStartNS:                 sum.Start.UnixNano(),
		FieldDurationNS:              int64(reporters.RunDuration(sum)),
		FieldInterrupted:             sum.Interrupted,
		FieldPassed:                  sum.Passed,
		FieldPhases:                  jsonString(nonNil(sum.Phases)),
		FieldPhaseDurationsNS:        jsonString(durs),
		FieldNotes:                   jsonString(nonNil(sum.Notes)),
		FieldIntervals:               intervals,
		FieldUndelivered:             undelivered,
		FieldVUsPrefix + "active":    sum.VUs.Active,
		FieldVUsPrefix + "created":   sum.VUs.Created,
		FieldVUsPrefix + "completed": sum.VUs.Completed,
		FieldVUsPrefix + "failed":    sum.VUs.Failed,
		FieldVUsPrefix + "dropped":   sum.VUs.Dropped,
	}
	summaryExtra(f, sum)
	pts := []*write.Point{write.NewPoint(MeasurementEvents, rt.with(TagKind, EventEnd), f, end)}
	for i, t := range sum.Thresholds {
		mark := "passed"
		if !t.Passed {
			mark = "failed"
		}
		tf := fields{
			FieldTitle:     "threshold " + mark,
			FieldText:      fmt.Sprintf("%s: %s (value %s)", mark, t.Name, strconv.FormatFloat(t.Value, 'g', -1, 64)),
			FieldTags:      "loadgo,threshold," + mark,
			FieldThreshold: t.Name,
			FieldPassed:    t.Passed,
			FieldIndex:     int64(i),
		}
		tf.float(FieldValue, t.Value)
		tf.float(FieldLimit, t.Limit)
		// Distinct timestamps: points with equal tags and time overwrite
		// each other.
		pts = append(pts, write.NewPoint(MeasurementEvents, rt.with(TagKind, EventThreshold), tf,
			end.Add(time.Duration(i+1)*time.Nanosecond)))
	}
	return pts
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
