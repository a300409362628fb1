package engine

import (
	"reflect"

	"github.com/loadgo/loadgo/runner/engine/redact"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/scenario"
)

// secrets is what a Program knows to be secret: the values of the
// {{ $env.NAME }} references of the scenario whose name says secret or
// that are sent in a sensitive header, masked everywhere, and the
// variables sent in sensitive headers (Authorization, Cookie, X-Api-Key,
// ...), whose values differ per VU and are masked in log steps.
type secrets struct {
	redactor *redact.Redactor
	// headerSlots are the slots of variables used in sensitive headers.
	headerSlots []int
}

// findSecrets walks every template of sc. It walks by reflection so that
// every step kind, present and future, is covered without a list to keep
// up to date; it runs once, at compile time.
func findSecrets(sc *scenario.Scenario, env map[string]string, syms *tmpl.Symbols) secrets {
	w := secretWalker{env: env, seen: map[seenKey]bool{}}
	w.walk(reflect.ValueOf(sc), false)
	var s secrets
	s.redactor = redact.New(w.values...)
	for _, name := range w.headerVars {
		if slot, ok := syms.Lookup(name); ok {
			s.headerSlots = append(s.headerSlots, slot)
		}
	}
	return s
}

type secretWalker struct {
	env        map[string]string
	values     []string
	headerVars []string
	seen       map[seenKey]bool
}

// seenKey identifies a visited pointer; the type matters because a struct
// and its first field share an address.
type seenKey struct {
	t reflect.Type
	p uintptr
}

var (
	templateType = reflect.TypeFor[scenario.Template]()
	headerType   = reflect.TypeFor[scenario.Header]()
)

// walk visits v; sensitive is set inside the value of a sensitive header.
func (w *secretWalker) walk(v reflect.Value, sensitive bool) {
	switch v.Kind() {
	case reflect.Pointer:
		k := seenKey{v.Type(), v.Pointer()}
		if v.IsNil() || w.seen[k] {
			return
		}
		w.seen[k] = true
		w.walk(v.Elem(), sensitive)
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem(), sensitive)
		}
	case reflect.Struct:
		switch v.Type() {
		case templateType:
			w.template(v.Addr().Interface().(*scenario.Template), sensitive)
			return
		case headerType:
			h := v.Interface().(scenario.Header)
			w.walk(reflect.ValueOf(h.Value), sensitive || redact.IsSensitiveHeader(h.Name))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				w.walk(v.Field(i), sensitive)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			w.walk(v.Index(i), sensitive)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.walk(it.Value(), sensitive)
		}
	}
}

// template records the secret $env values and, in a sensitive header,
// the variables of t.
func (w *secretWalker) template(t *scenario.Template, sensitive bool) {
	for _, p := range t.Parts {
		switch {
		case p.Kind == scenario.PartFunc && p.Name == "$env" && len(p.Args) == 1:
			if sensitive || redact.IsSecretName(p.Args[0]) {
				w.values = append(w.values, w.env[p.Args[0]])
			}
		case p.Kind == scenario.PartVar && sensitive:
			w.headerVars = append(w.headerVars, p.Name)
		}
	}
}

// Redactor returns the Program's redactor: it masks the values of the
// scenario's secret $env references and secret-shaped text (see package
// redact).
// Use it on anything about the run that is shown or written: error
// messages, notes, output tags.
func (p *Program) Redactor() *redact.Redactor { return p.secrets.redactor }

// redactLog masks the secrets in a log step's line: the Program's, plus
// the current values of this VU's variables that are sent in sensitive
// headers (a captured token logged by mistake).
func (p *Program) redactLog(vu *VU, line []byte) []byte {
	r := p.secrets.redactor
	if len(p.secrets.headerSlots) > 0 {
		vals := make([]string, 0, len(p.secrets.headerSlots))
		for _, slot := range p.secrets.headerSlots {
			if slot < len(vu.scope.Vars) {
				vals = append(vals, vu.scope.Vars[slot].String())
			}
		}
		r = r.With(vals...)
	}
	return []byte(r.String(string(line)))
}
