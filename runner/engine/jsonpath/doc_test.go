package jsonpath_test

import (
	"errors"
	"testing"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		ok        bool
		kind      jsonpath.Kind
		nodes     int
	}{
		// Scalars.
		{name: "null", src: "null", ok: true, kind: jsonpath.Null, nodes: 1},
		{name: "true", src: " true ", ok: true, kind: jsonpath.True, nodes: 1},
		{name: "false", src: "false", ok: true, kind: jsonpath.False, nodes: 1},
		{name: "number", src: "-12.5e+3", ok: true, kind: jsonpath.Number, nodes: 1},
		{name: "string", src: `"a\"b\u00e9"`, ok: true, kind: jsonpath.String, nodes: 1},
		// Containers count every value as a node.
		{name: "object", src: `{"a": [1, 2, {"b": null}], "c": ""}`, ok: true, kind: jsonpath.Object, nodes: 7},
		{name: "empty containers", src: `[{}, []]`, ok: true, kind: jsonpath.Array, nodes: 3},
		// Sad paths: every one is rejected with ErrSyntax.
		{name: "empty input", src: "", ok: false},
		{name: "trailing garbage", src: `{"a":1} x`, ok: false},
		{name: "trailing comma", src: `[1,]`, ok: false},
		{name: "missing colon", src: `{"a" 1}`, ok: false},
		{name: "unquoted key", src: `{a:1}`, ok: false},
		{name: "leading zero", src: `01`, ok: false},
		{name: "bare minus", src: `-`, ok: false},
		{name: "no fraction digits", src: `1.`, ok: false},
		{name: "no exponent digits", src: `1e`, ok: false},
		{name: "bad escape", src: `"\x"`, ok: false},
		{name: "bad unicode escape", src: `"\u12g4"`, ok: false},
		{name: "control character", src: "\"a\nb\"", ok: false},
		{name: "unterminated string", src: `"abc`, ok: false},
		{name: "unterminated array", src: `[1, 2`, ok: false},
		{name: "bad literal", src: `nul`, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d jsonpath.Doc
			err := d.Parse([]byte(tt.src))
			if !tt.ok {
				if !errors.Is(err, jsonpath.ErrSyntax) {
					t.Fatalf("Parse(%q) error = %v, want ErrSyntax", tt.src, err)
				}
				if d.Root() != jsonpath.None {
					t.Errorf("a failed parse left a root")
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if d.Kind(d.Root()) != tt.kind || d.Len() != tt.nodes {
				t.Errorf("root %v with %d nodes, want %v with %d", d.Kind(d.Root()), d.Len(), tt.kind, tt.nodes)
			}
		})
	}
}

func TestParseDepthLimit(t *testing.T) {
	deep := make([]byte, 0, 2000)
	for range 1000 {
		deep = append(deep, '[')
	}
	var d jsonpath.Doc
	if err := d.Parse(deep); !errors.Is(err, jsonpath.ErrSyntax) {
		t.Errorf("1000 nested arrays: error = %v, want ErrSyntax (too deep)", err)
	}
}

func TestAppendText(t *testing.T) {
	var d jsonpath.Doc
	src := `{"s":"tab\there \"q\" \\ \/ \u00e9 \ud83d\ude00 \ud800x","n":1.5e3,"b":true,"z":null,"a":[1, "x"],"k\u0065y":1,"plain":"simple"}`
	if err := d.Parse([]byte(src)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, want string
	}{
		// Escapes decode, including a surrogate pair; a lone surrogate is U+FFFD.
		{"s", "tab\there \"q\" \\ / é 😀 \uFFFDx"},
		// Numbers keep their literal.
		{"n", "1.5e3"},
		{"b", "true"},
		{"z", "null"},
		// Containers are their JSON text.
		{"a", `[1, "x"]`},
		// An escaped key matches its decoded form.
		{"key", "1"},
		// A string without escapes.
		{"plain", "simple"},
	}
	for _, tt := range tests {
		n := d.Field(d.Root(), tt.key)
		if n == jsonpath.None {
			t.Errorf("Field(%q) not found", tt.key)
			continue
		}
		if got := string(d.AppendText(nil, n)); got != tt.want {
			t.Errorf("AppendText(%q) = %q, want %q", tt.key, got, tt.want)
		}
		if got := d.Text(n); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestNavigation(t *testing.T) {
	var d jsonpath.Doc
	if err := d.Parse([]byte(`{"a":1,"a":2,"arr":[10,20,30]}`)); err != nil {
		t.Fatal(err)
	}
	root := d.Root()
	if got := string(d.Raw(d.Field(root, "a"))); got != "2" {
		t.Errorf("duplicate key: got %s, want the last one (2)", got)
	}
	arr := d.Field(root, "arr")
	for _, tc := range []struct {
		i    int
		want string
	}{{0, "10"}, {2, "30"}, {-1, "30"}, {-3, "10"}} {
		if got := string(d.Raw(d.Index(arr, tc.i))); got != tc.want {
			t.Errorf("Index(%d) = %s, want %s", tc.i, got, tc.want)
		}
	}
	for _, i := range []int{3, -4} {
		if d.Index(arr, i) != jsonpath.None {
			t.Errorf("Index(%d) found a node past the end", i)
		}
	}
	if d.Field(arr, "x") != jsonpath.None || d.Index(root, 0) != jsonpath.None {
		t.Error("Field on an array or Index on an object found a node")
	}
	if d.Count(arr) != 3 || d.First(d.Index(arr, 0)) != jsonpath.None {
		t.Error("Count/First wrong")
	}
}

func TestOwned(t *testing.T) {
	src := []byte(`{"x":{"y":[1,2]}}`)
	var d jsonpath.Doc
	if err := d.Parse(src); err != nil {
		t.Fatal(err)
	}
	owned, err := d.Owned(d.Field(d.Root(), "x"))
	if err != nil {
		t.Fatal(err)
	}
	copy(src, `{"q":{"q":[9,9]}}`) // the response buffer is reused
	if got := string(owned.Raw(owned.Root())); got != `{"y":[1,2]}` {
		t.Errorf("owned copy = %s, want it unaffected by the source buffer", got)
	}
}

func TestValidNumber(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "-1.25e-3": true, "1E9": true, "": false, "+1": false, "0x10": false, "1.": false, ".5": false, "1e": false, "NaN": false} {
		if got := jsonpath.ValidNumber(s); got != want {
			t.Errorf("ValidNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
