package scenario

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// condOps lists comparison operators, two-character ones first so that "<="
// is not read as "<".
var condOps = []struct {
	text string
	op   CondOp
}{
	{"==", CondEq}, {"!=", CondNe}, {"<=", CondLe}, {">=", CondGe}, {"<", CondLt}, {">", CondGt},
}

// cond decodes an ifTrue expression.
func (d *decoder) cond(n *yaml.Node, path string) *Cond {
	s, ok := d.str(n, path)
	if !ok {
		return nil
	}
	dn := deref(n)
	c, offs, err := parseCond(s)
	if err != nil {
		d.errorAt(d.posAt(dn, err.off), path, err.msg)
		return nil
	}
	for i, t := range []*Template{c.Left, c.Right} {
		if t == nil {
			continue
		}
		t.Pos = d.pos(dn)
		for _, p := range t.Parts {
			if p.Kind != PartVar {
				continue
			}
			switch {
			case p.Name == "$loopCount" || p.Name == "$loopElement":
				if d.loopDepth == 0 {
					d.errorAt(d.posAt(dn, offs[i]), path, "`"+p.Name+"` is only available inside a loop")
				}
			case !strings.HasPrefix(p.Name, "$"):
				d.refs = append(d.refs, varRef{name: p.Name, pos: d.posAt(dn, offs[i]), path: path})
			}
		}
	}
	return c
}

// parseCond parses "name", "name OP literal" or "name OP name". A literal is
// a number or a string in single or double quotes. offs holds the byte
// offsets of the left and right operands.
func parseCond(src string) (*Cond, [2]int, *templateError) {
	var offs [2]int
	at, width, op := findCondOp(src)
	if at < 0 {
		if strings.Contains(src, "=") {
			i := strings.IndexByte(src, '=')
			return nil, offs, &templateError{i, "use `==` to compare, not `=`"}
		}
		left, off, err := condOperand(src, 0)
		if err != nil {
			return nil, offs, err
		}
		offs[0] = off
		return &Cond{Src: src, Op: CondTruthy, Left: left}, offs, nil
	}
	left, off, err := condOperand(src[:at], 0)
	if err != nil {
		return nil, offs, err
	}
	offs[0] = off
	rsrc := src[at+width:]
	rlead := at + width + len(rsrc) - len(strings.TrimLeft(rsrc, " \t"))
	offs[1] = rlead
	r := strings.TrimSpace(rsrc)
	var right *Template
	switch {
	case r == "":
		return nil, offs, &templateError{rlead, "missing the value to compare with after `" + src[at:at+width] + "`"}
	case len(r) >= 2 && (r[0] == '\'' || r[0] == '"') && r[len(r)-1] == r[0]:
		right = constTemplate(r[1:len(r)-1], Pos{})
	case r[0] == '\'' || r[0] == '"':
		return nil, offs, &templateError{rlead, "unterminated string " + r}
	case isCondNumber(r):
		right = constTemplate(r, Pos{})
	default:
		right, _, err = condOperand(rsrc, at+width)
		if err != nil {
			return nil, offs, err
		}
	}
	return &Cond{Src: src, Op: op, Left: left, Right: right}, offs, nil
}

// findCondOp finds the first comparison operator outside quotes.
func findCondOp(src string) (at, width int, op CondOp) {
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '"':
			quote = c
			continue
		}
		for _, o := range condOps {
			if strings.HasPrefix(src[i:], o.text) {
				return i, len(o.text), o.op
			}
		}
	}
	return -1, 0, 0
}

// condOperand parses a variable operand at offset off of the condition.
func condOperand(s string, off int) (*Template, int, *templateError) {
	lead := len(s) - len(strings.TrimLeft(s, " \t"))
	name := strings.TrimSpace(s)
	off += lead
	if name == "" {
		return nil, off, &templateError{off, "expected a variable name, e.g. `ifTrue: \"status == 'ok'\"`"}
	}
	if strings.HasPrefix(name, "{{") && strings.HasSuffix(name, "}}") {
		name = strings.TrimSpace(name[2 : len(name)-2])
	}
	part, err := parsePlaceholder(name, off)
	if err != nil {
		return nil, off, &templateError{off, "`" + clip(strings.TrimSpace(s)) + "`: ifTrue supports `name` or `name OP value` (OP one of == != < <= > >=)"}
	}
	return &Template{Src: "{{ " + name + " }}", Parts: []TemplatePart{part}}, off, nil
}

// isCondNumber reports whether s is a number literal.
func isCondNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && isDecimal(s)
}
