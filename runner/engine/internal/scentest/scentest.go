// Package scentest builds scenario values by hand for the engine's tests,
// so they do not depend on the YAML loader. Its template parser understands
// only what the tests write: text, {{ name.path }}, {{ $fn(a, b) }} and
// {{ $env.NAME }}.
package scentest

import (
	"strings"

	"github.com/loadgo/loadgo/scenario"
)

// T builds a template from src.
func T(src string) *scenario.Template {
	t := &scenario.Template{Src: src}
	rest := src
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			panic("scentest: unterminated placeholder in " + src)
		}
		if i > 0 {
			t.Parts = append(t.Parts, scenario.TemplatePart{Kind: scenario.PartText, Text: rest[:i]})
		}
		t.Parts = append(t.Parts, placeholder(strings.TrimSpace(rest[i+2:i+j])))
		rest = rest[i+j+2:]
	}
	if rest != "" {
		t.Parts = append(t.Parts, scenario.TemplatePart{Kind: scenario.PartText, Text: rest})
	}
	return t
}

func placeholder(expr string) scenario.TemplatePart {
	if name, args, ok := strings.Cut(expr, "("); ok {
		p := scenario.TemplatePart{Kind: scenario.PartFunc, Name: strings.TrimSpace(name)}
		args = strings.TrimSuffix(strings.TrimSpace(args), ")")
		if strings.TrimSpace(args) != "" {
			for _, a := range strings.Split(args, ",") {
				p.Args = append(p.Args, strings.TrimSpace(a))
			}
		}
		return p
	}
	for _, prefix := range []string{"$env.", "$processEnvironment."} {
		if name, ok := strings.CutPrefix(expr, prefix); ok {
			return scenario.TemplatePart{Kind: scenario.PartFunc, Name: "$env", Args: []string{name}}
		}
	}
	if expr == "$uuid" {
		return scenario.TemplatePart{Kind: scenario.PartFunc, Name: "$uuid"}
	}
	segs := strings.Split(expr, ".")
	p := scenario.TemplatePart{Kind: scenario.PartVar, Name: segs[0]}
	if len(segs) > 1 {
		p.Path = segs[1:]
	}
	return p
}

// Str is a JSON string value holding template src.
func Str(src string) *scenario.JSONValue {
	return &scenario.JSONValue{Kind: scenario.JSONString, Str: T(src)}
}

// Num is a JSON number literal.
func Num(lit string) *scenario.JSONValue {
	return &scenario.JSONValue{Kind: scenario.JSONNumber, Num: lit}
}

// Obj is a JSON object; kv alternates keys (string) and values (*JSONValue).
func Obj(kv ...any) *scenario.JSONValue {
	v := &scenario.JSONValue{Kind: scenario.JSONObject}
	for i := 0; i < len(kv); i += 2 {
		v.Obj = append(v.Obj, scenario.JSONField{Key: kv[i].(string), Value: kv[i+1].(*scenario.JSONValue)})
	}
	return v
}

// Arr is a JSON array.
func Arr(elems ...*scenario.JSONValue) *scenario.JSONValue {
	return &scenario.JSONValue{Kind: scenario.JSONArray, Arr: elems}
}
