package influxdb

import (
	"fmt"
	"testing"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/loadgo/loadgo/runner/metrics"
)

// BenchmarkIntervalPoints shows that what the output writes per interval
// depends on the number of series, not on the request rate: 1k and 20k
// requests per second give the same points per interval (points/interval
// metric) and line-protocol bytes that grow only with the histograms'
// spread (bytes/interval), while k6-style per-request output would write
// 8–9 points per request.
//
//	go test -run '^$' -bench IntervalPoints -benchmem ./reporters/influxdb
func BenchmarkIntervalPoints(b *testing.B) {
	for _, series := range []int{1, 10} {
		for _, rate := range []int{1000, 20000} {
			b.Run(fmt.Sprintf("series=%d/rate=%d", series, rate), func(b *testing.B) {
				snap := benchSnapshot(series, rate)
				var pts []*write.Point
				bytes := 0
				b.ReportAllocs()
				for b.Loop() {
					var err error
					pts, err = snapshotPoints(testTags, snap, metrics.VUStats{})
					if err != nil {
						b.Fatal(err)
					}
				}
				for _, p := range pts {
					bytes += len(write.PointToLineProtocol(p, time.Nanosecond))
				}
				b.ReportMetric(float64(len(pts)), "points/interval")
				b.ReportMetric(float64(bytes), "bytes/interval")
				b.ReportMetric(float64(len(pts))/float64(rate), "points/request")
			})
		}
	}
}

// benchSnapshot is one 1 s interval with rate requests spread over series
// series, latencies 1–50 ms.
func benchSnapshot(series, rate int) *metrics.Snapshot {
	reg := metrics.NewRegistry()
	ids := make([]metrics.SeriesID, series)
	for i := range ids {
		ids[i] = reg.Register(fmt.Sprintf("GET /r%d", i), 0, "p", "http")
	}
	rec := metrics.NewRecorder(reg, 1)
	start := time.Unix(0, 0)
	agg := metrics.NewAggregator(rec, start)
	for i := range rate {
		smp := metrics.Sample{Latency: time.Duration(1000+(i*7919)%49000) * time.Microsecond, Status: 200}
		rec.Shard(0).Record(ids[i%series], &smp)
	}
	return agg.Collect(start.Add(time.Second), 0, "p", metrics.VUStats{})
}

func TestPointsDependOnSeriesNotRate(t *testing.T) {
	tests := []struct {
		name         string
		series, rate int
		want         int
	}{
		// 10 series + 1 VU point, whatever the rate.
		{"10 series at 1k/s", 10, 1000, 11},
		{"10 series at 20k/s", 10, 20000, 11},
		// 1 series + 1 VU point.
		{"1 series at 20k/s", 1, 20000, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pts, err := snapshotPoints(testTags, benchSnapshot(tt.series, tt.rate), metrics.VUStats{})
			if err != nil {
				t.Fatal(err)
			}
			if len(pts) != tt.want {
				t.Errorf("%d points, want %d", len(pts), tt.want)
			}
		})
	}
}
