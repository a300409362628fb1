package ensure

import (
	"fmt"
	"math"
	"strings"

	"github.com/loadgo/loadgo/runner/metrics"
)

// parseCustom parses the NAME[.STAT] of a custom metric; STAT defaults to
// "last".
func parseCustom(rest string) (metric, error) {
	name, stat, _ := strings.Cut(rest, ".")
	if name == "" {
		return metric{}, fmt.Errorf("metric %q: a custom metric needs a name", prefixCustom+rest)
	}
	switch stat {
	case "":
		stat = "last"
	case "last", "min", "max", "mean", "sum", "count":
	default:
		return metric{}, fmt.Errorf("metric %q: unknown custom statistic %q", prefixCustom+rest, stat)
	}
	return metric{fam: famCustom, custom: name, customStat: stat}, nil
}

// customValue returns statistic m of the custom metric m names. A metric
// nothing was recorded into has a count of 0 and no other value.
func customValue(m metric, all []metrics.CustomStats) (float64, bool) {
	var c metrics.CustomStats
	for _, s := range all {
		if s.Name == m.custom {
			c = s
			break
		}
	}
	if m.customStat == "count" {
		return float64(c.Count), true
	}
	if c.Count == 0 {
		return math.NaN(), false
	}
	switch m.customStat {
	case "min":
		return c.Min, true
	case "max":
		return c.Max, true
	case "mean":
		return c.Mean(), true
	case "sum":
		return c.Sum, true
	}
	return c.Last, true
}
