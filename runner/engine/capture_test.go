package engine_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// recorder is a handler that serves fixed responses by path and records
// the request URIs it saw.
type recorder struct {
	mu   sync.Mutex
	uris []string
}

func (rc *recorder) handler(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.uris = append(rc.uris, r.URL.RequestURI())
	rc.mu.Unlock()
	switch r.URL.Path {
	case "/login":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Token", "hdr-tok")
		_, _ = io.WriteString(w, `{"user":{"id":42,"name":"Ada \"L\""},"items":[{"id":"a"},{"id":"b"},{"id":"c"}],"csrf":"<input name=csrf value=xyz>"}`)
	case "/html":
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, `<input name="csrf" value="tok-99">`)
	default:
		_, _ = io.WriteString(w, "ok")
	}
}

func (rc *recorder) seen() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.uris...)
}

func TestCapturesFeedLaterRequests(t *testing.T) {
	rc := &recorder{}
	srv := newServer(t, rc.handler)
	sc := scen(srv.URL,
		get("/login",
			captureJSON("$.user.id", "uid"),
			captureJSON("$.user", "user"),
			captureJSON("$.items[*].id", "ids"),
			captureJSON("$..name", "name"),
			withCapture(scenario.Capture{Kind: scenario.CaptureHeader, Expr: "x-token", As: "tok", Strict: true}),
			withCapture(scenario.Capture{Kind: scenario.CaptureRegexp, Expr: `value=(?P<v>\w+)`, GroupName: "v", As: "csrf", Strict: true}),
		),
		get("/html", withCapture(scenario.Capture{Kind: scenario.CaptureRegexp, Expr: `value="[^"]+"`, As: "whole", Strict: true})),
		get("/use?uid={{ uid }}&name={{ user.name }}&tok={{ tok }}&csrf={{ csrf }}&second={{ ids.1 }}"),
		loop(scenario.Loop{OverVar: "ids", Steps: []scenario.Step{get("/item/{{ $loopElement }}/{{ $loopCount }}")}}),
	)
	r := compile(t, sc, engine.Options{})
	vu := r.vu(t, 1)
	if err := r.iterate(t, vu); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/login", "/html",
		"/use?uid=42&name=Ada%20%22L%22&tok=hdr-tok&csrf=xyz&second=b",
		"/item/a/1", "/item/b/2", "/item/c/3",
	}
	if got := rc.seen(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("requests = %q\nwant       %q", got, want)
	}
	for name, want := range map[string]string{
		"ids":   `["a","b","c"]`,                // several results: a JSON array
		"name":  `Ada "L"`,                      // one result: the decoded string
		"user":  `{"id":42,"name":"Ada \"L\""}`, // an object stays structured
		"whole": `value="tok-99"`,               // group 0 is the whole match
	} {
		if got := vu.Variable(name).String(); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
}

func TestExpectations(t *testing.T) {
	rc := &recorder{}
	srv := newServer(t, rc.handler)
	tests := []struct {
		name   string
		path   string
		expect scenario.Expect
		pass   bool
	}{
		// statusCode matches any of its codes.
		{name: "status ok", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectStatusCode, Codes: []int{201, 200}}, pass: true},
		{name: "status wrong", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectStatusCode, Codes: []int{201}}},
		// contentType "json" matches application/json with parameters.
		{name: "json type", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectContentType, Value: "json"}, pass: true},
		{name: "json type on html", path: "/html", expect: scenario.Expect{Kind: scenario.ExpectContentType, Value: "json"}},
		// Other values match as a case-insensitive substring.
		{name: "html type", path: "/html", expect: scenario.Expect{Kind: scenario.ExpectContentType, Value: "TEXT/html"}, pass: true},
		// hasProperty walks a dotted path.
		{name: "property", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectHasProperty, Value: "user.name"}, pass: true},
		{name: "property index", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectHasProperty, Value: "items.2.id"}, pass: true},
		{name: "property missing", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectHasProperty, Value: "user.email"}},
		// hasProperty on a body that is not JSON fails.
		{name: "property not json", path: "/html", expect: scenario.Expect{Kind: scenario.ExpectHasProperty, Value: "csrf"}},
		// equals compares rendered values, including this response's captures.
		{name: "equals", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectEquals, Values: []*scenario.Template{scentest.T("{{ uid }}"), scentest.T("42")}}, pass: true},
		{name: "equals differs", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectEquals, Values: []*scenario.Template{scentest.T("{{ uid }}"), scentest.T("43")}}},
		// hasHeader is case-insensitive.
		{name: "header", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectHasHeader, Value: "x-token"}, pass: true},
		{name: "header missing", path: "/login", expect: scenario.Expect{Kind: scenario.ExpectHasHeader, Value: "x-nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen(srv.URL, get(tt.path, named("x"), captureJSON("$.user.id", "uid"), withExpect(tt.expect)))
			sc.Flows[0].Steps[0].Request.Captures[0].Strict = false
			r := compile(t, sc, engine.Options{})
			err := r.iterate(t, r.vu(t, 1))
			st := r.byName("x")
			if tt.pass {
				if err != nil || st.Errors != 0 {
					t.Errorf("err = %v, errors = %v, want success", err, st.ErrorsByKind)
				}
				return
			}
			if !errors.Is(err, engine.ErrAborted) || st.ErrorsByKind[metrics.ErrExpect] != 1 {
				t.Errorf("err = %v, errors = %v, want an aborting expect error", err, st.ErrorsByKind)
			}
		})
	}
}

func TestCaptureCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		c    scenario.Capture
		want string
	}{
		// Invalid JSONPath.
		{name: "jsonpath", c: scenario.Capture{Kind: scenario.CaptureJSON, Expr: "$.a[?(@)]", As: "v"}, want: "jsonpath"},
		// Invalid regexp.
		{name: "regexp", c: scenario.Capture{Kind: scenario.CaptureRegexp, Expr: "(", As: "v"}, want: "regexp"},
		// A group number beyond the regexp's groups.
		{name: "group", c: scenario.Capture{Kind: scenario.CaptureRegexp, Expr: "(a)", Group: 2, As: "v"}, want: "no group 2"},
		// An unknown group name.
		{name: "group name", c: scenario.Capture{Kind: scenario.CaptureRegexp, Expr: "(?P<x>a)", GroupName: "y", As: "v"}, want: `no group named "y"`},
		// A header capture needs a name.
		{name: "header", c: scenario.Capture{Kind: scenario.CaptureHeader, As: "v"}, want: "header name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.Compile(scen("http://127.0.0.1:1", get("/", withCapture(tt.c))), nil, engine.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
