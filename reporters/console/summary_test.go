package console

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/internal/fixture"
	"github.com/loadgo/loadgo/runner/metrics"
)

var start = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

var apiInfo = reporters.RunInfo{
	Scenario: "examples/api.yaml",
	Target:   "http://127.0.0.1:8080",
	Phases:   []reporters.PhaseInfo{{Name: "steady", Kind: "constant", Duration: time.Minute}},
	Total:    time.Minute,
	Start:    start,
}

func oneName() *metrics.Summary {
	sum := fixture.Summary(start, time.Minute, []string{"steady"},
		fixture.Series{Name: "GET /health", Phase: 0, PhaseName: "steady", Spec: fixture.Spec{
			Latencies: fixture.Ramp(1200, 400*time.Microsecond, 25*time.Millisecond),
			Status:    map[int]int64{200: 1200}, BytesIn: 1_250_000, BytesOut: 96_000}})
	sum.VUs = metrics.VUStats{Created: 10, Completed: 10}
	return sum
}

// namesPhases is an open-model run with three names over two phases and a
// before flow; queueing makes the intended latencies differ.
func namesPhases() (reporters.RunInfo, *metrics.Summary) {
	info := reporters.RunInfo{
		Scenario: "examples/shop.yaml",
		Target:   "http://127.0.0.1:8080",
		Phases: []reporters.PhaseInfo{
			{Name: "warm up", Kind: "arrival-rate", Duration: 30 * time.Second},
			{Name: "peak", Kind: "arrival-rate", Duration: time.Minute},
		},
		Total:   90 * time.Second,
		Start:   start,
		Segment: "1/2",
	}
	sum := fixture.Summary(start, 90*time.Second+400*time.Millisecond, []string{"warm up", "peak"},
		fixture.Series{Name: "POST /login", Phase: -1, PhaseName: "before", Spec: fixture.Spec{
			Latencies: []time.Duration{35 * time.Millisecond}, Status: map[int]int64{200: 1}}},
		fixture.Series{Name: "GET /products", Phase: 0, PhaseName: "warm up", Spec: fixture.Spec{
			Latencies: fixture.Ramp(300, 2*time.Millisecond, 30*time.Millisecond),
			Status:    map[int]int64{200: 300}, BytesIn: 3 << 20, BytesOut: 40_000}},
		fixture.Series{Name: "GET /products", Phase: 1, PhaseName: "peak", Spec: fixture.Spec{
			Latencies: fixture.Ramp(1500, 3*time.Millisecond, 900*time.Millisecond), Wait: 120 * time.Millisecond,
			Status: map[int]int64{200: 1500}, BytesIn: 15 << 20, BytesOut: 200_000}},
		fixture.Series{Name: "GET /products/{{ id }}", Phase: 1, PhaseName: "peak", Spec: fixture.Spec{
			Latencies: fixture.Ramp(700, 5*time.Millisecond, 1500*time.Millisecond), Wait: 80 * time.Millisecond,
			Status: map[int]int64{200: 697, 404: 3}, Errors: map[metrics.ErrorKind]int64{metrics.ErrStatus: 3},
			BytesIn: 7 << 20, BytesOut: 90_000}},
	)
	sum.PhaseDurations = []time.Duration{30 * time.Second, 60*time.Second + 400*time.Millisecond}
	sum.VUs = metrics.VUStats{Created: 2500, Completed: 2497, Failed: 3}
	return info, sum
}

func withErrors() *metrics.Summary {
	sum := fixture.Summary(start, 45*time.Second, []string{"steady"},
		fixture.Series{Name: "GET /flaky", Phase: 0, PhaseName: "steady", Spec: fixture.Spec{
			Latencies: append(fixture.Ramp(400, time.Millisecond, 80*time.Millisecond), time.Hour),
			Status:    map[int]int64{200: 340, 500: 25, 502: 5},
			Errors: map[metrics.ErrorKind]int64{
				metrics.ErrTimeout: 20, metrics.ErrReset: 6, metrics.ErrStatus: 30, metrics.ErrExpect: 4,
			},
			BytesIn: 900, BytesOut: 120, Clamped: 1}})
	sum.VUs = metrics.VUStats{Created: 401, Completed: 350, Failed: 50, Dropped: 12}
	sum.Notes = []string{
		"12 arrivals were dropped because every VU was busy: latencies are understated",
		"1 latency above 1h0m0s was clamped",
	}
	return sum
}

func withThresholds(passed bool) *metrics.Summary {
	sum := oneName()
	sum.Thresholds = []metrics.ThresholdResult{
		{Name: "http.response_time.p99 < 50", Passed: true, Value: 24.8, Limit: 50},
		{Name: "http.response_time.p95{name:GET /health} < 20", Passed: passed, Value: 23.77, Limit: 20},
		{Name: "http.error_rate < 1", Passed: true, Value: 0, Limit: 1},
		{Name: "vusers.dropped == 0", Passed: passed, Value: math.NaN(), Limit: math.NaN()},
	}
	sum.Passed = passed
	return sum
}

func interrupted() *metrics.Summary {
	sum := oneName()
	sum.Duration = 17*time.Second + 200*time.Millisecond
	sum.End = sum.Start.Add(sum.Duration)
	sum.Interrupted = true
	sum.Notes = []string{"the run was interrupted: results cover 17.2s of 1m0s"}
	return sum
}

func emptyRun() *metrics.Summary {
	sum := fixture.Summary(start, 0, []string{"a", "b"})
	sum.End = sum.Start
	sum.Thresholds = []metrics.ThresholdResult{{Name: "http.requests > 0", Passed: false, Value: 0, Limit: math.NaN()}}
	sum.Passed = false
	return sum
}

func TestWriteSummaryGolden(t *testing.T) {
	npInfo, np := namesPhases()
	tests := []struct {
		name    string
		info    reporters.RunInfo
		sum     *metrics.Summary
		noColor bool
	}{
		// The simplest run: one request name, one phase, all good.
		{name: "one_name", info: apiInfo, sum: oneName(), noColor: true},
		// Several names, phases with a before flow, a segment, and the
		// intended-start block of an open-model run.
		{name: "names_phases", info: npInfo, sum: np, noColor: true},
		// Errors of several kinds, clamping, dropped VUs and notes.
		{name: "errors", info: apiInfo, sum: withErrors(), noColor: true},
		// Every threshold passed, ASCII marks.
		{name: "thresholds_passed", info: apiInfo, sum: withThresholds(true), noColor: true},
		// Two thresholds failed, in colour with check marks.
		{name: "thresholds_failed", info: apiInfo, sum: withThresholds(false)},
		// Interrupted by the user, in colour.
		{name: "interrupted", info: apiInfo, sum: interrupted()},
		// No request at all and no run info: no NaN, no division by zero.
		{name: "empty", sum: emptyRun(), noColor: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSummary(&buf, tt.info, tt.sum, Options{NoColor: tt.noColor}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, bad := range []string{"NaN", "Inf", "%!"} {
				if strings.Contains(out, bad) {
					t.Errorf("output contains %q:\n%s", bad, out)
				}
			}
			if tt.noColor && strings.ContainsAny(out, "\x1b✓✗µ") {
				t.Errorf("NoColor output has colours or non-ASCII marks:\n%s", out)
			}
			for i, line := range strings.Split(out, "\n") {
				if strings.HasSuffix(line, " ") {
					t.Errorf("line %d has trailing spaces: %q", i+1, line)
				}
			}
			golden(t, "summary_"+tt.name, buf.Bytes())
		})
	}
}

// TestWriteSummaryContent checks facts of the rendered summary that come
// from the summary's data, independently of the golden files.
func TestWriteSummaryContent(t *testing.T) {
	npInfo, np := namesPhases()
	tests := []struct {
		name    string
		info    reporters.RunInfo
		sum     *metrics.Summary
		want    []string
		notWant []string
	}{
		// A closed-model run has no intended block and no phase table.
		{name: "closed single phase", info: apiInfo, sum: oneName(),
			want:    []string{"GET /health", "200:1200", "in 1.2 MiB, out 93.8 KiB"},
			notWant: []string{"intended", "phase", "thresholds", "note:"}},
		// The open-model run shows the intended block and every phase,
		// the before flow included.
		{name: "open model phases", info: npInfo, sum: np,
			want: []string{"latency from intended start (coordinated-omission safe)", "1 warm up", "2 peak", "before",
				"200:697 404:3", "segment:  1/2"}},
		// Error kinds are listed, zero kinds are not.
		{name: "errors", info: apiInfo, sum: withErrors(),
			want:    []string{"errors:   timeout 20, reset 6, status 30, expect 4", "dropped 12", "note: 12 arrivals"},
			notWant: []string{"refused", "dns"}},
		// The verdict counts failed thresholds.
		{name: "failed", info: apiInfo, sum: withThresholds(false), want: []string{"2 of 4 thresholds failed"}, notWant: []string{"thresholds passed"}},
		// And says so when all passed.
		{name: "passed", info: apiInfo, sum: withThresholds(true), want: []string{"thresholds passed", "PASS"}, notWant: []string{"FAIL"}},
		// An interrupted run says so in the header.
		{name: "interrupted", info: apiInfo, sum: interrupted(), want: []string{"17.2s", "(interrupted!)"}},
		// An empty run says so instead of printing empty tables.
		{name: "empty", sum: emptyRun(), want: []string{"no requests were made", "0 (0.00/s)"}, notWant: []string{"latency (ms)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSummary(&buf, tt.info, tt.sum, Options{NoColor: true}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, &buf)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(buf.String(), w) {
					t.Errorf("output has %q:\n%s", w, &buf)
				}
			}
		})
	}
}

// failingWriter fails every write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteSummaryErrors(t *testing.T) {
	errBroken := errors.New("broken pipe")
	if err := WriteSummary(failingWriter{errBroken}, apiInfo, oneName(), Options{}); !errors.Is(err, errBroken) {
		t.Errorf("write failure: got %v, want it wrapped", err)
	}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, apiInfo, nil, Options{}); err == nil || buf.Len() != 0 {
		t.Errorf("nil summary: got %v and %d bytes, want an error and nothing written", err, buf.Len())
	}
}
