package ensure_test

import (
	"math"
	"testing"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/loadgo/loadgo/runner/ensure"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// TestDeliveryLabelValues checks delivery.latency.STAT{label:L}: the
// statistic of that label's histogram, no value for a label without
// deliveries, and no value for a label on any other metric.
func TestDeliveryLabelValues(t *testing.T) {
	hist := func(us ...int64) *hdrhistogram.Histogram {
		h := metrics.NewHistogram()
		for _, v := range us {
			if err := h.RecordValue(v); err != nil {
				t.Fatal(err)
			}
		}
		return h
	}
	rt := &metrics.RTStats{LabelNames: []string{"like", "comment", "empty"}}
	rt.Timings[metrics.TimingDelivery] = hist(100, 200, 5000)
	rt.ByLabel = []*hdrhistogram.Histogram{hist(100, 200), hist(5000), metrics.NewHistogram()}
	rt.Counters[metrics.DeliveryDelivered] = 3
	sum := &metrics.Summary{Realtime: rt}
	tests := []struct {
		name   string
		th     scenario.Threshold
		want   float64
		wantOK bool
	}{
		// The whole run, as before.
		{name: "overall", th: scenario.Threshold{Stat: "delivery.latency.max"}, want: 5.003, wantOK: true},
		// One label's statistic.
		{name: "like max", th: scenario.Threshold{Stat: "delivery.latency.max", Label: "like"}, want: 0.2, wantOK: true},
		{name: "comment p50", th: scenario.Threshold{Stat: "delivery.latency.p50", Label: "comment"}, want: 5.003, wantOK: true},
		// A label that was seen but has no deliveries, or never seen: no value.
		{name: "empty label", th: scenario.Threshold{Stat: "delivery.latency.max", Label: "empty"}, want: math.NaN()},
		{name: "unknown label", th: scenario.Threshold{Stat: "delivery.latency.max", Label: "follow"}, want: math.NaN()},
		// A label on a count is not a metric.
		{name: "label on count", th: scenario.Threshold{Stat: "delivery.delivered", Label: "like"}, want: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ensure.Value(tt.th, sum)
			if ok != tt.wantOK || !sameFloat(got, tt.want) {
				t.Errorf("Value = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
	// The result name shows the label when the metric text lacks it.
	res, passed := ensure.Evaluate(scenario.Ensure{Thresholds: []scenario.Threshold{
		{Stat: "delivery.latency.max", Label: "comment", Max: 1},
	}}, sum)
	if passed || len(res) != 1 || res[0].Name != "delivery.latency.max{label:comment} <= 1" {
		t.Errorf("Evaluate = %+v, %v; want one failing result named with its label", res, passed)
	}
}
