package tmpl_test

import (
	"testing"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
)

func mustJSON(t *testing.T, s string) tmpl.Value {
	t.Helper()
	v, err := tmpl.ParseJSONValue([]byte(s))
	if err != nil {
		t.Fatalf("ParseJSONValue(%q): %v", s, err)
	}
	return v
}

func TestElements(t *testing.T) {
	tests := []struct {
		name string
		v    tmpl.Value
		want []string
	}{
		// A JSON array yields its elements (strings decoded).
		{name: "array", v: mustJSON(t, `[1,"two",{"k":3}]`), want: []string{"1", "two", `{"k":3}`}},
		// A string holding a JSON array is an array too.
		{name: "string array", v: tmpl.StringValue(`["a","b"]`), want: []string{"a", "b"}},
		// An empty array yields nothing.
		{name: "empty", v: mustJSON(t, `[]`), want: nil},
		// Unset yields nothing.
		{name: "unset", v: tmpl.Value{}, want: nil},
		// A scalar is a list of itself.
		{name: "scalar", v: tmpl.StringValue("x"), want: []string{"x"}},
		// A string that only looks like an array is a scalar.
		{name: "bad array", v: tmpl.StringValue("[oops"), want: []string{"[oops"}},
		// An object is a list of itself.
		{name: "object", v: mustJSON(t, `{"a":1}`), want: []string{`{"a":1}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.v.Elements(nil)
			if len(got) != len(tt.want) {
				t.Fatalf("Elements = %d values, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].String() != tt.want[i] {
					t.Errorf("element %d = %q, want %q", i, got[i].String(), tt.want[i])
				}
			}
		})
	}
}

func TestAppendJSONValue(t *testing.T) {
	tests := []struct {
		name string
		v    tmpl.Value
		want string
	}{
		// Strings are quoted and escaped.
		{name: "string", v: tmpl.StringValue("a\"b"), want: `"a\"b"`},
		// Numbers, bools and null are literal.
		{name: "number", v: tmpl.NumberValue("1.5"), want: `1.5`},
		{name: "bool", v: tmpl.BoolValue(false), want: `false`},
		{name: "null", v: tmpl.NullValue(), want: `null`},
		// Unset is null in JSON.
		{name: "unset", v: tmpl.Value{}, want: `null`},
		// Structured values are their JSON text.
		{name: "structured", v: mustJSON(t, `{"a": [1, 2]}`), want: `{"a": [1, 2]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.v.AppendJSON(nil)); got != tt.want {
				t.Errorf("AppendJSON = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestWalkAndHas(t *testing.T) {
	v := mustJSON(t, `{"a":{"b":[10,{"c":"deep"}]},"0":"zero-key"}`)
	tests := []struct {
		name string
		path []string
		has  bool
		text string
	}{
		// Objects by key, arrays by index.
		{name: "deep", path: []string{"a", "b", "1", "c"}, has: true, text: "deep"},
		// A numeric key on an object is a key.
		{name: "numeric key", path: []string{"0"}, has: true, text: "zero-key"},
		// A non-numeric segment on an array finds nothing.
		{name: "key on array", path: []string{"a", "b", "x"}, has: false},
		// An index past the end finds nothing.
		{name: "out of range", path: []string{"a", "b", "5"}, has: false},
		// The empty path is the value itself.
		{name: "empty", path: nil, has: true, text: v.String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs := tmpl.Segments(tt.path)
			if got := v.Has(segs); got != tt.has {
				t.Errorf("Has = %v, want %v", got, tt.has)
			}
			if got := v.Walk(segs); got.IsSet() != tt.has || got.String() != tt.text {
				t.Errorf("Walk = %v %q, want set=%v %q", got.Kind(), got.String(), tt.has, tt.text)
			}
		})
	}
	if tmpl.StringValue("x").Has(tmpl.Segments([]string{"a"})) {
		t.Error("a string has no properties")
	}
}
