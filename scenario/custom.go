package scenario

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MetricCustomPrefix starts "custom.NAME[.STAT]": a custom metric recorded by
// metric steps.
const MetricCustomPrefix = "custom."

// CustomStats are the statistics of a custom metric. "custom.NAME" alone is
// the last value recorded; "custom.NAME.STAT" is one of these.
var CustomStats = []string{"last", "min", "max", "mean", "sum", "count"}

var metricStepKeys = []string{"name", "value"}

// MetricStep records a number into the custom metric custom.NAME, which
// thresholds and conditions can then use (a loadgo extension; Artillery
// would need a processor function for it). A typical use is a value read
// from the system under test before and after the load, as in the YAML
// step `metric: { name: views_before, value: "{{ views }}" }`.
type MetricStep struct {
	// Name is the metric's name without the "custom." prefix: letters,
	// digits and underscores, not starting with a digit.
	Name string
	// Value renders to the number recorded: a decimal number with an
	// optional sign, fraction and exponent.
	Value *Template
}

// metricStep decodes a metric step: {name: NAME, value: NUMBER or template}.
func (d *decoder) metricStep(n *yaml.Node, path string) *MetricStep {
	pairs, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	m := &MetricStep{}
	var hasName, hasValue, unknown bool
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "name":
			hasName = true
			s, good := d.str(p.v, kp)
			if !good {
				continue
			}
			if !isMetricName(s) {
				d.errorf(p.v, kp, "a custom metric name is letters, digits and _ (not starting with a digit), got %s", quote(clip(s)))
				continue
			}
			m.Name = s
			if d.customNames == nil {
				d.customNames = map[string]bool{}
			}
			d.customNames[s] = true
		case "value":
			hasValue = true
			m.Value = d.template(p.v, kp)
			if m.Value != nil && isConstText(m.Value) && !isCondNumber(strings.TrimSpace(m.Value.Src)) {
				d.errorf(p.v, kp, "expected a number or a template such as \"{{ views }}\", got %s", describe(deref(p.v)))
			}
		default:
			d.unknownKey(p, path, metricStepKeys)
			unknown = true
		}
	}
	// A misspelt key has been reported with a suggestion already.
	if !hasName && !unknown {
		d.errorf(n, path, "`name` is required: the metric is then custom.NAME in thresholds")
	}
	if !hasValue && !unknown {
		d.errorf(n, path, "`value` is required: a number or a template such as \"{{ views }}\"")
	}
	return m
}

// canonicalCustom checks a "custom.NAME[.STAT]" metric name and returns its
// canonical form, with ".last" left implicit.
func canonicalCustom(rest string) (string, error) {
	name, stat, hasStat := strings.Cut(rest, ".")
	if !isMetricName(name) {
		return "", fmt.Errorf("`custom.%s`: a custom metric is custom.NAME or custom.NAME.STAT, NAME being letters, digits and _", clip(rest))
	}
	if !hasStat || stat == "last" {
		return MetricCustomPrefix + name, nil
	}
	if !contains(CustomStats, stat) {
		msg := fmt.Sprintf("unknown statistic `%s` of a custom metric (known: %s)", clip(stat), strings.Join(CustomStats, ", "))
		if s := suggest(stat, CustomStats); s != "" {
			msg += "; did you mean `custom." + name + "." + s + "`?"
		}
		return "", errors.New(msg)
	}
	return MetricCustomPrefix + name + "." + stat, nil
}

// CustomName returns the NAME of a canonical "custom.NAME[.STAT]" metric and
// whether stat is a custom metric at all.
func CustomName(stat string) (string, bool) {
	rest, ok := strings.CutPrefix(stat, MetricCustomPrefix)
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, ".")
	return name, true
}

// checkCustomRef reports a threshold on a custom metric that no metric step
// records: it could never have a value, so the run would always fail.
func (d *decoder) checkCustomRef(r metricRef) {
	name, ok := CustomName(r.th.Stat)
	if !ok || d.customNames[name] {
		return
	}
	known := make([]string, 0, len(d.customNames))
	for n := range d.customNames {
		known = append(known, n)
	}
	msg := "no metric step records `custom." + name + "`"
	if s := suggest(name, known); s != "" {
		msg += "; did you mean `custom." + s + "`?"
	} else {
		msg += ": add a step `- metric: { name: " + name + ", value: ... }`"
	}
	d.errorAt(r.pos, r.path, msg)
}

// isMetricName reports whether s is a custom metric name: a letter or "_",
// then letters, digits or "_". Unlike variable names it has no "-", which
// would read as a minus in a condition.
func isMetricName(s string) bool {
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return s != ""
}

// isConstText reports whether t has no placeholders.
func isConstText(t *Template) bool {
	for _, p := range t.Parts {
		if p.Kind != PartText {
			return false
		}
	}
	return true
}
