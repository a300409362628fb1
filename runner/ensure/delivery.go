package ensure

import (
	"fmt"
	"math"
	"strings"

	"github.com/loadgo/loadgo/runner/metrics"
)

// deliveryCounters maps "delivery.COUNT" names to real-time counters;
// "missing" is computed.
var deliveryCounters = map[string]metrics.RTCounter{
	"sends": metrics.DeliverySends, "expected": metrics.DeliveryExpected, "delivered": metrics.DeliveryDelivered,
	"duplicate": metrics.DeliveryDuplicate, "out_of_group": metrics.DeliveryOutOfGroup,
}

// parseDelivery parses what follows "delivery.": latency.STAT, ratio, or a
// count.
func parseDelivery(rest string) (metric, error) {
	if stat, ok := strings.CutPrefix(rest, "latency."); ok {
		m, err := parseLatency(famDeliveryLatency, stat)
		if err != nil {
			return metric{}, fmt.Errorf("metric %q: %w", prefixDelivery+rest, err)
		}
		return m, nil
	}
	if _, ok := deliveryCounters[rest]; ok || rest == "missing" || rest == "ratio" {
		return metric{fam: famDelivery, delivery: rest}, nil
	}
	return metric{}, fmt.Errorf("unknown metric %q", prefixDelivery+rest)
}

// deliveryValue returns a delivery metric of rt (nil: nothing real-time
// happened); label, when set, selects the latency of one delivery label.
// Counts are then 0; the ratio has no value when nothing was expected, a
// latency statistic none when nothing was delivered (with that label).
func deliveryValue(m metric, label string, rt *metrics.RTStats) (float64, bool) {
	if rt == nil {
		rt = &metrics.RTStats{}
	}
	if m.fam == famDeliveryLatency {
		h := rt.Timings[metrics.TimingDelivery]
		if label != "" {
			h = rt.LabelLatency(label)
		}
		if h == nil || h.TotalCount() == 0 {
			return math.NaN(), false
		}
		st := metrics.Stats{Count: h.TotalCount(), Latency: h}
		return millis(latency(&st, m, false)), true
	}
	switch m.delivery {
	case "ratio":
		if rt.Counters[metrics.DeliveryExpected] == 0 {
			return math.NaN(), false
		}
		return rt.DeliveryRatio(), true
	case "missing":
		return float64(rt.Missing()), true
	}
	c, ok := deliveryCounters[m.delivery]
	if !ok {
		return math.NaN(), false
	}
	return float64(rt.Counters[c]), true
}
