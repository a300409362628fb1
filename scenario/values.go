package scenario

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNesting bounds how deeply JSON bodies and loop lists may nest, so that
// the runner's recursive rendering stays cheap.
const maxNesting = 64

// template parses the scalar n as a template. Its variable references are
// recorded for the check that runs once the whole script is read.
func (d *decoder) template(n *yaml.Node, path string) *Template {
	s, ok := d.str(n, path)
	if !ok {
		return nil
	}
	return d.templateText(s, n, path)
}

// templateText parses s, the value of n, as a template.
func (d *decoder) templateText(s string, n *yaml.Node, path string) *Template {
	dn := deref(n)
	t, offs, err := parseTemplate(s)
	if err != nil {
		d.errorAt(d.posAt(dn, err.off), path, err.msg)
		return nil
	}
	t.Pos = d.pos(dn)
	for i, p := range t.Parts {
		d.secretPart(&t.Parts[i], dn, offs[i], path)
		if p.Kind != PartVar {
			continue
		}
		switch {
		case p.Name == "$loopCount" || p.Name == "$loopElement":
			if d.loopDepth == 0 {
				d.errorAt(d.posAt(dn, offs[i]), path, "`"+p.Name+"` is only available inside a loop")
			}
		case p.Name == "$group" && d.rt.groupSize == 0:
			d.errorAt(d.posAt(dn, offs[i]), path, "`$group` needs config.groups (e.g. groups: { size: 4 })")
		case !strings.HasPrefix(p.Name, "$"):
			d.refs = append(d.refs, varRef{name: p.Name, pos: d.posAt(dn, offs[i]), path: path})
		}
	}
	return t
}

// headers decodes a mapping of header names to templates.
func (d *decoder) headers(n *yaml.Node, path string) []Header {
	pairs, _ := d.mapping(n, path)
	var out []Header
	for _, p := range pairs {
		if !validHeaderName(p.key) {
			d.errorf(p.k, join(path, p.key), "invalid header name `%s`", clip(p.key))
			continue
		}
		if t := d.template(p.v, join(path, p.key)); t != nil {
			out = append(out, Header{Name: p.key, Value: t})
		}
	}
	return out
}

// mergeHeaders returns base with over applied; header names compare
// case-insensitively and keep base's order.
func mergeHeaders(base, over []Header) []Header {
	out := append([]Header(nil), base...)
	for _, h := range over {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Name, h.Name) {
				out[i] = h
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, h)
		}
	}
	return out
}

// validHeaderName reports whether s is an HTTP token (RFC 9110).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// params decodes a mapping of query-string or form parameters.
func (d *decoder) params(n *yaml.Node, path string) []Param {
	pairs, _ := d.mapping(n, path)
	var out []Param
	for _, p := range pairs {
		if t := d.template(p.v, join(path, p.key)); t != nil {
			out = append(out, Param{Name: p.key, Value: t})
		}
	}
	return out
}

// jsonValue converts any YAML value into a JSON value whose strings are
// templates.
func (d *decoder) jsonValue(n *yaml.Node, path string, depth int) *JSONValue {
	if depth > maxNesting {
		d.errorf(n, path, "nested more than %d levels deep", maxNesting)
		return nil
	}
	dn := deref(n)
	switch dn.Kind {
	case yaml.MappingNode:
		pairs, ok := d.mapping(dn, path)
		if !ok {
			return nil
		}
		v := &JSONValue{Kind: JSONObject, Obj: make([]JSONField, 0, len(pairs))}
		for _, p := range pairs {
			if f := d.jsonValue(p.v, join(path, p.key), depth+1); f != nil {
				v.Obj = append(v.Obj, JSONField{Key: p.key, Value: f})
			}
		}
		return v
	case yaml.SequenceNode:
		v := &JSONValue{Kind: JSONArray, Arr: make([]*JSONValue, 0, len(dn.Content))}
		for i, item := range dn.Content {
			if e := d.jsonValue(item, index(path, i), depth+1); e != nil {
				v.Arr = append(v.Arr, e)
			}
		}
		return v
	case yaml.ScalarNode:
		return d.jsonScalar(dn, path)
	}
	d.errorf(n, path, "expected a JSON value, got %s", describe(dn))
	return nil
}

// jsonScalar converts a scalar, keeping numbers as their literal text when
// it is already valid JSON (so big integers keep every digit).
func (d *decoder) jsonScalar(n *yaml.Node, path string) *JSONValue {
	switch n.Tag {
	case "!!null":
		return &JSONValue{Kind: JSONNull}
	case "!!bool":
		b, ok := d.boolean(n, path)
		if !ok {
			return nil
		}
		return &JSONValue{Kind: JSONBool, Bool: b}
	case "!!int", "!!float":
		if isJSONNumber(n.Value) {
			return &JSONValue{Kind: JSONNumber, Num: n.Value}
		}
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.errorf(n, path, "the number %s cannot be written in JSON", clip(n.Value))
			return nil
		}
		if n.Tag == "!!int" {
			var i int64
			if err := n.Decode(&i); err == nil {
				return &JSONValue{Kind: JSONNumber, Num: strconv.FormatInt(i, 10)}
			}
		}
		return &JSONValue{Kind: JSONNumber, Num: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	t := d.templateText(n.Value, n, path)
	if t == nil {
		return nil
	}
	return &JSONValue{Kind: JSONString, Str: t}
}

// isJSONNumber reports whether s matches JSON's number grammar.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
