package engine

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/scenario"
)

// cond is a compiled ifTrue condition.
type cond struct {
	op          scenario.CondOp
	left, right *tmpl.Template
}

func (c *compiler) cond(sc *scenario.Cond) (*cond, error) {
	if sc.Left == nil {
		return nil, fmt.Errorf("condition %q has no left side", sc.Src)
	}
	out := &cond{op: sc.Op}
	var err error
	if out.left, err = c.template(sc.Left); err != nil {
		return nil, err
	}
	if sc.Op == scenario.CondTruthy {
		return out, nil
	}
	if sc.Op > scenario.CondGe {
		return nil, fmt.Errorf("condition %q: unknown operator %d", sc.Src, sc.Op)
	}
	if sc.Right == nil {
		return nil, fmt.Errorf("condition %q has no right side", sc.Src)
	}
	if out.right, err = c.template(sc.Right); err != nil {
		return nil, err
	}
	return out, nil
}

// holds evaluates the condition for vu.
func (c *cond) holds(vu *VU) bool {
	vu.scratch = c.left.Append(vu.scratch[:0], &vu.scope)
	l := bytes.TrimSpace(vu.scratch)
	if c.op == scenario.CondTruthy {
		return truthy(l)
	}
	vu.scratch2 = c.right.Append(vu.scratch2[:0], &vu.scope)
	r := bytes.TrimSpace(vu.scratch2)
	return compare(c.op, l, r)
}

// truthy is Artillery's truthiness of a rendered value: not empty, and not
// "false", "0" or "null".
func truthy(b []byte) bool {
	switch string(b) {
	case "", "false", "0", "null":
		return false
	}
	return true
}

// compare compares numerically when both sides are numbers, else as text.
func compare(op scenario.CondOp, l, r []byte) bool {
	var c int
	lf, lok := parseNumber(l)
	rf, rok := parseNumber(r)
	switch {
	case lok && rok:
		switch {
		case lf < rf:
			c = -1
		case lf > rf:
			c = 1
		}
	default:
		c = bytes.Compare(l, r)
	}
	switch op {
	case scenario.CondEq:
		return c == 0
	case scenario.CondNe:
		return c != 0
	case scenario.CondLt:
		return c < 0
	case scenario.CondLe:
		return c <= 0
	case scenario.CondGt:
		return c > 0
	case scenario.CondGe:
		return c >= 0
	}
	return false
}

// parseNumber parses b as a float when it looks like a decimal number; the
// look-ahead avoids converting (and allocating) text that is not one.
func parseNumber(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 64 {
		return 0, false
	}
	for _, ch := range b {
		if !('0' <= ch && ch <= '9' || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}
