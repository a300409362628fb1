package ensure

import (
	"math"
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// operands returns the two sides of a comparison: Left and Right when set
// (arithmetic), else Metric and Value. ok is false when a side has no value.
func operands(e *scenario.Expr, sum *metrics.Summary) (l, r float64, ok bool) {
	if e.Left != nil {
		l, ok = arith(e.Left, sum)
	} else {
		l, ok = Value(e.Metric, sum)
	}
	if !ok {
		return math.NaN(), math.NaN(), false
	}
	r, ok = e.Value, true
	if e.Right != nil {
		r, ok = arith(e.Right, sum)
	}
	return l, r, ok
}

// arith evaluates an arithmetic operand. It has no value when a metric it
// reads has none (no data is not a pass), when it divides by zero, or when
// the node is not arithmetic.
func arith(e *scenario.Expr, sum *metrics.Summary) (float64, bool) {
	if e == nil {
		return math.NaN(), false
	}
	switch e.Kind {
	case scenario.ExprNumber:
		return e.Value, true
	case scenario.ExprMetric:
		return Value(e.Metric, sum)
	case scenario.ExprNeg:
		v, ok := arith(e.Left, sum)
		return -v, ok
	case scenario.ExprAdd, scenario.ExprSub, scenario.ExprMul, scenario.ExprDiv:
	default:
		return math.NaN(), false
	}
	l, ok := arith(e.Left, sum)
	if !ok {
		return math.NaN(), false
	}
	r, ok := arith(e.Right, sum)
	if !ok {
		return math.NaN(), false
	}
	var v float64
	switch e.Kind {
	case scenario.ExprAdd:
		v = l + r
	case scenario.ExprSub:
		v = l - r
	case scenario.ExprMul:
		v = l * r
	case scenario.ExprDiv:
		if r == 0 {
			return math.NaN(), false
		}
		v = l / r
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN(), false
	}
	return v, true
}

// arithOps are the symbols of the binary arithmetic kinds.
var arithOps = map[scenario.ExprKind]string{
	scenario.ExprAdd: " + ", scenario.ExprSub: " - ", scenario.ExprMul: " * ", scenario.ExprDiv: " / ",
}

// writeArith writes an arithmetic operand back as text, parenthesising
// every binary operand of a binary operation, so that the text reads the
// same whatever the precedence.
func writeArith(b *strings.Builder, e *scenario.Expr) {
	if e == nil {
		b.WriteString("?")
		return
	}
	switch e.Kind {
	case scenario.ExprNumber:
		b.WriteString(strconv.FormatFloat(e.Value, 'f', -1, 64))
	case scenario.ExprMetric:
		b.WriteString(metricText(e.Metric))
	case scenario.ExprNeg:
		b.WriteString("-")
		writeArithOperand(b, e.Left)
	default:
		op, ok := arithOps[e.Kind]
		if !ok {
			b.WriteString("?")
			return
		}
		writeArithOperand(b, e.Left)
		b.WriteString(op)
		writeArithOperand(b, e.Right)
	}
}

func writeArithOperand(b *strings.Builder, e *scenario.Expr) {
	if e != nil && arithOps[e.Kind] != "" {
		b.WriteByte('(')
		writeArith(b, e)
		b.WriteByte(')')
		return
	}
	writeArith(b, e)
}

// metricText is a metric as written, or its canonical name and selector.
func metricText(th scenario.Threshold) string {
	if th.Metric != "" {
		return th.Metric
	}
	m := th.Stat
	if th.Request != "" || th.Phase != "" {
		m += selector(th.Request, th.Phase)
	}
	return m
}
