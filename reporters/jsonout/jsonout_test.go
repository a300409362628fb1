package jsonout_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/internal/fixture"
	"github.com/loadgo/loadgo/reporters/jsonout"
	"github.com/loadgo/loadgo/runner/metrics"
)

var start = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)

// fullSummary has every part of the contract: several names and phases,
// a before flow, open-model waits, errors, clamping, bytes, thresholds
// (one with a NaN limit) and notes.
func fullSummary() *metrics.Summary {
	sum := fixture.Summary(start, 90*time.Second, []string{"warm", "ramp"},
		fixture.Series{Name: "login", Phase: -1, PhaseName: "before", Spec: fixture.Spec{
			Latencies: []time.Duration{12 * time.Millisecond}, Status: map[int]int64{200: 1}, BytesIn: 300, BytesOut: 80}},
		fixture.Series{Name: "GET /users/{{ id }}", Phase: 0, PhaseName: "warm", Spec: fixture.Spec{
			Latencies: fixture.Ramp(200, 800*time.Microsecond, 40*time.Millisecond), Wait: 3 * time.Millisecond,
			Status: map[int]int64{200: 198, 503: 2}, Errors: map[metrics.ErrorKind]int64{metrics.ErrStatus: 2},
			BytesIn: 200_000, BytesOut: 12_000}},
		fixture.Series{Name: "GET /users/{{ id }}", Phase: 1, PhaseName: "ramp", Spec: fixture.Spec{
			Latencies: fixture.Ramp(600, time.Millisecond, 2*time.Second), Wait: 250 * time.Millisecond,
			Status: map[int]int64{200: 590, 404: 5}, Errors: map[metrics.ErrorKind]int64{metrics.ErrTimeout: 5, metrics.ErrExpect: 5},
			BytesIn: 600_000, BytesOut: 36_000, Clamped: 1}},
		fixture.Series{Name: "POST /orders", Phase: 1, PhaseName: "ramp", Spec: fixture.Spec{
			Latencies: fixture.Ramp(100, 5*time.Millisecond, 90*time.Millisecond),
			Status:    map[int]int64{201: 100}, BytesIn: 10_000, BytesOut: 50_000}},
	)
	sum.PhaseDurations = []time.Duration{30 * time.Second, 60 * time.Second}
	sum.VUs = metrics.VUStats{Active: 0, Created: 120, Completed: 110, Failed: 6, Dropped: 4}
	sum.Thresholds = []metrics.ThresholdResult{
		{Name: "http.response_time.p99 < 500", Passed: false, Value: 1980.5, Limit: 500},
		{Name: "http.error_rate < 5", Passed: true, Value: 1.4, Limit: 5},
		{Name: "vusers.dropped == 0", Passed: false, Value: 4, Limit: math.NaN()},
	}
	sum.Passed = false
	sum.Notes = []string{"4 arrivals were dropped: latency is understated"}
	return sum
}

// keys returns the keys of a JSON object in document order.
func keys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// object decodes raw into its members.
func object(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	return m
}

var (
	topKeys     = []string{"schema", "passed", "interrupted", "start", "end", "duration_s", "totals", "requests", "phases", "errors", "vus", "thresholds", "notes"}
	totalsKeys  = []string{"requests", "errors", "rps", "bytes_in", "bytes_out", "clamped", "latency_ms", "intended_latency_ms"}
	requestKeys = []string{"count", "errors", "rps", "status", "errors_by_kind", "latency_ms", "intended_latency_ms", "bytes_in", "bytes_out", "clamped"}
	latencyKeys = []string{"min", "mean", "p50", "p90", "p95", "p99", "p999", "max"}
	phaseKeys   = []string{"name", "index", "duration_s", "requests"}
	vusKeys     = []string{"created", "completed", "failed", "dropped"}
	threshKeys  = []string{"name", "passed", "value", "limit"}
)

// TestMarshalShape checks the key set and order of every object of the
// contract, on the raw document.
func TestMarshalShape(t *testing.T) {
	b, err := jsonout.Marshal(fullSummary())
	if err != nil {
		t.Fatal(err)
	}
	top := object(t, b)
	checkKeys(t, "document", keys(t, b), topKeys)
	totals := object(t, top["totals"])
	checkKeys(t, "totals", keys(t, top["totals"]), totalsKeys)
	checkKeys(t, "totals.latency_ms", keys(t, totals["latency_ms"]), latencyKeys)
	checkKeys(t, "totals.intended_latency_ms", keys(t, totals["intended_latency_ms"]), latencyKeys)
	for name, raw := range object(t, top["requests"]) {
		checkKeys(t, "requests."+name, keys(t, raw), requestKeys)
		checkKeys(t, "requests."+name+".latency_ms", keys(t, object(t, raw)["latency_ms"]), latencyKeys)
	}
	var phases []json.RawMessage
	if err := json.Unmarshal(top["phases"], &phases); err != nil {
		t.Fatal(err)
	}
	for i, raw := range phases {
		checkKeys(t, "phases["+strconv.Itoa(i)+"]", keys(t, raw), phaseKeys)
		for name, r := range object(t, object(t, raw)["requests"]) {
			checkKeys(t, "phases.requests."+name, keys(t, r), requestKeys)
		}
	}
	checkKeys(t, "vus", keys(t, top["vus"]), vusKeys)
	var ths []json.RawMessage
	if err := json.Unmarshal(top["thresholds"], &ths); err != nil {
		t.Fatal(err)
	}
	for i, raw := range ths {
		checkKeys(t, "thresholds["+strconv.Itoa(i)+"]", keys(t, raw), threshKeys)
	}
	var errs map[string]int64
	if err := json.Unmarshal(top["errors"], &errs); err != nil {
		t.Fatal(err)
	}
	for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
		if _, ok := errs[k.String()]; !ok {
			t.Errorf("errors lacks kind %q", k)
		}
	}
	if len(errs) != int(metrics.NumErrorKinds)-1 {
		t.Errorf("errors has %d kinds, want %d", len(errs), metrics.NumErrorKinds-1)
	}
	again, err := jsonout.Marshal(fullSummary())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Error("two marshals of the same summary differ: key order is not stable")
	}
}

func checkKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s keys:\n got %q\nwant %q", what, got, want)
	}
}

// wantLatency computes the expected ms statistics from the raw histogram.
func wantLatency(h *hdrhistogram.Histogram) *jsonout.Latency {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return &jsonout.Latency{
		Min: ms(h.Min()), Mean: math.Round(h.Mean()) / 1000,
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)), P95: ms(h.ValueAtQuantile(95)),
		P99: ms(h.ValueAtQuantile(99)), P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()),
	}
}

func checkLatency(t *testing.T, what string, got *jsonout.Latency, h *hdrhistogram.Histogram) {
	t.Helper()
	if got == nil {
		t.Errorf("%s is null", what)
		return
	}
	if want := wantLatency(h); *got != *want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, *got, *want)
	}
}

// checkRequest compares one decoded request entry with the stats it came
// from; rps is relative to dur.
func checkRequest(t *testing.T, what string, got jsonout.Request, s *metrics.Stats, dur time.Duration) {
	t.Helper()
	if got.Count != s.Count || got.Errors != s.Errors || got.BytesIn != s.BytesIn || got.BytesOut != s.BytesOut || got.Clamped != s.Clamped {
		t.Errorf("%s counters = %d/%d/%d/%d/%d, want %d/%d/%d/%d/%d", what,
			got.Count, got.Errors, got.BytesIn, got.BytesOut, got.Clamped,
			s.Count, s.Errors, s.BytesIn, s.BytesOut, s.Clamped)
	}
	wantRPS := math.Round(float64(s.Count)/dur.Seconds()*1000) / 1000
	if got.RPS == nil || *got.RPS != wantRPS {
		t.Errorf("%s rps = %v, want %v", what, got.RPS, wantRPS)
	}
	wantStatus := map[string]int64{}
	for code, n := range s.Status {
		wantStatus[strconv.Itoa(code)] = n
	}
	if !mapsEqual(got.Status, wantStatus) {
		t.Errorf("%s status = %v, want %v", what, got.Status, wantStatus)
	}
	wantKinds := map[string]int64{}
	for k, n := range s.ErrorsByKind {
		if n != 0 {
			wantKinds[metrics.ErrorKind(k).String()] = n
		}
	}
	if !mapsEqual(got.ErrorsByKind, wantKinds) {
		t.Errorf("%s errors_by_kind = %v, want %v", what, got.ErrorsByKind, wantKinds)
	}
	checkLatency(t, what+" latency_ms", got.Latency, s.Latency)
	checkLatency(t, what+" intended_latency_ms", got.Intended, s.Intended)
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestMarshalValues decodes the document and checks every field against
// the summary it was made from.
func TestMarshalValues(t *testing.T) {
	sum := fullSummary()
	b, err := jsonout.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	var d jsonout.Document
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Schema != "loadgo.summary/v1" || d.Passed || d.Interrupted {
		t.Errorf("schema/passed/interrupted = %q/%v/%v", d.Schema, d.Passed, d.Interrupted)
	}
	if !d.Start.Equal(sum.Start) || !d.End.Equal(sum.End) || d.DurationS != 90 {
		t.Errorf("start/end/duration = %v/%v/%v", d.Start, d.End, d.DurationS)
	}
	if !bytes.Contains(b, []byte(`"name": "http.response_time.p99 < 500"`)) {
		t.Errorf("threshold names are HTML-escaped:\n%s", b)
	}
	if !bytes.Contains(b, []byte(`"start": "2025-03-04T05:06:07.123456789Z"`)) {
		t.Errorf("start is not RFC 3339 with nanoseconds:\n%s", b)
	}
	tot := d.Totals
	if tot.Requests != 901 || tot.Errors != 12 || tot.BytesIn != 810_300 || tot.BytesOut != 98_080 || tot.Clamped != 1 {
		t.Errorf("totals counters = %+v", tot)
	}
	if want := math.Round(901.0/90*1000) / 1000; tot.RPS != want {
		t.Errorf("totals rps = %v, want %v", tot.RPS, want)
	}
	checkLatency(t, "totals latency_ms", tot.Latency, sum.Total.Latency)
	checkLatency(t, "totals intended_latency_ms", tot.Intended, sum.Total.Intended)
	if tot.Intended.P99 <= tot.Latency.P99 {
		t.Errorf("intended p99 %v not above latency p99 %v despite queueing", tot.Intended.P99, tot.Latency.P99)
	}

	if len(d.Requests) != len(sum.ByName) {
		t.Errorf("%d requests, want %d", len(d.Requests), len(sum.ByName))
	}
	for i := range sum.ByName {
		bn := &sum.ByName[i]
		got, ok := d.Requests[bn.Series.Name]
		if !ok {
			t.Errorf("requests lacks %q", bn.Series.Name)
			continue
		}
		checkRequest(t, "requests."+bn.Series.Name, got, &bn.Stats, 90*time.Second)
	}

	wantPhases := []struct {
		name  string
		index int
		dur   float64
	}{{"warm", 0, 30}, {"ramp", 1, 60}, {"before", -1, 0}}
	if len(d.Phases) != len(wantPhases) {
		t.Fatalf("%d phases, want %d: %+v", len(d.Phases), len(wantPhases), d.Phases)
	}
	for i, w := range wantPhases {
		p := d.Phases[i]
		if p.Name != w.name || p.Index != w.index {
			t.Errorf("phase %d = %q/%d, want %q/%d", i, p.Name, p.Index, w.name, w.index)
		}
		if w.dur == 0 {
			if p.DurationS != nil {
				t.Errorf("phase %q duration_s = %v, want null", p.Name, *p.DurationS)
			}
		} else if p.DurationS == nil || *p.DurationS != w.dur {
			t.Errorf("phase %q duration_s = %v, want %v", p.Name, p.DurationS, w.dur)
		}
	}
	for _, s := range sum.Series {
		if s.Series.Phase < 0 {
			got := d.Phases[2].Requests[s.Series.Name]
			if got.Count != s.Count || got.RPS != nil {
				t.Errorf("before-flow request %q = count %d rps %v, want %d and null", s.Series.Name, got.Count, got.RPS, s.Count)
			}
			continue
		}
		p := d.Phases[s.Series.Phase]
		got, ok := p.Requests[s.Series.Name]
		if !ok {
			t.Errorf("phase %q lacks %q", p.Name, s.Series.Name)
			continue
		}
		checkRequest(t, "phases."+p.Name+"."+s.Series.Name, got, &s.Stats, sum.PhaseDurations[s.Series.Phase])
	}

	for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
		if got := d.Errors[k.String()]; got != sum.Total.ErrorsByKind[k] {
			t.Errorf("errors.%s = %d, want %d", k, got, sum.Total.ErrorsByKind[k])
		}
	}
	if d.VUs != (jsonout.VUs{Created: 120, Completed: 110, Failed: 6, Dropped: 4}) {
		t.Errorf("vus = %+v", d.VUs)
	}
	if len(d.Thresholds) != 3 {
		t.Fatalf("%d thresholds, want 3", len(d.Thresholds))
	}
	for i, th := range sum.Thresholds {
		got := d.Thresholds[i]
		if got.Name != th.Name || got.Passed != th.Passed || got.Value == nil || *got.Value != th.Value {
			t.Errorf("threshold %d = %+v, want %+v", i, got, th)
		}
		if math.IsNaN(th.Limit) != (got.Limit == nil) || (got.Limit != nil && *got.Limit != th.Limit) {
			t.Errorf("threshold %d limit = %v, want %v (NaN as null)", i, got.Limit, th.Limit)
		}
	}
	if !slices.Equal(d.Notes, sum.Notes) {
		t.Errorf("notes = %q, want %q", d.Notes, sum.Notes)
	}
}

// TestMarshalEmptyRun checks a run without a single request: nothing
// divides by zero, empty latencies are null, collections are empty, not null.
func TestMarshalEmptyRun(t *testing.T) {
	sum := fixture.Summary(start, 0, []string{"only"})
	sum.End = sum.Start
	b, err := jsonout.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) || bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
		t.Fatalf("invalid document:\n%s", b)
	}
	top := object(t, b)
	for key, want := range map[string]string{"requests": "{}", "thresholds": "[]", "notes": "[]"} {
		if got := string(top[key]); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
	totals := object(t, top["totals"])
	for key, want := range map[string]string{"rps": "0", "requests": "0", "latency_ms": "null", "intended_latency_ms": "null"} {
		if got := string(totals[key]); got != want {
			t.Errorf("totals.%s = %s, want %s", key, got, want)
		}
	}
	var d jsonout.Document
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Phases) != 1 || d.Phases[0].Name != "only" || len(d.Phases[0].Requests) != 0 || d.Phases[0].DurationS != nil {
		t.Errorf("phases = %+v, want the one empty phase of unknown duration", d.Phases)
	}
}

func TestMarshalNonFinite(t *testing.T) {
	tests := []struct {
		name  string
		value float64
		want  string
	}{
		// A finite value is written as a number.
		{name: "finite", value: 12.5, want: "12.5"},
		// NaN is not valid JSON: null.
		{name: "NaN", value: math.NaN(), want: "null"},
		// Neither is +Inf.
		{name: "+Inf", value: math.Inf(1), want: "null"},
		// Nor -Inf.
		{name: "-Inf", value: math.Inf(-1), want: "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := fixture.Summary(start, time.Second, nil)
			sum.Thresholds = []metrics.ThresholdResult{{Name: "x", Value: tt.value, Limit: tt.value}}
			b, err := jsonout.Marshal(sum)
			if err != nil {
				t.Fatal(err)
			}
			var top struct {
				Thresholds []map[string]json.RawMessage `json:"thresholds"`
			}
			if err := json.Unmarshal(b, &top); err != nil {
				t.Fatal(err)
			}
			th := top.Thresholds[0]
			if string(th["value"]) != tt.want || string(th["limit"]) != tt.want {
				t.Errorf("value/limit = %s/%s, want %s", th["value"], th["limit"], tt.want)
			}
		})
	}
}

func TestMarshalNil(t *testing.T) {
	if _, err := jsonout.Marshal(nil); err == nil {
		t.Error("Marshal(nil) returned no error")
	}
}

func TestReporter(t *testing.T) {
	sum := fullSummary()
	sum.PhaseDurations = nil
	planned := []reporters.PhaseInfo{{Name: "warm", Duration: 40 * time.Second}, {Name: "ramp", Duration: 50 * time.Second}}
	tests := []struct {
		name        string
		start       bool
		interrupted bool
		// wantDur are the expected phase durations (0: null).
		wantDur []float64
	}{
		// Without Start, the file is exactly Marshal's document.
		{name: "no plan", wantDur: []float64{0, 0}},
		// With the plan, phase durations and rates come from it.
		{name: "plan", start: true, wantDur: []float64{40, 50}},
		// An interrupted run did not follow its plan: durations stay null.
		{name: "interrupted", start: true, interrupted: true, wantDur: []float64{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := *sum
			s.Interrupted = tt.interrupted
			dir := t.TempDir()
			path := filepath.Join(dir, "summary.json")
			r := jsonout.New(path)
			if tt.start {
				if err := r.Start(reporters.RunInfo{Phases: planned}); err != nil {
					t.Fatal(err)
				}
			}
			r.Report(&metrics.Snapshot{})
			if err := r.Finish(&s); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.start {
				want, err := jsonout.Marshal(&s)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b, want) {
					t.Error("file differs from Marshal's document")
				}
			}
			var d jsonout.Document
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.wantDur {
				got := d.Phases[i].DurationS
				if (w == 0) != (got == nil) || (got != nil && *got != w) {
					t.Errorf("phase %d duration_s = %v, want %v", i, got, w)
				}
				rps := d.Phases[i].Requests["GET /users/{{ id }}"].RPS
				if (w == 0) != (rps == nil) {
					t.Errorf("phase %d rps = %v, want null exactly when the duration is unknown", i, rps)
				}
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Errorf("directory holds %d entries, want only summary.json", len(es))
			}
		})
	}
}

func TestReporterWriteError(t *testing.T) {
	dir := t.TempDir()
	// The target is a directory with content: the write must fail and
	// leave it as it was.
	path := filepath.Join(dir, "summary.json")
	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := jsonout.New(path).Finish(fullSummary()); err == nil {
		t.Fatal("Finish returned no error")
	}
	if _, err := os.Stat(filepath.Join(path, "keep")); err != nil {
		t.Errorf("existing content touched: %v", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("directory holds %d entries, want 1 (no temp files left)", len(es))
	}
	// A missing directory fails too.
	if err := jsonout.New(filepath.Join(dir, "missing", "s.json")).Finish(fullSummary()); err == nil {
		t.Error("Finish into a missing directory returned no error")
	}
	// A nil summary is an error, and writes nothing.
	if err := jsonout.New(filepath.Join(dir, "nil.json")).Finish(nil); err == nil {
		t.Error("Finish(nil) returned no error")
	}
	if _, err := os.Stat(filepath.Join(dir, "nil.json")); !os.IsNotExist(err) {
		t.Errorf("Finish(nil) created a file: %v", err)
	}
}

func TestReporterUnwritableDir(t *testing.T) {
	// Root ignores directory permissions: as root, the body runs in a
	// child process as uid 65534.
	if !fixture.AsNobody(t) {
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.json")
	if err := os.WriteFile(path, []byte(`{"old":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if err := jsonout.New(path).Finish(fullSummary()); err == nil {
		t.Fatal("Finish into a read-only directory returned no error")
	}
	if b, _ := os.ReadFile(path); string(b) != `{"old":true}` {
		t.Errorf("existing file changed to %s", b)
	}
}
