package jsonout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// Schema identifies the document format. It changes only when a field is
// removed or changes meaning; new fields may appear within a version.
const Schema = "loadgo.summary/v1"

// Document is the JSON summary of a run. docs/JSON_SUMMARY.md documents
// every field. Struct fields keep the key order stable; maps are used only
// where keys are data (request names, status codes, error kinds), and
// encoding/json sorts those.
type Document struct {
	Schema      string    `json:"schema"`
	Passed      bool      `json:"passed"`
	Interrupted bool      `json:"interrupted"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	DurationS   float64   `json:"duration_s"`
	Totals      Totals    `json:"totals"`
	// Requests is keyed by request name, phases merged ("name (protocol)"
	// when two protocols share a name).
	Requests map[string]Request `json:"requests"`
	Phases   []Phase            `json:"phases"`
	// Errors counts errors by kind, every kind present (0 when none).
	Errors     map[string]int64 `json:"errors"`
	VUs        VUs              `json:"vus"`
	Thresholds []Threshold      `json:"thresholds"`
	Notes      []string         `json:"notes"`
	// Realtime is present when the run used real-time steps (realtime.go).
	Realtime *Realtime `json:"realtime,omitempty"`
	// Custom is present when the scenario has metric steps (custom.go).
	Custom map[string]Custom `json:"custom,omitempty"`
}

// Totals merges every request of the run.
type Totals struct {
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	RPS      float64 `json:"rps"`
	BytesIn  int64   `json:"bytes_in"`
	BytesOut int64   `json:"bytes_out"`
	Clamped  int64   `json:"clamped"`
	// Latency and Intended are null when there were no requests.
	Latency  *Latency `json:"latency_ms"`
	Intended *Latency `json:"intended_latency_ms"`
	// Corrected is present only when a closed-model phase ran (see
	// docs/JSON_SUMMARY.md): the coordinated-omission corrected view.
	Corrected         *Latency `json:"corrected_latency_ms,omitempty"`
	CorrectedInterval *float64 `json:"corrected_interval_ms,omitempty"`
}

// Request is the result of one request name, in the whole run or in one
// phase.
type Request struct {
	Count  int64 `json:"count"`
	Errors int64 `json:"errors"`
	// RPS is null when the duration it is relative to is unknown.
	RPS *float64 `json:"rps"`
	// Status counts responses by status code ("200"); requests without a
	// response are not counted here.
	Status map[string]int64 `json:"status"`
	// ErrorsByKind holds the non-zero error kinds only.
	ErrorsByKind map[string]int64 `json:"errors_by_kind"`
	Latency      *Latency         `json:"latency_ms"`
	Intended     *Latency         `json:"intended_latency_ms"`
	BytesIn      int64            `json:"bytes_in"`
	BytesOut     int64            `json:"bytes_out"`
	Clamped      int64            `json:"clamped"`
	// Corrected and CorrectedInterval: as in Totals.
	Corrected         *Latency `json:"corrected_latency_ms,omitempty"`
	CorrectedInterval *float64 `json:"corrected_interval_ms,omitempty"`
}

// Latency is a latency distribution in milliseconds with µs precision.
type Latency struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// Phase is the result of one phase.
type Phase struct {
	Name string `json:"name"`
	// Index is the 0-based phase index; -1 for the before and after flows.
	Index int `json:"index"`
	// DurationS is how long the phase ran, null when unknown.
	DurationS *float64           `json:"duration_s"`
	Requests  map[string]Request `json:"requests"`
}

// VUs counts virtual users over the run.
type VUs struct {
	Created   int64 `json:"created"`
	Completed int64 `json:"completed"`
	Failed    int64 `json:"failed"`
	Dropped   int64 `json:"dropped"`
}

// Threshold is the outcome of one threshold. Value and Limit are null when
// they are not numbers (a condition has no limit).
type Threshold struct {
	Name   string   `json:"name"`
	Passed bool     `json:"passed"`
	Value  *float64 `json:"value"`
	Limit  *float64 `json:"limit"`
}

// Marshal returns the JSON document for sum, indented by two spaces, ending
// with a newline, without HTML escaping. Per-phase rates are null unless
// sum.PhaseDurations gives the phase's duration.
func Marshal(sum *metrics.Summary) ([]byte, error) {
	return marshal(sum, nil)
}

func marshal(sum *metrics.Summary, planned []reporters.PhaseInfo) ([]byte, error) {
	if sum == nil {
		return nil, errors.New("json summary: no summary")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Names and thresholds hold "<" and "&"; the document is not HTML.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(NewDocument(sum, planned)); err != nil {
		return nil, fmt.Errorf("json summary: %w", err)
	}
	return buf.Bytes(), nil
}

// NewDocument builds the document for sum. planned, the phase plan given to
// Reporter.Start, supplies phase durations missing from sum when the run was
// not interrupted; it may be nil.
func NewDocument(sum *metrics.Summary, planned []reporters.PhaseInfo) *Document {
	dur := reporters.RunDuration(sum)
	d := &Document{
		Schema:      Schema,
		Passed:      sum.Passed,
		Interrupted: sum.Interrupted,
		Start:       sum.Start,
		End:         sum.End,
		DurationS:   round(dur.Seconds(), 6),
		Totals: Totals{
			Requests: sum.Total.Count,
			Errors:   sum.Total.Errors,
			RPS:      round(reporters.Rate(sum.Total.Count, dur), 3),
			BytesIn:  sum.Total.BytesIn,
			BytesOut: sum.Total.BytesOut,
			Clamped:  sum.Total.Clamped,
			Latency:  latency(reporters.LatencyOf(&sum.Total)),
			Intended: latency(reporters.IntendedOf(&sum.Total)),
		},
		Requests:   make(map[string]Request, len(sum.ByName)),
		Errors:     make(map[string]int64, metrics.NumErrorKinds-1),
		VUs:        VUs{Created: sum.VUs.Created, Completed: sum.VUs.Completed, Failed: sum.VUs.Failed, Dropped: sum.VUs.Dropped},
		Thresholds: make([]Threshold, 0, len(sum.Thresholds)),
		Notes:      append(make([]string, 0, len(sum.Notes)), sum.Notes...),
	}
	d.Totals.Corrected, d.Totals.CorrectedInterval = corrected(&sum.Total)
	d.Realtime = realtime(sum.Realtime)
	d.Custom = custom(sum.Custom)
	for i, name := range reporters.Names(sum.ByName) {
		d.Requests[name] = request(&sum.ByName[i].Stats, dur)
	}
	for _, p := range reporters.Phases(sum, planned) {
		ph := Phase{Name: p.Name, Index: p.Index, Requests: make(map[string]Request, len(p.Series))}
		if p.Duration > 0 {
			ph.DurationS = ptr(round(p.Duration.Seconds(), 6))
		}
		for i, name := range reporters.Names(p.Series) {
			ph.Requests[name] = request(&p.Series[i].Stats, p.Duration)
		}
		d.Phases = append(d.Phases, ph)
	}
	if d.Phases == nil {
		d.Phases = []Phase{}
	}
	for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
		d.Errors[k.String()] = sum.Total.ErrorsByKind[k]
	}
	for _, t := range sum.Thresholds {
		d.Thresholds = append(d.Thresholds, Threshold{Name: t.Name, Passed: t.Passed, Value: finite(t.Value), Limit: finite(t.Limit)})
	}
	return d
}

// request converts s; rates are relative to dur, null when it is unknown.
func request(s *metrics.Stats, dur time.Duration) Request {
	r := Request{
		Count:        s.Count,
		Errors:       s.Errors,
		Status:       make(map[string]int64, len(s.Status)),
		ErrorsByKind: map[string]int64{},
		Latency:      latency(reporters.LatencyOf(s)),
		Intended:     latency(reporters.IntendedOf(s)),
		BytesIn:      s.BytesIn,
		BytesOut:     s.BytesOut,
		Clamped:      s.Clamped,
	}
	r.Corrected, r.CorrectedInterval = corrected(s)
	if dur > 0 {
		r.RPS = ptr(round(reporters.Rate(s.Count, dur), 3))
	}
	for _, c := range reporters.StatusCounts(s) {
		r.Status[strconv.Itoa(c.Code)] = c.Count
	}
	for _, k := range reporters.ErrorCounts(s) {
		r.ErrorsByKind[k.Kind.String()] = k.Count
	}
	return r
}

// latency converts l to ms, nil when it holds no values.
func latency(l reporters.Latency) *Latency {
	if l.Count == 0 {
		return nil
	}
	return &Latency{
		Min: millis(l.Min), Mean: millis(l.Mean),
		P50: millis(l.P50), P90: millis(l.P90), P95: millis(l.P95),
		P99: millis(l.P99), P999: millis(l.P999), Max: millis(l.Max),
	}
}

// corrected returns s's corrected view and its interval in ms, nil when
// absent (the interval also when several differ).
func corrected(s *metrics.Stats) (*Latency, *float64) {
	l := latency(reporters.CorrectedOf(s))
	if l == nil || s.CorrectedInterval <= 0 {
		return l, nil
	}
	return l, ptr(millis(s.CorrectedInterval))
}

// millis returns d in ms rounded to the µs (3 decimals).
func millis(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)/time.Microsecond) / 1000
}

// round rounds v to prec decimals.
func round(v float64, prec int) float64 {
	p := math.Pow10(prec)
	return math.Round(v*p) / p
}

// finite returns &v, or nil for NaN and ±Inf, which JSON cannot encode.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func ptr(v float64) *float64 { return &v }
