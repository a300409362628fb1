package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

var _ action = (*metricAction)(nil)

// metricAction records a number into a custom metric (a metric step).
type metricAction struct {
	path string
	idx  int
	// t renders the value; nil when the value is the constant v.
	t *tmpl.Template
	v float64
}

// metric compiles a metric step. A constant value is parsed now, so that a
// non-number fails compilation rather than every iteration.
func (c *compiler) metric(s *scenario.Step) (action, error) {
	m := s.Metric
	if m == nil || m.Value == nil {
		return nil, fmt.Errorf("metric step without a value")
	}
	a := &metricAction{path: s.Path, idx: slices.Index(c.custom, m.Name)}
	if a.idx < 0 {
		a.idx = len(c.custom)
		c.custom = append(c.custom, m.Name)
	}
	t, err := c.template(m.Value)
	if err != nil {
		return nil, err
	}
	if !t.IsConst() {
		a.t = t
		return a, nil
	}
	if a.v, err = parseMetricValue(t.Text()); err != nil {
		return nil, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	return a, nil
}

func (a *metricAction) run(_ context.Context, vu *VU) error {
	v := a.v
	if a.t != nil {
		vu.scratch = a.t.Append(vu.scratch[:0], &vu.scope)
		var err error
		if v, err = parseMetricValue(string(vu.scratch)); err != nil {
			return &AbortError{Step: a.path, Kind: metrics.ErrOther, Err: err}
		}
	}
	vu.p.custom.Record(a.idx, v)
	return nil
}

// parseMetricValue parses a rendered metric value: a finite decimal number,
// surrounding spaces allowed.
func parseMetricValue(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return 0, fmt.Errorf("metric value %q is not a finite number", s)
	}
	return v, nil
}

// CustomStats returns what the metric steps have recorded so far, one entry
// per custom metric the scenario names, in the order they first appear.
func (p *Program) CustomStats() []metrics.CustomStats {
	return p.custom.Stats()
}
