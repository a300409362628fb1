package tmpl_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/scenario"
)

// FuzzRender parses a template the way the scenario loader does, compiles
// it, and renders it against a scope whose variables hold a fuzzed JSON
// value (or, when that is not JSON, a fuzzed string). Nothing may panic;
// AppendJSONString must always produce valid JSON string content, and
// rendering twice from the same random seed must give the same text.
func FuzzRender(f *testing.F) {
	for _, s := range []struct{ src, val string }{
		{"{{ v }}", `"plain"`},
		{"a{{ v.items[0].id }}b", `{"items":[{"id":7}]}`},
		{"{{ v[3] }}", `[1,2]`},
		{"{{ v.a.b.c.d }}", `{"a":{"b":null}}`},
		{"{{ $loopElement.x }}-{{ $loopCount }}", `{"x":"\u0000\ud800"}`},
		{"{{ $randomNumber(-9223372036854775808, 9223372036854775807) }}", `1`},
		{"{{ $randomString(64) }}{{ $uuid }}", `true`},
		{"{{ $env.TOKEN }}:{{ $vu.id }}", `null`},
		{"{{ v }}", "not json \xff\x00\"\\"},
		{"{{ v[99999999999999999999] }}", `[[[[[[[[[[1]]]]]]]]]]`},
		{"{{ v.items[1] }}", `{"items":[1e999,-0.0]}`},
	} {
		f.Add(s.src, []byte(s.val), uint64(1))
	}
	env := map[string]string{"TOKEN": "s3cr\"et\n"}
	f.Fuzz(func(t *testing.T, src string, val []byte, seed uint64) {
		st, err := scenario.ParseTemplate(src, scenario.Pos{File: "f.yaml", Line: 1, Col: 1})
		if err != nil {
			return // FuzzParseTemplate checks the errors
		}
		syms := tmpl.NewSymbols()
		c, err := tmpl.Compile(st, syms, env)
		if err != nil {
			t.Fatalf("Compile(%q) of a parsed template: %v", src, err)
		}
		v, err := tmpl.ParseJSONValue(val)
		if err != nil {
			v = tmpl.StringValue(string(val))
		}
		// Each rendering gets a fresh scope seeded alike, so that random
		// built-ins give the same text in every form.
		scope := func() *tmpl.Scope {
			s := &tmpl.Scope{Vars: make([]tmpl.Value, syms.Len()), Rand: rand.New(rand.NewPCG(seed, 1)), VUID: 3, LoopCount: 2, LoopElem: v}
			for i := range s.Vars {
				s.Vars[i] = v
			}
			return s
		}
		text := c.Append(nil, scope())
		jsonText := c.AppendJSONString(nil, scope())
		ev := c.Eval(scope())
		var decoded string
		if err := json.Unmarshal(append(append([]byte{'"'}, jsonText...), '"'), &decoded); err != nil {
			t.Fatalf("AppendJSONString(%q) = %q: not a JSON string: %v", src, jsonText, err)
		}
		// Invalid UTF-8 is escaped piece by piece (each invalid byte becomes
		// U+FFFD), so only valid pieces must give the same text in both
		// forms. Scenario scripts are valid UTF-8; values may not be.
		if utf8.ValidString(src) && utf8.Valid(val) && decoded != string(text) {
			t.Fatalf("AppendJSONString(%q) decodes to %q, Append gives %q", src, decoded, text)
		}
		text2 := c.Append(nil, scope())
		if string(text) != string(text2) {
			t.Fatalf("rendering %q twice with one seed: %q then %q", src, text, text2)
		}
		_ = ev.AppendJSON(nil)
		_ = ev.Elements(nil)
		if c.IsConst() && string(text) != c.Text() {
			t.Fatalf("constant %q renders %q, Text() = %q", src, text, c.Text())
		}
	})
}
