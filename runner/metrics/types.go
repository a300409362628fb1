// Package metrics records observations without allocating and aggregates
// them into interval snapshots and a run-wide summary.
//
// Measurement rules:
//   - Latency is measured with the monotonic clock, one read before and one
//     after each action, and stored in HDR histograms in microseconds.
//   - Values above the trackable maximum are clamped to it and counted
//     (Stats.Clamped), never dropped.
//   - Percentiles across shards, intervals, phases or instances come from
//     merged histograms, never from averaged percentiles.
//   - A series is one request name (its template, not its rendered URL) in
//     one phase.
//   - Histograms are in whole microseconds, from 1 µs to MaxTrackable, with
//     3 significant figures; sub-microsecond values record as 1 µs.
//   - Open model: Sample.Intended measures from the scheduled arrival, so
//     the time an arrival waited before it could start is counted too.
//   - Closed model: VUs wait for responses, so when the server slows fewer
//     requests are sent and the percentiles understate the tail (coordinated
//     omission). Corrected gives the corrected view.
//
// Recording: the engine records into a Shard of a Recorder (one short lock,
// no allocation); every interval the Aggregator swaps each shard's
// accumulators, merges them into an immutable Snapshot and into the run-wide
// totals; Summary returns those totals at the end.
package metrics

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// ErrorKind classifies a failed observation.
type ErrorKind uint8

// Error kinds. ErrNone means success.
const (
	ErrNone    ErrorKind = iota
	ErrTimeout           // the request (or connect) timed out
	ErrRefused           // connection refused
	ErrReset             // connection reset or closed unexpectedly (incl. EOF mid-response)
	ErrDNS               // name resolution failed
	ErrTLS               // TLS handshake or certificate failure
	ErrStatus            // HTTP status >= 400 on a request without a statusCode expectation
	ErrExpect            // an expect failed
	ErrCapture           // a strict capture failed
	ErrOther             // anything else (protocol garbage, body too large, ...)
	ErrConnCap           // no connection opened: the connection cap (--max-conns) is reached
	NumErrorKinds
)

var errorKindNames = [NumErrorKinds]string{"", "timeout", "refused", "reset", "dns", "tls", "status", "expect", "capture", "other", "conncap"}

// String returns the kind's stable name as used in JSON ("timeout", ...);
// ErrNone is "".
func (k ErrorKind) String() string {
	if k < NumErrorKinds {
		return errorKindNames[k]
	}
	return "unknown"
}

// SeriesID indexes a registered series. IDs are dense, from 0.
type SeriesID int32

// Series describes one metric series.
type Series struct {
	ID SeriesID
	// Name is the request name (its URL template unless named).
	Name string
	// Phase is the phase index (0-based); -1 for before/after flows and for
	// merged per-name series in a Summary.
	Phase     int
	PhaseName string
	// Protocol is "http" (later: "sse", "ws", ...).
	Protocol string
}

// Sample is one observation. It is passed by pointer and not retained.
type Sample struct {
	// Latency is from the actual start of the action to its end.
	Latency time.Duration
	// Intended is from when the action was meant to start (its scheduled
	// arrival in the open model) to its end; zero means "same as Latency".
	Intended time.Duration
	// Status is the protocol status (HTTP code), 0 when there was no response.
	Status   int
	Err      ErrorKind
	BytesIn  int64
	BytesOut int64
}

// VUStats counts virtual users.
type VUStats struct {
	Active    int64
	Created   int64
	Completed int64
	Failed    int64
	Dropped   int64
}

// Stats aggregates the samples of one series (or a merge of several) over
// an interval or a whole run.
type Stats struct {
	Count        int64
	Errors       int64
	ErrorsByKind [NumErrorKinds]int64
	// Status counts responses by status code; codes outside 1..599 are
	// counted under StatusOutOfRange, and samples without a response
	// (status 0) not at all. Nil when there were no responses.
	Status   map[int]int64
	BytesIn  int64
	BytesOut int64
	// Latency and Intended are in microseconds. They are never nil in a
	// published Snapshot or Summary, and must not be modified by readers.
	// Intended may be the very same histogram as Latency when no sample had
	// an intended start distinct from its actual start (always so in the
	// closed model); Stats.Merge handles that.
	Latency  *hdrhistogram.Histogram
	Intended *hdrhistogram.Histogram
	// Clamped counts values above the histogram's range, recorded as its maximum.
	// A sample whose latency and intended latency were both clamped counts once.
	Clamped int64
	// Corrected is the closed-model view corrected for coordinated omission
	// (see Summary.CorrectClosed), in microseconds; nil unless a summary's
	// series include a closed-model phase. CorrectedInterval is the expected
	// interval the correction assumed (zero for a merge of several).
	Corrected         *hdrhistogram.Histogram
	CorrectedInterval time.Duration
}

// SeriesStats is the Stats of one Series.
type SeriesStats struct {
	Series Series
	Stats
}

// Snapshot is what happened during one interval. It is immutable once
// published and safe to share between reporters.
type Snapshot struct {
	// Seq numbers snapshots from 0.
	Seq int
	// Start and End bound the interval (wall clock); Elapsed is End minus
	// the run's start.
	Start, End time.Time
	Elapsed    time.Duration
	// Phase is the index of the phase running at End (-1 before/after).
	Phase     int
	PhaseName string
	// Series holds the interval's stats of every series that had samples.
	Series []SeriesStats
	// Total merges Series.
	Total Stats
	// VUs are the counters at End (cumulative) and the active gauge.
	VUs VUStats
	// Realtime holds the interval's real-time counters and timings; nil
	// when nothing real-time happened.
	Realtime *RTStats
}

// ThresholdResult is the outcome of one config.ensure threshold or condition.
type ThresholdResult struct {
	// Name is the threshold as written, e.g. "http.response_time.p99 < 200"
	// or "http.response_time.p95{name:login} < 100".
	Name   string
	Passed bool
	// Value is the measured value (ms for latencies, percent for error rates).
	Value float64
	// Limit is the maximum allowed value (NaN for conditions).
	Limit float64
}

// Summary is the run-wide result.
type Summary struct {
	Start, End time.Time
	Duration   time.Duration
	// Series is per (name, phase); ByName merges phases per name (Phase -1,
	// ID -1); Total merges everything, before/after flows included.
	Series []SeriesStats
	ByName []SeriesStats
	Total  Stats
	VUs    VUStats
	// Phases lists the phase names in order.
	Phases []string
	// PhaseDurations is how long each phase (by index, as in Phases)
	// actually ran; nil, or 0 for a phase, when unknown. Reporters derive
	// per-phase rates from it.
	PhaseDurations []time.Duration
	// Realtime holds the run's real-time counters, timings and groups; nil
	// when nothing real-time happened.
	Realtime *RTStats
	// Custom holds the custom metrics metric steps recorded (custom.NAME),
	// every one the scenario names, in order; Count 0 when none ran.
	Custom []CustomStats
	// Thresholds are filled by the runner's threshold evaluation.
	Thresholds []ThresholdResult
	// Passed is false when any threshold failed.
	Passed bool
	// Interrupted is set when the run was stopped before its plan ended.
	Interrupted bool
	// Notes are plain-language caveats for the reader, e.g. that dropped
	// arrivals make latency understated.
	Notes []string
}
