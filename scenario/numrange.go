package scenario

import (
	"errors"
	"math"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// floatLiteralRE matches YAML 1.2 core-schema float syntax. The YAML parser
// resolves a float literal that overflows float64 ("1e999") as a string,
// so without this check the user would read "expected a number, got the
// string" for something that plainly is a number.
var floatLiteralRE = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// overflowingNumber reports whether n is an unquoted number literal too
// large (or too small) for float64, such as 1e999 or -1e400.
func overflowingNumber(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode || n.Style != 0 || n.Tag != "!!str" || !floatLiteralRE.MatchString(n.Value) {
		return false
	}
	_, err := strconv.ParseFloat(n.Value, 64)
	return errors.Is(err, strconv.ErrRange)
}

// outOfRange reports an overflowing number literal at n, naming the
// field's bounds, and returns true; it returns false for anything else.
func (d *decoder) outOfRange(n *yaml.Node, path string, lo, hi float64) bool {
	if !overflowingNumber(deref(n)) {
		return false
	}
	d.errorf(n, path, "number %s is out of range: the value must be from %s to %s", clip(deref(n).Value), plainNumber(lo), plainNumber(hi))
	return true
}

// plainNumber formats x without an exponent when it is a whole number a
// person can read that way (1000000000, not 1e+09).
func plainNumber(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
