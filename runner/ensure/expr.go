package ensure

import (
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// truth is a three-valued (Kleene) truth value. A comparison on a metric
// without a value (no data) is unknown rather than false, so that "not" cannot
// turn missing data into a pass: "not (p99 > 100)" is unknown, not true, when
// there were no samples. A condition passes only when it is true.
type truth uint8

const (
	isFalse truth = iota
	isTrue
	isUnknown
)

func truthOf(b bool) truth {
	if b {
		return isTrue
	}
	return isFalse
}

// evalExpr evaluates a condition expression; a nil or malformed node is
// unknown.
func evalExpr(e *scenario.Expr, sum *metrics.Summary) truth {
	if e == nil {
		return isUnknown
	}
	switch e.Kind {
	case scenario.ExprAnd:
		l, r := evalExpr(e.Left, sum), evalExpr(e.Right, sum)
		switch {
		case l == isFalse || r == isFalse:
			return isFalse
		case l == isTrue && r == isTrue:
			return isTrue
		}
		return isUnknown
	case scenario.ExprOr:
		l, r := evalExpr(e.Left, sum), evalExpr(e.Right, sum)
		switch {
		case l == isTrue || r == isTrue:
			return isTrue
		case l == isFalse && r == isFalse:
			return isFalse
		}
		return isUnknown
	case scenario.ExprNot:
		switch evalExpr(e.Left, sum) {
		case isTrue:
			return isFalse
		case isFalse:
			return isTrue
		}
		return isUnknown
	case scenario.ExprCompare:
		l, r, ok := operands(e, sum)
		if !ok {
			return isUnknown
		}
		return compare(l, e.Op, r)
	}
	return isUnknown
}

// compare applies op; an operator that is not a comparison is unknown.
func compare(v float64, op scenario.CondOp, limit float64) truth {
	switch op {
	case scenario.CondLt:
		return truthOf(v < limit)
	case scenario.CondLe:
		return truthOf(v <= limit)
	case scenario.CondGt:
		return truthOf(v > limit)
	case scenario.CondGe:
		return truthOf(v >= limit)
	case scenario.CondEq:
		return truthOf(v == limit)
	case scenario.CondNe:
		return truthOf(v != limit)
	}
	return isUnknown
}

// opText is how an operator is written in a condition.
var opText = map[scenario.CondOp]string{
	scenario.CondLt: "<", scenario.CondLe: "<=", scenario.CondGt: ">",
	scenario.CondGe: ">=", scenario.CondEq: "==", scenario.CondNe: "!=",
}

// formatExpr writes e back as a condition expression, for conditions built
// without their source text. Operands of and/or/not are parenthesised
// whenever they are not comparisons.
func formatExpr(e *scenario.Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e *scenario.Expr) {
	if e == nil {
		b.WriteString("?")
		return
	}
	switch e.Kind {
	case scenario.ExprAnd, scenario.ExprOr:
		writeOperand(b, e.Left)
		if e.Kind == scenario.ExprAnd {
			b.WriteString(" and ")
		} else {
			b.WriteString(" or ")
		}
		writeOperand(b, e.Right)
	case scenario.ExprNot:
		b.WriteString("not ")
		writeOperand(b, e.Left)
	case scenario.ExprCompare:
		op, ok := opText[e.Op]
		if !ok {
			op = "?"
		}
		if e.Left != nil {
			writeArith(b, e.Left)
		} else {
			b.WriteString(metricText(e.Metric))
		}
		b.WriteString(" " + op + " ")
		if e.Right != nil {
			writeArith(b, e.Right)
		} else {
			b.WriteString(strconv.FormatFloat(e.Value, 'f', -1, 64))
		}
	default:
		b.WriteString("?")
	}
}

func writeOperand(b *strings.Builder, e *scenario.Expr) {
	if e != nil && e.Kind != scenario.ExprCompare {
		b.WriteByte('(')
		writeExpr(b, e)
		b.WriteByte(')')
		return
	}
	writeExpr(b, e)
}
