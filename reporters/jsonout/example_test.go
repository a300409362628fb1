package jsonout_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/loadgo/loadgo/reporters/jsonout"
	"github.com/loadgo/loadgo/runner/metrics"
)

func ExampleMarshal() {
	start := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	st := metrics.NewStats()
	for _, us := range []int64{1500, 2500, 40_000} {
		_ = st.Latency.RecordValue(us)
		_ = st.Intended.RecordValue(us)
	}
	st.Count = 3
	st.Status = map[int]int64{200: 3}
	sum := &metrics.Summary{
		Start: start, End: start.Add(2 * time.Second), Duration: 2 * time.Second,
		ByName: []metrics.SeriesStats{{Series: metrics.Series{Name: "GET /", Phase: -1}, Stats: st}},
		Total:  st,
		Passed: true,
	}
	b, err := jsonout.Marshal(sum)
	if err != nil {
		fmt.Println(err)
		return
	}
	var doc jsonout.Document
	if err := json.Unmarshal(b, &doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Schema, doc.Passed)
	fmt.Println("rps", doc.Totals.RPS, "p50 ms", doc.Totals.Latency.P50, "max ms", doc.Totals.Latency.Max)
	fmt.Println("GET / status 200:", doc.Requests["GET /"].Status["200"])
	// Output:
	// loadgo.summary/v1 true
	// rps 1.5 p50 ms 2.501 max ms 40.031
	// GET / status 200: 3
}
