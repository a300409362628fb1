package engine

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// userAgent is sent unless the scenario sets User-Agent.
const userAgent = "loadgo"

// bodyKind is the kind of a request body.
type bodyKind uint8

const (
	bodyNone bodyKind = iota
	bodyJSON
	bodyRaw
	bodyForm
)

// header is a request header. fixed holds the value of a constant header,
// shared by every request (net/http only reads it).
type header struct {
	key   string
	value *tmpl.Template
	fixed []string
}

// requestAction is a compiled HTTP request step.
type requestAction struct {
	path   string
	name   string
	method string
	// series holds the series ID per phase (flows) or the single phase -1
	// series (before/after); nil when compiled without a registry.
	series []metrics.SeriesID
	ifTrue *cond

	// fixedURL is the resolved URL of a constant URL template; urlT is
	// rendered (and joined to target) otherwise.
	fixedURL *url.URL
	urlT     *tmpl.Template
	target   string
	qs       []param

	headers []header
	host    *tmpl.Template // a Host header, which net/http takes from Request.Host

	body bodyKind
	json jsonBody
	raw  *tmpl.Template
	form []param

	captures []capture
	expects  []expect
	// statusExpected: a statusCode expectation decides success, so a status
	// >= 400 is not an error by itself.
	statusExpected bool
	// needBody: a capture or expectation reads the body, so it is kept (up
	// to the cap); needJSON: one of them reads it as JSON.
	needBody, needJSON bool
}

// request compiles a request step.
func (c *compiler) request(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Request
	a := &requestAction{path: s.Path, name: r.Name, method: r.Method, target: c.target}
	if a.method == "" {
		a.method = http.MethodGet
	}
	if a.name == "" && r.URL != nil {
		a.name = r.URL.Src
	}
	if a.path == "" {
		a.path = a.name
	}
	var err error
	if err = c.requestURL(a, r); err != nil {
		return nil, err
	}
	if a.qs, err = c.params(r.QS); err != nil {
		return nil, fmt.Errorf("qs: %w", err)
	}
	if err = c.requestHeaders(a, r); err != nil {
		return nil, err
	}
	if err = c.requestBody(a, r); err != nil {
		return nil, err
	}
	for i := range r.Captures {
		cp, err := c.capture(&r.Captures[i])
		if err != nil {
			return nil, fmt.Errorf("capture %q: %w", r.Captures[i].As, err)
		}
		a.needBody = a.needBody || cp.kind != scenario.CaptureHeader
		a.needJSON = a.needJSON || cp.kind == scenario.CaptureJSON
		a.captures = append(a.captures, cp)
	}
	for i := range r.Expects {
		e, err := c.expect(&r.Expects[i])
		if err != nil {
			return nil, fmt.Errorf("expect: %w", err)
		}
		a.statusExpected = a.statusExpected || e.kind == scenario.ExpectStatusCode
		if e.kind == scenario.ExpectHasProperty {
			a.needBody, a.needJSON = true, true
		}
		a.expects = append(a.expects, e)
	}
	if r.IfTrue != nil {
		if a.ifTrue, err = c.cond(r.IfTrue); err != nil {
			return nil, fmt.Errorf("ifTrue: %w", err)
		}
	}
	a.series = c.series(a.name, mode)
	return a, nil
}

// requestURL compiles the URL. A constant URL is joined to the target and
// parsed now; a templated one is rendered, joined and parsed per request.
func (c *compiler) requestURL(a *requestAction, r *scenario.Request) error {
	if r.URL == nil {
		return fmt.Errorf("request without a url")
	}
	t, err := c.template(r.URL)
	if err != nil {
		return err
	}
	if !t.IsConst() {
		a.urlT = t
		return nil
	}
	u, _, err := resolveURL(nil, c.target, []byte(t.Text()))
	if err != nil {
		return err
	}
	a.fixedURL = u
	return nil
}

// requestHeaders merges config headers with the step's (the step wins;
// names compare case-insensitively) and adds the default User-Agent and
// Content-Type.
func (c *compiler) requestHeaders(a *requestAction, r *scenario.Request) error {
	var hs []header
	add := func(h scenario.Header) error {
		t, err := c.template(h.Value)
		if err != nil {
			return fmt.Errorf("header %q: %w", h.Name, err)
		}
		key := http.CanonicalHeaderKey(h.Name)
		nh := header{key: key, value: t}
		if t.IsConst() {
			nh.fixed = []string{t.Text()}
		}
		for i := range hs {
			if hs[i].key == key {
				hs[i] = nh
				return nil
			}
		}
		hs = append(hs, nh)
		return nil
	}
	for _, h := range c.headers {
		if err := add(h); err != nil {
			return err
		}
	}
	for _, h := range r.Headers {
		if err := add(h); err != nil {
			return err
		}
	}
	has := func(key string) bool {
		for _, h := range hs {
			if h.key == key {
				return true
			}
		}
		return false
	}
	if !has("User-Agent") {
		hs = append(hs, header{key: "User-Agent", value: tmpl.Const(userAgent), fixed: []string{userAgent}})
	}
	switch {
	case r.JSON != nil && !has("Content-Type"):
		hs = append(hs, header{key: "Content-Type", value: tmpl.Const("application/json"), fixed: []string{"application/json"}})
	case len(r.Form) > 0 && !has("Content-Type"):
		ct := "application/x-www-form-urlencoded"
		hs = append(hs, header{key: "Content-Type", value: tmpl.Const(ct), fixed: []string{ct}})
	}
	for _, h := range hs {
		if h.key == "Host" {
			a.host = h.value
			continue
		}
		a.headers = append(a.headers, h)
	}
	return nil
}

func (c *compiler) requestBody(a *requestAction, r *scenario.Request) error {
	var err error
	switch {
	case r.JSON != nil:
		a.body = bodyJSON
		if a.json, err = c.jsonBody(r.JSON); err != nil {
			return fmt.Errorf("json: %w", err)
		}
	case r.Body != nil:
		a.body = bodyRaw
		if a.raw, err = c.template(r.Body); err != nil {
			return fmt.Errorf("body: %w", err)
		}
	case len(r.Form) > 0:
		a.body = bodyForm
		if a.form, err = c.params(r.Form); err != nil {
			return fmt.Errorf("form: %w", err)
		}
	}
	return nil
}

// hasScheme reports whether s starts with "scheme://".
func hasScheme(s []byte) bool {
	for i, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return len(s) >= i+3 && s[i+1] == '/' && s[i+2] == '/'
		default:
			return false
		}
	}
	return false
}

// resolveURL resolves a request URL the way Artillery does: a URL with a
// scheme is used as is; any other is appended to config.target, keeping the
// target's path ("http://h/api" + "/users" is "http://h/api/users"). buf is
// scratch space for the joined text; it is returned, grown.
func resolveURL(buf []byte, target string, rel []byte) (*url.URL, []byte, error) {
	text := rel
	if !hasScheme(rel) {
		if target == "" {
			return nil, buf, fmt.Errorf("url %q is relative and config.target is not set", rel)
		}
		buf = append(buf[:0], target...)
		if len(rel) > 0 && rel[0] != '/' && rel[0] != '?' {
			buf = append(buf, '/')
		}
		buf = append(buf, rel...)
		text = buf
	}
	u, err := url.Parse(string(escapeQuery(text)))
	if err != nil {
		return nil, buf, fmt.Errorf("url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, buf, fmt.Errorf("url %q: want an http or https URL with a host", text)
	}
	return u, buf, nil
}

// escapeQuery percent-encodes the bytes of a rendered URL's query that may
// not appear in one (spaces, quotes, <, >, controls, non-ASCII), as a browser
// does; rendered values (a captured name with a space) would otherwise make
// an invalid request line. Valid escapes and separators are kept. The path
// needs no help: net/url escapes it when the request is written.
func escapeQuery(text []byte) []byte {
	q := bytes.IndexByte(text, '?')
	if q < 0 {
		return text
	}
	end := len(text)
	if h := bytes.IndexByte(text[q:], '#'); h >= 0 {
		end = q + h
	}
	clean := true
	for _, c := range text[q+1 : end] {
		if queryNeedsEscape(c) {
			clean = false
			break
		}
	}
	if clean {
		return text
	}
	out := make([]byte, 0, len(text)+16)
	out = append(out, text[:q+1]...)
	for _, c := range text[q+1 : end] {
		if queryNeedsEscape(c) {
			out = append(out, '%', upperHex[c>>4], upperHex[c&15])
		} else {
			out = append(out, c)
		}
	}
	return append(out, text[end:]...)
}

func queryNeedsEscape(c byte) bool {
	return c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '\\' ||
		c == '^' || c == '{' || c == '|' || c == '}'
}
