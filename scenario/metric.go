package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Metric families and names a threshold may use. This is the contract with
// the runner's threshold evaluation: every Threshold.Stat is one of these
// (with the STAT of the two latency families filled in).
const (
	// MetricResponseTime is latency from the actual send, in ms.
	MetricResponseTime = "http.response_time"
	// MetricResponseTimeIntended is latency from the intended start (the
	// scheduled arrival in the open model), in ms.
	MetricResponseTimeIntended = "http.response_time_intended"
	// MetricRequests counts requests.
	MetricRequests = "http.requests"
	// MetricErrors counts failed requests.
	MetricErrors = "http.errors"
	// MetricErrorRate is failed requests in percent (0..100).
	MetricErrorRate = "http.error_rate"
	// MetricCodesPrefix starts "http.codes.NNN": responses with status NNN.
	MetricCodesPrefix = "http.codes."
	// MetricErrorsPrefix starts "errors.KIND": failures of one kind.
	MetricErrorsPrefix = "errors."
)

// ErrorKinds are the KIND names of "errors.KIND" metrics.
var ErrorKinds = []string{"timeout", "refused", "reset", "dns", "tls", "status", "expect", "capture", "other", "conncap"}

// VUserMetrics are the "vusers.*" counters; they take no selector.
var VUserMetrics = []string{"vusers.created", "vusers.completed", "vusers.failed", "vusers.dropped"}

// metricNames are the names suggested when a metric is misspelt.
var metricNames = []string{
	MetricResponseTime, MetricResponseTimeIntended, MetricRequests, MetricErrors, MetricErrorRate,
	"http.codes", "errors", "vusers.created", "vusers.completed", "vusers.failed", "vusers.dropped", "custom.NAME",
}

// ParseMetric parses a threshold metric name, FAMILY[.STAT] with an optional
// selector {name:REQUEST,phase:PHASE} (either key optional; a value may be
// quoted with ' or " when it contains a comma or a brace). It returns a
// Threshold with Metric (s as written), Stat (canonical), Request and Phase
// set. It does not check that the request or phase exists.
func ParseMetric(s string) (Threshold, error) {
	th := Threshold{Metric: s}
	base := strings.TrimSpace(s)
	if i := strings.IndexByte(base, '{'); i >= 0 {
		if !strings.HasSuffix(base, "}") {
			return th, errors.New("the selector `{...}` is not closed with `}`")
		}
		var err error
		th.Request, th.Phase, th.Label, err = parseSelector(base[i+1 : len(base)-1])
		if err != nil {
			return th, err
		}
		base = strings.TrimSpace(base[:i])
	}
	stat, err := canonicalMetric(base)
	if err != nil {
		return th, err
	}
	th.Stat = stat
	if strings.HasPrefix(stat, "vusers.") && (th.Request != "" || th.Phase != "") {
		return th, fmt.Errorf("`%s` counts VUs of the whole run and takes no {name} or {phase} selector", stat)
	}
	if runWide(stat) && (th.Request != "" || th.Phase != "") {
		return th, fmt.Errorf("`%s` is a metric of the whole run and takes no {name} or {phase} selector", stat)
	}
	if th.Label != "" && !strings.HasPrefix(stat, MetricDeliveryLatency+".") {
		return th, fmt.Errorf("`%s` takes no {label} selector: only %s.STAT is reported per delivery label", stat, MetricDeliveryLatency)
	}
	return th, nil
}

// canonicalMetric returns the canonical form of a metric name.
func canonicalMetric(base string) (string, error) {
	for _, fam := range []string{MetricResponseTimeIntended, MetricResponseTime} {
		if base == fam {
			return "", fmt.Errorf("`%s` needs a statistic, e.g. %s.p95 (min, max, mean, median, p50 … p99, p999, p99.9)", fam, fam)
		}
		if stat, ok := strings.CutPrefix(base, fam+"."); ok {
			c, err := canonicalLatencyStat(stat)
			if err != nil {
				return "", err
			}
			return fam + "." + c, nil
		}
	}
	switch base {
	case MetricRequests, MetricErrors, MetricErrorRate:
		return base, nil
	}
	if code, ok := strings.CutPrefix(base, MetricCodesPrefix); ok {
		n, err := strconv.Atoi(code)
		if err != nil || len(code) != 3 || n < 100 || n > 599 {
			return "", fmt.Errorf("`%s`: the status code must be a number from 100 to 599, e.g. http.codes.500", clip(base))
		}
		return base, nil
	}
	if kind, ok := strings.CutPrefix(base, MetricErrorsPrefix); ok {
		if contains(ErrorKinds, kind) {
			return base, nil
		}
		msg := fmt.Sprintf("unknown error kind `%s` (known: %s)", clip(kind), strings.Join(ErrorKinds, ", "))
		if s := suggest(kind, ErrorKinds); s != "" {
			msg += "; did you mean `errors." + s + "`?"
		}
		return "", errors.New(msg)
	}
	if contains(VUserMetrics, base) {
		return base, nil
	}
	if rest, ok := strings.CutPrefix(base, MetricCustomPrefix); ok {
		return canonicalCustom(rest)
	}
	if rest, ok := strings.CutPrefix(base, MetricDeliveryPrefix); ok {
		return canonicalDelivery(rest)
	}
	msg := fmt.Sprintf("unknown metric `%s`", clip(base))
	if s := suggestMetric(base); s != "" {
		msg += "; did you mean `" + s + "`?"
	} else {
		msg += " (known: " + strings.Join(metricNames, ", ") + ")"
	}
	return "", errors.New(msg)
}

// suggestMetric suggests a metric for a misspelt name, keeping the
// statistic when only the family is misspelt ("http.respone_time.p95").
func suggestMetric(base string) string {
	if s := suggest(base, metricNames); s != "" {
		return s
	}
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		fam, stat := base[:i], base[i+1:]
		if s := suggest(fam, []string{MetricResponseTime, MetricResponseTimeIntended}); s != "" {
			return s + "." + stat
		}
	}
	return ""
}

// canonicalLatencyStat canonicalises a latency statistic: median → p50,
// p999 → p99.9, "p99.90" → p99.9.
func canonicalLatencyStat(stat string) (string, error) {
	switch stat {
	case "min", "max", "mean":
		return stat, nil
	case "median":
		return "p50", nil
	case "p999":
		return "p99.9", nil
	}
	bad := fmt.Errorf("unknown statistic `%s`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)", clip(stat))
	num, ok := strings.CutPrefix(stat, "p")
	if !ok {
		return "", bad
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if !allDigits(whole) || len(whole) > 2 || (hasFrac && !allDigits(frac)) {
		return "", bad
	}
	q, err := strconv.ParseFloat(num, 64)
	if err != nil || q <= 0 || q >= 100 {
		return "", bad
	}
	return "p" + strconv.FormatFloat(q, 'f', -1, 64), nil
}

// parseSelector parses "name:REQ,phase:PHASE" (or "label:LABEL", which
// ParseMetric allows on delivery latencies only).
func parseSelector(sel string) (req, phase, label string, err error) {
	seen := map[string]bool{}
	rest := strings.TrimSpace(sel)
	if rest == "" {
		return "", "", "", errors.New("the selector `{}` is empty: use {name:REQUEST} and/or {phase:PHASE}")
	}
	for rest != "" {
		key, after, ok := strings.Cut(rest, ":")
		key = strings.TrimSpace(key)
		if !ok || (key != "name" && key != "phase" && key != "label") {
			return "", "", "", fmt.Errorf("invalid selector {%s}: use {name:REQUEST}, {phase:PHASE} or both, separated by a comma", clip(sel))
		}
		if seen[key] {
			return "", "", "", fmt.Errorf("the selector sets `%s` twice", key)
		}
		seen[key] = true
		after = strings.TrimLeft(after, " \t")
		var val string
		if after != "" && (after[0] == '"' || after[0] == '\'') {
			end := strings.IndexByte(after[1:], after[0])
			if end < 0 {
				return "", "", "", fmt.Errorf("unterminated quoted value in selector {%s}", clip(sel))
			}
			val, rest = after[1:1+end], strings.TrimSpace(after[2+end:])
			if rest != "" && rest[0] != ',' {
				return "", "", "", fmt.Errorf("expected `,` after the quoted value in selector {%s}", clip(sel))
			}
		} else {
			v, r, _ := strings.Cut(after, ",")
			val, rest = strings.TrimSpace(v), ","+r
		}
		rest = strings.TrimSpace(strings.TrimPrefix(rest, ","))
		if val == "" {
			return "", "", "", fmt.Errorf("the selector's `%s` is empty", key)
		}
		switch key {
		case "name":
			req = val
		case "phase":
			phase = val
		default:
			label = val
		}
	}
	return req, phase, label, nil
}
