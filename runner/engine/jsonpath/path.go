package jsonpath

import (
	"fmt"
	"strconv"
	"strings"
)

// selKind is what a path step selects.
type selKind uint8

const (
	selKey selKind = iota
	selIndex
	selWildcard
)

// step is one compiled segment of a path.
type step struct {
	sel selKind
	// descend makes the step apply to the node and all its descendants
	// ("..key").
	descend bool
	key     string
	index   int
}

// Path is a compiled JSONPath expression. It supports `$`, `.key`,
// `['key']` (or double quotes), `[N]` (negative N counts from the end),
// `[*]` and `.*`, and recursive descent `..key`, `..*`, `..[N]`. A path
// that does not start with `$` is taken as relative to the root ("id" is
// "$.id"). A Path is immutable and safe for concurrent use.
type Path struct {
	src   string
	steps []step
}

// String returns the expression as written.
func (p *Path) String() string { return p.src }

// Compile parses expr.
func Compile(expr string) (*Path, error) {
	s := strings.TrimSpace(expr)
	switch {
	case s == "":
		return nil, fmt.Errorf("jsonpath %q: empty expression", expr)
	case s[0] == '$':
		s = s[1:]
	case s[0] == '.' || s[0] == '[':
	default:
		s = "." + s
	}
	p := &Path{src: expr}
	for s != "" {
		var st step
		var err error
		if strings.HasPrefix(s, "..") {
			st.descend = true
			s = s[2:]
			if strings.HasPrefix(s, "[") {
				st, s, err = bracket(s, st)
			} else {
				st, s, err = dotted(s, st)
			}
		} else if s[0] == '.' {
			st, s, err = dotted(s[1:], st)
		} else if s[0] == '[' {
			st, s, err = bracket(s, st)
		} else {
			err = fmt.Errorf("unexpected %q", s)
		}
		if err != nil {
			return nil, fmt.Errorf("jsonpath %q: %w", expr, err)
		}
		p.steps = append(p.steps, st)
	}
	return p, nil
}

// dotted parses a name (or "*") after "." or "..".
func dotted(s string, st step) (step, string, error) {
	end := strings.IndexAny(s, ".[")
	if end < 0 {
		end = len(s)
	}
	name := s[:end]
	switch name {
	case "":
		return st, s, fmt.Errorf("missing name after '.'")
	case "*":
		st.sel = selWildcard
	default:
		st.sel, st.key = selKey, name
	}
	return st, s[end:], nil
}

// bracket parses "[...]" at the start of s.
func bracket(s string, st step) (step, string, error) {
	s = s[1:]
	if s != "" && (s[0] == '\'' || s[0] == '"') {
		q := s[0]
		var b strings.Builder
		i := 1
		for ; i < len(s) && s[i] != q; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		if i >= len(s) {
			return st, s, fmt.Errorf("unterminated quoted key")
		}
		rest := strings.TrimLeft(s[i+1:], " ")
		if !strings.HasPrefix(rest, "]") {
			return st, s, fmt.Errorf("expected ']' after quoted key")
		}
		st.sel, st.key = selKey, b.String()
		return st, rest[1:], nil
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return st, s, fmt.Errorf("missing ']'")
	}
	inner := strings.TrimSpace(s[:end])
	if inner == "*" {
		st.sel = selWildcard
		return st, s[end+1:], nil
	}
	n, err := strconv.Atoi(inner)
	if err != nil {
		return st, s, fmt.Errorf("unsupported selector [%s] (want N, * or 'key')", inner)
	}
	st.sel, st.index = selIndex, n
	return st, s[end+1:], nil
}

// Scratch holds the working sets of evaluations. A Scratch is reused by one
// goroutine across evaluations, so evaluating does not allocate once its
// buffers have grown.
type Scratch struct {
	cur, next []int32
}

// Eval evaluates p on d and returns the matching nodes in document order.
// The result aliases s and is valid until s is used again.
func (p *Path) Eval(d *Doc, s *Scratch) []int32 {
	s.cur = s.cur[:0]
	if root := d.Root(); root != None {
		s.cur = append(s.cur, root)
	}
	for i := range p.steps {
		st := &p.steps[i]
		s.next = s.next[:0]
		for _, n := range s.cur {
			if st.descend {
				s.next = descend(d, n, st, s.next)
			} else {
				s.next = apply(d, n, st, s.next)
			}
		}
		s.cur, s.next = s.next, s.cur
		if len(s.cur) == 0 {
			break
		}
	}
	return s.cur
}

// apply appends what st selects from node n.
func apply(d *Doc, n int32, st *step, out []int32) []int32 {
	switch st.sel {
	case selKey:
		if c := d.Field(n, st.key); c != None {
			out = append(out, c)
		}
	case selIndex:
		if c := d.Index(n, st.index); c != None {
			out = append(out, c)
		}
	case selWildcard:
		for c := d.First(n); c != None; c = d.Next(c) {
			out = append(out, c)
		}
	}
	return out
}

// descend applies st to n and every descendant of n, in pre-order.
func descend(d *Doc, n int32, st *step, out []int32) []int32 {
	out = apply(d, n, st, out)
	for c := d.First(n); c != None; c = d.Next(c) {
		out = descend(d, c, st, out)
	}
	return out
}
