package scenario

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	captureKeys = []string{"json", "regexp", "header", "as", "strict", "group", "flags"}
	expectKeys  = []string{"statusCode", "contentType", "hasProperty", "equals", "hasHeader"}
	// unsupportedExpects are expectations of Artillery's expect plugin that
	// loadgo does not implement.
	unsupportedExpects = map[string]bool{"notStatusCode": true, "notHasProperty": true, "matchesRegexp": true, "headerEquals": true, "cdnHit": true}
)

// captures decodes capture: one mapping or a list of them.
func (d *decoder) captures(n *yaml.Node, path string) []Capture {
	var out []Capture
	if dn := deref(n); dn.Kind == yaml.SequenceNode {
		for i, item := range dn.Content {
			if c, ok := d.capture(item, index(path, i)); ok {
				out = append(out, c)
			}
		}
		return out
	}
	if c, ok := d.capture(n, path); ok {
		out = append(out, c)
	}
	return out
}

// capture decodes one capture.
func (d *decoder) capture(n *yaml.Node, path string) (Capture, bool) {
	c := Capture{Strict: true, Pos: d.pos(n)}
	before := len(d.problems)
	pairs, ok := d.mapping(n, path)
	if !ok {
		return c, false
	}
	var kinds []pair
	var group, flags *pair
	hasAs, unknown := false, false
	for i, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "json", "regexp", "header":
			kinds = append(kinds, p)
		case "as":
			hasAs = true
			if s, good := d.str(p.v, kp); good {
				if !isIdent(s) {
					d.errorf(p.v, kp, "invalid variable name %s: use letters, digits, `_` and `-`, starting with a letter", quote(s))
				}
				c.As = s
				d.defined[s] = true
			}
		case "strict":
			c.Strict, _ = d.boolean(p.v, kp)
		case "group":
			group = &pairs[i]
		case "flags":
			flags = &pairs[i]
		case "selector", "xpath":
			d.errorf(p.k, kp, "`%s` captures are not supported; use json, regexp or header", p.key)
			unknown = true
		case "transform":
			d.jsError(p.k, kp, p.key)
		default:
			d.unknownKey(p, path, captureKeys)
			unknown = true
		}
	}
	// Missing keys are not reported on top of a misspelt or unsupported one.
	if !hasAs && !unknown {
		d.errorf(n, path, "`as` is required: the variable the captured value goes into")
	}
	switch len(kinds) {
	case 0:
		if !unknown {
			d.errorf(n, path, "a capture needs one of `json`, `regexp` or `header`")
		}
		return c, false
	case 1:
	default:
		d.errorf(kinds[1].k, join(path, kinds[1].key), "a capture has one of `json`, `regexp` or `header`; this one also has `%s`", kinds[0].key)
		return c, false
	}
	k := kinds[0]
	kp := join(path, k.key)
	expr, good := d.str(k.v, kp)
	if !good {
		return c, false
	}
	c.Expr = expr
	switch k.key {
	case "json":
		c.Kind = CaptureJSON
		if !strings.HasPrefix(expr, "$") {
			d.errorf(k.v, kp, "a JSONPath expression starts with `$`, e.g. $.id")
		}
	case "header":
		c.Kind = CaptureHeader
		if !validHeaderName(expr) {
			d.errorf(k.v, kp, "invalid header name %s", quote(expr))
		}
	case "regexp":
		c.Kind = CaptureRegexp
		d.captureRegexp(&c, k, group, flags, path)
	}
	if k.key != "regexp" {
		for _, p := range []*pair{group, flags} {
			if p != nil {
				d.errorf(p.k, join(path, p.key), "`%s` applies to regexp captures only", p.key)
			}
		}
	}
	return c, len(d.problems) == before
}

// captureRegexp compiles a regexp capture with its flags and checks its group.
func (d *decoder) captureRegexp(c *Capture, k pair, group, flags *pair, path string) {
	kp := join(path, k.key)
	if flags != nil {
		fp := join(path, "flags")
		s, ok := d.str(flags.v, fp)
		if !ok {
			return
		}
		// "g" is meaningless for one capture; the others map onto RE2's flags.
		f := strings.ReplaceAll(s, "g", "")
		if strings.Trim(f, "ims") != "" {
			d.errorf(flags.v, fp, "unsupported regexp flags %s: use i, m, s or g", quote(s))
			return
		}
		if f != "" {
			c.Expr = "(?" + f + ")" + c.Expr
		}
	}
	re, err := regexp.Compile(c.Expr)
	if err != nil {
		d.errorf(k.v, kp, "invalid regexp (RE2 syntax): %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	if group == nil {
		return
	}
	gp := join(path, "group")
	dg := deref(group.v)
	if dg.Kind == yaml.ScalarNode && dg.Tag == "!!int" {
		g, _ := d.integer(group.v, gp, 0, int64(re.NumSubexp()))
		c.Group = int(g)
		return
	}
	name, ok := d.str(group.v, gp)
	if !ok {
		return
	}
	if i := re.SubexpIndex(name); i >= 0 {
		c.Group, c.GroupName = i, name
		return
	}
	d.errorf(group.v, gp, "the regexp has no group named %s", quote(name))
}

// expects decodes expect: a list of one-key mappings, or one mapping.
func (d *decoder) expects(n *yaml.Node, path string) []Expect {
	var out []Expect
	dn := deref(n)
	if dn.Kind == yaml.SequenceNode {
		for i, item := range dn.Content {
			ip := index(path, i)
			pairs, ok := d.mapping(item, ip)
			if !ok {
				continue
			}
			if len(pairs) != 1 {
				d.errorf(item, ip, "each expectation is a mapping with one key, e.g. `- statusCode: 200`")
				continue
			}
			if e, ok := d.expect(pairs[0], ip); ok {
				out = append(out, e)
			}
		}
		return out
	}
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		if e, ok := d.expect(p, path); ok {
			out = append(out, e)
		}
	}
	return out
}

// expect decodes one expectation.
func (d *decoder) expect(p pair, path string) (Expect, bool) {
	e := Expect{Pos: d.pos(p.k)}
	kp := join(path, p.key)
	ok := true
	switch p.key {
	case "statusCode":
		e.Kind = ExpectStatusCode
		e.Codes, ok = d.statusCodes(p.v, kp)
	case "contentType", "hasProperty", "hasHeader":
		e.Kind = map[string]ExpectKind{"contentType": ExpectContentType, "hasProperty": ExpectHasProperty, "hasHeader": ExpectHasHeader}[p.key]
		e.Value, ok = d.str(p.v, kp)
		if ok && e.Value == "" {
			d.errorf(p.v, kp, "expected a non-empty string")
			ok = false
		}
	case "equals":
		e.Kind = ExpectEquals
		items, good := d.sequence(p.v, kp)
		if good && len(items) < 2 {
			d.errorf(p.v, kp, "`equals` compares a list of at least two values")
			good = false
		}
		ok = good
		for i, item := range items {
			t := d.template(item, index(kp, i))
			e.Values = append(e.Values, t)
			ok = ok && t != nil
		}
	default:
		if unsupportedExpects[p.key] {
			d.errorf(p.k, kp, "the expectation `%s` is not supported", p.key)
		} else {
			d.unknownKey(p, path, expectKeys)
		}
		ok = false
	}
	return e, ok
}

// statusCodes decodes a status code or a list of them.
func (d *decoder) statusCodes(n *yaml.Node, path string) ([]int, bool) {
	dn := deref(n)
	items := []*yaml.Node{n}
	if dn.Kind == yaml.SequenceNode {
		items = dn.Content
		if len(items) == 0 {
			d.errorf(n, path, "expected at least one status code")
			return nil, false
		}
	}
	var codes []int
	ok := true
	for i, item := range items {
		ip := path
		if dn.Kind == yaml.SequenceNode {
			ip = index(path, i)
		}
		c, good := d.integer(item, ip, 100, 599)
		codes = append(codes, int(c))
		ok = ok && good
	}
	return codes, ok
}
