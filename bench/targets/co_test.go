package targets_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/bench/targets"
	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// The coordinated-omission check of docs/BENCHMARKS.md, with the issue's
// shape: 1 ms answers, every answer held during [2 s, 3 s) of each 5 s, a
// constant 200 arrivals/s for 20 s (4,000 intended requests, 4 whole
// cycles). A scaled-down shape (a 300 ms window) was tried and rejected:
// releasing the held requests at once costs the generator a few ms, which
// is over 2% of a short window but well under 2% of the 1 s one.
var coShape = targets.DefaultFreeze(time.Time{})

// serveFreeze serves the freeze target on 127.0.0.1 with its cycle starting now.
func serveFreeze(t *testing.T) string {
	t.Helper()
	f := coShape
	f.Start = time.Now()
	ln, err := targets.ListenLoopback("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// coScenario is one GET of the target in a single phase.
func coScenario(target string, phase scenario.Phase) *scenario.Scenario {
	u := target + "/"
	return &scenario.Scenario{
		File: "co",
		Config: scenario.Config{
			Target: target,
			Phases: []scenario.Phase{phase},
			HTTP:   scenario.HTTPConfig{Timeout: 10 * time.Second, MaxBodyBytes: 1 << 20},
			TLS:    scenario.TLSConfig{RejectUnauthorized: true},
		},
		Flows: []scenario.Flow{{Name: "co", Weight: 1, Steps: []scenario.Step{{
			Kind: scenario.StepRequest, Path: "co",
			Request: &scenario.Request{Method: http.MethodGet, Name: "freeze", URL: &scenario.Template{Src: u, Parts: []scenario.TemplatePart{{Kind: scenario.PartText, Text: u}}}},
		}}}},
	}
}

func runScenario(t *testing.T, sc *scenario.Scenario) *metrics.Summary {
	t.Helper()
	r, err := runner.New(sc, runner.Options{GracePeriod: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestOpenModelMatchesTheory drives the freeze target at a constant rate
// and compares the intended-start percentiles with theory (20 s of test
// time). Two checks, each within 2% of the theoretical value with a floor
// of 1.5 ms (it matters only for p50 ≈ S): Go's runtime timers wake through
// the network poller with millisecond granularity, so an arrival starts
// ~0.6 ms late at the median (1 ms at p90) on Linux, and its intended
// latency honestly includes that:
//   - never flattering: no percentile is below theory. Coordinated omission
//     would show here, as a tail far below it; this holds however busy the
//     machine is, because a late generator only adds latency.
//   - accurate: no percentile is above theory either, when the machine let
//     the generator keep up (S, the median from the actual send, under
//     3 ms for a 1 ms service time) and the race detector is off. On a
//     saturated machine (other test binaries running beside this one), or
//     10x slower under -race (the 200 answers released at the end of each
//     freeze then take the shared process ~20 ms to handle), the
//     generator's own lateness is real, is reported, and makes the numbers
//     higher; such a run checks only the first property and logs the rest.
//
// The target runs in this test's process, so releasing the ~200 answers
// held by each freeze costs the generator's CPU too: the upper check allows
// burstCost for it. bench/run, with target and generator in separate
// processes on separate cores, shows the tail within 1% (docs/BENCHMARKS.md).
func TestOpenModelMatchesTheory(t *testing.T) {
	const burstCost = 10 * time.Millisecond
	target := serveFreeze(t)
	const rate, dur = 200, 20 * time.Second
	sum := runScenario(t, coScenario(target, scenario.Phase{Name: "co", Kind: scenario.PhaseArrivalRate, ArrivalRate: rate, Duration: dur}))

	if want := int64(rate * dur.Seconds()); sum.Total.Count != want || sum.VUs.Dropped != 0 || sum.Total.Errors != 0 {
		t.Fatalf("requests %d (want %d), dropped %d, errors %d: every arrival must be sent", sum.Total.Count, want, sum.VUs.Dropped, sum.Total.Errors)
	}
	s := sum.Total.Percentile(50) // the normal service time as the client sees it
	quiet := s < 3*time.Millisecond && !raceEnabled
	for _, q := range []float64{50, 90, 99, 99.9, 100} {
		want := targets.FreezeTheory(coShape, s, q)
		got := sum.Total.IntendedPercentile(q)
		tol := max(want/50, 1500*time.Microsecond)
		switch d := got - want; {
		case d < -tol:
			t.Errorf("intended p%v = %v, theory %v (S = %v): %v below theory, more than %v: the freeze is hidden", q, got, want, s, -d, tol)
		case d > tol+burstCost && quiet:
			t.Errorf("intended p%v = %v, theory %v (S = %v): %v above theory, more than %v", q, got, want, s, d, tol)
		case d > tol+burstCost:
			t.Logf("busy machine (S = %v): intended p%v = %v is %v above theory %v", s, q, got, d, want)
		}
	}
}

// TestOpenModelCapDropsAndSaysSo checks that a low maxVusers drops arrivals
// during the freeze, counts them and says that latency is understated.
func TestOpenModelCapDropsAndSaysSo(t *testing.T) {
	target := serveFreeze(t)
	sum := runScenario(t, coScenario(target, scenario.Phase{Name: "capped", Kind: scenario.PhaseArrivalRate, ArrivalRate: 200, Duration: 3 * time.Second, MaxVusers: 5}))
	if sum.VUs.Dropped == 0 {
		t.Fatalf("dropped = 0, want arrivals dropped while 5 VUs wait out the freeze")
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "understated") {
		t.Errorf("notes %q do not say that latency is understated", sum.Notes)
	}
}

// TestClosedModelCorrected checks that the closed model reports corrected
// percentiles beside the raw ones: the raw p90 misses the freeze (the VUs
// wait it out, sending nothing), the corrected p90 shows it.
func TestClosedModelCorrected(t *testing.T) {
	target := serveFreeze(t)
	sum := runScenario(t, coScenario(target, scenario.Phase{Name: "closed", Kind: scenario.PhaseVUs, VUs: 4, Duration: 5 * time.Second}))
	if sum.Total.Corrected == nil || sum.ByName[0].Corrected == nil || sum.Series[0].CorrectedInterval <= 0 {
		t.Fatalf("no corrected view in the summary (total %v, interval %v)", sum.Total.Corrected, sum.Series[0].CorrectedInterval)
	}
	raw, corr := sum.Total.Percentile(90), sum.Total.CorrectedPercentile(90)
	window := coShape.To - coShape.From
	if raw > window/10 || corr < window/4 {
		t.Errorf("p90 raw %v, corrected %v: want the raw one near the service time and the corrected one showing the %v freeze", raw, corr, window)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "corrected latency") {
		t.Errorf("notes %q do not explain the correction", sum.Notes)
	}
}
