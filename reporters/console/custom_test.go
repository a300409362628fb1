package console

import (
	"bytes"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// TestSummaryCustomAndLabels checks that the summary shows custom metric
// values and delivery latency per label.
func TestSummaryCustomAndLabels(t *testing.T) {
	sum := &metrics.Summary{Start: time.Unix(0, 0), End: time.Unix(10, 0), Custom: []metrics.CustomStats{
		{Name: "views_after", Count: 2, Last: 7, Min: 5, Max: 7, Sum: 12},
		{Name: "never"},
	}}
	h := metrics.NewHistogram()
	_ = h.RecordValue(1500)
	sum.Realtime = &metrics.RTStats{ByLabel: []*hdrhistogram.Histogram{h}, LabelNames: []string{"like"}}
	sum.Realtime.Counters[metrics.DeliveryDelivered] = 1
	sum.Realtime.Counters[metrics.WSInboxDropped] = 3
	var buf bytes.Buffer
	if err := WriteSummary(&buf, reporters.RunInfo{}, sum, Options{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		// The custom table: header, values, a metric without values.
		"custom       last  min  max  mean  sum  count",
		"views_after     7    5    7     6   12      2",
		"never           -    -    -     -    -      0",
		// The per-label delivery table.
		"delivery by label (ms)",
		"like ",
		// The dropped inbox messages are a finding.
		"finding: 3 received WebSocket messages were dropped unread",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
