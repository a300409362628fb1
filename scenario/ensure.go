package scenario

import (
	"math"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	ensureKeys    = []string{"thresholds", "conditions", "maxErrorRate", "min", "max", "median", "p50", "p75", "p90", "p95", "p99", "p999"}
	conditionKeys = []string{"expression", "strict", "name"}
	// legacyStats are the latency keys Artillery's ensure accepts directly
	// under config.ensure (ensure.p95: 200).
	legacyStats = []string{"min", "max", "median", "p50", "p75", "p90", "p95", "p99", "p999"}
)

// metricRef is a threshold metric whose request and phase names are checked
// once every request and phase is known.
type metricRef struct {
	th   Threshold
	pos  Pos
	path string
}

// ensure decodes config.ensure.
func (d *decoder) ensure(n *yaml.Node, path string) Ensure {
	var e Ensure
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		switch {
		case p.key == "thresholds":
			items, _ := d.sequence(p.v, kp)
			for i, item := range items {
				if th, ok := d.threshold(item, index(kp, i)); ok {
					e.Thresholds = append(e.Thresholds, th)
				}
			}
		case p.key == "conditions":
			items, _ := d.sequence(p.v, kp)
			for i, item := range items {
				if c, ok := d.condition(item, index(kp, i)); ok {
					e.Conditions = append(e.Conditions, c)
				}
			}
		case p.key == "maxErrorRate":
			if v, ok := d.limit(p.v, kp); ok {
				e.Thresholds = append(e.Thresholds, Threshold{Metric: p.key, Stat: MetricErrorRate, Max: v, Pos: d.pos(p.k)})
			}
		case contains(legacyStats, p.key):
			stat, _ := canonicalLatencyStat(p.key)
			if v, ok := d.limit(p.v, kp); ok {
				e.Thresholds = append(e.Thresholds, Threshold{Metric: p.key, Stat: MetricResponseTime + "." + stat, Max: v, Pos: d.pos(p.k)})
			}
		default:
			d.unknownKey(p, path, ensureKeys)
		}
	}
	return e
}

// limit decodes a threshold's limit: a finite number ≥ 0.
func (d *decoder) limit(n *yaml.Node, path string) (float64, bool) {
	return d.number(n, path, 0, math.MaxFloat64)
}

// threshold decodes one ensure.thresholds item: {METRIC: limit} with
// optional name and phase keys.
func (d *decoder) threshold(n *yaml.Node, path string) (Threshold, bool) {
	pairs, ok := d.mapping(n, path)
	if !ok {
		return Threshold{}, false
	}
	var metric *pair
	var name, phase string
	var nameKey, phaseKey *yaml.Node
	for i, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "name":
			name, ok = d.str(p.v, kp)
			nameKey = p.k
		case "phase":
			phase, ok = d.str(p.v, kp)
			phaseKey = p.k
		default:
			if metric != nil {
				d.errorf(p.k, kp, "a threshold names one metric; this one also has `%s`", metric.key)
				return Threshold{}, false
			}
			metric = &pairs[i]
		}
		if !ok {
			return Threshold{}, false
		}
	}
	if metric == nil {
		d.errorf(n, path, "a threshold needs a metric and a limit, e.g. `- http.response_time.p99: 200`")
		return Threshold{}, false
	}
	kp := join(path, metric.key)
	th, err := ParseMetric(metric.key)
	if err != nil {
		d.errorf(metric.k, kp, "%v", err)
		return Threshold{}, false
	}
	for _, sel := range []struct {
		key  *yaml.Node
		val  string
		into *string
	}{{nameKey, name, &th.Request}, {phaseKey, phase, &th.Phase}} {
		if sel.key == nil {
			continue
		}
		if *sel.into != "" {
			d.errorf(sel.key, join(path, sel.key.Value), "the metric's selector already sets `%s`", sel.key.Value)
			return Threshold{}, false
		}
		*sel.into = sel.val
	}
	if strings.HasPrefix(th.Stat, "vusers.") && (th.Request != "" || th.Phase != "") {
		d.errorf(metric.k, kp, "`%s` counts VUs of the whole run and takes no name or phase", th.Stat)
		return Threshold{}, false
	}
	if runWide(th.Stat) && (th.Request != "" || th.Phase != "") {
		d.errorf(metric.k, kp, "`%s` is a metric of the whole run and takes no name or phase", th.Stat)
		return Threshold{}, false
	}
	v, ok := d.limit(metric.v, kp)
	if !ok {
		return Threshold{}, false
	}
	th.Max, th.Pos = v, d.pos(metric.k)
	d.metricRefs = append(d.metricRefs, metricRef{th: th, pos: th.Pos, path: kp})
	return th, true
}

// condition decodes one ensure.conditions item.
func (d *decoder) condition(n *yaml.Node, path string) (Condition, bool) {
	c := Condition{Strict: true, Pos: d.pos(n)}
	pairs, ok := d.mapping(n, path)
	if !ok {
		return c, false
	}
	var expr *yaml.Node
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "expression":
			expr = p.v
			c.Expression, ok = d.str(p.v, kp)
		case "strict":
			c.Strict, ok = d.boolean(p.v, kp)
		case "name":
			c.Name, ok = d.str(p.v, kp)
		default:
			d.unknownKey(p, path, conditionKeys)
			ok = false
		}
		if !ok {
			return c, false
		}
	}
	if expr == nil {
		d.errorf(n, path, "`expression` is required, e.g. \"http.response_time.p99 < 200\"")
		return c, false
	}
	kp := join(path, "expression")
	dn := deref(expr)
	root, leaves, err := parseExpr(c.Expression)
	if err != nil {
		d.errorAt(d.posAt(dn, err.off), kp, err.msg)
		return c, false
	}
	c.Expr = root
	for _, l := range leaves {
		d.metricRefs = append(d.metricRefs, metricRef{th: l.e.Metric, pos: d.posAt(dn, l.off), path: kp})
	}
	return c, true
}

// checkMetricRefs checks that thresholds name existing requests and phases.
func (d *decoder) checkMetricRefs() {
	for _, r := range d.metricRefs {
		d.checkCustomRef(r)
		if r.th.Request != "" && !d.requestSeen[r.th.Request] {
			d.errorAt(r.pos, r.path, "unknown request name "+quote(r.th.Request)+knownList(d.requestNames))
		}
		if r.th.Phase != "" && !d.phaseNames[r.th.Phase] {
			names := make([]string, 0, len(d.phaseNames))
			for n := range d.phaseNames {
				names = append(names, n)
			}
			sort.Strings(names)
			d.errorAt(r.pos, r.path, "unknown phase name "+quote(r.th.Phase)+knownList(names))
		}
	}
}

// knownList formats up to ten names for a message.
func knownList(names []string) string {
	if len(names) == 0 {
		return ""
	}
	const max = 10
	qs := make([]string, 0, max)
	for i, n := range names {
		if i == max {
			qs = append(qs, "…")
			break
		}
		qs = append(qs, quote(n))
	}
	return "; known: " + strings.Join(qs, ", ")
}
