package scenario

import "strconv"

// arithKinds maps an arithmetic token to its node kind.
var arithKinds = map[string]ExprKind{"+": ExprAdd, "-": ExprSub, "*": ExprMul, "/": ExprDiv}

// compare parses "operand OP operand", each operand an arithmetic expression
// over metrics and numbers with + - * /, unary minus and parentheses (usual
// precedence, left-associative). "metric OP number" and "number OP metric"
// keep the simple form of ExprCompare (Metric and Value); any other
// comparison keeps its operands in Left and Right.
func (p *exprParser) compare() (*Expr, *templateError) {
	start := p.peek()
	left, err := p.sum("")
	if err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind != tokOp {
		return nil, &templateError{op.off, "expected a comparison (<, <=, >, >=, ==, !=)" + found(op)}
	}
	right, err := p.sum(op.text)
	if err != nil {
		return nil, err
	}
	switch {
	case left.Kind == ExprMetric && right.Kind == ExprNumber:
		return &Expr{Kind: ExprCompare, Op: op.op, Metric: left.Metric, Value: right.Value}, nil
	case left.Kind == ExprNumber && right.Kind == ExprMetric:
		return &Expr{Kind: ExprCompare, Op: flipped[op.op], Metric: right.Metric, Value: left.Value}, nil
	case !hasMetric(left) && !hasMetric(right):
		return nil, &templateError{start.off, "a comparison needs a metric on one side at least; both sides are numbers"}
	}
	return &Expr{Kind: ExprCompare, Op: op.op, Left: left, Right: right}, nil
}

// flipped turns "N op metric" into "metric op' N".
var flipped = map[CondOp]CondOp{CondLt: CondGt, CondLe: CondGe, CondGt: CondLt, CondGe: CondLe, CondEq: CondEq, CondNe: CondNe}

// sum parses term {(+|-) term}. after is the operator before the operand
// ("" at the start of a comparison), for messages.
func (p *exprParser) sum(after string) (*Expr, *templateError) {
	left, err := p.term(after)
	for err == nil && p.peek().kind == tokArith && (p.peek().text == "+" || p.peek().text == "-") {
		op := p.next()
		var right *Expr
		if right, err = p.term(op.text); err == nil {
			left = &Expr{Kind: arithKinds[op.text], Left: left, Right: right}
		}
	}
	return left, err
}

// term parses factor {(*|/) factor}.
func (p *exprParser) term(after string) (*Expr, *templateError) {
	left, err := p.factor(after)
	for err == nil && p.peek().kind == tokArith && (p.peek().text == "*" || p.peek().text == "/") {
		op := p.next()
		var right *Expr
		if right, err = p.factor(op.text); err == nil {
			left = &Expr{Kind: arithKinds[op.text], Left: left, Right: right}
		}
	}
	return left, err
}

// factor parses a number, a metric, -factor or ( sum ).
func (p *exprParser) factor(after string) (*Expr, *templateError) {
	t := p.next()
	if p.depth++; p.depth > maxExprDepth {
		return nil, &templateError{t.off, "the expression is nested too deeply"}
	}
	defer func() { p.depth-- }()
	switch {
	case t.kind == tokNumber:
		v, _ := strconv.ParseFloat(t.text, 64)
		return &Expr{Kind: ExprNumber, Value: v}, nil
	case t.kind == tokMetric:
		th, err := ParseMetric(t.text)
		if err != nil {
			return nil, &templateError{t.off, err.Error()}
		}
		e := &Expr{Kind: ExprMetric, Metric: th}
		p.leaves = append(p.leaves, exprLeaf{e, t.off})
		return e, nil
	case t.kind == tokArith && t.text == "-":
		e, err := p.factor("-")
		if err != nil {
			return nil, err
		}
		if e.Kind == ExprNumber {
			e.Value = -e.Value
			return e, nil
		}
		return &Expr{Kind: ExprNeg, Left: e}, nil
	case t.kind == tokLParen:
		e, err := p.sum("(")
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, &templateError{c.off, "expected `)`" + found(c)}
		}
		return e, nil
	}
	if after == "" {
		return nil, &templateError{t.off, "expected a metric name (e.g. http.response_time.p99), a number, `not` or `(`" + found(t)}
	}
	return nil, &templateError{t.off, "expected a metric name, a number or `(` after `" + after + "`" + found(t)}
}

// hasMetric reports whether an arithmetic operand reads a metric.
func hasMetric(e *Expr) bool {
	if e == nil {
		return false
	}
	return e.Kind == ExprMetric || hasMetric(e.Left) || hasMetric(e.Right)
}
