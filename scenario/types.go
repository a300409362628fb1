// Package scenario turns a loadgo (or Artillery-style) YAML or JSON script into
// a validated, immutable Scenario.
//
// Everything that can be checked before a run is checked here and reported at
// once, each problem as "file:line:col: path: message". The package has no
// runtime dependencies: it knows nothing of HTTP clients, VUs or metrics.
// Templates ("{{ name }}") are parsed here so that syntax errors and unknown
// names carry positions; the runner compiles them into renderers.
package scenario

import "time"

// Pos is a position in a scenario file. Line and Col are 1-based; a zero Pos
// means "no position" (for example a value that came from a flag).
type Pos struct {
	File string
	Line int
	Col  int
}

// Scenario is a parsed and validated script. It is never modified after Load
// returns, so it can be shared by every VU goroutine.
type Scenario struct {
	// File is the path the scenario was loaded from, as given.
	File string
	// Dir is the directory of File; payload paths are relative to it.
	Dir string
	// Config is the script's config section, with the selected environment
	// and command-line overrides already applied.
	Config Config
	// Before runs once before the first phase; After once after the last.
	// Captures made in Before are visible to every VU.
	Before []Step
	After  []Step
	// Flows are the script's scenarios[] entries. A VU picks one by weight.
	Flows []Flow
	// Warnings are problems that do not stop a run (e.g. a dangerous plan).
	Warnings Problems
	// RequestNames lists every request name of Before, Flows and After once,
	// in document order: the names thresholds may select with {name:...}.
	RequestNames []string
}

// Config is the config section of a script.
type Config struct {
	Target    string
	TargetPos Pos
	Phases    []Phase
	// Headers are config.defaults.headers merged with config.http.defaults.headers
	// (the latter wins), sent with every HTTP request unless a step overrides them.
	Headers   []Header
	HTTP      HTTPConfig
	TLS       TLSConfig
	Variables []Variable
	Payloads  []Payload
	Ensure    Ensure
	// Groups is config.groups (real-time scenarios).
	Groups Groups
	// Environment is the name selected with -e, or "".
	Environment string
	// Secrets is config.secrets: names of $env variables, variables,
	// payload fields and captures whose values are masked wherever they
	// would be shown ({{ $file(...) }} contents always are).
	Secrets []string
}

// HTTPConfig holds config.http (and config.http.defaults) settings.
type HTTPConfig struct {
	// Timeout is the whole-request timeout. Default 10s (Artillery's default).
	Timeout time.Duration
	// MaxBodyBytes caps how much of a response body is read (and kept for
	// captures); the rest is discarded while still being counted in bytes in.
	// Default 10 MiB.
	MaxBodyBytes int64
	// SharedPool makes all VUs share one connection pool instead of one
	// keep-alive pool per VU (config.http.pool: shared | vu).
	SharedPool bool
	// MaxConnsPerVU bounds the connections one VU may open at once
	// (config.http.maxSockets). Default 0 = unlimited.
	MaxConnsPerVU int
	// MaxConnections caps the connections open at once across all VUs and
	// protocols (config.http.maxConnections). 0 leaves it to the runner
	// (the CLI sizes it from the open-file limit).
	MaxConnections int
}

// TLSConfig holds config.tls.
type TLSConfig struct {
	// RejectUnauthorized verifies server certificates. Default true.
	RejectUnauthorized bool
	// CAFile is an extra PEM bundle trusted for verification (config.tls.ca),
	// resolved relative to the scenario file.
	CAFile string
}

// PhaseKind says how a phase produces load.
type PhaseKind uint8

const (
	// PhaseArrivalRate is an open-model phase: ArrivalRate new VUs per second,
	// ramping linearly to RampTo when RampTo > 0.
	PhaseArrivalRate PhaseKind = iota
	// PhaseArrivalCount is an open-model phase: ArrivalCount VUs spread evenly
	// over Duration.
	PhaseArrivalCount
	// PhasePause runs nothing for Duration.
	PhasePause
	// PhaseVUs is a closed-model phase: VUs VUs loop the scenario for Duration,
	// ramping linearly to RampTo VUs when RampTo > 0.
	PhaseVUs
)

// String returns the kind's name as used in messages.
func (k PhaseKind) String() string {
	switch k {
	case PhaseArrivalRate:
		return "arrivalRate"
	case PhaseArrivalCount:
		return "arrivalCount"
	case PhasePause:
		return "pause"
	case PhaseVUs:
		return "vus"
	}
	return "unknown"
}

// Phase is one entry of config.phases.
type Phase struct {
	// Name is the phase's name; defaults to "phase N" (N is 1-based).
	Name         string
	Kind         PhaseKind
	Duration     time.Duration
	ArrivalRate  float64
	RampTo       float64
	ArrivalCount int
	// MaxVusers caps concurrent VUs of an open-model phase; 0 means the
	// runner's safety cap applies.
	MaxVusers int
	VUs       int
	Pos       Pos
}

// Header is one HTTP header whose value is a template.
type Header struct {
	Name  string
	Value *Template
}

// Param is a query-string or form parameter whose value is a template.
type Param struct {
	Name  string
	Value *Template
}

// Variable is one config.variables entry. A VU takes Values[0] when there is
// one value, or a random element when there are several.
type Variable struct {
	Name   string
	Values []*Template
	Pos    Pos
}

// Payload is one config.payload entry, with its CSV file already read.
type Payload struct {
	// Path is the resolved path of the CSV file.
	Path   string
	Fields []string
	// Random: rows are picked at random; otherwise in sequence (wrapping).
	Random     bool
	SkipHeader bool
	Delimiter  rune
	// Rows are the data rows (header removed when SkipHeader); every row has
	// at least len(Fields) cells.
	Rows [][]string
	Pos  Pos
}

// Flow is one scenarios[] entry.
type Flow struct {
	Name   string
	Weight int
	Steps  []Step
	Pos    Pos
}

// StepKind says what a step does.
type StepKind uint8

const (
	// StepRequest is an HTTP request (get, post, put, patch, delete, head, options).
	StepRequest StepKind = iota
	// StepThink pauses the VU.
	StepThink
	// StepLoop repeats nested steps.
	StepLoop
	// StepLog renders a template and writes it to the run's log.
	StepLog
	// StepMetric records a value into a custom metric (see MetricStep).
	StepMetric
)

// Step is one step of a flow. Exactly one of Request, Think, Loop, Log is set,
// according to Kind.
type Step struct {
	Kind StepKind
	Pos  Pos
	// Path is the step's path in the document, e.g. "scenarios[0].flow[2]".
	Path    string
	Request *Request
	Think   *Think
	Loop    *Loop
	Log     *Template
	// Metric is set for StepMetric.
	Metric *MetricStep
	// Realtime is set for the real-time kinds (StepKind.IsRealtime).
	Realtime *RealtimeStep
}

// Request is an HTTP request step.
type Request struct {
	// Method is upper case: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS.
	Method string
	URL    *Template
	// Name labels the request's metrics. It is the step's name, or else the
	// URL template's source text (never the rendered URL, so IDs cannot
	// explode the series count).
	Name    string
	Headers []Header
	QS      []Param
	// At most one of JSON, Body and Form is set.
	JSON     *JSONValue
	Body     *Template
	Form     []Param
	Captures []Capture
	Expects  []Expect
	// IfTrue, when set, skips the request unless the condition holds.
	IfTrue *Cond
}

// JSONKind is the kind of a JSONValue.
type JSONKind uint8

const (
	// JSONNull is null.
	JSONNull JSONKind = iota
	// JSONBool is true or false (Bool).
	JSONBool
	// JSONNumber is a number; Num holds its literal text.
	JSONNumber
	// JSONString is a string template (Str). A string that is exactly one
	// "{{ x }}" placeholder is still rendered as a JSON string.
	JSONString
	// JSONArray is an array (Arr).
	JSONArray
	// JSONObject is an object (Obj), keys in document order.
	JSONObject
)

// JSONValue is a JSON body whose strings are templates.
type JSONValue struct {
	Kind JSONKind
	Bool bool
	Num  string
	Str  *Template
	Arr  []*JSONValue
	Obj  []JSONField
}

// JSONField is one member of a JSON object.
type JSONField struct {
	Key   string
	Value *JSONValue
}

// CaptureKind says where a capture reads from.
type CaptureKind uint8

const (
	// CaptureJSON evaluates a JSONPath expression (Expr) on the response body.
	CaptureJSON CaptureKind = iota
	// CaptureRegexp matches a regular expression (Expr) on the body; Group
	// selects a capture group (0 = whole match).
	CaptureRegexp
	// CaptureHeader reads a response header (Expr is its name).
	CaptureHeader
)

// Capture is one capture of a request step.
type Capture struct {
	Kind CaptureKind
	Expr string
	// Group is the regexp group number, or GroupName when named.
	Group     int
	GroupName string
	// As is the variable the value is stored in.
	As string
	// Strict (default true) makes a failed capture an error of kind
	// "capture" and ends the VU's scenario, as in Artillery.
	Strict bool
	Pos    Pos
}

// ExpectKind says what an expectation checks.
type ExpectKind uint8

const (
	// ExpectStatusCode: the status is one of Codes.
	ExpectStatusCode ExpectKind = iota
	// ExpectContentType: the Content-Type contains Value ("json" matches any
	// JSON media type).
	ExpectContentType
	// ExpectHasProperty: the JSON body has the top-level (or dotted) property Value.
	ExpectHasProperty
	// ExpectEquals: all rendered Values are equal.
	ExpectEquals
	// ExpectHasHeader: the response has the header Value.
	ExpectHasHeader
)

// Expect is one expectation of a request step. A failed expectation counts
// as an error of kind "expect" and ends the VU's scenario, as in Artillery.
type Expect struct {
	Kind   ExpectKind
	Codes  []int
	Value  string
	Values []*Template
	Pos    Pos
}

// Think pauses a VU.
type Think struct {
	// Duration is the pause when it is a constant; Tmpl is set instead when
	// the value is a template (rendered, then parsed as seconds or a duration).
	Duration time.Duration
	Tmpl     *Template
	// Jitter is a fraction (0..1): the pause is drawn uniformly from
	// Duration·(1±Jitter).
	Jitter float64
}

// Loop repeats Steps Count times, or once per element of Over.
type Loop struct {
	Steps []Step
	// Count is a constant repeat count (0 with Over set, or with CountTmpl).
	Count     int
	CountTmpl *Template
	// Over is a literal list; OverVar names a variable holding a list
	// (for example a captured JSON array). At most one is set.
	Over    []*JSONValue
	OverVar string
}

// CondOp is a comparison operator of a condition.
type CondOp uint8

const (
	// CondTruthy holds when Left renders to a non-empty value other than
	// "false", "0" and "null".
	CondTruthy CondOp = iota
	// CondEq is ==.
	CondEq
	// CondNe is !=.
	CondNe
	// CondLt is <.
	CondLt
	// CondLe is <=.
	CondLe
	// CondGt is >.
	CondGt
	// CondGe is >=.
	CondGe
)

// Cond is a step condition (ifTrue): "name", "name == 'x'", "count > 3".
// Comparisons are numeric when both sides parse as numbers, else textual.
type Cond struct {
	Src   string
	Op    CondOp
	Left  *Template
	Right *Template
}

// Ensure is config.ensure: the thresholds that decide pass or fail.
type Ensure struct {
	Thresholds []Threshold
	Conditions []Condition
}

// Threshold is one limit on one statistic: the run fails when the measured
// value is greater than Max.
type Threshold struct {
	// Metric is the name as written, e.g. "http.response_time.p99".
	Metric string
	// Stat is the canonical metric: "http.response_time.p99.9",
	// "http.response_time_intended.p95", "http.response_time.mean",
	// "http.requests", "http.errors", "http.error_rate" (percent),
	// "http.codes.404", "errors.timeout", "vusers.dropped", ...
	// (median is canonicalised to p50, p999 to p99.9).
	Stat string
	// Request limits the threshold to one request name ("" = all requests).
	Request string
	// Phase limits the threshold to one phase name ("" = whole run).
	Phase string
	// Label limits a delivery latency threshold to one delivery label
	// ("" = every delivery).
	Label string
	Max   float64
	Pos   Pos
}

// Condition is a config.ensure.conditions entry: a boolean expression over
// metric names, e.g. "http.response_time.p99 < 100 and http.response_time.p95 < 75".
type Condition struct {
	// Name labels the condition's result (config.ensure.conditions[].name,
	// a loadgo extension), e.g. "lost views"; "" when not given.
	Name       string
	Expression string
	// Expr is the parsed expression tree.
	Expr *Expr
	// Strict (default true) fails the run when the expression is false.
	Strict bool
	Pos    Pos
}

// ExprKind is a node type of a condition expression.
type ExprKind uint8

const (
	// ExprAnd is Left and Right.
	ExprAnd ExprKind = iota
	// ExprOr is Left or Right.
	ExprOr
	// ExprNot is not Left.
	ExprNot
	// ExprCompare compares Metric with Value using Op (CondLt ... CondNe);
	// when Left and Right are set instead, it compares those arithmetic
	// operands (e.g. "http.requests - custom.seen <= 0").
	ExprCompare
	// ExprNumber is the number Value (an arithmetic operand).
	ExprNumber
	// ExprMetric is the value of Metric (an arithmetic operand).
	ExprMetric
	// ExprAdd is Left + Right.
	ExprAdd
	// ExprSub is Left - Right.
	ExprSub
	// ExprMul is Left * Right.
	ExprMul
	// ExprDiv is Left / Right; a zero divisor has no value.
	ExprDiv
	// ExprNeg is -Left.
	ExprNeg
)

// Expr is a node of a condition expression. A comparison written as one
// metric (named as in Threshold.Metric, resolved into Metric) and a number
// keeps that simple form; any other comparison holds arithmetic operands
// (ExprNumber, ExprMetric, ExprAdd ... ExprNeg) in Left and Right.
type Expr struct {
	Kind        ExprKind
	Left, Right *Expr
	Op          CondOp
	Metric      Threshold // Stat/Request/Phase resolved; Max unused
	Value       float64
}
