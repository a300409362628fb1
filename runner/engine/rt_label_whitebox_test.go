package engine

import (
	"fmt"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// rtVU makes VU id of a one-phase program with groups of 2, recording into
// a recorder of its own; it returns the VU and a function that collects
// the run's real-time summary.
func rtVU(t *testing.T, id int64) (*VU, func() *metrics.RTStats) {
	t.Helper()
	src := "config:\n  target: http://127.0.0.1:1\n  groups: { size: 2 }\n  phases: [{duration: 1, vus: 1}]\nscenarios:\n  - flow:\n      - think: 0\n"
	sc, err := scenario.Parse("l.yaml", []byte(src), scenario.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	p, err := Compile(sc, reg, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	rec := metrics.NewRecorder(reg, 1)
	agg := metrics.NewAggregator(rec, time.Now())
	vu := p.NewVU(id, 0, rec.Shard(0))
	t.Cleanup(vu.Close)
	return vu, func() *metrics.RTStats {
		agg.Collect(time.Now(), 0, "p", metrics.VUStats{})
		rt := agg.Summary(time.Now(), metrics.VUStats{}, []string{"p"}).Realtime
		if rt == nil {
			rt = &metrics.RTStats{}
		}
		return rt
	}
}

// TestReceiverLabels feeds stamped messages from VU 2 to VU 1's receiver:
// each delivery's latency goes into the overall histogram and into its
// label's, by SSE event type or by a JSONPath.
func TestReceiverLabels(t *testing.T) {
	tests := []struct {
		name  string
		label string
		// events are (SSE type, message type) pairs, one message each.
		events [][2]string
		want   map[string]int64
	}{
		// The SSE event type.
		{name: "event", label: scenario.DeliveryLabelEvent, events: [][2]string{{"like", "x"}, {"comment", "x"}, {"like", "x"}},
			want: map[string]int64{"like": 2, "comment": 1}},
		// A JSONPath into the message; a message without it is (none).
		{name: "path", label: "$.type", events: [][2]string{{"message", "a"}, {"message", "b"}, {"message", ""}},
			want: map[string]int64{"a": 1, "b": 1, metrics.NoLabel: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vu, summary := rtVU(t, 1)
			d := scenario.DefaultDelivery
			d.Label = tt.label
			spec, err := compileDelivery(&d)
			if err != nil {
				t.Fatal(err)
			}
			rx := newReceiver(spec, vu)
			for i, ev := range tt.events {
				typ := ""
				if ev[1] != "" {
					typ = fmt.Sprintf(`"type":%q,`, ev[1])
				}
				msg := fmt.Sprintf(`{%s"sender":"2","group":"0","seq":%d,"sent_at":%d}`, typ, i+1, time.Now().UnixNano())
				rx.sseEvent([]byte(ev[0]), []byte(msg), time.Now())
			}
			rx.stop()
			rt := summary()
			if got := rt.Counters[metrics.DeliveryDelivered]; got != int64(len(tt.events)) || rt.Count(metrics.TimingDelivery) != got {
				t.Fatalf("delivered %d, overall timings %d; want %d each", got, rt.Count(metrics.TimingDelivery), len(tt.events))
			}
			got := map[string]int64{}
			for _, lt := range rt.DeliveryByLabel() {
				got[lt.Label] = lt.Latency.TotalCount()
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("by label %v, want %v", got, tt.want)
			}
		})
	}
}

// TestInboxDropsAreCounted overfills an inbox: the oldest messages are
// dropped and counted, and the newest inboxSize are kept in order.
func TestInboxDropsAreCounted(t *testing.T) {
	tests := []struct {
		name     string
		pushes   int
		wantDrop int64
	}{
		// Up to the size: nothing is dropped.
		{name: "full", pushes: inboxSize, wantDrop: 0},
		// Past it: one drop per extra message.
		{name: "overfull", pushes: inboxSize + 44, wantDrop: 44},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vu, summary := rtVU(t, 1)
			in := newInbox(vu.shard.RT())
			at := time.Now()
			for i := range tt.pushes {
				in.push(at, []byte(fmt.Sprint(i)))
			}
			if got := summary().Counters[metrics.WSInboxDropped]; got != tt.wantDrop {
				t.Errorf("dropped %d, want %d", got, tt.wantDrop)
			}
			msg, _, ok := in.pop(time.Time{}, nil)
			if want := fmt.Sprint(tt.wantDrop); !ok || string(msg) != want {
				t.Errorf("oldest kept = %q, want %q", msg, want)
			}
		})
	}
}
