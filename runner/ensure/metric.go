package ensure

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/runner/metrics"
)

// family is what a metric measures.
type family uint8

const (
	famLatency         family = iota // http.response_time.STAT
	famIntended                      // http.response_time_intended.STAT
	famRequests                      // http.requests
	famErrors                        // http.errors
	famErrorRate                     // http.error_rate
	famCode                          // http.codes.NNN
	famErrorKind                     // errors.KIND
	famVUs                           // vusers.WHAT
	famCustom                        // custom.NAME[.STAT]
	famDeliveryLatency               // delivery.latency.STAT
	famDelivery                      // delivery.ratio, delivery.COUNT
)

// latencyStat is the statistic of a latency family.
type latencyStat uint8

const (
	statPercentile latencyStat = iota
	statMin
	statMax
	statMean
)

// metric is a parsed canonical metric name (scenario.Threshold.Stat).
type metric struct {
	fam  family
	stat latencyStat
	// q is the percentile (0 < q < 100) of statPercentile.
	q float64
	// code is the status of famCode.
	code int
	// kind is the error kind of famErrorKind.
	kind metrics.ErrorKind
	// vus is the counter of famVUs: created, completed, failed or dropped.
	vus string
	// custom and customStat name a famCustom metric and its statistic
	// ("last", "min", "max", "mean", "sum" or "count").
	custom, customStat string
	// delivery is the ratio or count of famDelivery.
	delivery string
}

// Metric name prefixes.
const (
	prefixLatency  = "http.response_time."
	prefixIntended = "http.response_time_intended."
	prefixCodes    = "http.codes."
	prefixErrors   = "errors."
	prefixVUs      = "vusers."
	prefixCustom   = "custom."
	prefixDelivery = "delivery."
)

// parseMetric parses a canonical metric name. It also accepts the aliases
// the scenario package canonicalises ("median", "p999"), so that a Threshold
// built by hand means what it says.
func parseMetric(name string) (metric, error) {
	switch name {
	case "http.requests":
		return metric{fam: famRequests}, nil
	case "http.errors":
		return metric{fam: famErrors}, nil
	case "http.error_rate":
		return metric{fam: famErrorRate}, nil
	}
	switch {
	case strings.HasPrefix(name, prefixIntended):
		return parseLatency(famIntended, strings.TrimPrefix(name, prefixIntended))
	case strings.HasPrefix(name, prefixLatency):
		return parseLatency(famLatency, strings.TrimPrefix(name, prefixLatency))
	case strings.HasPrefix(name, prefixCodes):
		s := strings.TrimPrefix(name, prefixCodes)
		code, err := strconv.Atoi(s)
		if err != nil || len(s) != 3 || code < 100 || code > 599 {
			return metric{}, fmt.Errorf("metric %q: status code must be 100..599", name)
		}
		return metric{fam: famCode, code: code}, nil
	case strings.HasPrefix(name, prefixErrors):
		s := strings.TrimPrefix(name, prefixErrors)
		for k := metrics.ErrNone + 1; k < metrics.NumErrorKinds; k++ {
			if k.String() == s {
				return metric{fam: famErrorKind, kind: k}, nil
			}
		}
		return metric{}, fmt.Errorf("metric %q: unknown error kind %q", name, s)
	case strings.HasPrefix(name, prefixDelivery):
		return parseDelivery(strings.TrimPrefix(name, prefixDelivery))
	case strings.HasPrefix(name, prefixCustom):
		return parseCustom(strings.TrimPrefix(name, prefixCustom))
	case strings.HasPrefix(name, prefixVUs):
		switch s := strings.TrimPrefix(name, prefixVUs); s {
		case "created", "completed", "failed", "dropped":
			return metric{fam: famVUs, vus: s}, nil
		}
	}
	return metric{}, fmt.Errorf("unknown metric %q", name)
}

// parseLatency parses the statistic of a latency family.
func parseLatency(fam family, stat string) (metric, error) {
	m := metric{fam: fam}
	switch stat {
	case "min":
		m.stat = statMin
	case "max":
		m.stat = statMax
	case "mean":
		m.stat = statMean
	case "median":
		m.q = 50
	case "p999":
		m.q = 99.9
	default:
		q, ok := parsePercentile(stat)
		if !ok {
			return metric{}, fmt.Errorf("unknown latency statistic %q (want min, max, mean, median or pNN such as p95, p99.9)", stat)
		}
		m.q = q
	}
	return m, nil
}

// parsePercentile parses "pNN" or "pNN.N..." with 0 < NN < 100.
func parsePercentile(s string) (float64, bool) {
	digits, ok := strings.CutPrefix(s, "p")
	if !ok || digits == "" {
		return 0, false
	}
	dot := false
	for i, c := range digits {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(digits)-1:
			dot = true
		default:
			return 0, false
		}
	}
	q, err := strconv.ParseFloat(digits, 64)
	if err != nil || q <= 0 || q >= 100 {
		return 0, false
	}
	return q, true
}

// needsData reports whether the metric is undefined without samples. Counts
// are 0 then; latency statistics and the error rate (a ratio of zero
// requests) have no value, and a threshold on them fails.
func (m metric) needsData() bool {
	switch m.fam {
	case famLatency, famIntended, famErrorRate:
		return true
	}
	return false
}
