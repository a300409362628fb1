package ensure_test

import (
	"math"
	"testing"

	"github.com/loadgo/loadgo/runner/ensure"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

func TestDeliveryValues(t *testing.T) {
	h := metrics.NewHistogram()
	for _, us := range []int64{100, 200, 300, 400, 1000} {
		if err := h.RecordValue(us); err != nil {
			t.Fatal(err)
		}
	}
	rt := &metrics.RTStats{}
	rt.Counters[metrics.DeliverySends] = 10
	rt.Counters[metrics.DeliveryExpected] = 30
	rt.Counters[metrics.DeliveryDelivered] = 27
	rt.Counters[metrics.DeliveryDuplicate] = 2
	rt.Timings[metrics.TimingDelivery] = h
	withRT := &metrics.Summary{Realtime: rt}
	noRT := &metrics.Summary{}
	tests := []struct {
		name   string
		stat   string
		sum    *metrics.Summary
		want   float64
		wantOK bool
	}{
		// Latency statistics in ms from the delivery histogram.
		{name: "p50", stat: "delivery.latency.p50", sum: withRT, want: 0.3, wantOK: true},
		{name: "max", stat: "delivery.latency.max", sum: withRT, want: 1, wantOK: true},
		{name: "mean", stat: "delivery.latency.mean", sum: withRT, want: 0.4, wantOK: true},
		// Counts, missing computed, and the ratio.
		{name: "sends", stat: "delivery.sends", sum: withRT, want: 10, wantOK: true},
		{name: "missing", stat: "delivery.missing", sum: withRT, want: 3, wantOK: true},
		{name: "duplicate", stat: "delivery.duplicate", sum: withRT, want: 2, wantOK: true},
		{name: "out of group", stat: "delivery.out_of_group", sum: withRT, want: 0, wantOK: true},
		{name: "ratio", stat: "delivery.ratio", sum: withRT, want: 0.9, wantOK: true},
		// Nothing real-time happened: counts are 0, latency and ratio have
		// no value (no data is not a pass).
		{name: "no rt count", stat: "delivery.missing", sum: noRT, want: 0, wantOK: true},
		{name: "no rt latency", stat: "delivery.latency.p99", sum: noRT, want: math.NaN()},
		{name: "no rt ratio", stat: "delivery.ratio", sum: noRT, want: math.NaN()},
		// Unknown names.
		{name: "unknown", stat: "delivery.lost", sum: withRT, want: math.NaN()},
		{name: "bad stat", stat: "delivery.latency.p0", sum: withRT, want: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ensure.Value(scenario.Threshold{Stat: tt.stat}, tt.sum)
			if ok != tt.wantOK || !sameFloat(got, tt.want) {
				t.Errorf("Value(%s) = %v, %v; want %v, %v", tt.stat, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	// A selector makes no sense on a run-wide metric.
	if v, ok := ensure.Value(scenario.Threshold{Stat: "delivery.sends", Phase: "x"}, withRT); ok {
		t.Errorf("delivery.sends{phase:x} = %v, want no value", v)
	}
}
