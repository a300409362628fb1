package jsonout_test

import (
	"encoding/json"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/loadgo/loadgo/reporters/jsonout"
	"github.com/loadgo/loadgo/runner/metrics"
)

// TestMarshalCustomAndLabels checks the "custom" object (values, and nulls
// for a metric nothing recorded) and the per-label delivery latencies.
func TestMarshalCustomAndLabels(t *testing.T) {
	sum := &metrics.Summary{Start: time.Unix(0, 0), End: time.Unix(10, 0), Custom: []metrics.CustomStats{
		{Name: "views", Count: 2, Last: 7, Min: 5, Max: 7, Sum: 12},
		{Name: "never"},
	}}
	h := metrics.NewHistogram()
	_ = h.RecordValue(1500)
	sum.Realtime = &metrics.RTStats{ByLabel: []*hdrhistogram.Histogram{nil, h}, LabelNames: []string{"a", "like"}}
	sum.Realtime.Counters[metrics.DeliveryDelivered] = 1
	sum.Realtime.Timings[metrics.TimingDelivery] = h
	raw, err := jsonout.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Custom   map[string]map[string]*float64 `json:"custom"`
		Realtime struct {
			Delivery struct {
				ByLabel map[string]struct {
					Count   int64 `json:"count"`
					Latency struct {
						Max float64 `json:"max"`
					} `json:"latency_ms"`
				} `json:"by_label"`
			} `json:"delivery"`
		} `json:"realtime"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	tests := []struct {
		name, metric, field string
		want                *float64
	}{
		// Recorded values.
		{name: "last", metric: "views", field: "last", want: ptr(7)},
		{name: "mean", metric: "views", field: "mean", want: ptr(6)},
		{name: "count", metric: "views", field: "count", want: ptr(2)},
		// Nothing recorded: null values, zero count.
		{name: "never last", metric: "never", field: "last"},
		{name: "never count", metric: "never", field: "count", want: ptr(0)},
	}
	for _, tt := range tests {
		got := doc.Custom[tt.metric][tt.field]
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("%s: custom.%s.%s = %v, want %v", tt.name, tt.metric, tt.field, got, tt.want)
		}
	}
	bl := doc.Realtime.Delivery.ByLabel
	if len(bl) != 1 || bl["like"].Count != 1 || bl["like"].Latency.Max < 1.4 {
		t.Errorf("by_label = %+v, want like with one 1.5 ms delivery", bl)
	}
}

func ptr(v float64) *float64 { return &v }
