package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// summaryOf builds a run summary: requests of which errors failed, request
// latencies reqMs, and rt (may be nil) with delivery latencies delivMs.
func summaryOf(t *testing.T, requests, errors int64, reqMs []float64, rt *metrics.RTStats, delivMs []float64) *metrics.Summary {
	t.Helper()
	st := metrics.NewStats()
	st.Count, st.Errors = requests, errors
	st.BytesIn, st.BytesOut = 1000*requests, 500*requests
	for _, v := range reqMs {
		if err := st.Latency.RecordValue(int64(v * 1000)); err != nil {
			t.Fatal(err)
		}
	}
	if rt != nil && len(delivMs) > 0 {
		h := metrics.NewHistogram()
		for _, v := range delivMs {
			if err := h.RecordValue(int64(v * 1000)); err != nil {
				t.Fatal(err)
			}
		}
		rt.Timings[metrics.TimingDelivery] = h
	}
	return &metrics.Summary{Duration: 10 * time.Second, Total: st, Realtime: rt, Passed: true,
		VUs: metrics.VUStats{Created: 10}}
}

// rtOf builds real-time stats with counters set.
func rtOf(peak int64, counters map[metrics.RTCounter]int64) *metrics.RTStats {
	rt := &metrics.RTStats{PeakConns: peak}
	for k, v := range counters {
		rt.Counters[k] = v
	}
	return rt
}

// delivered are the counters of a clean delivery: 100 sends, 300 expected,
// all delivered.
func delivered(extra map[metrics.RTCounter]int64) map[metrics.RTCounter]int64 {
	c := map[metrics.RTCounter]int64{metrics.DeliverySends: 100, metrics.DeliveryExpected: 300, metrics.DeliveryDelivered: 300}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

func TestRowOfFlags(t *testing.T) {
	tests := []struct {
		name      string
		sum       *metrics.Summary
		wantFlag  string
		wantNotes []string
	}{
		// Clean deliveries: ranked, no flag.
		{name: "clean", sum: summaryOf(t, 10, 0, []float64{1}, rtOf(10, delivered(nil)), []float64{2})},
		// 98 of 100 requests failed: the short-polling mistake, flagged.
		{name: "mostly failed", sum: summaryOf(t, 100, 98, []float64{1}, nil, nil),
			wantFlag: "FAILED — 98% of requests failed: not ranked"},
		// Exactly half failed is not "mostly".
		{name: "half failed", sum: summaryOf(t, 100, 50, []float64{1}, nil, nil)},
		// Stream errors count as errors: 8 SSE streams closed early out of
		// 10 requests, also a note.
		{name: "streams closed early", sum: summaryOf(t, 10, 0, []float64{1}, rtOf(10, delivered(map[metrics.RTCounter]int64{metrics.SSEClosedEarly: 8})), []float64{2}),
			wantFlag: "FAILED — 80% of requests failed: not ranked", wantNotes: []string{"8 SSE streams closed early"}},
		// Sends that nobody received.
		{name: "nothing delivered", sum: summaryOf(t, 10, 0, []float64{1}, rtOf(10, map[metrics.RTCounter]int64{metrics.DeliverySends: 5, metrics.DeliveryExpected: 15}), nil),
			wantFlag: "FAILED — none of 15 expected deliveries arrived: not ranked"},
		// Sends with no other member listening.
		{name: "nobody listening", sum: summaryOf(t, 10, 0, []float64{1}, rtOf(10, map[metrics.RTCounter]int64{metrics.DeliverySends: 5}), nil),
			wantFlag: "FAILED — 5 messages sent, nobody was listening: not ranked"},
		// A message in the wrong group is a correctness failure.
		{name: "out of group", sum: summaryOf(t, 10, 0, []float64{1}, rtOf(10, delivered(map[metrics.RTCounter]int64{metrics.DeliveryOutOfGroup: 2})), []float64{2}),
			wantFlag: "FAILED — 2 messages reached another group: not ranked"},
		// Nothing ran at all.
		{name: "empty", sum: summaryOf(t, 0, 0, nil, nil, nil), wantFlag: "FAILED — nothing ran: not ranked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rowOf("s", "s.yaml", tt.sum)
			if r.Flag != tt.wantFlag || strings.Join(r.Notes, "|") != strings.Join(tt.wantNotes, "|") {
				t.Errorf("flag %q notes %q, want %q %q", r.Flag, r.Notes, tt.wantFlag, tt.wantNotes)
			}
		})
	}
}

func TestRowOfInterruptedAndThresholds(t *testing.T) {
	sum := summaryOf(t, 10, 0, []float64{1}, nil, nil)
	sum.Passed = false
	if r := rowOf("s", "s.yaml", sum); r.Flag != "" || strings.Join(r.Notes, "|") != "thresholds failed" {
		t.Errorf("failed thresholds: flag %q notes %q; want ranked with a note", r.Flag, r.Notes)
	}
	sum.Interrupted = true
	if r := rowOf("s", "s.yaml", sum); r.Flag != "INTERRUPTED — partial numbers: not ranked" || len(r.Notes) != 0 {
		t.Errorf("interrupted: flag %q notes %q", r.Flag, r.Notes)
	}
}

func TestRowOfNumbers(t *testing.T) {
	rt := rtOf(40, delivered(map[metrics.RTCounter]int64{
		metrics.DeliveryExpected: 400, metrics.DeliveryDuplicate: 3, metrics.DeliverySelf: 100,
		metrics.WSBytesIn: 5000, metrics.WSBytesOut: 5000, metrics.WSMessagesOut: 90,
	}))
	// Below 2.048 ms the histogram is exact to the microsecond.
	sum := summaryOf(t, 10, 1, []float64{1, 2, 3, 4}, rt, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1})
	r := rowOf("location-ws", "examples/location-ws.yaml", sum)
	if r.Delivery == nil || r.Delivery.P50 != 0.5 || r.Delivery.P95 != 1 || r.Delivery.P99 != 1 || !r.Realtime {
		t.Errorf("delivery = %+v (realtime %v), want p50 0.5 p95 1 p99 1", r.Delivery, r.Realtime)
	}
	if r.DeliveryRatio == nil || *r.DeliveryRatio != 0.75 || r.Missing != 100 || r.Duplicates != 3 {
		t.Errorf("ratio %v missing %d dup %d, want 0.75 100 3", r.DeliveryRatio, r.Missing, r.Duplicates)
	}
	// 300 delivered + 3 duplicates + 100 own = 403 receipts in 10 s.
	if r.MessagesPerS != 40.3 || r.RequestsPerS != 1 || r.Connections != 40 {
		t.Errorf("msgs/s %v req/s %v conns %d, want 40.3 1 40", r.MessagesPerS, r.RequestsPerS, r.Connections)
	}
	// (10 requests × 1500 B + 10000 WS bytes) / 10 users.
	if r.BytesPerUser != 2500 {
		t.Errorf("bytes/user %v, want 2500", r.BytesPerUser)
	}
	// 1 error in 10 requests + 90 WS sends.
	if r.Errors != 1 || r.ErrorRate != 1 {
		t.Errorf("errors %d rate %v, want 1 and 1%%", r.Errors, r.ErrorRate)
	}
}

// rows is a comparison of five transports plus an HTTP-only scenario.
func rows(t *testing.T) []compareRow {
	return []compareRow{
		rowOf("location-short-polling", "examples/location-short-polling.yaml", summaryOf(t, 500, 490, []float64{1}, rtOf(0, map[metrics.RTCounter]int64{metrics.DeliverySends: 100, metrics.DeliveryExpected: 300}), nil)),
		rowOf("location-sse", "examples/location-sse.yaml", summaryOf(t, 140, 0, []float64{2}, rtOf(40, delivered(map[metrics.RTCounter]int64{metrics.SSEBytesIn: 20000})), []float64{3, 4, 9})),
		rowOf("location-ws", "examples/location-ws.yaml", summaryOf(t, 40, 0, []float64{1}, rtOf(40, delivered(map[metrics.RTCounter]int64{metrics.WSMessagesOut: 100})), []float64{1, 2, 3})),
		rowOf("quickstart", "examples/quickstart.yaml", summaryOf(t, 300, 0, []float64{5}, nil, nil)),
		rowOf("location-stomp", "examples/location-stomp.yaml", summaryOf(t, 40, 0, []float64{1}, rtOf(40, delivered(map[metrics.RTCounter]int64{metrics.DeliveryDuplicate: 2})), []float64{1, 2, 4})),
	}
}

func TestRankRows(t *testing.T) {
	got := rankRows(rows(t))
	want := []struct {
		name     string
		rank     int
		rankedBy string
	}{
		// Delivery p95 3 < 4 < 9 ms, then the HTTP-only scenario by request
		// p95, then the flagged one, unranked.
		{"location-ws", 1, rankedByDelivery},
		{"location-stomp", 2, rankedByDelivery},
		{"location-sse", 3, rankedByDelivery},
		{"quickstart", 4, rankedByRequest},
		{"location-short-polling", 0, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		if g := got[i]; g.Scenario != w.name || g.Rank != w.rank || g.RankedBy != w.rankedBy {
			t.Errorf("row %d = %s rank %d by %q, want %s rank %d by %q", i, g.Scenario, g.Rank, g.RankedBy, w.name, w.rank, w.rankedBy)
		}
	}
}

// TestCompareTableGolden checks the rendered table and its JSON against
// testdata/compare.golden and testdata/compare.json.golden (-update
// rewrites them).
func TestCompareTableGolden(t *testing.T) {
	ranked := rankRows(rows(t))
	var b bytes.Buffer
	if err := writeCompareTable(&b, ranked); err != nil {
		t.Fatal(err)
	}
	data, err := compareJSON(ranked)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		file string
		got  []byte
	}{{"compare.golden", b.Bytes()}, {"compare.json.golden", data}} {
		path := filepath.Join("testdata", g.file)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(g.got, want) {
			t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", g.file, g.got, want)
		}
	}
	var doc compareDoc
	if err := json.Unmarshal(data, &doc); err != nil || doc.Schema != compareSchema || len(doc.Rows) != 5 {
		t.Fatalf("JSON: %v, schema %q, %d rows", err, doc.Schema, len(doc.Rows))
	}
	if r := doc.Rows[4]; r.Rank != 0 || !strings.HasPrefix(r.Flag, "FAILED — 98% of requests failed") {
		t.Errorf("flagged row in JSON: rank %d flag %q", r.Rank, r.Flag)
	}
}
