package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The helpers below read one typed scalar each. They report a problem that
// says what was expected and what was found, and return ok=false.

// scalar returns the text of a non-null scalar.
func (d *decoder) scalar(n *yaml.Node, path, what string) (string, bool) {
	dn := deref(n)
	if dn == nil || dn.Kind != yaml.ScalarNode || dn.Tag == "!!null" {
		d.errorf(n, path, "expected %s, got %s", what, describe(dn))
		return "", false
	}
	return dn.Value, true
}

// str returns a string value (numbers and booleans are taken as written).
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	return d.scalar(n, path, "a string")
}

// boolean returns a YAML boolean.
func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	dn := deref(n)
	if dn == nil || dn.Kind != yaml.ScalarNode || dn.Tag != "!!bool" {
		d.errorf(n, path, "expected true or false, got %s", describe(dn))
		return false, false
	}
	var b bool
	if err := dn.Decode(&b); err != nil {
		d.errorf(n, path, "expected true or false, got %s", describe(dn))
		return false, false
	}
	return b, true
}

// integer returns a YAML integer within [lo, hi].
func (d *decoder) integer(n *yaml.Node, path string, lo, hi int64) (int64, bool) {
	dn := deref(n)
	if d.outOfRange(n, path, float64(lo), float64(hi)) {
		return 0, false
	}
	if dn != nil && dn.Kind == yaml.ScalarNode && dn.Tag == "!!float" && allDigits(strings.TrimLeft(dn.Value, "+-")) {
		d.errorf(n, path, "integer %s is out of range", clip(dn.Value))
		return 0, false
	}
	if dn == nil || dn.Kind != yaml.ScalarNode || dn.Tag != "!!int" {
		d.errorf(n, path, "expected an integer, got %s", describe(dn))
		return 0, false
	}
	var v int64
	if err := dn.Decode(&v); err != nil {
		d.errorf(n, path, "integer %s is out of range", clip(dn.Value))
		return 0, false
	}
	if v < lo || v > hi {
		d.errorf(n, path, "%s", rangeMsg(float64(v), float64(lo), float64(hi)))
		return 0, false
	}
	return v, true
}

// number returns a finite YAML number within [lo, hi].
func (d *decoder) number(n *yaml.Node, path string, lo, hi float64) (float64, bool) {
	dn := deref(n)
	if d.outOfRange(n, path, lo, hi) {
		return 0, false
	}
	if dn == nil || dn.Kind != yaml.ScalarNode || (dn.Tag != "!!int" && dn.Tag != "!!float") {
		d.errorf(n, path, "expected a number, got %s", describe(dn))
		return 0, false
	}
	var v float64
	if err := dn.Decode(&v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errorf(n, path, "expected a finite number, got %s", clip(dn.Value))
		return 0, false
	}
	if v < lo || v > hi {
		d.errorf(n, path, "%s", rangeMsg(v, lo, hi))
		return 0, false
	}
	return v, true
}

func rangeMsg(v, lo, hi float64) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if v < lo {
		return fmt.Sprintf("%s is too small: the minimum is %s", f(v), f(lo))
	}
	return fmt.Sprintf("%s is too large: the maximum is %s", f(v), f(hi))
}

// duration returns a duration written as seconds (a number) or as a string
// accepted by ParseDuration. It must be > 0 unless allowZero.
func (d *decoder) duration(n *yaml.Node, path string, allowZero bool) (time.Duration, bool) {
	dn := deref(n)
	if dn == nil || dn.Kind != yaml.ScalarNode || dn.Tag == "!!null" || dn.Tag == "!!bool" {
		d.errorf(n, path, "expected a duration (seconds, or a string like \"30s\" or \"2m\"), got %s", describe(dn))
		return 0, false
	}
	v, err := ParseDuration(dn.Value)
	if err != nil {
		d.errorf(n, path, "%v", err)
		return 0, false
	}
	if v == 0 && !allowZero {
		d.errorf(n, path, "duration must be greater than zero")
		return 0, false
	}
	return v, true
}
