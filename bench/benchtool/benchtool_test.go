package main

import (
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/bench/targets"
)

func TestParseOutput(t *testing.T) {
	tests := []struct {
		name, tool, text string
		want             result
		wantErr          bool
	}{
		{
			// wrk with --latency: the count and the 50% line.
			name: "wrk", tool: "wrk",
			text: "Running 10s test @ http://127.0.0.1:18082/\n  Latency Distribution\n     50%   10.37ms\n     75%   10.50ms\n  998 requests in 10.01s, 100KB read\n",
			want: result{Requests: 998, P50: 10370 * time.Microsecond},
		},
		{
			// wrk in microseconds, without --latency: no p50.
			name: "wrk no latency", tool: "wrk",
			text: "  1202260 requests in 10.02s, 28.74MB read\n",
			want: result{Requests: 1202260},
		},
		{
			// hey: responses by status plus listed errors.
			name: "hey", tool: "hey",
			text: "Latency distribution:\n  10% in 0.0101 secs\n  50% in 0.0104 secs\n\nStatus code distribution:\n  [200]\t950 responses\n  [503]\t10 responses\n\nError distribution:\n  [5]\tGet \"http://127.0.0.1:1/\": dial tcp: connection refused\n",
			want: result{Requests: 965, P50: 10400 * time.Microsecond},
		},
		{
			// vegeta report text.
			name: "vegeta", tool: "vegeta",
			text: "Requests      [total, rate, throughput]         1000, 100.10, 99.99\nLatencies     [min, mean, 50, 90, 95, 99, max]  10.1ms, 10.5ms, 10.45ms, 10.8ms, 11ms, 12ms, 20ms\n",
			want: result{Requests: 1000, P50: 10450 * time.Microsecond},
		},
		{
			// loadgo's JSON summary.
			name: "loadgo", tool: "loadgo",
			text: `{"totals":{"requests":42,"latency_ms":{"p50":1.5},"intended_latency_ms":{"p50":1.5,"p90":2,"p99":3,"p999":4,"max":5}}}`,
			want: result{Requests: 42, P50: 1500 * time.Microsecond},
		},
		{
			// Output without the count line is an error, not zero requests.
			name: "wrk garbage", tool: "wrk", text: "unable to connect", wantErr: true,
		},
		{
			// hey without a status distribution (every request failed to parse).
			name: "hey garbage", tool: "hey", text: "Summary:\n", wantErr: true,
		},
		{
			// An unknown tool.
			name: "unknown", tool: "ab", text: "", wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseOutput(tt.tool, tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got.Requests != tt.want.Requests || got.P50 != tt.want.P50 {
				t.Errorf("got %d requests, p50 %v; want %d, %v", got.Requests, got.P50, tt.want.Requests, tt.want.P50)
			}
		})
	}
}

func TestWriteTables(t *testing.T) {
	in := "eff\twrk\treq_per_cpu_s\t100000\n" +
		"eff\twrk\treq_per_cpu_s\t120000\n" +
		"eff\twrk\treq_per_cpu_s\t110000\n" +
		"eff\tloadgo\treq_per_cpu_s\t55000\n" +
		"eff\tloadgo\treq_per_cpu_s\t60000\n" +
		"eff\tloadgo\treq_per_cpu_s\t50000\n"
	ss, err := parseResults(in)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := writeTables(&b, ss); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"### eff",
		"| wrk | 110000 (100000–120000, n=3) | 1.00 |",
		"| loadgo | 55000 (50000–60000, n=3) | 0.50 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if _, err := parseResults("a\tb\tc\n"); err == nil {
		t.Error("a line with 3 fields parsed")
	}
	if _, err := parseResults("a\tb\tc\tx\n"); err == nil {
		t.Error("a non-numeric value parsed")
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		// Odd count: the middle value, whatever the order.
		{"odd", []float64{3, 1, 2}, 2},
		// Even count: the mean of the middle two.
		{"even", []float64{4, 1, 3, 2}, 2.5},
		// Nothing: zero.
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.in); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCoCompare(t *testing.T) {
	f := targets.DefaultFreeze(time.Time{})
	doc := `{"totals":{"requests":4000,"latency_ms":{"p50":1},"intended_latency_ms":{"p50":1,"p90":501,"p99":951,"p999":996,"max":1001}},"vus":{"dropped":0}}`
	rows, d, err := coCompare([]byte(doc), f)
	if err != nil {
		t.Fatal(err)
	}
	if d.Totals.Requests != 4000 || len(rows) != 5 {
		t.Fatalf("requests %d, rows %d", d.Totals.Requests, len(rows))
	}
	for _, r := range rows {
		if r.DevPct > 0.01 {
			t.Errorf("%s: measured %v, theory %v, deviation %.3f%%: want exact", r.Name, r.Measured, r.Want, r.DevPct)
		}
	}
	// A run that hid the freeze (closed-model-like numbers) is far off.
	hidden := `{"totals":{"requests":4000,"latency_ms":{"p50":1},"intended_latency_ms":{"p50":1,"p90":1.2,"p99":2,"p999":900,"max":1001}}}`
	rows, _, err = coCompare([]byte(hidden), f)
	if err != nil {
		t.Fatal(err)
	}
	if rows[1].DevPct < 90 {
		t.Errorf("p90 deviation %.1f%%, want the hidden freeze to show", rows[1].DevPct)
	}
	if _, _, err := coCompare([]byte(`{"totals":{}}`), f); err == nil {
		t.Error("a summary without latencies compared")
	}
}
