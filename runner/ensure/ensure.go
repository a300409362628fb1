// Package ensure evaluates a scenario's config.ensure — thresholds and
// conditions — against a run's summary.
//
// Metric names are those of scenario.Threshold.Stat: "http.response_time.STAT"
// and "http.response_time_intended.STAT" (STAT one of min, max, mean, pNN;
// values in milliseconds with microsecond precision), "http.requests",
// "http.errors", "http.codes.NNN", "errors.KIND" and "vusers.WHAT" (counts),
// and "http.error_rate" (percent, 0..100), and "custom.NAME[.STAT]", what
// metric steps recorded (STAT last (the default), min, max, mean, sum or
// count), and the delivery metrics of real-time runs: "delivery.latency.STAT"
// (ms), "delivery.ratio" (0..1) and "delivery.COUNT" (sends, expected,
// delivered, missing, duplicate, out_of_group). A threshold passes when the
// measured value is at most its limit.
//
// Conditions compare arithmetic over metrics and numbers (+ - * /,
// parentheses): "http.codes.200{name:view} - (custom.after - custom.before)
// <= 0". An operand that reads a metric without a value, or divides by zero,
// has no value, and the comparison is then unknown, never true.
//
// No data is not a pass: a latency statistic or error rate of a selection
// without samples (a request that never ran, a phase that never started) has
// no value, and a threshold on it fails with Value NaN. Counts without
// samples are 0.
package ensure

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// Evaluate evaluates every threshold and then every condition of e against
// sum, returning one result per threshold and condition, in that order, and
// whether the run passes: no threshold failed and no strict condition failed.
// A non-strict condition that fails is reported with Passed false but does
// not fail the run. sum is not modified.
//
// A threshold's result is named after the metric as written plus
// " <= LIMIT", e.g. "http.response_time.p99 <= 200"; a selector given apart
// from the metric (Threshold.Request, Threshold.Phase) is appended to the
// metric as "{name:R,phase:P}" unless the metric already has one. A
// condition's result is named after its expression, prefixed with "NAME: "
// when it has a Name; its Limit is NaN and its Value is NaN unless the
// expression is a single comparison, whose left side's value it then is
// (for "http.requests - custom.seen <= 0", the requests not seen).
func Evaluate(e scenario.Ensure, sum *metrics.Summary) (results []metrics.ThresholdResult, passed bool) {
	passed = true
	results = make([]metrics.ThresholdResult, 0, len(e.Thresholds)+len(e.Conditions))
	for _, th := range e.Thresholds {
		v, ok := Value(th, sum)
		r := metrics.ThresholdResult{
			Name:   thresholdName(th),
			Passed: ok && v <= th.Max,
			Value:  v,
			Limit:  th.Max,
		}
		passed = passed && r.Passed
		results = append(results, r)
	}
	for _, c := range e.Conditions {
		r := metrics.ThresholdResult{
			Name:   c.Expression,
			Passed: evalExpr(c.Expr, sum) == isTrue,
			Value:  math.NaN(),
			Limit:  math.NaN(),
		}
		if r.Name == "" {
			r.Name = formatExpr(c.Expr)
		}
		if c.Name != "" {
			r.Name = c.Name + ": " + r.Name
		}
		if c.Expr != nil && c.Expr.Kind == scenario.ExprCompare {
			r.Value, _, _ = operands(c.Expr, sum)
		}
		if c.Strict && !r.Passed {
			passed = false
		}
		results = append(results, r)
	}
	return results, passed
}

// Value returns the value th measures in sum: milliseconds for latencies,
// percent for the error rate, counts otherwise. th.Stat is the canonical
// metric; th.Request and th.Phase select the series (by request name and
// phase name; both empty select the whole run). ok is false, with NaN, when
// the value is undefined: a latency statistic or error rate without samples,
// an unknown metric, a vusers metric with a selector, or a nil sum.
func Value(th scenario.Threshold, sum *metrics.Summary) (float64, bool) {
	m, err := parseMetric(th.Stat)
	if err != nil || sum == nil {
		return math.NaN(), false
	}
	if th.Label != "" && m.fam != famDeliveryLatency {
		return math.NaN(), false
	}
	if m.fam == famCustom || m.fam == famDelivery || m.fam == famDeliveryLatency {
		if th.Request != "" || th.Phase != "" {
			return math.NaN(), false
		}
		if m.fam == famCustom {
			return customValue(m, sum.Custom)
		}
		return deliveryValue(m, th.Label, sum.Realtime)
	}
	if m.fam == famVUs {
		if th.Request != "" || th.Phase != "" {
			return math.NaN(), false
		}
		return float64(vuCount(sum.VUs, m.vus)), true
	}
	st := selectStats(sum, th.Request, th.Phase)
	if m.needsData() && (st.Count == 0 || st.Latency == nil) {
		return math.NaN(), false
	}
	switch m.fam {
	case famLatency:
		return millis(latency(st, m, false)), true
	case famIntended:
		return millis(latency(st, m, true)), true
	case famRequests:
		return float64(st.Count), true
	case famErrors:
		return float64(st.Errors), true
	case famErrorRate:
		return st.ErrorRate(), true
	case famCode:
		return float64(st.Status[m.code]), true
	case famErrorKind:
		return float64(st.ErrorsByKind[m.kind]), true
	}
	return math.NaN(), false
}

// latency returns the statistic m of st's latency or intended latency.
func latency(st *metrics.Stats, m metric, intended bool) time.Duration {
	switch {
	case m.stat == statMin && intended:
		return st.IntendedMin()
	case m.stat == statMin:
		return st.Min()
	case m.stat == statMax && intended:
		return st.IntendedMax()
	case m.stat == statMax:
		return st.Max()
	case m.stat == statMean && intended:
		return st.IntendedMean()
	case m.stat == statMean:
		return st.Mean()
	case intended:
		return st.IntendedPercentile(m.q)
	}
	return st.Percentile(m.q)
}

// millis converts d to milliseconds, rounded to the microsecond.
func millis(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)/time.Microsecond) / 1000
}

// vuCount returns the VU counter named what.
func vuCount(v metrics.VUStats, what string) int64 {
	switch what {
	case "created":
		return v.Created
	case "completed":
		return v.Completed
	case "failed":
		return v.Failed
	}
	return v.Dropped
}

// selectStats returns the stats a selector picks: the whole run when both
// are empty, a request over all phases (ByName) when only request is set, and
// otherwise the merge of the (name, phase) series that match. A selection
// that matches nothing is empty.
func selectStats(sum *metrics.Summary, request, phase string) *metrics.Stats {
	var picked []*metrics.Stats
	switch {
	case request == "" && phase == "":
		return &sum.Total
	case phase == "":
		for i := range sum.ByName {
			if sum.ByName[i].Series.Name == request {
				picked = append(picked, &sum.ByName[i].Stats)
			}
		}
	default:
		for i := range sum.Series {
			s := sum.Series[i].Series
			if s.PhaseName == phase && (request == "" || s.Name == request) {
				picked = append(picked, &sum.Series[i].Stats)
			}
		}
	}
	switch len(picked) {
	case 0:
		return &metrics.Stats{}
	case 1:
		return picked[0]
	}
	merged := metrics.NewStats()
	for _, st := range picked {
		merged.Merge(st)
	}
	return &merged
}

// thresholdName is the result name of th: the metric as written, its
// separately given selector, and the limit.
func thresholdName(th scenario.Threshold) string {
	var b strings.Builder
	metric := th.Metric
	if metric == "" {
		metric = th.Stat
	}
	b.WriteString(metric)
	if !strings.Contains(metric, "{") && (th.Request != "" || th.Phase != "") {
		b.WriteString(selector(th.Request, th.Phase))
	}
	if !strings.Contains(metric, "{") && th.Label != "" {
		b.WriteString("{label:" + th.Label + "}")
	}
	b.WriteString(" <= ")
	b.WriteString(strconv.FormatFloat(th.Max, 'f', -1, 64))
	return b.String()
}

// selector formats a selector as written in metric names.
func selector(request, phase string) string {
	var parts []string
	if request != "" {
		parts = append(parts, "name:"+request)
	}
	if phase != "" {
		parts = append(parts, "phase:"+phase)
	}
	return "{" + strings.Join(parts, ",") + "}"
}
