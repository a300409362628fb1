package scenario

import (
	"errors"
	"fmt"
	"strings"
)

// MetricDeliveryPrefix starts the delivery metrics of real-time scenarios
// (see docs/REALTIME.md): "delivery.latency.STAT" (receipt − send in ms,
// STAT as for http.response_time), "delivery.ratio" (delivered / expected,
// 0..1) and the counts "delivery.COUNT". They are run-wide: no {name} or
// {phase} selector; the latency takes {label:LABEL}.
const MetricDeliveryPrefix = "delivery."

// MetricDeliveryLatency is delivery latency in ms; "delivery.latency.STAT"
// may select one delivery label ({label:LABEL}, see Delivery.Label).
const MetricDeliveryLatency = "delivery.latency"

// DeliveryCounts are the COUNT names of "delivery.COUNT" metrics.
var DeliveryCounts = []string{"sends", "expected", "delivered", "missing", "duplicate", "out_of_group"}

// canonicalDelivery checks the part of a delivery metric after "delivery."
// and returns the canonical metric.
func canonicalDelivery(rest string) (string, error) {
	if rest == "latency" {
		return "", errors.New("`delivery.latency` needs a statistic, e.g. delivery.latency.p95 (min, max, mean, median, p50 … p99, p999, p99.9)")
	}
	if stat, ok := strings.CutPrefix(rest, "latency."); ok {
		c, err := canonicalLatencyStat(stat)
		if err != nil {
			return "", err
		}
		return MetricDeliveryPrefix + "latency." + c, nil
	}
	if rest == "ratio" || contains(DeliveryCounts, rest) {
		return MetricDeliveryPrefix + rest, nil
	}
	known := append([]string{"latency.STAT", "ratio"}, DeliveryCounts...)
	msg := fmt.Sprintf("unknown delivery metric `delivery.%s` (known: delivery.%s)", clip(rest), strings.Join(known, ", delivery."))
	if s := suggest(rest, known); s != "" {
		msg += "; did you mean `delivery." + s + "`?"
	}
	return "", errors.New(msg)
}

// runWide reports whether the canonical metric stat is one of the run-wide
// families that take no {name} or {phase} selector.
func runWide(stat string) bool {
	return strings.HasPrefix(stat, MetricCustomPrefix) || strings.HasPrefix(stat, MetricDeliveryPrefix)
}
