package engine_test

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// server is an httptest server on 127.0.0.1 that counts requests and new
// connections atomically.
type server struct {
	*httptest.Server
	hits  atomic.Int64
	conns atomic.Int64
}

func newServer(t testing.TB, h http.HandlerFunc) *server {
	return startServer(t, h, false)
}

func newTLSServer(t testing.TB, h http.HandlerFunc) *server {
	return startServer(t, h, true)
}

func startServer(t testing.TB, h http.HandlerFunc, tls bool) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = quietLog()
	if tls {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// rig is a compiled program with a real metrics registry and recorder.
type rig struct {
	p   *engine.Program
	rec *metrics.Recorder
	agg *metrics.Aggregator
}

func compile(t testing.TB, sc *scenario.Scenario, opts engine.Options) *rig {
	t.Helper()
	reg := metrics.NewRegistry()
	p, err := engine.Compile(sc, reg, opts)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	t.Cleanup(p.Close)
	rec := metrics.NewRecorder(reg, 2)
	return &rig{p: p, rec: rec, agg: metrics.NewAggregator(rec, time.Now())}
}

// vu makes a VU of phase 0 recording into shard id%2.
func (r *rig) vu(t testing.TB, id int64) *engine.VU {
	vu := r.p.NewVU(id, 0, r.rec.Shard(int(id)))
	t.Cleanup(vu.Close)
	return vu
}

// summary collects what was recorded so far.
func (r *rig) summary() *metrics.Summary {
	now := time.Now()
	r.agg.Collect(now, 0, "p", metrics.VUStats{})
	return r.agg.Summary(now, metrics.VUStats{}, []string{"p"})
}

// byName returns the run-wide stats of one request name (zero Stats when it
// has no samples).
func (r *rig) byName(name string) metrics.Stats {
	for _, s := range r.summary().ByName {
		if s.Series.Name == name {
			return s.Stats
		}
	}
	return metrics.Stats{}
}

// iterate runs one iteration with a background context.
func (r *rig) iterate(t testing.TB, vu *engine.VU) error {
	t.Helper()
	return r.p.Iterate(context.Background(), vu, time.Time{})
}

// scen is a one-phase scenario against target with one flow.
func scen(target string, steps ...scenario.Step) *scenario.Scenario {
	return &scenario.Scenario{
		Config: scenario.Config{
			Target: target,
			Phases: []scenario.Phase{{Name: "p", Kind: scenario.PhaseVUs, VUs: 1, Duration: time.Second}},
			HTTP:   scenario.HTTPConfig{Timeout: 5 * time.Second},
			TLS:    scenario.TLSConfig{RejectUnauthorized: true},
		},
		Flows: []scenario.Flow{{Name: "f", Weight: 1, Steps: steps}},
	}
}

// req builds a request step; mods adjust the request.
func req(method, url string, mods ...func(*scenario.Request)) scenario.Step {
	r := &scenario.Request{Method: method, URL: scentest.T(url)}
	for _, m := range mods {
		m(r)
	}
	return scenario.Step{Kind: scenario.StepRequest, Path: method + " " + url, Request: r}
}

func get(url string, mods ...func(*scenario.Request)) scenario.Step {
	return req(http.MethodGet, url, mods...)
}

func named(n string) func(*scenario.Request) { return func(r *scenario.Request) { r.Name = n } }

func withHeader(name, value string) func(*scenario.Request) {
	return func(r *scenario.Request) {
		r.Headers = append(r.Headers, scenario.Header{Name: name, Value: scentest.T(value)})
	}
}

func captureJSON(expr, as string) func(*scenario.Request) {
	return withCapture(scenario.Capture{Kind: scenario.CaptureJSON, Expr: expr, As: as, Strict: true})
}

func withCapture(c scenario.Capture) func(*scenario.Request) {
	return func(r *scenario.Request) { r.Captures = append(r.Captures, c) }
}

func withExpect(e scenario.Expect) func(*scenario.Request) {
	return func(r *scenario.Request) { r.Expects = append(r.Expects, e) }
}

func loop(l scenario.Loop) scenario.Step {
	return scenario.Step{Kind: scenario.StepLoop, Path: "loop", Loop: &l}
}

func logStep(src string) scenario.Step {
	return scenario.Step{Kind: scenario.StepLog, Path: "log", Log: scentest.T(src)}
}

func think(th scenario.Think) scenario.Step {
	return scenario.Step{Kind: scenario.StepThink, Path: "think", Think: &th}
}

// quietLog silences the test servers' own error log (hijacked and reset
// connections are expected in these tests).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
