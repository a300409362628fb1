package jsonpath

import "fmt"

// parser is a recursive-descent JSON parser that appends nodes to a Doc.
// It validates the whole grammar, so that reading nodes later never meets
// malformed text.
type parser struct {
	d   *Doc
	src []byte
	pos int
}

func (p *parser) fail(msg string) error {
	return fmt.Errorf("%w: offset %d: %s", ErrSyntax, p.pos, msg)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) add(k Kind, start int) int32 {
	p.d.nodes = append(p.d.nodes, node{kind: k, start: int32(start), first: None, next: None})
	return int32(len(p.d.nodes) - 1)
}

// value parses one value at p.pos (no leading space) and returns its node.
func (p *parser) value(depth int) (int32, error) {
	if p.pos >= len(p.src) {
		return None, p.fail("unexpected end of input")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return None, p.fail("nesting too deep")
		}
		return p.container(c, depth)
	case c == '"':
		i := p.add(String, start)
		esc, err := p.str()
		if err != nil {
			return None, err
		}
		p.d.nodes[i].esc = esc
		p.d.nodes[i].end = int32(p.pos)
		return i, nil
	case c == '-' || c >= '0' && c <= '9':
		if err := p.number(); err != nil {
			return None, err
		}
		i := p.add(Number, start)
		p.d.nodes[i].end = int32(p.pos)
		return i, nil
	default:
		for _, lit := range [...]struct {
			text string
			kind Kind
		}{{"null", Null}, {"true", True}, {"false", False}} {
			if len(p.src)-p.pos >= len(lit.text) && string(p.src[p.pos:p.pos+len(lit.text)]) == lit.text {
				p.pos += len(lit.text)
				i := p.add(lit.kind, start)
				p.d.nodes[i].end = int32(p.pos)
				return i, nil
			}
		}
		return None, p.fail(fmt.Sprintf("unexpected character %q", c))
	}
}

// container parses an array or object whose opening bracket is at p.pos.
func (p *parser) container(open byte, depth int) (int32, error) {
	kind, closeCh := Array, byte(']')
	if open == '{' {
		kind, closeCh = Object, '}'
	}
	self := p.add(kind, p.pos)
	p.pos++
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == closeCh {
		p.pos++
		p.d.nodes[self].end = int32(p.pos)
		return self, nil
	}
	prev := None
	for {
		var keyStart, keyEnd int
		var keyEsc bool
		if kind == Object {
			if p.pos >= len(p.src) || p.src[p.pos] != '"' {
				return None, p.fail("expected a string key")
			}
			keyStart = p.pos + 1
			esc, err := p.str()
			if err != nil {
				return None, err
			}
			keyEnd, keyEsc = p.pos-1, esc
			p.skipSpace()
			if p.pos >= len(p.src) || p.src[p.pos] != ':' {
				return None, p.fail("expected ':' after an object key")
			}
			p.pos++
			p.skipSpace()
		}
		child, err := p.value(depth + 1)
		if err != nil {
			return None, err
		}
		n := &p.d.nodes[child]
		n.keyStart, n.keyEnd, n.keyEsc = int32(keyStart), int32(keyEnd), keyEsc
		if prev == None {
			p.d.nodes[self].first = child
		} else {
			p.d.nodes[prev].next = child
		}
		prev = child
		p.d.nodes[self].count++
		p.skipSpace()
		if p.pos >= len(p.src) {
			return None, p.fail("unexpected end of input")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.skipSpace()
		case closeCh:
			p.pos++
			p.d.nodes[self].end = int32(p.pos)
			return self, nil
		default:
			return None, p.fail(fmt.Sprintf("expected ',' or %q", closeCh))
		}
	}
}

// str scans a string whose opening quote is at p.pos, leaving p.pos after
// the closing quote. It reports whether the string has escapes.
func (p *parser) str() (bool, error) {
	p.pos++
	esc := false
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return esc, nil
		case c == '\\':
			esc = true
			if p.pos+1 >= len(p.src) {
				return false, p.fail("unterminated escape")
			}
			switch p.src[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				if p.pos+6 > len(p.src) || !isHex4(p.src[p.pos+2:p.pos+6]) {
					return false, p.fail("invalid \\u escape")
				}
				p.pos += 6
			default:
				return false, p.fail("invalid escape")
			}
		case c < 0x20:
			return false, p.fail("control character in string")
		default:
			p.pos++
		}
	}
	return false, p.fail("unterminated string")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// number scans a number per the JSON grammar.
func (p *parser) number() error {
	s := p.src
	if p.pos < len(s) && s[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(s) && s[p.pos] == '0':
		p.pos++
	case p.pos < len(s) && s[p.pos] >= '1' && s[p.pos] <= '9':
		p.digits()
	default:
		return p.fail("invalid number")
	}
	if p.pos < len(s) && s[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return p.fail("invalid number: no digits after '.'")
		}
	}
	if p.pos < len(s) && (s[p.pos] == 'e' || s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(s) && (s[p.pos] == '+' || s[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return p.fail("invalid number: no digits in exponent")
		}
	}
	return nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}

// ValidNumber reports whether s is a JSON number literal.
func ValidNumber(s string) bool {
	p := parser{src: []byte(s)}
	return p.number() == nil && p.pos == len(s)
}
