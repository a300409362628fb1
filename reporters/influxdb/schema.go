package influxdb

// The InfluxDB schema: every measurement, tag and field name loadgo writes.
// It is documented in docs/INFLUXDB.md and queried by the dashboards in
// grafana/; renaming anything here breaks both, and the data of past runs.
//
// Data is aggregated at the source: one point per series per interval, never
// one per request, so the number of points depends on series × intervals
// and not on the request rate. Counts are per interval (sum them over time);
// latencies come with the interval's HDR histogram so that percentiles over
// several intervals or instances are computed exactly by merging histograms
// (loadgo report --from-influxdb does), not by averaging percentiles.
const (
	// MeasurementRequests holds one point per request series (name × phase
	// × protocol) per interval in which it had samples.
	MeasurementRequests = "loadgo_requests"
	// MeasurementVUs holds one point per interval: virtual users.
	MeasurementVUs = "loadgo_vus"
	// MeasurementEvents holds annotation events: run start and end, and one
	// point per threshold result.
	MeasurementEvents = "loadgo_events"
)

// Tags. Every measurement carries TagRunID, TagScenario and TagInstance.
const (
	// TagRunID identifies one run; generated unless --run-id is given.
	TagRunID = "run_id"
	// TagScenario is the scenario file as given on the command line.
	TagScenario = "scenario"
	// TagInstance names the load generator, so that several instances of
	// one run (--segment) can be told apart and merged.
	TagInstance = "instance"
	// TagName is the request name (its URL template unless named).
	TagName = "name"
	// TagPhase is the phase name; PhaseNone for before/after flows.
	TagPhase = "phase"
	// TagProtocol is the series' protocol ("http").
	TagProtocol = "protocol"
	// TagKind is the kind of an event: EventStart, EventEnd or
	// EventThreshold.
	TagKind = "kind"
)

// PhaseNone is the phase tag of series recorded outside any phase (the
// before and after flows), and of intervals before the first phase.
const PhaseNone = "before-after"

// Event kinds (values of TagKind).
const (
	EventStart     = "start"
	EventEnd       = "end"
	EventThreshold = "threshold"
)

// Fields of MeasurementRequests. Counts are integers for the interval,
// latencies floats in milliseconds from the interval's histogram.
const (
	FieldCount    = "count"
	FieldErrors   = "errors"
	FieldRPS      = "rps"
	FieldMinMS    = "min_ms"
	FieldMeanMS   = "mean_ms"
	FieldP50MS    = "p50_ms"
	FieldP90MS    = "p90_ms"
	FieldP95MS    = "p95_ms"
	FieldP99MS    = "p99_ms"
	FieldP999MS   = "p99_9_ms"
	FieldMaxMS    = "max_ms"
	FieldBytesIn  = "bytes_in"
	FieldBytesOut = "bytes_out"
	// FieldClamped counts latencies above the histogram's range.
	FieldClamped = "clamped"
	// FieldIntervalMS is the interval's length, the denominator of rps.
	FieldIntervalMS = "interval_ms"
	// FieldSeriesID is the series' registration index, which orders the
	// per-name rows of a summary read back.
	FieldSeriesID = "series_id"
	// FieldPhaseIndex is the 0-based phase index, -1 for before/after.
	FieldPhaseIndex = "phase_index"
	// FieldHDR is the interval's latency histogram (µs), HdrHistogram V2
	// compressed encoding, base64 (standard alphabet).
	FieldHDR = "hdr"
	// FieldHDRIntended is the histogram of latencies from the intended
	// start, in the same encoding; absent when it equals FieldHDR (closed
	// model, or no arrival waited).
	FieldHDRIntended = "hdr_intended"
	// FieldIntendedP99MS is the intended-start p99, for dashboards.
	FieldIntendedP99MS = "intended_p99_ms"
)

// Dynamic field names of MeasurementRequests: FieldErrorsPrefix+kind for
// every error kind ("errors_timeout", ..., always written, 0 included) and
// FieldStatusPrefix+code for every status code seen ("status_200").
const (
	FieldErrorsPrefix = "errors_"
	FieldStatusPrefix = "status_"
)

// Fields of MeasurementVUs. Created, completed, failed and dropped count
// the interval's VUs (sum them over time); active is the gauge at the
// interval's end.
const (
	FieldActive    = "active"
	FieldCreated   = "created"
	FieldCompleted = "completed"
	FieldFailed    = "failed"
	FieldDropped   = "dropped"
	// FieldRequests is the interval's request count over all series.
	FieldRequests = "requests"
	// FieldSeq numbers the run's intervals from 0.
	FieldSeq = "seq"
)

// Fields of MeasurementEvents. Title, text and tags are what Grafana
// annotations show; the others let loadgo report rebuild the summary.
const (
	FieldTitle = "title"
	FieldText  = "text"
	// FieldTags is a comma-separated list for Grafana's annotation tags.
	FieldTags = "tags"
	// Start and end events.
	FieldTarget  = "target"
	FieldSegment = "segment"
	// FieldPlan is the planned phases, JSON: [{"name","kind","duration_ns"}].
	FieldPlan = "plan"
	// End event.
	FieldStartNS          = "start_ns"
	FieldDurationNS       = "duration_ns"
	FieldInterrupted      = "interrupted"
	FieldPassed           = "passed"
	FieldPhases           = "phases"             // JSON array of phase names
	FieldPhaseDurationsNS = "phase_durations_ns" // JSON array of ints
	FieldNotes            = "notes"              // JSON array of strings
	FieldIntervals        = "intervals"          // intervals the instance reported
	FieldUndelivered      = "undelivered"        // intervals it could not deliver
	// FieldVUsPrefix + active/created/completed/failed/dropped: the run's
	// final VU counters ("vus_created").
	FieldVUsPrefix = "vus_"
	// Threshold events.
	FieldThreshold = "threshold" // as written, e.g. "http.response_time.p99 < 200"
	FieldValue     = "value"
	FieldLimit     = "limit" // absent for conditions (no single limit)
	FieldIndex     = "index" // position in config.ensure
)

// MeasurementRealtime holds one point per interval in which something
// real-time happened (WebSocket, SSE, STOMP, polling, timer loops, delivery
// accounting). Its fields are the metrics package's real-time counter names
// with "." replaced by "_" ("ws_messages_in", "delivery_delivered",
// "connections_opened", ...; see metrics.RTCounter), counted for the
// interval; FieldCloseCodePrefix+code per WebSocket close code seen; and per
// timing (metrics.TimingKind: "delivery", "reply", "first_event", "gap",
// "poll_until") with samples: TIMING+"_count", TIMING+"_p50_ms", "_p95_ms",
// "_p99_ms", "_max_ms", and FieldHDRPrefix+TIMING, its histogram encoded as
// FieldHDR.
const (
	MeasurementRealtime   = "loadgo_realtime"
	FieldCloseCodePrefix  = "ws_close_"
	FieldHDRPrefix        = "hdr_"
	FieldCloseCodeOther   = "ws_close_other"
	suffixCount           = "_count"
	suffixP50, suffixP95  = "_p50_ms", "_p95_ms"
	suffixP99, suffixMax  = "_p99_ms", "_max_ms"
	realtimeNameSeparator = "_"
)

// Summary parts that are not sums of intervals travel in the end event:
// the closed model's correction intervals, custom metrics, and the
// real-time groups and peak connections.
const (
	// FieldCorrectedNS is JSON {"PHASE_INDEX": ns}: the expected interval
	// the closed-model correction assumed per phase.
	FieldCorrectedNS = "corrected_intervals_ns"
	// FieldCustom is JSON [{"name","count","last","min","max","sum"}].
	FieldCustom = "custom"
	// FieldRTGroups is JSON of the real-time group sizes; FieldRTPeakConns
	// the most real-time connections open at once.
	FieldRTGroups    = "rt_groups"
	FieldRTPeakConns = "rt_peak_conns"
)
