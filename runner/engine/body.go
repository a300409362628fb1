package engine

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/scenario"
)

// jsonSeg is a run of constant JSON text, or a string template rendered
// escaped between quotes that are part of the neighbouring text.
type jsonSeg struct {
	text string
	t    *tmpl.Template
}

// jsonBody is a JSON tree flattened at compile time into constant text and
// string templates, so rendering is a sequence of appends.
type jsonBody []jsonSeg

// jsonBody compiles a JSON value.
func (c *compiler) jsonBody(v *scenario.JSONValue) (jsonBody, error) {
	var b jsonBuilder
	if err := b.value(c, v); err != nil {
		return nil, err
	}
	b.flush()
	return b.segs, nil
}

type jsonBuilder struct {
	segs jsonBody
	text strings.Builder
}

func (b *jsonBuilder) flush() {
	if b.text.Len() > 0 {
		b.segs = append(b.segs, jsonSeg{text: b.text.String()})
		b.text.Reset()
	}
}

func (b *jsonBuilder) value(c *compiler, v *scenario.JSONValue) error {
	if v == nil {
		b.text.WriteString("null")
		return nil
	}
	switch v.Kind {
	case scenario.JSONNull:
		b.text.WriteString("null")
	case scenario.JSONBool:
		if v.Bool {
			b.text.WriteString("true")
		} else {
			b.text.WriteString("false")
		}
	case scenario.JSONNumber:
		if !jsonpath.ValidNumber(v.Num) {
			return fmt.Errorf("json: invalid number %q", v.Num)
		}
		b.text.WriteString(v.Num)
	case scenario.JSONString:
		t, err := c.template(v.Str)
		if err != nil {
			return err
		}
		b.text.WriteByte('"')
		if t.IsConst() {
			b.text.Write(tmpl.AppendJSONEscaped(nil, t.Text()))
		} else {
			b.flush()
			b.segs = append(b.segs, jsonSeg{t: t})
		}
		b.text.WriteByte('"')
	case scenario.JSONArray:
		b.text.WriteByte('[')
		for i, e := range v.Arr {
			if i > 0 {
				b.text.WriteByte(',')
			}
			if err := b.value(c, e); err != nil {
				return err
			}
		}
		b.text.WriteByte(']')
	case scenario.JSONObject:
		b.text.WriteByte('{')
		for i, f := range v.Obj {
			if i > 0 {
				b.text.WriteByte(',')
			}
			b.text.WriteByte('"')
			b.text.Write(tmpl.AppendJSONEscaped(nil, f.Key))
			b.text.WriteString(`":`)
			if err := b.value(c, f.Value); err != nil {
				return err
			}
		}
		b.text.WriteByte('}')
	default:
		return fmt.Errorf("json: unknown value kind %d", v.Kind)
	}
	return nil
}

// append renders the body.
func (j jsonBody) append(dst []byte, s *tmpl.Scope) []byte {
	for i := range j {
		if j[i].t != nil {
			dst = j[i].t.AppendJSONString(dst, s)
		} else {
			dst = append(dst, j[i].text...)
		}
	}
	return dst
}

// constText returns the body's text when it has no templates.
func (j jsonBody) constText() (string, bool) {
	switch {
	case len(j) == 0:
		return "", true
	case len(j) == 1 && j[0].t == nil:
		return j[0].text, true
	}
	return "", false
}

// param is a query-string or form parameter: its escaped name with "=",
// and its value template.
type param struct {
	prefix string
	value  *tmpl.Template
}

func (c *compiler) params(ps []scenario.Param) ([]param, error) {
	out := make([]param, 0, len(ps))
	for _, p := range ps {
		t, err := c.template(p.Value)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", p.Name, err)
		}
		out = append(out, param{prefix: url.QueryEscape(p.Name) + "=", value: t})
	}
	return out, nil
}

// appendParams renders params as application/x-www-form-urlencoded text
// (also used for query strings). scratch holds each raw value; the grown
// scratch is returned with the result.
func appendParams(dst, scratch []byte, ps []param, s *tmpl.Scope) (out, sc []byte) {
	for i := range ps {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, ps[i].prefix...)
		scratch = ps[i].value.Append(scratch[:0], s)
		dst = appendQueryEscaped(dst, scratch)
	}
	return dst, scratch
}

const upperHex = "0123456789ABCDEF"

// appendQueryEscaped escapes b like url.QueryEscape (space as '+').
func appendQueryEscaped(dst, b []byte) []byte {
	for _, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}
