package console_test

import (
	"os"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/console"
	"github.com/loadgo/loadgo/runner/metrics"
)

func ExampleWriteSummary() {
	start := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	st := metrics.NewStats()
	for _, us := range []int64{1500, 2500, 40_000, 3000} {
		_ = st.Latency.RecordValue(us)
	}
	st.Count, st.Errors = 4, 1
	st.ErrorsByKind[metrics.ErrStatus] = 1
	st.Status = map[int]int64{200: 3, 500: 1}
	sum := &metrics.Summary{
		Start: start, End: start.Add(2 * time.Second), Duration: 2 * time.Second,
		ByName: []metrics.SeriesStats{{Series: metrics.Series{Name: "GET /", Phase: -1}, Stats: st}},
		Total:  st,
		VUs:    metrics.VUStats{Created: 4, Completed: 4},
		Passed: true,
	}
	info := reporters.RunInfo{Scenario: "smoke.yaml"}
	_ = console.WriteSummary(os.Stdout, info, sum, console.Options{NoColor: true})
	// Output:
	// scenario: smoke.yaml
	// duration: 2s
	// requests: 4 (2.00/s), 1 errors (25.00%)
	//
	// request  count  rate/s  errors   err%  status
	// GET /        4    2.00       1  25.00  200:3 500:1
	// all          4    2.00       1  25.00  200:3 500:1
	//
	// latency (ms)   min   mean   p50    p90    p95    p99  p99.9    max
	// GET /         1.50  11.75  2.50  40.03  40.03  40.03  40.03  40.03
	// all           1.50  11.75  2.50  40.03  40.03  40.03  40.03  40.03
	//
	// errors:   status 1
	// vus:      created 4, completed 4, failed 0, dropped 0
}
