package engine_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runLog runs one iteration of steps (no HTTP) for VU 3 and returns the log.
func runLog(t *testing.T, sc *scenario.Scenario) (string, error) {
	t.Helper()
	var log syncBuffer
	p, err := engine.Compile(sc, nil, engine.Options{Log: &log, Seed: 5, Env: map[string]string{"STAGE": "test"}})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	vu := p.NewVU(3, 0, nil)
	defer vu.Close()
	err = p.Iterate(context.Background(), vu, time.Time{})
	return log.String(), err
}

func TestLoopsAndLog(t *testing.T) {
	tests := []struct {
		name    string
		steps   []scenario.Step
		vars    []scenario.Variable
		want    string
		wantErr string
	}{
		{
			// A log step writes "vu=ID: text", with templates rendered.
			name:  "log",
			steps: []scenario.Step{logStep("hello {{ $env.STAGE }}")},
			want:  "vu=3: hello test\n",
		},
		{
			// A count loop sets $loopCount from 1.
			name:  "count",
			steps: []scenario.Step{loop(scenario.Loop{Count: 3, Steps: []scenario.Step{logStep("{{ $loopCount }}")}})},
			want:  "vu=3: 1\nvu=3: 2\nvu=3: 3\n",
		},
		{
			// A templated count is rendered when the loop starts.
			name:  "count template",
			vars:  []scenario.Variable{{Name: "n", Values: []*scenario.Template{scentest.T("2")}}},
			steps: []scenario.Step{loop(scenario.Loop{CountTmpl: scentest.T("{{ n }}"), Steps: []scenario.Step{logStep("i{{ $loopCount }}")}})},
			want:  "vu=3: i1\nvu=3: i2\n",
		},
		{
			// A templated count that is not a number aborts the flow.
			name:    "bad count template",
			vars:    []scenario.Variable{{Name: "n", Values: []*scenario.Template{scentest.T("many")}}},
			steps:   []scenario.Step{loop(scenario.Loop{CountTmpl: scentest.T("{{ n }}"), Steps: []scenario.Step{logStep("x")}})},
			wantErr: "loop count",
		},
		{
			// A literal list gives $loopElement, with paths into objects.
			name: "over literal",
			vars: []scenario.Variable{{Name: "v", Values: []*scenario.Template{scentest.T("dyn")}}},
			steps: []scenario.Step{loop(scenario.Loop{
				Over: []*scenario.JSONValue{
					scentest.Str("a"), scentest.Num("2"), scentest.Str("{{ v }}"),
					scentest.Obj("id", scentest.Str("o-{{ v }}")), scentest.Obj("id", scentest.Num("9")),
				},
				Steps: []scenario.Step{logStep("{{ $loopCount }}={{ $loopElement }}|{{ $loopElement.id }}")},
			})},
			want: "vu=3: 1=a|\nvu=3: 2=2|\nvu=3: 3=dyn|\nvu=3: 4={\"id\":\"o-dyn\"}|o-dyn\nvu=3: 5={\"id\":9}|9\n",
		},
		{
			// Nested loops restore the outer $loopCount and $loopElement.
			name: "nested",
			steps: []scenario.Step{loop(scenario.Loop{
				Over: []*scenario.JSONValue{scentest.Str("x"), scentest.Str("y")},
				Steps: []scenario.Step{
					loop(scenario.Loop{Count: 2, Steps: []scenario.Step{logStep("{{ $loopElement }}{{ $loopCount }}")}}),
					logStep("after {{ $loopElement }}{{ $loopCount }}"),
				},
			})},
			want: "vu=3: 1\nvu=3: 2\nvu=3: after x1\nvu=3: 1\nvu=3: 2\nvu=3: after y2\n",
		},
		{
			// A loop over a variable holding a JSON array (as text here).
			name:  "over variable",
			vars:  []scenario.Variable{{Name: "list", Values: []*scenario.Template{scentest.T(`["p","q"]`)}}},
			steps: []scenario.Step{loop(scenario.Loop{OverVar: "list", Steps: []scenario.Step{logStep("{{ $loopElement }}")}})},
			want:  "vu=3: p\nvu=3: q\n",
		},
		{
			// A loop over an unset variable runs zero times.
			name:  "over unset",
			steps: []scenario.Step{loop(scenario.Loop{OverVar: "nothing", Steps: []scenario.Step{logStep("never")}}), logStep("done")},
			want:  "vu=3: done\n",
		},
		{
			// $loopCount is empty outside loops.
			name:  "outside",
			steps: []scenario.Step{logStep("[{{ $loopCount }}]")},
			want:  "vu=3: []\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen("", tt.steps...)
			sc.Config.Variables = tt.vars
			got, err := runLog(t, sc)
			if tt.wantErr != "" {
				if !errors.Is(err, engine.ErrAborted) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want an abort containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("log =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestIfTrue(t *testing.T) {
	vars := []scenario.Variable{
		{Name: "n", Values: []*scenario.Template{scentest.T("10")}},
		{Name: "s", Values: []*scenario.Template{scentest.T("abc")}},
		{Name: "zero", Values: []*scenario.Template{scentest.T("0")}},
	}
	tests := []struct {
		name string
		cond scenario.Cond
		want bool
	}{
		// A set, non-false variable is truthy.
		{name: "truthy", cond: scenario.Cond{Op: scenario.CondTruthy, Left: scentest.T("{{ s }}")}, want: true},
		// "0" and unset are falsy.
		{name: "zero falsy", cond: scenario.Cond{Op: scenario.CondTruthy, Left: scentest.T("{{ zero }}")}},
		{name: "unset falsy", cond: scenario.Cond{Op: scenario.CondTruthy, Left: scentest.T("{{ missing }}")}},
		// Numbers compare numerically: 10 > 9 (textually "10" < "9").
		{name: "numeric", cond: scenario.Cond{Op: scenario.CondGt, Left: scentest.T("{{ n }}"), Right: scentest.T("9")}, want: true},
		{name: "numeric eq", cond: scenario.Cond{Op: scenario.CondEq, Left: scentest.T("{{ n }}"), Right: scentest.T("10.0")}, want: true},
		// Text compares textually.
		{name: "text", cond: scenario.Cond{Op: scenario.CondLt, Left: scentest.T("{{ s }}"), Right: scentest.T("abd")}, want: true},
		{name: "text ne", cond: scenario.Cond{Op: scenario.CondNe, Left: scentest.T("{{ s }}"), Right: scentest.T("abc")}},
		{name: "le", cond: scenario.Cond{Op: scenario.CondLe, Left: scentest.T("3"), Right: scentest.T("3")}, want: true},
		{name: "ge", cond: scenario.Cond{Op: scenario.CondGe, Left: scentest.T("2"), Right: scentest.T("3")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
			c := tt.cond
			sc := scen(srv.URL, get("/", func(r *scenario.Request) { r.IfTrue = &c }), get("/always"))
			sc.Config.Variables = vars
			r := compile(t, sc, engine.Options{})
			if err := r.iterate(t, r.vu(t, 1)); err != nil {
				t.Fatal(err)
			}
			want := int64(1)
			if tt.want {
				want = 2
			}
			if got := srv.hits.Load(); got != want {
				t.Errorf("hits = %d, want %d (condition holds: %v)", got, want, tt.want)
			}
		})
	}
}

func TestThink(t *testing.T) {
	tests := []struct {
		name     string
		think    scenario.Think
		vars     []scenario.Variable
		min, max time.Duration
		wantErr  bool
	}{
		// A constant pause.
		{name: "constant", think: scenario.Think{Duration: 2 * time.Second}, min: 2 * time.Second, max: 2 * time.Second},
		// Jitter keeps the pause within Duration·(1±Jitter).
		{name: "jitter", think: scenario.Think{Duration: 10 * time.Second, Jitter: 0.5}, min: 5 * time.Second, max: 15 * time.Second},
		// A templated pause in seconds.
		{name: "template seconds", think: scenario.Think{Tmpl: scentest.T("{{ t }}")},
			vars: []scenario.Variable{{Name: "t", Values: []*scenario.Template{scentest.T("1.5")}}}, min: 1500 * time.Millisecond, max: 1500 * time.Millisecond},
		// A templated Go duration.
		{name: "template duration", think: scenario.Think{Tmpl: scentest.T("{{ t }}")},
			vars: []scenario.Variable{{Name: "t", Values: []*scenario.Template{scentest.T("250ms")}}}, min: 250 * time.Millisecond, max: 250 * time.Millisecond},
		// A templated value that is not a duration aborts.
		{name: "template invalid", think: scenario.Think{Tmpl: scentest.T("{{ t }}")},
			vars: []scenario.Variable{{Name: "t", Values: []*scenario.Template{scentest.T("soon")}}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen("", think(tt.think))
			sc.Config.Variables = tt.vars
			p, err := engine.Compile(sc, nil, engine.Options{Seed: 9})
			if err != nil {
				t.Fatal(err)
			}
			synctest.Test(t, func(t *testing.T) {
				for id := range int64(20) {
					vu := p.NewVU(id+1, 0, nil)
					start := time.Now()
					err := p.Iterate(context.Background(), vu, time.Time{})
					took := time.Since(start)
					vu.Close()
					if tt.wantErr {
						if !errors.Is(err, engine.ErrAborted) {
							t.Fatalf("error = %v, want an abort", err)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if took < tt.min || took > tt.max {
						t.Fatalf("paused %v, want %v..%v", took, tt.min, tt.max)
					}
				}
			})
		})
	}
}

func TestThinkHonoursCancel(t *testing.T) {
	p, err := engine.Compile(scen("", think(scenario.Think{Duration: time.Hour}), logStep("never")), nil, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		vu := p.NewVU(1, 0, nil)
		defer vu.Close()
		done := make(chan error)
		start := time.Now()
		go func() { done <- p.Iterate(ctx, vu, time.Time{}) }()
		time.Sleep(time.Minute)
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) || errors.Is(err, engine.ErrAborted) {
			t.Errorf("error = %v, want context.Canceled (not an abort)", err)
		}
		if took := time.Since(start); took != time.Minute {
			t.Errorf("returned after %v, want right at the cancel (1m)", took)
		}
	})
}

func TestCancelledRequestIsCountedNotRecorded(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	r := compile(t, scen(srv.URL, get("/slow", named("slow"))), engine.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	vu := r.vu(t, 1)
	go func() { done <- r.p.Iterate(ctx, vu, time.Time{}) }()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if got := r.p.Cancelled(); got != 1 {
		t.Errorf("Cancelled() = %d, want 1", got)
	}
	if st := r.byName("slow"); st.Count != 0 {
		t.Errorf("a cancelled request was recorded (%d samples)", st.Count)
	}
}

func TestIntended(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	r := compile(t, scen(srv.URL, get("/", named("first")), get("/", named("second"))), engine.Options{})
	// The arrival was due half an hour ago: only the first request of the
	// iteration carries the delay. (Histogram buckets are ~0.1% wide at
	// this size, hence the 29m margin.)
	if err := r.p.Iterate(context.Background(), r.vu(t, 1), time.Now().Add(-30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	first, second := r.byName("first"), r.byName("second")
	if first.Count != 1 || second.Count != 1 {
		t.Fatalf("counts %d, %d", first.Count, second.Count)
	}
	if first.IntendedMin() < 29*time.Minute {
		t.Errorf("first request's intended latency = %v, want about 30m", first.IntendedMin())
	}
	if second.IntendedMax() >= 29*time.Minute {
		t.Errorf("second request's intended latency = %v, want its own latency", second.IntendedMax())
	}
	if first.Max() >= 29*time.Minute {
		t.Errorf("latency = %v: latency must be measured from the actual send", first.Max())
	}
	// A zero intended time (closed model) records no separate view.
	if err := r.iterate(t, r.vu(t, 2)); err != nil {
		t.Fatal(err)
	}
	if st := r.byName("first"); st.IntendedMin() >= 29*time.Minute {
		t.Errorf("closed-model iteration recorded intended %v", st.IntendedMin())
	}
}

func TestBeforeAndAfter(t *testing.T) {
	var log syncBuffer
	rc := &recorder{}
	srv := newServer(t, rc.handler)
	sc := scen(srv.URL, get("/flow/{{ uid }}", named("flow")), logStep("uid={{ uid }}"))
	sc.Before = []scenario.Step{get("/login", named("login"), captureJSON("$.user.id", "uid"))}
	sc.After = []scenario.Step{get("/logout/{{ uid }}", named("logout"))}
	reg := metrics.NewRegistry()
	p, err := engine.Compile(sc, reg, engine.Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rec := metrics.NewRecorder(reg, 1)
	if err := p.RunBefore(context.Background(), rec.Shard(0)); err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= 2; id++ {
		vu := p.NewVU(id, 0, rec.Shard(0))
		if err := p.Iterate(context.Background(), vu, time.Time{}); err != nil {
			t.Fatal(err)
		}
		vu.Close()
	}
	if err := p.RunAfter(context.Background(), rec.Shard(0)); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rc.seen(), " "), "/login /flow/42 /flow/42 /logout/42"; got != want {
		t.Errorf("requests = %s, want %s", got, want)
	}
	if got, want := log.String(), "vu=1: uid=42\nvu=2: uid=42\n"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
	// Before/after requests record into phase -1, flows into their phase.
	agg := metrics.NewAggregator(rec, time.Now())
	snap := agg.Collect(time.Now(), 0, "p", metrics.VUStats{})
	phases := map[string]int{}
	for _, s := range snap.Series {
		phases[s.Series.Name] = s.Series.Phase
		if s.Series.Protocol != "http" {
			t.Errorf("series %s protocol %q", s.Series.Name, s.Series.Protocol)
		}
	}
	if phases["login"] != -1 || phases["logout"] != -1 || phases["flow"] != 0 {
		t.Errorf("series phases = %v, want login/logout -1 and flow 0", phases)
	}
}

func TestBeforeFailureIsReported(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	sc := scen(srv.URL, get("/"))
	sc.Before = []scenario.Step{get("/login", captureJSON("$.id", "id"))}
	r := compile(t, sc, engine.Options{})
	err := r.p.RunBefore(context.Background(), r.rec.Shard(0))
	if !errors.Is(err, engine.ErrAborted) || !strings.Contains(err.Error(), "before") {
		t.Errorf("RunBefore error = %v, want an abort from the before flow", err)
	}
}
