package tmpl_test

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
)

// fixture compiles templates against a table with a few variables set.
type fixture struct {
	syms  *tmpl.Symbols
	scope tmpl.Scope
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{syms: tmpl.NewSymbols()}
	user, err := tmpl.ParseJSONValue([]byte(`{"name":"Ada","tags":["x","y"],"age":36,"nested":{"ok":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]tmpl.Value{
		"name":  tmpl.StringValue("bob"),
		"count": tmpl.NumberValue("42"),
		"flag":  tmpl.BoolValue(true),
		"user":  user,
		"quote": tmpl.StringValue("a\"b\\c\nd\te\x01f\xffg"),
	}
	f.syms.Slot("unset")
	for name := range vars {
		f.syms.Slot(name)
	}
	f.scope.Vars = make([]tmpl.Value, f.syms.Len())
	for name, v := range vars {
		i, _ := f.syms.Lookup(name)
		f.scope.Vars[i] = v
	}
	f.scope.Rand = rand.New(rand.NewPCG(1, 2))
	f.scope.VUID = 7
	return f
}

func (f *fixture) compile(t testing.TB, src string) *tmpl.Template {
	t.Helper()
	c, err := tmpl.Compile(scentest.T(src), f.syms, map[string]string{"HOME": "/home/x", "Q": `"`})
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	return c
}

func TestAppend(t *testing.T) {
	tests := []struct {
		name, src, want string
		loopCount       int64
		loopElem        string // JSON text; "" for none
	}{
		// Literal text renders as is.
		{name: "text", src: "hello world", want: "hello world"},
		// A string variable between text.
		{name: "var", src: "/users/{{ name }}/x", want: "/users/bob/x"},
		// A number keeps its literal.
		{name: "number", src: "{{ count }}", want: "42"},
		// A bool renders as true/false.
		{name: "bool", src: "{{ flag }}", want: "true"},
		// An unset variable renders as the empty string.
		{name: "unset", src: "[{{ unset }}]", want: "[]"},
		// A variable never defined anywhere is defined on the fly and unset.
		{name: "undefined", src: "[{{ nobody }}]", want: "[]"},
		// A structured value renders as its JSON text.
		{name: "structured", src: "{{ user.nested }}", want: `{"ok":true}`},
		// A dotted path walks into an object.
		{name: "path", src: "{{ user.name }}", want: "Ada"},
		// A numeric segment indexes an array.
		{name: "index", src: "{{ user.tags.1 }}", want: "y"},
		// A path that does not exist renders empty.
		{name: "missing path", src: "<{{ user.nope.deeper }}>", want: "<>"},
		// A path into a scalar renders empty.
		{name: "path into scalar", src: "<{{ name.length }}>", want: "<>"},
		// $env is resolved at compile time.
		{name: "env", src: "{{ $env.HOME }}/{{ $processEnvironment.HOME }}", want: "/home/x//home/x"},
		// A missing environment variable is empty.
		{name: "env missing", src: "<{{ $env.NOPE }}>", want: "<>"},
		// $vu.id is the VU's id.
		{name: "vu id", src: "vu-{{ $vu.id }}", want: "vu-7"},
		// $loopCount outside a loop is empty.
		{name: "loopCount outside", src: "<{{ $loopCount }}>", want: "<>"},
		// $loopCount inside a loop is 1-based.
		{name: "loopCount", src: "n={{ $loopCount }}", loopCount: 3, want: "n=3"},
		// $loopElement renders the element.
		{name: "loopElement", src: "{{ $loopElement }}", loopCount: 1, loopElem: `"abc"`, want: "abc"},
		// $loopElement with a path walks into an object element.
		{name: "loopElement path", src: "{{ $loopElement.id }}", loopCount: 1, loopElem: `{"id":5}`, want: "5"},
		// A fixed-range $randomNumber is deterministic.
		{name: "randomNumber fixed", src: "{{ $randomNumber(4, 4) }}", want: "4"},
		// $randomString(0) is empty.
		{name: "randomString zero", src: "<{{ $randomString(0) }}>", want: "<>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			c := f.compile(t, tt.src)
			f.scope.LoopCount = tt.loopCount
			if tt.loopElem != "" {
				v, err := tmpl.ParseJSONValue([]byte(tt.loopElem))
				if err != nil {
					t.Fatal(err)
				}
				f.scope.LoopElem = v
			}
			if got := string(c.Append(nil, &f.scope)); got != tt.want {
				t.Errorf("Append(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestRandomBuiltins(t *testing.T) {
	f := newFixture(t)
	num := f.compile(t, "{{ $randomNumber(1, 3) }}")
	seen := map[string]int{}
	for range 600 {
		seen[string(num.Append(nil, &f.scope))]++
	}
	if len(seen) != 3 || seen["1"] == 0 || seen["2"] == 0 || seen["3"] == 0 {
		t.Errorf("$randomNumber(1, 3) drew %v, want each of 1, 2, 3 (inclusive bounds)", seen)
	}

	// Bounds given in reverse order are swapped at compile time.
	rev := f.compile(t, "{{ $randomNumber(3, 1) }}")
	for range 100 {
		if v := string(rev.Append(nil, &f.scope)); v != "1" && v != "2" && v != "3" {
			t.Fatalf("$randomNumber(3, 1) = %s, want 1..3", v)
		}
	}

	alnum := regexp.MustCompile(`^[A-Za-z0-9]*$`)
	for _, tc := range []struct {
		src  string
		want int
	}{{"{{ $randomString(12) }}", 12}, {"{{ $randomString() }}", 10}, {"{{ $randomString(100) }}", 100}} {
		s := string(f.compile(t, tc.src).Append(nil, &f.scope))
		if len(s) != tc.want || !alnum.MatchString(s) {
			t.Errorf("%s = %q, want %d alphanumeric characters", tc.src, s, tc.want)
		}
	}

	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	u := f.compile(t, "{{ $uuid }}")
	a, b := string(u.Append(nil, &f.scope)), string(u.Append(nil, &f.scope))
	if !uuidRE.MatchString(a) || !uuidRE.MatchString(b) || a == b {
		t.Errorf("$uuid gave %q and %q, want two different v4 UUIDs", a, b)
	}
}

func TestAppendJSONString(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, src, want string // want is the decoded string
	}{
		// Quotes, backslashes and control characters are escaped; invalid
		// UTF-8 becomes U+FFFD.
		{name: "escapes", src: "{{ quote }}", want: "a\"b\\c\nd\te\x01f\uFFFDg"},
		// Literal text with a quote is escaped too.
		{name: "literal", src: `say "hi" to {{ name }}`, want: `say "hi" to bob`},
		// A structured value is embedded as escaped JSON text.
		{name: "structured", src: "{{ user.nested }}", want: `{"ok":true}`},
		// $env text is escaped like literal text.
		{name: "env", src: "{{ $env.Q }}", want: `"`},
		// Multi-byte UTF-8 passes through.
		{name: "utf8", src: "héllo ✓ {{ name }}", want: "héllo ✓ bob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.compile(t, tt.src)
			out := append([]byte{'"'}, c.AppendJSONString(nil, &f.scope)...)
			out = append(out, '"')
			var got string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("output %s is not a JSON string: %v", out, err)
			}
			if got != tt.want {
				t.Errorf("decoded %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEval(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, src string
		kind      tmpl.Kind
		text      string
	}{
		// A lone variable keeps its structure.
		{name: "structured", src: "{{ user.tags }}", kind: tmpl.JSON, text: `["x","y"]`},
		// A lone variable keeps its type.
		{name: "number", src: "{{ count }}", kind: tmpl.Number, text: "42"},
		// A path to a scalar yields the scalar.
		{name: "path scalar", src: "{{ user.age }}", kind: tmpl.Number, text: "36"},
		// An unset variable stays unset.
		{name: "unset", src: "{{ unset }}", kind: tmpl.Unset, text: ""},
		// Text around a variable makes a string.
		{name: "mixed", src: "n={{ count }}", kind: tmpl.String, text: "n=42"},
		// $vu.id is a number.
		{name: "vu id", src: "{{ $vu.id }}", kind: tmpl.Number, text: "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := f.compile(t, tt.src).Eval(&f.scope)
			if v.Kind() != tt.kind || v.String() != tt.text {
				t.Errorf("Eval(%q) = %v %q, want %v %q", tt.src, v.Kind(), v.String(), tt.kind, tt.text)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		// Unknown built-in variables are rejected.
		{name: "unknown builtin", src: "{{ $foo }}", want: "unknown built-in $foo"},
		// Only $vu.id exists.
		{name: "vu property", src: "{{ $vu.name }}", want: "only $vu.id"},
		// $loopCount has no properties.
		{name: "loopCount path", src: "{{ $loopCount.x }}", want: "no properties"},
		// $randomNumber needs two bounds.
		{name: "randomNumber arity", src: "{{ $randomNumber(1) }}", want: "two integers"},
		// $randomNumber bounds must be integers.
		{name: "randomNumber type", src: "{{ $randomNumber(a, 2) }}", want: "not an integer"},
		// A negative length is rejected.
		{name: "randomString negative", src: "{{ $randomString(-1) }}", want: "one length"},
		// $uuid takes no arguments.
		{name: "uuid args", src: "{{ $uuid(3) }}", want: "no arguments"},
		// Unknown functions are rejected.
		{name: "unknown function", src: "{{ $nope() }}", want: "unknown function $nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tmpl.Compile(scentest.T(tt.src), tmpl.NewSymbols(), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.src) {
				t.Errorf("Compile(%q) error = %v, want one naming the template and containing %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestConst(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		src   string
		konst bool
		text  string
	}{
		{"plain", true, "plain"},
		{"a{{ $env.HOME }}b", true, "a/home/xb"}, // $env folds into text
		{"{{ name }}", false, ""},
		{"", true, ""},
	} {
		c := f.compile(t, tc.src)
		if c.IsConst() != tc.konst || c.Text() != tc.text {
			t.Errorf("%q: IsConst %v Text %q, want %v %q", tc.src, c.IsConst(), c.Text(), tc.konst, tc.text)
		}
	}
	if got := string(tmpl.Const(`x"y`).AppendJSONString(nil, &f.scope)); got != `x\"y` {
		t.Errorf("Const JSON = %s", got)
	}
}

func TestSymbols(t *testing.T) {
	s := tmpl.NewSymbols()
	a, b, a2 := s.Slot("a"), s.Slot("b"), s.Slot("a")
	if a != 0 || b != 1 || a2 != a || s.Len() != 2 || s.Name(1) != "b" {
		t.Errorf("slots a=%d b=%d a again=%d len=%d", a, b, a2, s.Len())
	}
	if _, ok := s.Lookup("c"); ok {
		t.Error("Lookup of an undefined name succeeded")
	}
}

func TestAppendDoesNotAllocate(t *testing.T) {
	f := newFixture(t)
	c := f.compile(t, `/u/{{ name }}/{{ user.name }}?n={{ count }}&r={{ $randomNumber(1, 1000) }}&s={{ $randomString(8) }}&id={{ $uuid }}&vu={{ $vu.id }}`)
	j := f.compile(t, `{{ quote }} {{ user.nested }}`)
	buf := make([]byte, 0, 512)
	allocs := testing.AllocsPerRun(100, func() {
		buf = c.Append(buf[:0], &f.scope)
		buf = j.AppendJSONString(buf, &f.scope)
	})
	if allocs != 0 {
		t.Errorf("rendering allocated %v times per run, want 0", allocs)
	}
}

func BenchmarkAppend(b *testing.B) {
	f := newFixture(b)
	c := f.compile(b, `/users/{{ name }}/items/{{ user.tags.0 }}?n={{ count }}&r={{ $randomNumber(1, 1000) }}&id={{ $uuid }}`)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = c.Append(buf[:0], &f.scope)
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	f := newFixture(b)
	c := f.compile(b, `hello {{ name }}, "{{ quote }}"`)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = c.AppendJSONString(buf[:0], &f.scope)
	}
}
