package engine

import (
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/loadgo/loadgo/runner/engine/redact"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/scenario"
)

// secrets is what a Program knows to be secret. Masked everywhere (the
// static redactor): the values of {{ $env.NAME }} references whose name
// says secret, that are sent in a sensitive header or that config.secrets
// declares; every {{ $file(...) }} content; the values of declared payload
// fields and constant declared variables; and, once the before flow has
// run, the values it captured into secret variables. Masked in what one
// VU shows (its log steps, the before/after flows' errors): the current
// values of its secret variables, those sent in sensitive headers
// (Authorization, Cookie, X-Api-Key, ...) and those config.secrets
// declares, which differ per VU.
type secrets struct {
	redactor atomic.Pointer[redact.Redactor]
	// slots are the slots of secret variables.
	slots []int
}

// findSecrets fills s from every template of sc. It walks by reflection
// so that every step kind, present and future, is covered without a list
// to keep up to date; it runs once, at compile time.
func findSecrets(s *secrets, sc *scenario.Scenario, env map[string]string, syms *tmpl.Symbols) {
	declared := make(map[string]bool, len(sc.Config.Secrets))
	for _, n := range sc.Config.Secrets {
		declared[n] = true
	}
	w := secretWalker{env: env, declared: declared, seen: map[seenKey]bool{}}
	w.walk(reflect.ValueOf(sc), false)
	w.declaredValues(sc)
	s.redactor.Store(redact.New(w.values...))
	seen := map[int]bool{}
	for _, name := range append(w.headerVars, sc.Config.Secrets...) {
		if slot, ok := syms.Lookup(name); ok && !seen[slot] {
			seen[slot] = true
			s.slots = append(s.slots, slot)
		}
	}
}

// declaredValues adds the values known at compile time of the variables
// and payload fields config.secrets declares.
func (w *secretWalker) declaredValues(sc *scenario.Scenario) {
	for _, v := range sc.Config.Variables {
		if !w.declared[v.Name] {
			continue
		}
		for _, t := range v.Values {
			if t != nil && t.IsConst() {
				w.values = append(w.values, constText(t))
			}
		}
	}
	for _, pl := range sc.Config.Payloads {
		for j, f := range pl.Fields {
			if !w.declared[f] {
				continue
			}
			for _, row := range pl.Rows {
				if j < len(row) {
					w.values = append(w.values, row[j])
				}
			}
		}
	}
}

// constText is the text of a template without placeholders.
func constText(t *scenario.Template) string {
	var b strings.Builder
	for _, p := range t.Parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

type secretWalker struct {
	env        map[string]string
	declared   map[string]bool
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

// template records the secret $env values, $file contents and, in a
// sensitive header, the variables of t.
func (w *secretWalker) template(t *scenario.Template, sensitive bool) {
	for _, p := range t.Parts {
		switch {
		case p.Kind == scenario.PartFunc && p.Name == "$env" && len(p.Args) == 1:
			if sensitive || redact.IsSecretName(p.Args[0]) || w.declared[p.Args[0]] {
				w.values = append(w.values, w.env[p.Args[0]])
			}
		case p.Kind == scenario.PartFunc && p.Name == "$file" && len(p.Args) == 2:
			w.values = append(w.values, p.Args[1])
		case p.Kind == scenario.PartVar && sensitive:
			w.headerVars = append(w.headerVars, p.Name)
		}
	}
}

// Redactor returns the Program's redactor: it masks the values of the
// scenario's secrets known to the whole run (see secrets) and
// secret-shaped text (see package redact). Use it on anything about the
// run that is shown or written: error messages, notes, output tags. After
// RunBefore it also masks what the before flow captured into secret
// variables.
func (p *Program) Redactor() *redact.Redactor { return p.secrets.redactor.Load() }

// vuRedactor is the Program's redactor plus the current values of vu's
// secret variables (a captured token logged by mistake).
func (p *Program) vuRedactor(vu *VU) *redact.Redactor {
	r := p.Redactor()
	if len(p.secrets.slots) == 0 {
		return r
	}
	return r.With(p.secretValues(vu)...)
}

// secretValues returns the current values of vu's secret variables.
func (p *Program) secretValues(vu *VU) []string {
	vals := make([]string, 0, len(p.secrets.slots))
	for _, slot := range p.secrets.slots {
		if slot < len(vu.scope.Vars) && vu.scope.Vars[slot].IsSet() {
			vals = append(vals, vu.scope.Vars[slot].String())
		}
	}
	return vals
}

// learnSecrets adds the current values of vu's secret variables to the
// Program's redactor. RunBefore calls it: what the before flow captured
// seeds every VU, so it is a secret of the whole run.
func (p *Program) learnSecrets(vu *VU) {
	if vals := p.secretValues(vu); len(vals) > 0 {
		p.secrets.redactor.Store(p.Redactor().With(vals...))
	}
}

// redactLog masks the secrets in a log step's line.
func (p *Program) redactLog(vu *VU, line []byte) []byte {
	return []byte(p.vuRedactor(vu).String(string(line)))
}
