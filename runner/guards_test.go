package runner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

func TestCheckPlan(t *testing.T) {
	closed := func(vus int) scenario.Phase {
		return scenario.Phase{Kind: scenario.PhaseVUs, VUs: vus, Duration: time.Second}
	}
	withMax := func(ph scenario.Phase, n int) scenario.Phase { ph.MaxVusers = n; return ph }
	tests := []struct {
		name    string
		phases  []scenario.Phase
		timeout time.Duration // config.http.timeout (0: the default, 10s)
		cfgCap  int           // config.http.maxConnections
		opts    runner.Options
		fdLimit int
		// want are parts of the warnings, one string per warning, in order;
		// none means no warning.
		want []string
	}{
		// An ordinary plan: 50/s × 10s = 500 VUs at worst, far below every cap.
		{name: "ordinary", phases: []scenario.Phase{rate(50, time.Minute)}, fdLimit: 1024},
		// The typo arrivalRate: 100000: a million VUs at worst, bounded by
		// the VU cap, which is over the connection cap.
		{name: "rate typo", phases: []scenario.Phase{rate(100000, time.Second)}, opts: runner.Options{MaxConns: 768}, fdLimit: 1024,
			want: []string{
				"test.yaml: config.phases[0]: at 100000 arrivals/s and an http.timeout of 10s, up to 1000000 VUs would be in flight at once if the target stalls; the VU cap of 20000 (--max-vus) bounds it",
				"config.phases[0]: up to 20000 VUs at once, each holding at least one connection, exceed the connection cap of 768: connections past it fail as errors.conncap",
			}},
		// The worst case uses the scenario's timeout and the phase's maxVusers.
		{name: "short timeout and maxVusers", phases: []scenario.Phase{withMax(rate(1000, time.Second), 100)}, timeout: 500 * time.Millisecond,
			want: []string{"at 1000 arrivals/s and an http.timeout of 500ms, up to 500 VUs would be in flight at once if the target stalls; the VU cap of 100 (maxVusers) bounds it"}},
		// arrivalCount is spread over the phase: 6000 in 60s is 100/s.
		{name: "arrival count", phases: []scenario.Phase{{Kind: scenario.PhaseArrivalCount, ArrivalCount: 6000, Duration: time.Minute}}, opts: runner.Options{MaxVUs: 500},
			want: []string{"at 100 arrivals/s and an http.timeout of 10s, up to 1000 VUs would be in flight"}},
		// A ramp's peak is its rampTo.
		{name: "ramp peak", phases: []scenario.Phase{{Kind: scenario.PhaseArrivalRate, ArrivalRate: 1, RampTo: 3000, Duration: time.Minute}},
			want: []string{"at 3000 arrivals/s"}},
		// A segment takes its share of the worst case: 2500/s × 10s / 2.
		{name: "segment share", phases: []scenario.Phase{rate(2500, time.Second)}, opts: runner.Options{Segment: mustSegment(t, "1/2"), MaxVUs: 10000},
			want: []string{"up to 12500 VUs would be in flight"}},
		// Closed-model VUs over the connection cap from the scenario.
		{name: "closed over config cap", phases: []scenario.Phase{closed(300)}, cfgCap: 200,
			want: []string{"up to 300 VUs at once, each holding at least one connection, exceed the connection cap of 200"}},
		// --max-conns overrides config.http.maxConnections.
		{name: "option overrides config", phases: []scenario.Phase{closed(300)}, cfgCap: 200, opts: runner.Options{MaxConns: 400}},
		// No cap at all, but more VUs than open files.
		{name: "no cap over fd limit", phases: []scenario.Phase{closed(2000)}, fdLimit: 1024,
			want: []string{"up to 2000 VUs at once, each holding at least one connection, exceed the open-file limit of 1024 (ulimit -n)"}},
		// A cap above the open-file limit protects nothing.
		{name: "cap above fd limit", phases: []scenario.Phase{closed(10)}, opts: runner.Options{MaxConns: 5000}, fdLimit: 1024,
			want: []string{"the connection cap of 5000 is above the open-file limit of 1024 (ulimit -n)"}},
		// A closed phase over the VU cap, which run refuses.
		{name: "refused plan", phases: []scenario.Phase{closed(30)}, opts: runner.Options{MaxVUs: 20},
			want: []string{"30 VUs exceed the VU cap of 20: `loadgo run` refuses this plan"}},
		// Bad options are reported, not a panic.
		{name: "bad options", phases: []scenario.Phase{closed(1)}, opts: runner.Options{MaxVUs: -1},
			want: []string{"negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen("http://127.0.0.1:1", tt.phases...)
			sc.Config.HTTP.Timeout = tt.timeout
			sc.Config.HTTP.MaxConnections = tt.cfgCap
			for i := range sc.Config.Phases {
				sc.Config.Phases[i].Pos = scenario.Pos{File: "test.yaml"}
			}
			got := runner.CheckPlan(sc, tt.opts, tt.fdLimit)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d warnings, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func mustSegment(t *testing.T, s string) runner.Segment {
	t.Helper()
	seg, err := runner.ParseSegment(s)
	if err != nil {
		t.Fatal(err)
	}
	return seg
}

func TestDefaultMaxConns(t *testing.T) {
	tests := []struct {
		name          string
		fdLimit, want int
	}{
		// Unknown limit: no cap.
		{name: "unknown", fdLimit: 0, want: 0},
		// The common soft limit: a quarter kept back.
		{name: "1024", fdLimit: 1024, want: 768},
		// A large limit keeps 256 back.
		{name: "1048576", fdLimit: 1 << 20, want: 1<<20 - 256},
		// A tiny limit still allows one connection.
		{name: "tiny", fdLimit: 1, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runner.DefaultMaxConns(tt.fdLimit); got != tt.want {
				t.Errorf("DefaultMaxConns(%d) = %d, want %d", tt.fdLimit, got, tt.want)
			}
		})
	}
}

// TestRunConnCapIsNoted sends four arrivals to a server that holds every
// request until the client goes away, with a connection cap of two: two
// connect and are held until the grace period cancels them, the other two
// are refused by the cap at once (no hang, whatever the order), and the
// summary says so.
func TestRunConnCapIsNoted(t *testing.T) {
	srv := newServer(t, 0, true)
	sc := scen(srv.URL, scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 4, Duration: 100 * time.Millisecond})
	sc.Flows[0].Steps[0].Request.Expects = nil
	sum, _ := run(t, context.Background(), sc, runner.Options{MaxConns: 2, GracePeriod: time.Second})
	if got := sum.Total.ErrorsByKind[metrics.ErrConnCap]; got != 2 || srv.hits.Load() != 2 {
		t.Errorf("conncap errors = %d, server hits = %d; want 2 and 2", got, srv.hits.Load())
	}
	if !hasNote(sum, "connections were not opened because the connection cap of 2 was reached") {
		t.Errorf("no connection cap note in %q", sum.Notes)
	}
}
