package influxdb

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/loadgo/loadgo/runner/metrics"
)

var testTags = runTags{RunID: "r1", Scenario: "s.yaml", Instance: "i1"}

func lineOf(p *write.Point) string {
	return write.PointToLineProtocol(p, time.Nanosecond)
}

func TestSnapshotPointsOnePerSeriesPerInterval(t *testing.T) {
	tests := []struct {
		name    string
		samples int // per series in the interval
		series  []int
		want    int // points: series with samples + 1 VU point
	}{
		// The point count depends on series, not on samples: 1k and 20k
		// requests in an interval give the same number of points.
		{"1k requests, 3 series", 1000, []int{1, 2, 3}, 4},
		{"20k requests, 3 series", 20000, []int{1, 2, 3}, 4},
		// One series.
		{"one series", 10, []int{1}, 2},
		// An interval without requests still has its VU point.
		{"no requests", 0, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeRun()
			s := f.interval(tt.samples, false, tt.series...)
			pts, err := snapshotPoints(testTags, s, metrics.VUStats{})
			if err != nil {
				t.Fatal(err)
			}
			if len(pts) != tt.want {
				t.Fatalf("got %d points, want %d", len(pts), tt.want)
			}
		})
	}
}

func TestSeriesPointFields(t *testing.T) {
	f := newFakeRun()
	s := f.interval(100, true, 0)
	pts, err := snapshotPoints(testTags, s, metrics.VUStats{})
	if err != nil {
		t.Fatal(err)
	}
	line := lineOf(pts[0])
	for _, want := range []string{
		MeasurementRequests + ",", "instance=i1", "name=login", "phase=" + PhaseNone, "protocol=http", "run_id=r1", "scenario=s.yaml",
		",count=100i", "errors=4i", "errors_status=2i", "errors_timeout=2i", "errors_dns=0i", "status_200=96i", "status_503=2i",
		"bytes_in=10000i", "series_id=0i", "phase_index=-1i", "rps=100", "hdr=\"", "hdr_intended=\"", "p99_ms=",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("line lacks %q:\n%s", want, line)
		}
	}
	st := &s.Series[0].Stats
	for field, h := range map[string]int64{FieldHDR: st.Latency.TotalCount(), FieldHDRIntended: st.Intended.TotalCount()} {
		enc := pts[0].FieldList()
		var got string
		for _, fl := range enc {
			if fl.Key == field {
				got = fl.Value.(string)
			}
		}
		dec, err := DecodeHistogram(got)
		if err != nil {
			t.Fatalf("%s: %v", field, err)
		}
		if dec.TotalCount() != h {
			t.Errorf("%s: decoded %d values, want %d", field, dec.TotalCount(), h)
		}
	}
}

func TestHistogramRoundTripIsExact(t *testing.T) {
	f := newFakeRun()
	s := f.interval(5000, true, 1)
	st := s.Series[0].Stats
	enc, err := EncodeHistogram(st.Latency)
	if err != nil {
		t.Fatal(err)
	}
	h, err := DecodeHistogram(enc)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []float64{0, 50, 90, 99, 99.9, 100} {
		if got, want := h.ValueAtQuantile(q), st.Latency.ValueAtQuantile(q); got != want {
			t.Errorf("p%v: decoded %d, want %d", q, got, want)
		}
	}
	if !h.Equals(st.Latency) {
		t.Error("decoded histogram differs from the original")
	}
}

func TestDecodeHistogramErrors(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		// Not base64 at all.
		{"not base64", "%%%"},
		// Base64 of bytes that are no histogram encoding.
		{"not a histogram", "aGVsbG8gd29ybGQ="},
		// Empty input.
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeHistogram(tt.in); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestVUPointCountsTheInterval(t *testing.T) {
	f := newFakeRun()
	f.interval(10, false, 1)
	prev := f.vus
	s := f.interval(30, false, 1)
	pts, err := snapshotPoints(testTags, s, prev)
	if err != nil {
		t.Fatal(err)
	}
	line := lineOf(pts[len(pts)-1])
	for _, want := range []string{MeasurementVUs + ",", "phase=warm\\ up", "created=30i", "completed=29i", "active=1i", "requests=30i", "seq=1i"} {
		if !strings.Contains(line, want) {
			t.Errorf("VU line lacks %q:\n%s", want, line)
		}
	}
}

func TestEndPointsDropNonFiniteValues(t *testing.T) {
	f := newFakeRun()
	f.interval(10, false, 1)
	sum := f.summary()
	pts := endPoints(testTags, f.info(), sum, 1, 0)
	if len(pts) != 1+len(sum.Thresholds) {
		t.Fatalf("got %d points, want end + %d thresholds", len(pts), len(sum.Thresholds))
	}
	for _, p := range pts {
		line := lineOf(p)
		if strings.Contains(strings.ToLower(line), "nan") || strings.Contains(line, "Inf") {
			t.Errorf("non-finite value in %s", line)
		}
	}
	// The condition has no limit: the field is absent, not NaN.
	if line := lineOf(pts[2]); strings.Contains(line, "limit=") || !strings.Contains(line, "value=1") {
		t.Errorf("condition point: %s", line)
	}
	if !math.IsNaN(sum.Thresholds[1].Limit) {
		t.Fatal("fixture: the condition's limit should be NaN")
	}
	// Threshold points have distinct timestamps, or they would overwrite
	// each other.
	if pts[1].Time().Equal(pts[2].Time()) {
		t.Error("threshold points share a timestamp")
	}
}

func TestNewRunID(t *testing.T) {
	at := time.Date(2025, 1, 2, 15, 4, 5, 0, time.UTC)
	a, b := NewRunID(at), NewRunID(at)
	if !strings.HasPrefix(a, "20250102-150405-") || len(a) != len("20250102-150405-abcd") {
		t.Errorf("run ID %q", a)
	}
	if a == b {
		t.Errorf("two run IDs are equal: %q", a)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		// A complete 1.8 configuration.
		{"ok", Config{URL: "http://127.0.0.1:8086", Bucket: "loadgo/autogen"}, ""},
		// HTTPS is fine.
		{"https", Config{URL: "https://influx.example:8086", Bucket: "b"}, ""},
		// No scheme.
		{"no scheme", Config{URL: "127.0.0.1:8086", Bucket: "b"}, "want http(s)://host:port"},
		// Another scheme.
		{"udp", Config{URL: "udp://127.0.0.1:8089", Bucket: "b"}, "want http(s)"},
		// The password in the URL never shows in the message.
		{"redacted", Config{URL: "ftp://u:secret@h", Bucket: "b"}, "xxxxx"},
		// No bucket.
		{"no bucket", Config{URL: "http://127.0.0.1:8086"}, "no bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "secret"):
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

func TestQuoteString(t *testing.T) {
	tests := []struct{ in, want string }{
		// Plain.
		{"abc", `'abc'`},
		// A quote is escaped, so a run ID cannot end the literal.
		{"a'b", `'a\'b'`},
		// A backslash is escaped first.
		{`a\'`, `'a\\\''`},
	}
	for _, tt := range tests {
		if got := QuoteString(tt.in); got != tt.want {
			t.Errorf("QuoteString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRealtimePoint(t *testing.T) {
	h := metrics.NewHistogram()
	for v := int64(1000); v <= 100000; v += 1000 {
		if err := h.RecordValue(v); err != nil {
			t.Fatal(err)
		}
	}
	var rt metrics.RTStats
	rt.Counters[metrics.DeliveryExpected] = 12
	rt.Counters[metrics.DeliveryDelivered] = 10
	rt.Counters[metrics.ConnsOpened] = 4
	rt.CloseCodes[0] = 3                       // 1000
	rt.CloseCodes[metrics.NumCloseCodes-1] = 1 // any other code
	rt.Timings[metrics.TimingDelivery] = h
	tests := []struct {
		name string
		rt   *metrics.RTStats
		want []string // substrings of the line; nil: no point
	}{
		// Counters, close codes and the delivery timing with its histogram.
		{"delivery", &rt, []string{MeasurementRealtime + ",", "delivery_expected=12i", "delivery_delivered=10i",
			"connections_opened=4i", "ws_messages_in=0i", "ws_close_1000=3i", "ws_close_other=1i",
			"delivery_count=100i", "delivery_p50_ms=50", "delivery_max_ms=100", "hdr_delivery=\"HIST"}},
		// Nothing real-time happened: no point.
		{"empty", &metrics.RTStats{}, nil},
		// No real-time stats at all.
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &metrics.Snapshot{End: time.Unix(10, 0), PhaseName: "p", Realtime: tt.rt}
			p, err := realtimePoint(testTags, s)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				if p != nil {
					t.Fatalf("unexpected point %s", lineOf(p))
				}
				return
			}
			line := lineOf(p)
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("line lacks %q:\n%s", w, line)
				}
			}
			if strings.Contains(line, "reply_count") {
				t.Errorf("a timing without samples was written:\n%s", line)
			}
		})
	}
}
