package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// These tests run whole scenarios against real httptest servers on
// loopback that count hits atomically; no assertion depends on timing
// beyond loose latency brackets.

// server is an httptest server on 127.0.0.1 counting its hits.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

// newServer starts a server that answers each request after delay with
// status 200, or 500 on /fail. hold, when set, blocks every /hit until the
// client goes away.
func newServer(t *testing.T, delay time.Duration, hold bool) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if hold {
			<-r.Context().Done()
			return
		}
		if delay > 0 {
			time.Sleep(delay)
		}
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("server at %s, want loopback 127.0.0.1", s.URL)
	}
	t.Cleanup(s.Close)
	return s
}

func text(s string) *scenario.Template {
	return &scenario.Template{Src: s, Parts: []scenario.TemplatePart{{Kind: scenario.PartText, Text: s}}}
}

// get is a GET step named after its path, expecting status 200.
func get(path string) scenario.Step {
	return scenario.Step{Kind: scenario.StepRequest, Path: "flow", Request: &scenario.Request{
		Method: "GET", URL: text(path), Name: path,
		Expects: []scenario.Expect{{Kind: scenario.ExpectStatusCode, Codes: []int{200}}},
	}}
}

// scen is a scenario whose one flow GETs /hit once, with the given phases.
func scen(target string, phases ...scenario.Phase) *scenario.Scenario {
	for i := range phases {
		if phases[i].Name == "" {
			phases[i].Name = "p" + string(rune('1'+i))
		}
	}
	return &scenario.Scenario{
		File: "test.yaml",
		Config: scenario.Config{
			Target: target, Phases: phases,
			HTTP: scenario.HTTPConfig{Timeout: 10 * time.Second},
			TLS:  scenario.TLSConfig{RejectUnauthorized: true},
		},
		Flows: []scenario.Flow{{Name: "hit", Steps: []scenario.Step{get("/hit")}}},
	}
}

func rate(r float64, d time.Duration) scenario.Phase {
	return scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: r, Duration: d}
}

// run runs sc to the end and returns the summary and every snapshot.
func run(t *testing.T, ctx context.Context, sc *scenario.Scenario, opts runner.Options) (*metrics.Summary, []*metrics.Snapshot) {
	t.Helper()
	r, err := runner.New(sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	var snaps []*metrics.Snapshot
	sum, err := r.Run(ctx, func(s *metrics.Snapshot) { snaps = append(snaps, s) })
	if err != nil {
		t.Fatal(err)
	}
	return sum, snaps
}

// checkTotals checks what every run must satisfy: the server saw what the
// summary counts, the snapshots add up to the summary, nothing is active.
func checkTotals(t *testing.T, srv *server, sum *metrics.Summary, snaps []*metrics.Snapshot) {
	t.Helper()
	if got := srv.hits.Load(); got != sum.Total.Count {
		t.Errorf("server saw %d requests, summary counts %d", got, sum.Total.Count)
	}
	var n int64
	for _, s := range snaps {
		n += s.Total.Count
	}
	if len(snaps) == 0 || n != sum.Total.Count {
		t.Errorf("%d snapshots count %d requests, summary %d", len(snaps), n, sum.Total.Count)
	}
	if sum.VUs.Active != 0 {
		t.Errorf("%d VUs still active in the summary", sum.VUs.Active)
	}
}

func TestRunOpenModelCounts(t *testing.T) {
	srv := newServer(t, 0, false)
	sc := scen(srv.URL, rate(50, 2*time.Second))
	sum, snaps := run(t, t.Context(), sc, runner.Options{Interval: 500 * time.Millisecond})
	checkTotals(t, srv, sum, snaps)
	// 50/s for 2 s is 100 arrivals; each one either ran its request or
	// was dropped at the cap.
	if got := sum.Total.Count + sum.VUs.Dropped; got != 100 {
		t.Errorf("%d requests + %d dropped = %d, want 100", sum.Total.Count, sum.VUs.Dropped, got)
	}
	if sum.VUs.Created != sum.Total.Count || sum.VUs.Completed != sum.Total.Count {
		t.Errorf("VUs %+v for %d requests, want one created and completed per request", sum.VUs, sum.Total.Count)
	}
	if sum.Total.Errors != 0 || sum.Interrupted || !sum.Passed {
		t.Errorf("errors %d, interrupted %v, passed %v", sum.Total.Errors, sum.Interrupted, sum.Passed)
	}
	if len(sum.Phases) != 1 || sum.Phases[0] != "p1" {
		t.Errorf("phases %v", sum.Phases)
	}
}

func TestRunClosedModelCounts(t *testing.T) {
	srv := newServer(t, 0, false)
	sc := scen(srv.URL, scenario.Phase{Kind: scenario.PhaseVUs, VUs: 5, Duration: time.Second})
	sum, snaps := run(t, t.Context(), sc, runner.Options{Interval: 200 * time.Millisecond})
	checkTotals(t, srv, sum, snaps)
	if sum.Total.Count == 0 || sum.VUs.Created != 5 || sum.VUs.Completed != sum.Total.Count {
		t.Errorf("VUs %+v for %d requests, want 5 created and one completed iteration per request", sum.VUs, sum.Total.Count)
	}
	if !hasNote(sum, "coordinated omission") {
		t.Errorf("no closed-model note in %q", sum.Notes)
	}
}

func TestRunLatencyBracketsServerDelay(t *testing.T) {
	const delay = 20 * time.Millisecond
	srv := newServer(t, delay, false)
	sc := scen(srv.URL, rate(20, time.Second))
	sum, snaps := run(t, t.Context(), sc, runner.Options{})
	checkTotals(t, srv, sum, snaps)
	for _, q := range []float64{50, 99} {
		// The upper bound is loose on purpose: machines are noisy.
		lat := sum.Total.Percentile(q)
		if lat < delay || lat >= delay+time.Second {
			t.Errorf("latency p%v = %v, want within [%v, %v)", q, lat, delay, delay+time.Second)
		}
		// Intended latency starts at the scheduled arrival, never after the
		// actual start, so it can only add the generator's lateness.
		if in := sum.Total.IntendedPercentile(q); in < lat {
			t.Errorf("intended p%v = %v below latency p%v = %v", q, in, q, lat)
		}
	}
}

func TestRunSegmentsAddUp(t *testing.T) {
	sc := func(url string) *scenario.Scenario {
		return scen(url, rate(30, time.Second), scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 9, Duration: 300 * time.Millisecond})
	}
	whole := newServer(t, 0, false)
	sum, _ := run(t, t.Context(), sc(whole.URL), runner.Options{})
	split := newServer(t, 0, false)
	var parts int64
	for _, seg := range []runner.Segment{{Index: 1, Count: 2}, {Index: 2, Count: 2}} {
		s, _ := run(t, t.Context(), sc(split.URL), runner.Options{Segment: seg})
		if s.Total.Count == 0 || !hasNote(s, "segment "+seg.String()) {
			t.Errorf("segment %v: %d requests, notes %q", seg, s.Total.Count, s.Notes)
		}
		parts += s.Total.Count + s.VUs.Dropped
	}
	if want := sum.Total.Count + sum.VUs.Dropped; parts != want || want != 39 || split.hits.Load() != whole.hits.Load() {
		t.Errorf("segments ran %d arrivals (%d hits), unsplit %d (%d hits), want 39 each",
			parts, split.hits.Load(), want, whole.hits.Load())
	}
}

func TestRunThresholds(t *testing.T) {
	srv := newServer(t, 20*time.Millisecond, false)
	tests := []struct {
		name string
		th   scenario.Threshold
		pass bool
	}{
		// p99 of a 20 ms server cannot be under 1 ms: the run fails.
		{"latency fails", scenario.Threshold{Metric: "http.response_time.p99", Stat: "http.response_time.p99", Max: 1}, false},
		// Ten requests are under a thousand: the run passes.
		{"count passes", scenario.Threshold{Metric: "http.requests", Stat: "http.requests", Max: 1000}, true},
		// Ten requests are over five: the run fails.
		{"count fails", scenario.Threshold{Metric: "http.requests", Stat: "http.requests", Max: 5}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen(srv.URL, scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 10, Duration: 200 * time.Millisecond})
			sc.Config.Ensure.Thresholds = []scenario.Threshold{tt.th}
			sum, _ := run(t, t.Context(), sc, runner.Options{})
			if sum.Passed != tt.pass || len(sum.Thresholds) != 1 || sum.Thresholds[0].Passed != tt.pass {
				t.Errorf("passed %v, thresholds %+v; want %v", sum.Passed, sum.Thresholds, tt.pass)
			}
		})
	}
}

func TestRunDropsAreNoted(t *testing.T) {
	srv := newServer(t, 300*time.Millisecond, false)
	ph := rate(20, time.Second)
	ph.MaxVusers = 2
	sum, snaps := run(t, t.Context(), scen(srv.URL, ph), runner.Options{})
	checkTotals(t, srv, sum, snaps)
	if sum.VUs.Dropped == 0 || sum.Total.Count+sum.VUs.Dropped != 20 {
		t.Errorf("%d requests, %d dropped; want some dropped, 20 in all", sum.Total.Count, sum.VUs.Dropped)
	}
	if !hasNote(sum, "arrivals were dropped (maxVusers 2 reached)") {
		t.Errorf("no drop note in %q", sum.Notes)
	}
}

// TestRunStop cancels the run's context once the server has seen a few
// requests of a long phase: the summary comes back interrupted and counts
// what the server saw.
func TestRunStop(t *testing.T) {
	srv := newServer(t, 0, false)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r, err := runner.New(scen(srv.URL, rate(50, time.Hour)), runner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var snaps []*metrics.Snapshot
	go func() {
		for srv.hits.Load() < 5 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	sum, err := r.Run(ctx, func(s *metrics.Snapshot) { snaps = append(snaps, s) })
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, srv, sum, snaps)
	if !sum.Interrupted || sum.Total.Count < 5 {
		t.Errorf("interrupted %v with %d requests, want interrupted after at least 5", sum.Interrupted, sum.Total.Count)
	}
	if _, err := r.Run(t.Context(), nil); err == nil {
		t.Error("a second Run succeeded, want an error")
	}
}

// TestRunHardCancel holds every request: after the phase and the grace
// period the in-flight VUs are cancelled, and the summary says so.
func TestRunHardCancel(t *testing.T) {
	srv := newServer(t, 0, true)
	sc := scen(srv.URL, scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 3, Duration: 100 * time.Millisecond})
	r, err := runner.New(sc, runner.Options{GracePeriod: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Run(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv.hits.Load() != 3 || sum.VUs.Completed != 0 || sum.VUs.Active != 0 || sum.Interrupted {
		t.Errorf("hits %d, VUs %+v, interrupted %v; want 3 hits, none completed or active", srv.hits.Load(), sum.VUs, sum.Interrupted)
	}
	if !hasNote(sum, "3 VU iterations were cancelled") || !hasNote(sum, "the 3 requests cut short") {
		t.Errorf("no cancellation note in %q", sum.Notes)
	}
}

func TestRunBeforeAndAfter(t *testing.T) {
	tests := []struct {
		name    string
		before  string
		after   string
		wantErr bool
		note    string
	}{
		// A failed before flow means the run cannot run: an error, no load.
		{"before fails", "/fail", "", true, ""},
		// A failed after flow is noted, not fatal.
		{"after fails", "/hit", "/fail", false, "after"},
		// Both succeed: before, phases, after all hit the server.
		{"both succeed", "/hit", "/hit", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, 0, false)
			sc := scen(srv.URL, scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 4, Duration: 100 * time.Millisecond})
			sc.Before = []scenario.Step{get(tt.before)}
			if tt.after != "" {
				sc.After = []scenario.Step{get(tt.after)}
			}
			r, err := runner.New(sc, runner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Run(t.Context(), nil)
			if tt.wantErr {
				if err == nil || sum != nil || srv.hits.Load() != 1 {
					t.Fatalf("Run = %v, %v with %d hits; want an error after the before flow's one request", sum, err, srv.hits.Load())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if srv.hits.Load() != 6 || sum.Total.Count != 6 {
				t.Errorf("%d hits, %d counted; want before + 4 + after = 6", srv.hits.Load(), sum.Total.Count)
			}
			if got := hasNote(sum, "after flow failed"); got != (tt.note != "") {
				t.Errorf("after-flow note %v, want %v: %q", got, tt.note != "", sum.Notes)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	good := scen("http://127.0.0.1:1", rate(1, time.Second))
	tests := []struct {
		name string
		sc   *scenario.Scenario
		opts runner.Options
		want string
	}{
		// No scenario at all.
		{"nil scenario", nil, runner.Options{}, "nil scenario"},
		// Options are validated.
		{"bad segment", good, runner.Options{Segment: runner.Segment{Index: 3, Count: 2}}, "segment 3/2"},
		{"negative interval", good, runner.Options{Interval: -time.Second}, "negative"},
		// Phases are validated with their name.
		{"too many VUs", scen("http://127.0.0.1:1", scenario.Phase{Kind: scenario.PhaseVUs, VUs: 10, Duration: time.Second}),
			runner.Options{MaxVUs: 5}, `phase "p1": 10 VUs exceed the VU cap of 5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := runner.New(tt.sc, tt.opts)
			if err == nil || r != nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, %v; want an error containing %q", r, err, tt.want)
			}
		})
	}
}

func TestPhases(t *testing.T) {
	sc := scen("http://127.0.0.1:1",
		rate(10, 2*time.Second),
		scenario.Phase{Kind: scenario.PhasePause, Duration: time.Second},
		scenario.Phase{Kind: scenario.PhaseVUs, VUs: 4, RampTo: 8, Duration: time.Second})
	r, err := runner.New(sc, runner.Options{Segment: runner.Segment{Index: 1, Count: 4}})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Phases()
	want := []runner.PhasePlan{
		{Name: "p1", Kind: scenario.PhaseArrivalRate, Duration: 2 * time.Second, Arrivals: 5, MaxVUs: runner.DefaultMaxVUs},
		{Name: "p2", Kind: scenario.PhasePause, Duration: time.Second},
		{Name: "p3", Kind: scenario.PhaseVUs, Duration: time.Second, VUs: 2},
	}
	if len(got) != len(want) {
		t.Fatalf("Phases() = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("phase %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	got[0].Name = "changed"
	if r.Phases()[0].Name != "p1" {
		t.Error("Phases() shares its slice with the runner")
	}
}

func hasNote(sum *metrics.Summary, sub string) bool {
	for _, n := range sum.Notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}
