// Package jsonpath parses JSON documents into a flat, reusable node arena and
// evaluates a compiled subset of JSONPath over them.
//
// A Doc is parsed once per response and reused across responses, so parsing
// allocates only while its arena grows. Nodes refer to byte ranges of the
// source; strings are decoded only when they are read. Paths are compiled
// once (at scenario compile time) and are safe for concurrent use; the
// mutable state of an evaluation lives in a caller-owned Scratch.
package jsonpath

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a node.
type Kind uint8

// Node kinds.
const (
	Null Kind = iota
	False
	True
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "false", "true", "number", "string", "array", "object"}

// String returns the kind's JSON name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// None is the node index meaning "no node".
const None int32 = -1

// maxDepth bounds nesting so that hostile bodies cannot exhaust the stack.
const maxDepth = 512

// node is one value of a document. Children of arrays and objects are linked
// through next, in document order.
type node struct {
	kind Kind
	// esc is set for strings (and keys: keyEsc) containing backslash escapes.
	esc, keyEsc bool
	// start and end bound the value's JSON text in src; for strings they
	// include the quotes.
	start, end int32
	// keyStart and keyEnd bound an object member's key, without quotes.
	keyStart, keyEnd int32
	first, next      int32
	count            int32
}

// Doc is a parsed JSON document. The zero value is an empty document ready
// for Parse. A Doc refers to the bytes it parsed: they must not change while
// the Doc is in use.
type Doc struct {
	src   []byte
	nodes []node
}

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("invalid JSON")

// Parse parses src into d, replacing its previous content and reusing its
// arena. Trailing whitespace is allowed; anything else after the value is
// an error.
func (d *Doc) Parse(src []byte) error {
	d.src = src
	d.nodes = d.nodes[:0]
	p := parser{d: d, src: src}
	if len(src) > 1<<31-1 {
		return p.fail("document too large")
	}
	p.skipSpace()
	if _, err := p.value(0); err != nil {
		d.nodes = d.nodes[:0]
		return err
	}
	p.skipSpace()
	if p.pos != len(src) {
		d.nodes = d.nodes[:0]
		return p.fail("unexpected data after the top-level value")
	}
	return nil
}

// Owned returns a new Doc holding a private copy of the subtree at i, so it
// stays valid after d's source buffer is reused.
func (d *Doc) Owned(i int32) (*Doc, error) {
	return ParseOwned(d.Raw(i))
}

// ParseOwned parses a private copy of src into a new Doc.
func ParseOwned(src []byte) (*Doc, error) {
	nd := &Doc{}
	if err := nd.Parse(append([]byte(nil), src...)); err != nil {
		return nil, err
	}
	return nd, nil
}

// Len returns the number of nodes; 0 when nothing was parsed.
func (d *Doc) Len() int { return len(d.nodes) }

// Root returns the top-level node, or None for an empty Doc.
func (d *Doc) Root() int32 {
	if len(d.nodes) == 0 {
		return None
	}
	return 0
}

// Kind returns the kind of node i.
func (d *Doc) Kind(i int32) Kind { return d.nodes[i].kind }

// Raw returns the JSON text of node i (strings with their quotes). The
// slice aliases the document's source.
func (d *Doc) Raw(i int32) []byte {
	n := &d.nodes[i]
	return d.src[n.start:n.end]
}

// Count returns the number of elements or members of node i (0 for scalars).
func (d *Doc) Count(i int32) int { return int(d.nodes[i].count) }

// First returns the first element or member value of node i, or None.
func (d *Doc) First(i int32) int32 {
	n := &d.nodes[i]
	if n.kind != Array && n.kind != Object || n.count == 0 {
		return None
	}
	return n.first
}

// Next returns the sibling after node i, or None.
func (d *Doc) Next(i int32) int32 { return d.nodes[i].next }

// Field returns the value of member key of object i, or None. When a key
// occurs more than once the last occurrence wins, as in most decoders.
func (d *Doc) Field(i int32, key string) int32 {
	n := &d.nodes[i]
	if n.kind != Object {
		return None
	}
	found := None
	for c := n.first; c != None; c = d.nodes[c].next {
		if d.keyEquals(c, key) {
			found = c
		}
	}
	return found
}

// Index returns element k of array i (negative k counts from the end), or None.
func (d *Doc) Index(i int32, k int) int32 {
	n := &d.nodes[i]
	if n.kind != Array {
		return None
	}
	if k < 0 {
		k += int(n.count)
	}
	if k < 0 || k >= int(n.count) {
		return None
	}
	c := n.first
	for ; k > 0; k-- {
		c = d.nodes[c].next
	}
	return c
}

func (d *Doc) keyEquals(c int32, key string) bool {
	n := &d.nodes[c]
	raw := d.src[n.keyStart:n.keyEnd]
	if !n.keyEsc {
		return string(raw) == key
	}
	return unescapedEquals(raw, key)
}

// AppendText appends the text of node i: a string's decoded content, a
// number's literal, "true", "false" or "null", or the JSON text of an array
// or object.
func (d *Doc) AppendText(dst []byte, i int32) []byte {
	n := &d.nodes[i]
	if n.kind != String {
		return append(dst, d.src[n.start:n.end]...)
	}
	raw := d.src[n.start+1 : n.end-1]
	if !n.esc {
		return append(dst, raw...)
	}
	return appendUnescaped(dst, raw)
}

// Text returns the text of node i as a string (see AppendText), with a
// single allocation.
func (d *Doc) Text(i int32) string {
	n := &d.nodes[i]
	if n.kind == String && !n.esc {
		return string(d.src[n.start+1 : n.end-1])
	}
	if n.kind != String {
		return string(d.src[n.start:n.end])
	}
	return string(d.AppendText(nil, i))
}

// unescapedEquals reports whether the escaped JSON string content raw
// decodes to s, without allocating.
func unescapedEquals(raw []byte, s string) bool {
	var buf [64]byte
	dec := appendUnescaped(buf[:0], raw)
	return string(dec) == s
}

// appendUnescaped decodes JSON string content (already validated by the
// parser) and appends it to dst.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(raw[i+1 : i+5]))
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if r2 := utf16.DecodeRune(r, rune(hex4(raw[i+3:i+7]))); r2 != utf8.RuneError {
					r = r2
					i += 6
				}
			}
			if utf16.IsSurrogate(r) {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, raw[i])
		}
	}
	return dst
}

func hex4(b []byte) int {
	v := 0
	for _, c := range b {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= int(c - '0')
		case c >= 'a' && c <= 'f':
			v |= int(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v |= int(c - 'A' + 10)
		}
	}
	return v
}
