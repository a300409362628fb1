package engine_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// echo is what the echo handler saw.
type echo struct {
	mu      sync.Mutex
	method  string
	uri     string
	host    string
	headers http.Header
	body    string
}

func (e *echo) handler(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.method, e.uri, e.host, e.headers, e.body = r.Method, r.RequestURI, r.Host, r.Header.Clone(), string(b)
	e.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func TestRequestBuilding(t *testing.T) {
	vars := []scenario.Variable{
		{Name: "name", Values: []*scenario.Template{scentest.T(`bob "q"`)}},
		{Name: "id", Values: []*scenario.Template{scentest.T("7")}},
		{Name: "path", Values: []*scenario.Template{scentest.T("/items/{{ id }}")}},
	}
	tests := []struct {
		name   string
		target string // "" = the server; a suffix is appended to it
		step   scenario.Step
		check  func(t *testing.T, e *echo)
	}{
		{
			// A JSON body is rendered with exact bytes and JSON escaping, and
			// gets a JSON Content-Type.
			name: "json body",
			step: req(http.MethodPost, "/things", func(r *scenario.Request) {
				r.JSON = scentest.Obj(
					"name", scentest.Str("{{ name }}"),
					"n", scentest.Num("5"),
					"ok", &scenario.JSONValue{Kind: scenario.JSONBool, Bool: true},
					"nil", &scenario.JSONValue{Kind: scenario.JSONNull},
					"arr", scentest.Arr(scentest.Num("1"), scentest.Str("x")),
					"nested", scentest.Obj("id", scentest.Str("{{ id }}"), "k\"ey", scentest.Str("tab\t")),
				)
			}),
			check: func(t *testing.T, e *echo) {
				want := `{"name":"bob \"q\"","n":5,"ok":true,"nil":null,"arr":[1,"x"],"nested":{"id":"7","k\"ey":"tab\t"}}`
				if e.body != want {
					t.Errorf("body = %s\nwant   %s", e.body, want)
				}
				if ct := e.headers.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q", ct)
				}
				if e.method != http.MethodPost {
					t.Errorf("method = %s", e.method)
				}
			},
		},
		{
			// A form body is urlencoded.
			name: "form body",
			step: req(http.MethodPost, "/form", func(r *scenario.Request) {
				r.Form = []scenario.Param{{Name: "user name", Value: scentest.T("{{ name }}")}, {Name: "id", Value: scentest.T("{{ id }}&x")}}
			}),
			check: func(t *testing.T, e *echo) {
				if want := "user+name=bob+%22q%22&id=7%26x"; e.body != want {
					t.Errorf("body = %q, want %q", e.body, want)
				}
				if ct := e.headers.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
					t.Errorf("Content-Type = %q", ct)
				}
			},
		},
		{
			// A raw body is sent as rendered, with the step's Content-Type.
			name: "raw body",
			step: req(http.MethodPut, "/raw", withHeader("content-type", "text/plain"), func(r *scenario.Request) {
				r.Body = scentest.T("hello {{ name }}")
			}),
			check: func(t *testing.T, e *echo) {
				if e.body != `hello bob "q"` || e.headers.Get("Content-Type") != "text/plain" || e.method != http.MethodPut {
					t.Errorf("got %s %q with %q", e.method, e.body, e.headers.Get("Content-Type"))
				}
			},
		},
		{
			// The query string is appended to a query already in the URL.
			name: "query string",
			step: get("/search?fixed=1", func(r *scenario.Request) {
				r.QS = []scenario.Param{{Name: "q", Value: scentest.T("{{ name }}")}, {Name: "n", Value: scentest.T("{{ id }}")}}
			}),
			check: func(t *testing.T, e *echo) {
				if want := "/search?fixed=1&q=bob+%22q%22&n=7"; e.uri != want {
					t.Errorf("uri = %q, want %q", e.uri, want)
				}
			},
		},
		{
			// A templated URL is rendered and joined to the target, keeping
			// the target's path (as Artillery does).
			name:   "templated url",
			target: "/api/",
			step:   get("{{ path }}?x={{ id }}"),
			check: func(t *testing.T, e *echo) {
				if e.uri != "/api/items/7?x=7" {
					t.Errorf("uri = %q", e.uri)
				}
			},
		},
		{
			// A constant relative URL without a leading slash is joined too.
			name:   "relative url",
			target: "/api",
			step:   get("users"),
			check: func(t *testing.T, e *echo) {
				if e.uri != "/api/users" {
					t.Errorf("uri = %q", e.uri)
				}
			},
		},
		{
			// Config headers are merged with step headers; the step wins
			// case-insensitively; a Host header sets the request's host; the
			// default User-Agent is sent.
			name: "headers",
			step: get("/h", withHeader("x-env", "step-{{ id }}"), withHeader("Host", "example.test")),
			check: func(t *testing.T, e *echo) {
				if got := e.headers.Values("X-Env"); len(got) != 1 || got[0] != "step-7" {
					t.Errorf("X-Env = %q, want the step's value only", got)
				}
				if e.headers.Get("X-Config") != "c" {
					t.Errorf("X-Config = %q", e.headers.Get("X-Config"))
				}
				if e.host != "example.test" {
					t.Errorf("Host = %q", e.host)
				}
				if e.headers.Get("User-Agent") != "loadgo" {
					t.Errorf("User-Agent = %q", e.headers.Get("User-Agent"))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &echo{}
			srv := newServer(t, e.handler)
			sc := scen(srv.URL+tt.target, tt.step)
			sc.Config.Variables = vars
			sc.Config.Headers = []scenario.Header{
				{Name: "X-Env", Value: scentest.T("config")},
				{Name: "X-Config", Value: scentest.T("c")},
			}
			r := compile(t, sc, engine.Options{})
			if err := r.iterate(t, r.vu(t, 1)); err != nil {
				t.Fatalf("Iterate: %v", err)
			}
			if srv.hits.Load() != 1 {
				t.Fatalf("server saw %d requests, want 1", srv.hits.Load())
			}
			e.mu.Lock()
			defer e.mu.Unlock()
			tt.check(t, e)
		})
	}
}

func TestSamplesMatchServerHits(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	sc := scen(srv.URL, get("/a", named("a")), get("/missing", named("missing")), get("/b/{{ $vu.id }}", named("b")))
	r := compile(t, sc, engine.Options{Seed: 1})
	const vus, iterations = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, vus*iterations)
	for id := int64(1); id <= vus; id++ {
		vu := r.vu(t, id)
		wg.Go(func() {
			for range iterations {
				errs <- r.iterate(t, vu)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Iterate: %v (a 404 must not abort)", err)
		}
	}
	sum := r.summary()
	if got, want := sum.Total.Count, srv.hits.Load(); got != want || want != vus*iterations*3 {
		t.Errorf("samples = %d, server hits = %d, want both %d", got, want, vus*iterations*3)
	}
	if got := sum.Total.ErrorsByKind[metrics.ErrStatus]; got != vus*iterations {
		t.Errorf("status errors = %d, want %d (one per 404)", got, vus*iterations)
	}
	if sum.Total.Status[404] != vus*iterations || sum.Total.Status[200] != 2*vus*iterations {
		t.Errorf("status counts = %v", sum.Total.Status)
	}
	// The series name is the template, not the rendered URL.
	if st := r.byName("b"); st.Count != vus*iterations {
		t.Errorf("series b has %d samples, want %d", st.Count, vus*iterations)
	}
	if sum.Total.BytesIn <= 2*int64(vus*iterations*3) || sum.Total.BytesOut <= 0 {
		t.Errorf("bytes in/out = %d/%d, want headers and bodies counted", sum.Total.BytesIn, sum.Total.BytesOut)
	}
}

func TestCookiesArePerVU(t *testing.T) {
	var mu sync.Mutex
	next := 0
	seen := map[string]int{} // cookie value seen by /me -> times
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/login":
			next++
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: fmt.Sprint(next), Path: "/"})
		case "/me":
			c, err := r.Cookie("sid")
			if err != nil {
				seen["none"]++
				return
			}
			seen[c.Value]++
		}
	})
	r := compile(t, scen(srv.URL, get("/me"), get("/login"), get("/me"), get("/me")), engine.Options{})
	for id := int64(1); id <= 2; id++ {
		if err := r.iterate(t, r.vu(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"none": 2, "1": 2, "2": 2}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("cookies seen = %v, want %v (each VU keeps its own jar)", seen, want)
	}
}

func TestConnectionReuse(t *testing.T) {
	tests := []struct {
		name      string
		shared    bool
		vus       int
		wantConns int64
	}{
		// One VU's sequential requests share one keep-alive connection.
		{name: "one vu", vus: 1, wantConns: 1},
		// Each VU has its own pool by default.
		{name: "per-vu pools", vus: 3, wantConns: 3},
		// With a shared pool, VUs that run one after another share a connection.
		{name: "shared pool", shared: true, vus: 3, wantConns: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, strings.Repeat("x", 100)) })
			sc := scen(srv.URL, get("/1"), get("/2"), get("/3"))
			sc.Config.HTTP.SharedPool = tt.shared
			r := compile(t, sc, engine.Options{})
			for id := range tt.vus {
				vu := r.vu(t, int64(id+1))
				for range 2 {
					if err := r.iterate(t, vu); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got := srv.conns.Load(); got != tt.wantConns {
				t.Errorf("server saw %d connections, want %d", got, tt.wantConns)
			}
			if got := srv.hits.Load(); got != int64(tt.vus*6) {
				t.Errorf("hits = %d, want %d", got, tt.vus*6)
			}
		})
	}
}

func TestURLResolution(t *testing.T) {
	tests := []struct {
		name, target, url string
		wantErr           string
	}{
		// A relative URL needs a target.
		{name: "no target", url: "/x", wantErr: "config.target is not set"},
		// The target must be an http(s) URL.
		{name: "bad target", target: "ftp://h", url: "/x", wantErr: "config.target"},
		// An absolute URL with another scheme is rejected.
		{name: "bad scheme", target: "http://127.0.0.1:1", url: "ftp://h/x", wantErr: "http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.Compile(scen(tt.target, get(tt.url)), nil, engine.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Compile error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	// An absolute URL ignores the target.
	e := &echo{}
	srv := newServer(t, e.handler)
	r := compile(t, scen("http://127.0.0.1:1/ignored", get(srv.URL+"/abs?q=1")), engine.Options{})
	if err := r.iterate(t, r.vu(t, 1)); err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(e.uri); u.Path != "/abs" {
		t.Errorf("uri = %q", e.uri)
	}
}
