package engine

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/scenario"
)

// errNoMatch is the cause of a capture that found nothing.
var errNoMatch = errors.New("no match")

// capture is a compiled capture.
type capture struct {
	kind   scenario.CaptureKind
	as     string
	slot   int
	strict bool
	path   *jsonpath.Path
	re     *regexp.Regexp
	group  int
	header string
}

func (c *compiler) capture(sc *scenario.Capture) (capture, error) {
	cp := capture{kind: sc.Kind, as: sc.As, slot: c.syms.Slot(sc.As), strict: sc.Strict}
	switch sc.Kind {
	case scenario.CaptureJSON:
		p, err := jsonpath.Compile(sc.Expr)
		if err != nil {
			return cp, err
		}
		cp.path = p
	case scenario.CaptureRegexp:
		re, err := regexp.Compile(sc.Expr)
		if err != nil {
			return cp, fmt.Errorf("regexp: %w", err)
		}
		cp.re, cp.group = re, sc.Group
		if sc.GroupName != "" {
			if cp.group = re.SubexpIndex(sc.GroupName); cp.group < 0 {
				return cp, fmt.Errorf("regexp %q has no group named %q", sc.Expr, sc.GroupName)
			}
		}
		if cp.group < 0 || cp.group > re.NumSubexp() {
			return cp, fmt.Errorf("regexp %q has no group %d", sc.Expr, cp.group)
		}
	case scenario.CaptureHeader:
		if sc.Expr == "" {
			return cp, fmt.Errorf("header capture without a header name")
		}
		cp.header = http.CanonicalHeaderKey(sc.Expr)
	default:
		return cp, fmt.Errorf("unknown capture kind %d", sc.Kind)
	}
	return cp, nil
}

// eval extracts the captured value from the response.
func (c *capture) eval(vu *VU, resp *http.Response) (tmpl.Value, error) {
	switch c.kind {
	case scenario.CaptureJSON:
		doc, err := vu.jsonBody()
		if err != nil {
			return tmpl.Value{}, err
		}
		return jsonCapture(doc, c.path.Eval(doc, &vu.paths), &vu.scratch)
	case scenario.CaptureRegexp:
		loc := c.re.FindSubmatchIndex(vu.body)
		if loc == nil || loc[2*c.group] < 0 {
			return tmpl.Value{}, errNoMatch
		}
		return tmpl.StringValue(string(vu.body[loc[2*c.group]:loc[2*c.group+1]])), nil
	case scenario.CaptureHeader:
		vals := resp.Header[c.header]
		if len(vals) == 0 {
			return tmpl.Value{}, errNoMatch
		}
		return tmpl.StringValue(vals[0]), nil
	}
	return tmpl.Value{}, errNoMatch
}

// jsonCapture turns JSONPath results into a value: one result is that
// value (an array or object is copied out of the response buffer, which
// the next request reuses); several are captured as a JSON array.
func jsonCapture(doc *jsonpath.Doc, nodes []int32, scratch *[]byte) (tmpl.Value, error) {
	switch len(nodes) {
	case 0:
		return tmpl.Value{}, errNoMatch
	case 1:
		switch doc.Kind(nodes[0]) {
		case jsonpath.Array, jsonpath.Object:
			return tmpl.ParseJSONValue(doc.Raw(nodes[0]))
		}
		return tmpl.DocValue(doc, nodes[0]), nil
	}
	b := append((*scratch)[:0], '[')
	for i, n := range nodes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, doc.Raw(n)...)
	}
	b = append(b, ']')
	*scratch = b
	return tmpl.ParseJSONValue(b)
}

// expect is a compiled expectation.
type expect struct {
	kind   scenario.ExpectKind
	codes  []int
	value  string
	json   bool // contentType: json
	path   []tmpl.Segment
	values []*tmpl.Template
}

func (c *compiler) expect(se *scenario.Expect) (expect, error) {
	e := expect{kind: se.Kind, codes: se.Codes, value: se.Value}
	switch se.Kind {
	case scenario.ExpectStatusCode:
		if len(se.Codes) == 0 {
			return e, fmt.Errorf("statusCode without codes")
		}
	case scenario.ExpectContentType:
		e.json = se.Value == "json"
	case scenario.ExpectHasProperty:
		if se.Value == "" {
			return e, fmt.Errorf("hasProperty without a property")
		}
		e.path = tmpl.Segments(strings.Split(se.Value, "."))
	case scenario.ExpectEquals:
		if len(se.Values) < 2 {
			return e, fmt.Errorf("equals needs at least two values")
		}
		for _, v := range se.Values {
			t, err := c.template(v)
			if err != nil {
				return e, err
			}
			e.values = append(e.values, t)
		}
	case scenario.ExpectHasHeader:
		if se.Value == "" {
			return e, fmt.Errorf("hasHeader without a header name")
		}
		e.value = http.CanonicalHeaderKey(se.Value)
	default:
		return e, fmt.Errorf("unknown expectation kind %d", se.Kind)
	}
	return e, nil
}

// check returns nil when the expectation holds, else why it does not.
func (e *expect) check(vu *VU, resp *http.Response) error {
	switch e.kind {
	case scenario.ExpectStatusCode:
		for _, c := range e.codes {
			if resp.StatusCode == c {
				return nil
			}
		}
		return fmt.Errorf("statusCode: got %d, want one of %v", resp.StatusCode, e.codes)
	case scenario.ExpectContentType:
		ct := resp.Header.Get("Content-Type")
		if e.json && isJSONMediaType(ct) || !e.json && containsFold(ct, e.value) {
			return nil
		}
		return fmt.Errorf("contentType: got %q, want %q", ct, e.value)
	case scenario.ExpectHasProperty:
		doc, err := vu.jsonBody()
		if err != nil {
			return fmt.Errorf("hasProperty %q: %w", e.value, err)
		}
		if !tmpl.DocValue(doc, doc.Root()).Has(e.path) {
			return fmt.Errorf("hasProperty: no property %q", e.value)
		}
		return nil
	case scenario.ExpectEquals:
		vu.scratch = e.values[0].Append(vu.scratch[:0], &vu.scope)
		for _, t := range e.values[1:] {
			vu.scratch2 = t.Append(vu.scratch2[:0], &vu.scope)
			if string(vu.scratch) != string(vu.scratch2) {
				return fmt.Errorf("equals: %q != %q", vu.scratch, vu.scratch2)
			}
		}
		return nil
	case scenario.ExpectHasHeader:
		if len(resp.Header[e.value]) == 0 {
			return fmt.Errorf("hasHeader: no header %q", e.value)
		}
		return nil
	}
	return fmt.Errorf("unknown expectation kind %d", e.kind)
}

// isJSONMediaType reports whether a Content-Type is application/json or a
// +json type (application/problem+json, ...).
func isJSONMediaType(ct string) bool {
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			ct = ct[:i]
			break
		}
	}
	for len(ct) > 0 && (ct[len(ct)-1] == ' ' || ct[len(ct)-1] == '\t') {
		ct = ct[:len(ct)-1]
	}
	return equalFold(ct, "application/json") || len(ct) >= 5 && equalFold(ct[len(ct)-5:], "+json")
}

// containsFold reports whether s contains sub, ignoring ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if equalFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// equalFold compares ASCII strings case-insensitively without allocating.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
