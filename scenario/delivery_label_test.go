package scenario

import (
	"strings"
	"testing"
)

// TestDeliveryLabel checks the delivery spec's `label` key: a JSONPath on
// any receiving step, `event` on SSE streams only.
func TestDeliveryLabel(t *testing.T) {
	cases := []struct {
		name string
		flow string
		// want is a substring of the single problem; "" means valid.
		want  string
		label string
	}{
		// The SSE event type.
		{name: "sse event", flow: "      - sse.open: { url: /s, background: true, delivery: { label: event } }\n", label: DeliveryLabelEvent},
		// A JSONPath on a WebSocket.
		{name: "ws path", flow: "      - ws.connect: { url: /ws, delivery: { label: $.type } }\n", label: "$.type"},
		// `event` means nothing outside SSE.
		{name: "ws event", flow: "      - ws.connect: { url: /ws, delivery: { label: event } }\n", want: "`label: event` labels by the SSE event type"},
		// A label that is neither `event` nor a JSONPath.
		{name: "bad path", flow: "      - ws.connect: { url: /ws, delivery: { label: type } }\n", want: "delivery.label"},
		// A misspelt key is suggested.
		{name: "misspelt", flow: "      - ws.connect: { url: /ws, delivery: { lable: $.type } }\n", want: "label"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", []byte(rtDoc+tc.flow), LoadOptions{})
			checkRT(t, sc, err, tc.want)
			if err != nil {
				return
			}
			if got := sc.Flows[0].Steps[0].Realtime.Delivery.Label; got != tc.label {
				t.Errorf("label = %q, want %q", got, tc.label)
			}
		})
	}
}

// TestParseMetricLabel checks the {label:...} selector: allowed on
// delivery latencies only.
func TestParseMetricLabel(t *testing.T) {
	tests := []struct {
		in      string
		stat    string
		label   string
		wantErr string
	}{
		// A label on a delivery latency statistic.
		{in: "delivery.latency.p99{label:like}", stat: "delivery.latency.p99", label: "like"},
		// A quoted label with a comma.
		{in: `delivery.latency.max{label:"a,b"}`, stat: "delivery.latency.max", label: "a,b"},
		// Labels are per delivery latency, not per count.
		{in: "delivery.missing{label:like}", wantErr: "takes no {label} selector"},
		// Nor per request.
		{in: "http.response_time.p99{label:like}", wantErr: "takes no {label} selector"},
		// A label with a request name is still a run-wide metric.
		{in: "delivery.latency.p99{label:like,name:x}", wantErr: "takes no {name} or {phase} selector"},
		// Twice.
		{in: "delivery.latency.p99{label:a,label:b}", wantErr: "sets `label` twice"},
		// Empty.
		{in: "delivery.latency.p99{label:}", wantErr: "`label` is empty"},
	}
	for _, tt := range tests {
		th, err := ParseMetric(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMetric(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || th.Stat != tt.stat || th.Label != tt.label {
			t.Errorf("ParseMetric(%q) = %q label %q, %v; want %q label %q", tt.in, th.Stat, th.Label, err, tt.stat, tt.label)
		}
	}
}
