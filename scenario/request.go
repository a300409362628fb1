package scenario

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	requestKeys = []string{"url", "name", "headers", "qs", "json", "body", "form", "capture", "expect", "ifTrue"}
	// unsupportedRequestKeys are Artillery request keys loadgo knows but
	// does not implement, with what to do instead.
	unsupportedRequestKeys = map[string]string{
		"cookie":         "`cookie` is not supported; send a Cookie header with `headers`",
		"auth":           "`auth` is not supported; send an Authorization header with `headers`",
		"followRedirect": "`followRedirect` is not supported",
		"gzip":           "`gzip` is not supported",
		"formData":       "`formData` (multipart uploads) is not supported; use `form` or `body`",
		"match":          "`match` is Artillery's legacy check and is not supported; use `expect`",
	}
)

// request decodes the mapping of a get/post/... step.
func (d *decoder) request(method string, n *yaml.Node, path string) *Request {
	r := &Request{Method: method}
	if isNull(n) {
		d.errorf(n, path, "expected a mapping with at least `url`, got null")
		return r
	}
	pairs, ok := d.mapping(n, path)
	if !ok {
		return r
	}
	var bodies []pair
	hasURL := false
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "url":
			hasURL = true
			if r.URL = d.template(p.v, kp); r.URL != nil {
				d.checkURL(r.URL, p.v, kp)
			}
		case "name":
			if s, good := d.str(p.v, kp); good {
				if s == "" {
					d.errorf(p.v, kp, "a request name cannot be empty")
				}
				r.Name = s
			}
		case "headers":
			r.Headers = d.headers(p.v, kp)
		case "qs":
			r.QS = d.params(p.v, kp)
		case "json":
			bodies = append(bodies, p)
			r.JSON = d.jsonValue(p.v, kp, 0)
		case "body":
			bodies = append(bodies, p)
			r.Body = d.template(p.v, kp)
		case "form":
			bodies = append(bodies, p)
			r.Form = d.params(p.v, kp)
		case "capture":
			r.Captures = d.captures(p.v, kp)
		case "expect":
			r.Expects = d.expects(p.v, kp)
		case "ifTrue":
			r.IfTrue = d.cond(p.v, kp)
		default:
			switch msg, known := unsupportedRequestKeys[p.key]; {
			case jsKeys[p.key]:
				d.jsError(p.k, kp, p.key)
			case known:
				d.errorf(p.k, kp, "%s", msg)
			default:
				d.unknownKey(p, path, requestKeys)
			}
		}
	}
	if len(bodies) > 1 {
		d.errorf(bodies[1].k, join(path, bodies[1].key), "a request has one body: `json`, `body` or `form`; this one also has `%s`", bodies[0].key)
	}
	if !hasURL {
		d.errorf(n, path, "`url` is required")
	}
	if r.Name == "" && r.URL != nil {
		r.Name = r.URL.Src
	}
	if r.Name != "" && !d.requestSeen[r.Name] {
		d.requestSeen[r.Name] = true
		d.requestNames = append(d.requestNames, r.Name)
	}
	return r
}

// checkURL checks the parts of a request URL that are known before a run:
// an absolute URL must be http(s); a relative one needs config.target.
func (d *decoder) checkURL(t *Template, n *yaml.Node, path string) {
	if len(t.Parts) == 0 {
		d.errorf(n, path, "the URL is empty")
		return
	}
	if t.Parts[0].Kind != PartText {
		return // starts with a placeholder: only the run can tell
	}
	lead := t.Parts[0].Text
	scheme, _, abs := strings.Cut(lead, "://")
	if !abs {
		d.relURLs = append(d.relURLs, varRef{pos: d.pos(n), path: path})
		return
	}
	if s := strings.ToLower(scheme); s != "http" && s != "https" {
		d.errorf(n, path, "only http:// and https:// URLs are supported, got %s", quote(t.Src))
		return
	}
	if t.IsConst() {
		if u, err := url.Parse(t.Src); err != nil || u.Hostname() == "" {
			d.errorf(n, path, "invalid URL %s", quote(t.Src))
		}
	}
}
