package engine_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// Example shows the calls the runner makes: compile once, make a VU, run
// iterations, then read what was recorded.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"id": 7}`)
	}))
	defer srv.Close()

	sc := &scenario.Scenario{
		Config: scenario.Config{
			Target: srv.URL,
			Phases: []scenario.Phase{{Name: "warm up", Kind: scenario.PhaseVUs, VUs: 1, Duration: time.Second}},
			TLS:    scenario.TLSConfig{RejectUnauthorized: true},
		},
		Flows: []scenario.Flow{{Name: "browse", Steps: []scenario.Step{
			{Kind: scenario.StepRequest, Request: &scenario.Request{Method: "GET", URL: scentest.T("/items"),
				Captures: []scenario.Capture{{Kind: scenario.CaptureJSON, Expr: "$.id", As: "id", Strict: true}}}},
			{Kind: scenario.StepRequest, Request: &scenario.Request{Method: "GET", URL: scentest.T("/items/{{ id }}")}},
		}}},
	}

	reg := metrics.NewRegistry()
	prog, err := engine.Compile(sc, reg, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer prog.Close()
	rec := metrics.NewRecorder(reg, 1)
	start := time.Now()

	vu := prog.NewVU(1, 0, rec.Shard(0))
	for range 3 {
		if err := prog.Iterate(context.Background(), vu, time.Time{}); err != nil {
			fmt.Println(err)
		}
	}
	vu.Close()

	agg := metrics.NewAggregator(rec, start)
	for _, s := range agg.Collect(time.Now(), 0, "warm up", metrics.VUStats{}).Series {
		fmt.Printf("%s (%s): %d requests, %d errors\n", s.Series.Name, s.Series.PhaseName, s.Count, s.Errors)
	}
	// Output:
	// /items (warm up): 3 requests, 0 errors
	// /items/{{ id }} (warm up): 3 requests, 0 errors
}
