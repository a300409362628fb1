package tmpl

import (
	"strconv"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
)

// Kind is the type of a Value.
type Kind uint8

// Value kinds.
const (
	// Unset is the zero Value: a variable that has no value. It renders as
	// the empty string.
	Unset Kind = iota
	// String is text.
	String
	// Number is a number, kept as its literal text.
	Number
	// Bool is true or false.
	Bool
	// Null is JSON null.
	Null
	// JSON is a node of a parsed JSON document (typically an array or an
	// object captured from a response, or an element of one).
	JSON
)

// Value is a variable's value. Values are immutable and cheap to copy; a
// JSON value shares its (immutable) document with every copy.
type Value struct {
	kind Kind
	s    string
	doc  *jsonpath.Doc
	node int32
}

// StringValue returns a String value.
func StringValue(s string) Value { return Value{kind: String, s: s} }

// NumberValue returns a Number value; s must be a number's literal text.
func NumberValue(s string) Value { return Value{kind: Number, s: s} }

// BoolValue returns a Bool value.
func BoolValue(b bool) Value {
	if b {
		return Value{kind: Bool, s: "true"}
	}
	return Value{kind: Bool, s: "false"}
}

// NullValue returns the Null value.
func NullValue() Value { return Value{kind: Null, s: "null"} }

// DocValue returns node of doc as a value. Scalar nodes become plain values
// (a string node's content is decoded once here, so rendering never decodes);
// arrays and objects keep referring to doc, which must not change afterwards.
func DocValue(doc *jsonpath.Doc, node int32) Value {
	switch doc.Kind(node) {
	case jsonpath.Null:
		return NullValue()
	case jsonpath.True:
		return BoolValue(true)
	case jsonpath.False:
		return BoolValue(false)
	case jsonpath.Number:
		return NumberValue(doc.Text(node))
	case jsonpath.String:
		return StringValue(doc.Text(node))
	}
	return Value{kind: JSON, doc: doc, node: node}
}

// ParseJSONValue parses a private copy of the JSON text src into a value.
func ParseJSONValue(src []byte) (Value, error) {
	doc, err := jsonpath.ParseOwned(src)
	if err != nil {
		return Value{}, err
	}
	return DocValue(doc, doc.Root()), nil
}

// Kind returns v's kind.
func (v Value) Kind() Kind { return v.kind }

// IsSet reports whether v has a value.
func (v Value) IsSet() bool { return v.kind != Unset }

// Append appends v's text: a string's content, a number's literal, "true",
// "false", "null", or the JSON text of an array or object. Unset appends
// nothing.
func (v Value) Append(dst []byte) []byte {
	if v.kind == JSON {
		return v.doc.AppendText(dst, v.node)
	}
	return append(dst, v.s...)
}

// AppendJSON appends v as a JSON value: strings quoted and escaped, other
// kinds as their JSON text. Unset appends null.
func (v Value) AppendJSON(dst []byte) []byte {
	switch v.kind {
	case Unset:
		return append(dst, "null"...)
	case String:
		dst = append(dst, '"')
		dst = AppendJSONEscaped(dst, v.s)
		return append(dst, '"')
	case JSON:
		return append(dst, v.doc.Raw(v.node)...)
	}
	return append(dst, v.s...)
}

// String returns v's text (see Append).
func (v Value) String() string {
	if v.kind == JSON {
		return string(v.Append(nil))
	}
	return v.s
}

// Segment is one element of a dotted path into a structured value: an
// object key, or, when the text is an integer, also an array index.
type Segment struct {
	Key   string
	Index int
	// IsIndex is set when Key is an integer (then Index holds it).
	IsIndex bool
}

// Segments compiles a dotted path ("items", "0", "name").
func Segments(path []string) []Segment {
	if len(path) == 0 {
		return nil
	}
	segs := make([]Segment, len(path))
	for i, k := range path {
		segs[i].Key = k
		if n, err := strconv.Atoi(k); err == nil {
			segs[i].Index, segs[i].IsIndex = n, true
		}
	}
	return segs
}

// Walk follows path into v. It returns Unset when v is not structured or a
// segment does not exist.
func (v Value) Walk(path []Segment) Value {
	if len(path) == 0 {
		return v
	}
	n, ok := v.walk(path)
	if !ok {
		return Value{}
	}
	return DocValue(v.doc, n)
}

// AppendPath appends the text of v.Walk(path) without materialising it, so
// rendering "{{ user.name }}" does not allocate.
func (v Value) AppendPath(dst []byte, path []Segment) []byte {
	if len(path) == 0 {
		return v.Append(dst)
	}
	if n, ok := v.walk(path); ok {
		return v.doc.AppendText(dst, n)
	}
	return dst
}

// Has reports whether path leads somewhere in v (an empty path: whether v
// is set). It does not allocate.
func (v Value) Has(path []Segment) bool {
	if len(path) == 0 {
		return v.IsSet()
	}
	_, ok := v.walk(path)
	return ok
}

// walk follows a non-empty path from a JSON value to a node.
func (v Value) walk(path []Segment) (int32, bool) {
	if v.kind != JSON {
		return jsonpath.None, false
	}
	n := v.node
	for _, seg := range path {
		next := jsonpath.None
		switch v.doc.Kind(n) {
		case jsonpath.Object:
			next = v.doc.Field(n, seg.Key)
		case jsonpath.Array:
			if seg.IsIndex {
				next = v.doc.Index(n, seg.Index)
			}
		}
		if next == jsonpath.None {
			return jsonpath.None, false
		}
		n = next
	}
	return n, true
}

// Elements appends the elements of v when it is an array (a JSON array, or
// a string holding one) and returns the result; any other set value is a
// list of itself; Unset is an empty list.
func (v Value) Elements(dst []Value) []Value {
	switch v.kind {
	case Unset:
		return dst
	case String:
		if len(v.s) > 0 && v.s[0] == '[' {
			if arr, err := ParseJSONValue([]byte(v.s)); err == nil && arr.kind == JSON {
				return arr.Elements(dst)
			}
		}
	case JSON:
		if v.doc.Kind(v.node) == jsonpath.Array {
			for c := v.doc.First(v.node); c != jsonpath.None; c = v.doc.Next(c) {
				dst = append(dst, DocValue(v.doc, c))
			}
			return dst
		}
	}
	return append(dst, v)
}
