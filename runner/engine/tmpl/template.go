// Package tmpl compiles scenario templates into renderers.
//
// Compilation resolves every variable reference to an integer slot of a
// VU's variable array (through a Symbols table), pre-parses function
// arguments, resolves {{ $env.NAME }} to text and pre-escapes literal text,
// so that rendering only appends bytes to a caller-supplied buffer: it never
// parses and, except for structured values decoded lazily, never allocates.
package tmpl

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/scenario"
)

// Symbols maps variable names to slots. It is built while a scenario is
// compiled and read-only afterwards.
type Symbols struct {
	index map[string]int
	names []string
}

// NewSymbols returns an empty table.
func NewSymbols() *Symbols { return &Symbols{index: make(map[string]int)} }

// Slot returns the slot of name, defining it when new.
func (s *Symbols) Slot(name string) int {
	if i, ok := s.index[name]; ok {
		return i
	}
	s.index[name] = len(s.names)
	s.names = append(s.names, name)
	return len(s.names) - 1
}

// Lookup returns the slot of name, if defined.
func (s *Symbols) Lookup(name string) (int, bool) {
	i, ok := s.index[name]
	return i, ok
}

// Len returns the number of slots; a VU's variable array has this length.
func (s *Symbols) Len() int { return len(s.names) }

// Name returns the name of slot i.
func (s *Symbols) Name(i int) string { return s.names[i] }

// Scope is what a template renders against: one VU's state. A Scope is used
// by one goroutine at a time.
type Scope struct {
	// Vars holds a value per symbol slot (Symbols.Len entries once every
	// template is compiled; slots beyond its length render as unset).
	Vars []Value
	// Rand is the VU's random source ($randomNumber, $randomString, $uuid).
	Rand *rand.Rand
	// VUID is {{ $vu.id }}.
	VUID int64
	// LoopCount is {{ $loopCount }} (1-based; 0 outside loops, rendered as
	// the empty string).
	LoopCount int64
	// LoopElem is {{ $loopElement }} of the innermost loop.
	LoopElem Value
	// Group is the VU's group ({{ $group.id }} ...; realtime.go).
	Group Group
	// Stamper renders {{ $stamp }}; nil renders nothing.
	Stamper Stamper
	// scratch holds intermediate text while rendering escaped output.
	scratch []byte
}

type partKind uint8

const (
	partText partKind = iota
	partVar
	partLoopCount
	partLoopElem
	partVUID
	partRandomNumber
	partRandomString
	partUUID
	partGroupID
	partGroupMember
	partGroupSize
	partStamp
)

type part struct {
	kind partKind
	// text is the literal (partText); jsonText is it escaped for a JSON string.
	text, jsonText string
	slot           int
	path           []Segment
	// a and b are $randomNumber's bounds, or a is $randomString's length.
	a, b int64
}

// Template is a compiled template. It is immutable and safe for concurrent
// use; all per-VU state is in the Scope.
type Template struct {
	src   string
	parts []part
}

// Const returns a template that always renders s.
func Const(s string) *Template {
	t := &Template{src: s}
	if s != "" {
		t.parts = []part{{kind: partText, text: s, jsonText: string(AppendJSONEscaped(nil, s))}}
	}
	return t
}

// Compile compiles t, resolving variable names to slots of syms (names not
// yet in syms are defined: scenario validation has already rejected names
// defined nowhere, and an unset variable renders as "") and $env names
// through env.
func Compile(t *scenario.Template, syms *Symbols, env map[string]string) (*Template, error) {
	if t == nil {
		return Const(""), nil
	}
	out := &Template{src: t.Src}
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			s := text.String()
			out.parts = append(out.parts, part{kind: partText, text: s, jsonText: string(AppendJSONEscaped(nil, s))})
			text.Reset()
		}
	}
	for _, tp := range t.Parts {
		if tp.Kind == scenario.PartText {
			text.WriteString(tp.Text)
			continue
		}
		if tp.Kind == scenario.PartFunc && tp.Name == "$env" {
			if len(tp.Args) != 1 {
				return nil, compileErr(t, "$env takes one name")
			}
			text.WriteString(env[tp.Args[0]])
			continue
		}
		if tp.Kind == scenario.PartFunc && tp.Name == "$file" {
			if len(tp.Args) != 2 {
				return nil, compileErr(t, "$file("+strings.Join(tp.Args, ",")+") was not read: load the scenario with scenario.Load")
			}
			text.WriteString(tp.Args[1])
			continue
		}
		p, err := compilePart(tp, syms)
		if err != nil {
			return nil, compileErr(t, err.Error())
		}
		flush()
		out.parts = append(out.parts, p)
	}
	flush()
	return out, nil
}

func compileErr(t *scenario.Template, msg string) error {
	pos := ""
	if t.Pos.Line > 0 {
		pos = fmt.Sprintf("%s:%d:%d: ", t.Pos.File, t.Pos.Line, t.Pos.Col)
	}
	return fmt.Errorf("%stemplate %q: %s", pos, t.Src, msg)
}

// compilePart compiles a variable or function part.
func compilePart(tp scenario.TemplatePart, syms *Symbols) (part, error) {
	if tp.Kind == scenario.PartVar {
		switch tp.Name {
		case "$loopCount":
			if len(tp.Path) > 0 {
				return part{}, fmt.Errorf("$loopCount has no properties")
			}
			return part{kind: partLoopCount}, nil
		case "$loopElement":
			return part{kind: partLoopElem, path: Segments(tp.Path)}, nil
		case "$vu":
			if len(tp.Path) != 1 || tp.Path[0] != "id" {
				return part{}, fmt.Errorf("unknown property $vu.%s (only $vu.id)", strings.Join(tp.Path, "."))
			}
			return part{kind: partVUID}, nil
		case "$group":
			return compileRealtime(tp.Name, tp.Path)
		case "$uuid", "$randomString", "$randomNumber":
			// Written without parentheses: a function call with no arguments.
			return compileFunc(tp.Name, nil)
		}
		if strings.HasPrefix(tp.Name, "$") {
			return part{}, fmt.Errorf("unknown built-in %s", tp.Name)
		}
		return part{kind: partVar, slot: syms.Slot(tp.Name), path: Segments(tp.Path)}, nil
	}
	if tp.Name == "$stamp" {
		return compileRealtime(tp.Name, nil)
	}
	return compileFunc(tp.Name, tp.Args)
}

// defaultRandomStringLen is $randomString's length without an argument.
const defaultRandomStringLen = 10

func compileFunc(name string, args []string) (part, error) {
	ints := make([]int64, len(args))
	for i, a := range args {
		n, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		if err != nil {
			return part{}, fmt.Errorf("%s: argument %q is not an integer", name, a)
		}
		ints[i] = n
	}
	switch name {
	case "$randomNumber":
		if len(ints) != 2 {
			return part{}, fmt.Errorf("$randomNumber takes two integers (min, max)")
		}
		lo, hi := min(ints[0], ints[1]), max(ints[0], ints[1])
		return part{kind: partRandomNumber, a: lo, b: hi}, nil
	case "$randomString":
		switch {
		case len(ints) == 0:
			return part{kind: partRandomString, a: defaultRandomStringLen}, nil
		case len(ints) == 1 && ints[0] >= 0 && ints[0] <= 1<<20:
			return part{kind: partRandomString, a: ints[0]}, nil
		}
		return part{}, fmt.Errorf("$randomString takes one length between 0 and %d", 1<<20)
	case "$uuid":
		if len(ints) != 0 {
			return part{}, fmt.Errorf("$uuid takes no arguments")
		}
		return part{kind: partUUID}, nil
	}
	return part{}, fmt.Errorf("unknown function %s", name)
}

// Src returns the template's source text.
func (t *Template) Src() string { return t.src }

// IsConst reports whether t renders the same text every time.
func (t *Template) IsConst() bool {
	return len(t.parts) == 0 || len(t.parts) == 1 && t.parts[0].kind == partText
}

// Text returns the text of a constant template ("" otherwise).
func (t *Template) Text() string {
	if len(t.parts) == 1 && t.parts[0].kind == partText {
		return t.parts[0].text
	}
	return ""
}

// HasPrefix reports whether every rendering of t starts with prefix (it
// looks at the leading literal text only).
func (t *Template) HasPrefix(prefix string) bool {
	return len(t.parts) > 0 && t.parts[0].kind == partText && strings.HasPrefix(t.parts[0].text, prefix)
}

// Append renders t and appends the text to dst.
func (t *Template) Append(dst []byte, s *Scope) []byte {
	for i := range t.parts {
		p := &t.parts[i]
		if p.kind == partText {
			dst = append(dst, p.text...)
			continue
		}
		dst = p.render(dst, s)
	}
	return dst
}

// AppendJSONString renders t escaped as the content of a JSON string
// (without the quotes) and appends it to dst.
func (t *Template) AppendJSONString(dst []byte, s *Scope) []byte {
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partText:
			dst = append(dst, p.jsonText...)
		case partLoopCount, partVUID, partRandomNumber, partRandomString, partUUID, partGroupID, partGroupMember, partGroupSize:
			dst = p.render(dst, s) // never needs escaping
		default:
			s.scratch = p.render(s.scratch[:0], s)
			dst = appendJSONEscapedBytes(dst, s.scratch)
		}
	}
	return dst
}

// Eval renders t as a Value. A template that is exactly one variable
// reference yields that variable's value, keeping its type and structure
// (a captured array stays an array); anything else yields the rendered
// text as a String.
func (t *Template) Eval(s *Scope) Value {
	if len(t.parts) == 1 {
		p := &t.parts[0]
		switch p.kind {
		case partVar:
			if p.slot >= len(s.Vars) {
				return Value{}
			}
			return s.Vars[p.slot].Walk(p.path)
		case partLoopElem:
			return s.LoopElem.Walk(p.path)
		case partLoopCount:
			if s.LoopCount == 0 {
				return Value{}
			}
			return NumberValue(strconv.FormatInt(s.LoopCount, 10))
		case partVUID:
			return NumberValue(strconv.FormatInt(s.VUID, 10))
		}
	}
	s.scratch = t.Append(s.scratch[:0], s)
	return StringValue(string(s.scratch))
}

// render appends a non-text part.
func (p *part) render(dst []byte, s *Scope) []byte {
	switch p.kind {
	case partVar:
		if p.slot >= len(s.Vars) { // a slot defined after Vars was sized is unset
			return dst
		}
		return s.Vars[p.slot].AppendPath(dst, p.path)
	case partLoopElem:
		return s.LoopElem.AppendPath(dst, p.path)
	case partLoopCount:
		if s.LoopCount == 0 {
			return dst
		}
		return strconv.AppendInt(dst, s.LoopCount, 10)
	case partVUID:
		return strconv.AppendInt(dst, s.VUID, 10)
	case partRandomNumber:
		return strconv.AppendInt(dst, randomInt(s.Rand, p.a, p.b), 10)
	case partRandomString:
		return appendRandomString(dst, s.Rand, int(p.a))
	case partUUID:
		return appendUUID(dst, s.Rand)
	case partGroupID, partGroupMember, partGroupSize, partStamp:
		return p.renderRealtime(dst, s)
	}
	return dst
}
