package jsonpath_test

import (
	"strings"
	"testing"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
)

const store = `{
  "store": {
    "book": [
      {"title": "A", "price": 8, "author": {"name": "X"}},
      {"title": "B", "price": 12},
      {"title": "C", "price": 9, "author": {"name": "Y"}}
    ],
    "bicycle": {"color": "red", "price": 20}
  },
  "odd key": "spaces",
  "id": 7
}`

func TestEval(t *testing.T) {
	var d jsonpath.Doc
	if err := d.Parse([]byte(store)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, expr string
		want       []string // raw JSON of each result
	}{
		// $ is the whole document.
		{name: "root", expr: "$", want: []string{strings.TrimSpace(store)}},
		// .key selects a member.
		{name: "key", expr: "$.id", want: []string{"7"}},
		// A path without $ is relative to the root.
		{name: "implicit root", expr: "id", want: []string{"7"}},
		// Chained keys and an index.
		{name: "index", expr: "$.store.book[1].title", want: []string{`"B"`}},
		// A negative index counts from the end.
		{name: "negative index", expr: "$.store.book[-1].title", want: []string{`"C"`}},
		// Bracket keys with either quote, including spaces.
		{name: "bracket key", expr: `$['odd key']`, want: []string{`"spaces"`}},
		{name: "double-quoted key", expr: `$["store"]["bicycle"].color`, want: []string{`"red"`}},
		// [*] selects every element, in order.
		{name: "wildcard", expr: "$.store.book[*].price", want: []string{"8", "12", "9"}},
		// .* selects every member of an object.
		{name: "dot wildcard", expr: "$.store.bicycle.*", want: []string{`"red"`, "20"}},
		// Missing members are skipped, not errors.
		{name: "sparse", expr: "$.store.book[*].author.name", want: []string{`"X"`, `"Y"`}},
		// ..key finds the key at any depth, in document order.
		{name: "descent", expr: "$..price", want: []string{"8", "12", "9", "20"}},
		// ..key then more steps.
		{name: "descent then key", expr: "$..author.name", want: []string{`"X"`, `"Y"`}},
		// ..[N] indexes every array.
		{name: "descent index", expr: "$..book[0].title", want: []string{`"A"`}},
		// Nothing matches.
		{name: "no match", expr: "$.nope", want: nil},
		// Indexing an object matches nothing.
		{name: "index on object", expr: "$.store[0]", want: nil},
		// Out of range.
		{name: "out of range", expr: "$.store.book[5]", want: nil},
	}
	var s jsonpath.Scratch
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := jsonpath.Compile(tt.expr)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.expr, err)
			}
			got := p.Eval(&d, &s)
			if len(got) != len(tt.want) {
				t.Fatalf("Eval(%q) = %d results, want %d", tt.expr, len(got), len(tt.want))
			}
			for i, n := range got {
				if raw := string(d.Raw(n)); raw != tt.want[i] {
					t.Errorf("result %d = %s, want %s", i, raw, tt.want[i])
				}
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, expr string
	}{
		// Empty expressions are rejected.
		{name: "empty", expr: "  "},
		// A dot needs a name.
		{name: "dangling dot", expr: "$.a."},
		// Brackets must close.
		{name: "open bracket", expr: "$.a[1"},
		// Quoted keys must close.
		{name: "open quote", expr: "$['a]"},
		// Filters and slices are not supported.
		{name: "filter", expr: "$.a[?(@.x)]"},
		{name: "slice", expr: "$.a[0:2]"},
		// Garbage after $.
		{name: "garbage", expr: "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := jsonpath.Compile(tt.expr); err == nil {
				t.Errorf("Compile(%q) succeeded, want an error", tt.expr)
			}
		})
	}
}

func TestParseAndEvalDoNotAllocate(t *testing.T) {
	var d jsonpath.Doc
	var s jsonpath.Scratch
	p, err := jsonpath.Compile("$..author.name")
	if err != nil {
		t.Fatal(err)
	}
	src := []byte(store)
	allocs := testing.AllocsPerRun(100, func() {
		if err := d.Parse(src); err != nil {
			t.Fatal(err)
		}
		if len(p.Eval(&d, &s)) != 2 {
			t.Fatal("wrong result")
		}
	})
	if allocs != 0 {
		t.Errorf("Parse+Eval allocated %v times per run once warm, want 0", allocs)
	}
}

func BenchmarkParseEval(b *testing.B) {
	var d jsonpath.Doc
	var s jsonpath.Scratch
	p, err := jsonpath.Compile("$.store.book[*].title")
	if err != nil {
		b.Fatal(err)
	}
	src := []byte(store)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Parse(src); err != nil {
			b.Fatal(err)
		}
		p.Eval(&d, &s)
	}
}
