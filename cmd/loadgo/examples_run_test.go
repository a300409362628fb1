package main

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/cmd/internal/demo"
	"github.com/loadgo/loadgo/examples"
	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// shrink scales a loaded scenario's phases down to about a second each, so
// that every example really runs in the test suite without taking minutes.
func shrink(sc *scenario.Scenario) {
	for i := range sc.Config.Phases {
		p := &sc.Config.Phases[i]
		if p.Duration > time.Second {
			p.Duration = time.Second
		}
		p.ArrivalRate = min(p.ArrivalRate, 10)
		p.RampTo = min(p.RampTo, 10)
		p.ArrivalCount = min(p.ArrivalCount, 10)
		p.VUs = min(p.VUs, 3)
	}
	for i := range sc.Flows {
		shrinkSteps(sc.Flows[i].Steps)
	}
}

// shrinkSteps scales real-time timer loops, streams and polls down the same
// way: a 3 s timer for 30 s becomes a 500 ms one for 1.5 s (still several
// ticks, so deliveries are really exchanged).
func shrinkSteps(steps []scenario.Step) {
	for i := range steps {
		s := &steps[i]
		if s.Loop != nil {
			shrinkSteps(s.Loop.Steps)
		}
		rt := s.Realtime
		if rt == nil {
			continue
		}
		if s.Kind == scenario.StepEvery {
			rt.Interval = min(rt.Interval, 500*time.Millisecond)
			shrinkSteps(rt.Steps)
		}
		if rt.Duration > 1500*time.Millisecond {
			rt.Duration = 1500 * time.Millisecond
		}
	}
}

// TestEveryExampleRunsAgainstTheDemoTarget runs every example, shrunk, against
// the demo target: no request may fail, and loadgo's count must equal the
// server's.
func TestEveryExampleRunsAgainstTheDemoTarget(t *testing.T) {
	files, err := fs.Glob(examples.FS, "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".yaml") && !strings.HasSuffix(f, ".json") {
			continue
		}
		t.Run(f, func(t *testing.T) {
			srv := startDemo(t, demo.Options{})
			sc, err := scenario.Load(filepath.Join("..", "..", "examples", f), scenario.LoadOptions{Target: srv.URL()})
			if err != nil {
				t.Fatal(err)
			}
			shrink(sc)
			r, err := runner.New(sc, runner.Options{GracePeriod: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Run(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Total.Count == 0 {
				t.Fatal("no requests were made")
			}
			if sum.Realtime == nil && sum.Total.Count != srv.Requests() {
				t.Errorf("loadgo counted %d requests, the demo target %d", sum.Total.Count, srv.Requests())
			}
			// Real-time samples are not all HTTP requests (a STOMP receipt
			// wait is one), and a background poll cut short by poll.stop
			// reached the server but is not a result: the server must have
			// seen at least every plain HTTP request loadgo counted.
			if n := protocolCount(sum, "http"); sum.Realtime != nil && n > srv.Requests() {
				t.Errorf("loadgo counted %d HTTP requests, the demo target only %d", n, srv.Requests())
			}
			if sum.Total.Errors != 0 || sum.VUs.Failed != 0 {
				t.Errorf("errors %d %v, failed VUs %d; every example must run clean against the demo target",
					sum.Total.Errors, sum.Total.ErrorsByKind, sum.VUs.Failed)
			}
		})
	}
}

// protocolCount counts the samples of the series of one protocol.
func protocolCount(sum *metrics.Summary, protocol string) int64 {
	var n int64
	for _, s := range sum.Series {
		if s.Series.Protocol == protocol {
			n += s.Count
		}
	}
	return n
}
