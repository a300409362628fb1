package jsonout

import "github.com/loadgo/loadgo/runner/metrics"

// Custom is one custom metric (custom.NAME): what metric steps recorded.
// The values are null when nothing was recorded.
type Custom struct {
	Last  *float64 `json:"last"`
	Min   *float64 `json:"min"`
	Max   *float64 `json:"max"`
	Mean  *float64 `json:"mean"`
	Sum   float64  `json:"sum"`
	Count int64    `json:"count"`
}

// custom converts the summary's custom metrics, keyed by name (nil when
// the scenario has none).
func custom(cs []metrics.CustomStats) map[string]Custom {
	if len(cs) == 0 {
		return nil
	}
	out := make(map[string]Custom, len(cs))
	for _, c := range cs {
		v := Custom{Sum: finiteOr0(c.Sum), Count: c.Count}
		if c.Count > 0 {
			v.Last, v.Min, v.Max, v.Mean = finite(c.Last), finite(c.Min), finite(c.Max), finite(c.Mean())
		}
		out[c.Name] = v
	}
	return out
}

// finiteOr0 returns v, or 0 when it is not a finite number.
func finiteOr0(v float64) float64 {
	if p := finite(v); p != nil {
		return *p
	}
	return 0
}
