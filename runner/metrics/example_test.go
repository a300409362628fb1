package metrics_test

import (
	"fmt"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// A run registers its series while compiling, records from VU goroutines
// into their own shards, collects a snapshot every interval and ends with a
// summary. Percentiles and maxima read as the highest value equivalent to
// the recorded one at 3 significant figures (11 ms reads as 11.007 ms).
func Example() {
	reg := metrics.NewRegistry()
	login := reg.Register("POST /login", 0, "warm up", "http")
	home := reg.Register("GET /", 0, "warm up", "http")

	rec := metrics.NewRecorder(reg, 4)
	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	agg := metrics.NewAggregator(rec, start)

	for vu := range 4 {
		sh := rec.Shard(vu) // each VU records into its own shard
		sh.Record(login, &metrics.Sample{Latency: time.Duration(10+vu) * time.Millisecond, Status: 200})
		sh.Record(home, &metrics.Sample{Latency: 2 * time.Millisecond, Status: 200})
	}
	rec.Shard(0).Record(home, &metrics.Sample{Latency: 5 * time.Second, Err: metrics.ErrTimeout})

	snap := agg.Collect(start.Add(time.Second), 0, "warm up", metrics.VUStats{Active: 4, Created: 4})
	for _, s := range snap.Series {
		fmt.Printf("%s: %d requests, %.0f%% errors, p50 %v, max %v\n",
			s.Series.Name, s.Count, s.ErrorRate(), s.Percentile(50), s.Max())
	}

	sum := agg.Summary(start.Add(time.Second), metrics.VUStats{Created: 4, Completed: 4}, []string{"warm up"})
	fmt.Printf("total: %d requests at %.0f/s, codes %v, timeouts %d\n",
		sum.Total.Count, sum.Total.Rate(sum.Duration), sum.Total.StatusCodes(), sum.Total.ErrorsByKind[metrics.ErrTimeout])
	// Output:
	// POST /login: 4 requests, 0% errors, p50 11.007ms, max 13.007ms
	// GET /: 5 requests, 20% errors, p50 2ms, max 5.001215s
	// total: 9 requests at 9/s, codes [200], timeouts 1
}

// Corrected gives a closed-model run the latencies its missing requests
// would have seen: 999 of them, at 1 s - k·1 ms, move p99 from 1 ms to about
// 990 ms.
func ExampleCorrected() {
	h := metrics.NewHistogram()
	for range 99 {
		_ = h.RecordValue(1000) // 1 ms
	}
	_ = h.RecordValue(1_000_000) // one 1 s stall

	c := metrics.Corrected(h, time.Millisecond) // a request was due every 1 ms
	fmt.Printf("raw p99 %d µs, corrected p99 %d µs, corrected count %d\n",
		h.ValueAtPercentile(99), c.ValueAtPercentile(99), c.TotalCount())
	// Output:
	// raw p99 1000 µs, corrected p99 989695 µs, corrected count 1099
}
