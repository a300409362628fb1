package metrics_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// TestLabelsIndex checks the label table: stable indexes, an empty label
// as NoLabel, and every label past the cap under OtherLabel.
func TestLabelsIndex(t *testing.T) {
	var l metrics.Labels
	tests := []struct {
		label string
		want  int
	}{
		// The first label gets 0, the next 1.
		{label: "like", want: 0},
		{label: "comment", want: 1},
		// A known label keeps its index.
		{label: "like", want: 0},
		// No label value is NoLabel, a label of its own.
		{label: "", want: 2},
		{label: metrics.NoLabel, want: 2},
	}
	for _, tt := range tests {
		if got := l.Index([]byte(tt.label)); got != tt.want {
			t.Errorf("Index(%q) = %d, want %d", tt.label, got, tt.want)
		}
	}
	// Fill the table: the last slot is OtherLabel for every later label.
	for i := len(l.Names()); i < metrics.MaxDeliveryLabels+10; i++ {
		idx := l.Index([]byte("l" + strconv.Itoa(i)))
		if i >= metrics.MaxDeliveryLabels-1 && idx != metrics.MaxDeliveryLabels-1 {
			t.Fatalf("label %d: index %d, want the OtherLabel slot %d", i, idx, metrics.MaxDeliveryLabels-1)
		}
	}
	names := l.Names()
	if len(names) != metrics.MaxDeliveryLabels || names[len(names)-1] != metrics.OtherLabel {
		t.Errorf("%d names, last %q; want %d ending with %q", len(names), names[len(names)-1], metrics.MaxDeliveryLabels, metrics.OtherLabel)
	}
	if got := l.Index([]byte("comment")); got != 1 {
		t.Errorf("a known label after the table filled: %d, want 1", got)
	}
}

// TestDeliveryByLabel records labelled deliveries on two shards over two
// intervals: the summary has the overall histogram and one per label, each
// with every value recorded, and the label names.
func TestDeliveryByLabel(t *testing.T) {
	rec := metrics.NewRecorder(metrics.NewRegistry(), 2)
	agg := metrics.NewAggregator(rec, time.Now())
	rt0, rt1 := rec.Shard(0).RT(), rec.Shard(1).RT()
	like, comment := rt0.Labels().Index([]byte("like")), rt1.Labels().Index([]byte("comment"))
	rt0.TimeLabel(like, time.Millisecond)
	rt1.TimeLabel(comment, 3*time.Millisecond)
	iv := agg.Collect(time.Now(), 0, "p", metrics.VUStats{})
	if iv.Realtime == nil || len(iv.Realtime.LabelNames) != 2 {
		t.Fatalf("interval real-time = %+v, want two label names", iv.Realtime)
	}
	rt1.TimeLabel(like, 2*time.Millisecond)
	rt0.Time(metrics.TimingDelivery, time.Millisecond) // an unlabelled delivery
	agg.Collect(time.Now(), 0, "p", metrics.VUStats{})
	sum := agg.Summary(time.Now(), metrics.VUStats{}, []string{"p"})
	rt := sum.Realtime
	if rt == nil {
		t.Fatal("no real-time summary")
	}
	if got := rt.Count(metrics.TimingDelivery); got != 4 {
		t.Errorf("overall deliveries = %d, want 4", got)
	}
	by := rt.DeliveryByLabel()
	if len(by) != 2 || by[0].Label != "like" || by[0].Latency.TotalCount() != 2 || by[1].Label != "comment" || by[1].Latency.TotalCount() != 1 {
		t.Fatalf("by label = %+v, want like ×2, comment ×1", by)
	}
	if h := rt.LabelLatency("comment"); h == nil || h.Max() < 2900 {
		t.Errorf("comment latency = %v, want its 3 ms value", h)
	}
	if h := rt.LabelLatency("follow"); h != nil {
		t.Errorf("an unseen label has a histogram")
	}
}
