package scenario

import (
	"strings"
)

// maxExprDepth bounds the nesting of a condition expression.
const maxExprDepth = 64

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokMetric
	tokNumber
	tokOp
	tokAnd
	tokOr
	tokNot
	tokLParen
	tokRParen
	tokArith // + - * /
)

type token struct {
	kind tokKind
	text string
	off  int
	op   CondOp
}

// exprLeaf is a comparison of a parsed expression and its metric's offset.
type exprLeaf struct {
	e   *Expr
	off int
}

// exprParser parses an ensure condition: comparisons of arithmetic over
// metrics and numbers (condarith.go), combined with and, or, not and
// parentheses.
type exprParser struct {
	src    string
	toks   []token
	i      int
	depth  int
	leaves []exprLeaf
}

// parseExpr parses src into an expression tree and its comparisons.
func parseExpr(src string) (*Expr, []exprLeaf, *templateError) {
	toks, err := lexExpr(src)
	if err != nil {
		return nil, nil, err
	}
	p := &exprParser{src: src, toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, nil, &templateError{t.off, "unexpected `" + clip(t.text) + "`: expected `and`, `or` or the end"}
	}
	return e, p.leaves, nil
}

func (p *exprParser) peek() token { return p.toks[p.i] }

func (p *exprParser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *exprParser) or() (*Expr, *templateError) {
	left, err := p.and()
	for err == nil && p.peek().kind == tokOr {
		p.next()
		var right *Expr
		if right, err = p.and(); err == nil {
			left = &Expr{Kind: ExprOr, Left: left, Right: right}
		}
	}
	return left, err
}

func (p *exprParser) and() (*Expr, *templateError) {
	left, err := p.unary()
	for err == nil && p.peek().kind == tokAnd {
		p.next()
		var right *Expr
		if right, err = p.unary(); err == nil {
			left = &Expr{Kind: ExprAnd, Left: left, Right: right}
		}
	}
	return left, err
}

func (p *exprParser) unary() (*Expr, *templateError) {
	t := p.peek()
	if p.depth++; p.depth > maxExprDepth {
		return nil, &templateError{t.off, "the expression is nested too deeply"}
	}
	defer func() { p.depth-- }()
	switch t.kind {
	case tokNot:
		p.next()
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Expr{Kind: ExprNot, Left: e}, nil
	case tokLParen:
		return p.group()
	}
	return p.compare()
}

// group parses a parenthesised expression. "(" may open a boolean group,
// "(a < 1) and b < 2", or an arithmetic operand, "(a - b) < 1": the boolean
// reading is tried first and, when it fails, the arithmetic one; when both
// fail, the error that got further into the text is the one reported.
func (p *exprParser) group() (*Expr, *templateError) {
	start, leaves := p.i, len(p.leaves)
	e, err := p.boolGroup()
	if err == nil {
		return e, nil
	}
	p.i, p.leaves = start, p.leaves[:leaves]
	e, aerr := p.compare()
	if aerr == nil {
		return e, nil
	}
	if aerr.off > err.off {
		return nil, aerr
	}
	return nil, err
}

// boolGroup parses "( or-expression )" not followed by arithmetic or a
// comparison (which would make the group an operand instead).
func (p *exprParser) boolGroup() (*Expr, *templateError) {
	p.next()
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if c := p.next(); c.kind != tokRParen {
		return nil, &templateError{c.off, "expected `)`" + found(c)}
	}
	if t := p.peek(); t.kind == tokArith || t.kind == tokOp {
		return nil, &templateError{t.off, "a comparison cannot be an operand of `" + t.text + "`"}
	}
	return e, nil
}

func found(t token) string {
	if t.kind == tokEOF {
		return ", found the end"
	}
	return ", found `" + clip(t.text) + "`"
}

// lexExpr splits a condition into tokens.
func lexExpr(src string) ([]token, *templateError) {
	var toks []token
	i := 0
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tokEOF, off: i}), nil
		}
		c := src[i]
		switch {
		case c == '(' || c == ')':
			k := tokLParen
			if c == ')' {
				k = tokRParen
			}
			toks = append(toks, token{kind: k, text: src[i : i+1], off: i})
			i++
		case strings.IndexByte("<>=!", c) >= 0:
			at, width, op := findCondOp(src[i:])
			if at != 0 {
				return nil, &templateError{i, "unexpected `" + string(c) + "`; comparisons are <, <=, >, >=, == and !="}
			}
			toks = append(toks, token{kind: tokOp, text: src[i : i+width], off: i, op: op})
			i += width
		case c == '+' || c == '-' || c == '*' || c == '/':
			toks = append(toks, token{kind: tokArith, text: src[i : i+1], off: i})
			i++
		case c >= '0' && c <= '9' || c == '.':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E' ||
				((src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E'))) {
				j++
			}
			if !isCondNumber(src[i:j]) {
				return nil, &templateError{i, "invalid number `" + clip(src[i:j]) + "`"}
			}
			toks = append(toks, token{kind: tokNumber, text: src[i:j], off: i})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j, err := lexMetric(src, i)
			if err != nil {
				return nil, err
			}
			t := token{kind: tokMetric, text: src[i:j], off: i}
			switch t.text {
			case "and":
				t.kind = tokAnd
			case "or":
				t.kind = tokOr
			case "not":
				t.kind = tokNot
			}
			toks = append(toks, t)
			i = j
		default:
			return nil, &templateError{i, "unexpected `" + clip(src[i:]) + "`"}
		}
	}
}

// lexMetric returns the end of the metric name starting at i, including a
// {selector} whose quoted values may hold any character.
func lexMetric(src string, i int) (int, *templateError) {
	j := i
	for j < len(src) && (src[j] == '_' || src[j] == '.' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
		j++
	}
	if j == len(src) || src[j] != '{' {
		return j, nil
	}
	var quote byte
	for k := j + 1; k < len(src); k++ {
		switch c := src[k]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '}':
			return k + 1, nil
		}
	}
	return 0, &templateError{j, "the selector `{...}` is not closed with `}`"}
}
