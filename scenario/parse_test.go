package scenario

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// mustParse parses src as dir/name and fails the test on any problem.
func mustParse(t *testing.T, dir, name, src string, opts LoadOptions) *Scenario {
	t.Helper()
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(file, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return sc
}

// diff reports got and want as JSON when they differ.
func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	t.Errorf("%s differs:\n got: %s\nwant: %s", what, g, w)
}

// tmpl builds the template ParseTemplate returns for src at line:col of file.
func tmpl(t *testing.T, file string, line, col int, src string) *Template {
	t.Helper()
	tm, err := ParseTemplate(src, Pos{File: file, Line: line, Col: col})
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestParseConfigGolden(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("name;pass\nada;x1\ngrace;x2;extra\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := `config:
  target: https://api.test
  phases:
    - {duration: 30, arrivalRate: 5, rampTo: 10, maxVusers: 100}
    - {duration: 1m, arrivalCount: 20, name: burst}
    - pause: 5s
    - {duration: 10min, vus: 0, rampTo: 50, name: closed}
  defaults:
    headers: {X-A: a, Accept: text/plain}
  http:
    timeout: 2.5
    maxBodyBytes: 1024
    pool: shared
    maxSockets: 8
    defaults:
      headers: {accept: application/json, X-B: "{{ name }}"}
  tls: {rejectUnauthorized: false, ca: ca.pem}
  variables:
    color: [red, blue]
    token: "t-{{ $uuid }}"
  payload:
    path: users.csv
    fields: [name, pass]
    order: sequence
    skipHeader: true
    delimiter: ";"
    cast: true
  ensure:
    p95: 200
    maxErrorRate: 1
    thresholds:
      - http.response_time.median{phase:burst}: 50
      - http.codes.500: 0
        name: /
    conditions:
      - expression: "http.response_time.p99 < 300 or not vusers.dropped == 0"
        strict: false
scenarios: [{flow: [{get: {url: /}}]}]
`
	sc := mustParse(t, dir, "s.yaml", src, LoadOptions{})
	f := filepath.Join(dir, "s.yaml")
	p := func(line, col int) Pos { return Pos{File: f, Line: line, Col: col} }
	want := Config{
		Target:    "https://api.test",
		TargetPos: p(2, 11),
		Phases: []Phase{
			{Name: "phase 1", Kind: PhaseArrivalRate, Duration: 30 * time.Second, ArrivalRate: 5, RampTo: 10, MaxVusers: 100, Pos: p(4, 7)},
			{Name: "burst", Kind: PhaseArrivalCount, Duration: time.Minute, ArrivalCount: 20, Pos: p(5, 7)},
			{Name: "phase 3", Kind: PhasePause, Duration: 5 * time.Second, Pos: p(6, 7)},
			{Name: "closed", Kind: PhaseVUs, Duration: 10 * time.Minute, VUs: 0, RampTo: 50, Pos: p(7, 7)},
		},
		// http.defaults wins over defaults, matching names case-insensitively.
		Headers: []Header{
			{Name: "X-A", Value: tmpl(t, f, 9, 20, "a")},
			{Name: "accept", Value: tmpl(t, f, 16, 25, "application/json")},
			{Name: "X-B", Value: tmpl(t, f, 16, 48, "{{ name }}")},
		},
		HTTP: HTTPConfig{Timeout: 2500 * time.Millisecond, MaxBodyBytes: 1024, SharedPool: true, MaxConnsPerVU: 8},
		TLS:  TLSConfig{RejectUnauthorized: false, CAFile: filepath.Join(dir, "ca.pem")},
		Variables: []Variable{
			{Name: "color", Values: []*Template{tmpl(t, f, 19, 13, "red"), tmpl(t, f, 19, 18, "blue")}, Pos: p(19, 5)},
			{Name: "token", Values: []*Template{tmpl(t, f, 20, 12, "t-{{ $uuid }}")}, Pos: p(20, 5)},
		},
		Payloads: []Payload{{
			Path: filepath.Join(dir, "users.csv"), Fields: []string{"name", "pass"}, Random: false, SkipHeader: true,
			Delimiter: ';', Rows: [][]string{{"ada", "x1"}, {"grace", "x2", "extra"}}, Pos: p(22, 5),
		}},
		Ensure: Ensure{
			Thresholds: []Threshold{
				{Metric: "p95", Stat: "http.response_time.p95", Max: 200, Pos: p(29, 5)},
				{Metric: "maxErrorRate", Stat: "http.error_rate", Max: 1, Pos: p(30, 5)},
				{Metric: "http.response_time.median{phase:burst}", Stat: "http.response_time.p50", Phase: "burst", Max: 50, Pos: p(32, 9)},
				{Metric: "http.codes.500", Stat: "http.codes.500", Request: "/", Max: 0, Pos: p(33, 9)},
			},
			Conditions: []Condition{{
				Expression: "http.response_time.p99 < 300 or not vusers.dropped == 0",
				Expr: &Expr{Kind: ExprOr,
					Left: &Expr{Kind: ExprCompare, Op: CondLt, Value: 300,
						Metric: Threshold{Metric: "http.response_time.p99", Stat: "http.response_time.p99"}},
					Right: &Expr{Kind: ExprNot, Left: &Expr{Kind: ExprCompare, Op: CondEq, Value: 0,
						Metric: Threshold{Metric: "vusers.dropped", Stat: "vusers.dropped"}}},
				},
				Strict: false,
				Pos:    p(36, 9),
			}},
		},
	}
	diff(t, "Config", sc.Config, want)
	if sc.File != f || sc.Dir != dir {
		t.Errorf("File, Dir = %q, %q; want %q, %q", sc.File, sc.Dir, f, dir)
	}
	if len(sc.Warnings) != 0 {
		t.Errorf("Warnings = %v", sc.Warnings)
	}
}

// The defaults of an unset config section.
func TestParseConfigDefaults(t *testing.T) {
	sc, err := Parse("s.yaml", []byte(cfgDoc("")), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := sc.Config
	if c.HTTP != (HTTPConfig{Timeout: 10 * time.Second, MaxBodyBytes: 10 << 20}) {
		t.Errorf("HTTP = %+v", c.HTTP)
	}
	if c.TLS != (TLSConfig{RejectUnauthorized: true}) {
		t.Errorf("TLS = %+v", c.TLS)
	}
	if c.Headers != nil || c.Variables != nil || c.Payloads != nil || c.Environment != "" {
		t.Errorf("unexpected config: %+v", c)
	}
	if got := sc.Flows[0]; got.Name != "scenario 1" || got.Weight != 1 {
		t.Errorf("flow defaults: name %q weight %d", got.Name, got.Weight)
	}
	if !reflect.DeepEqual(sc.RequestNames, []string{"/"}) {
		t.Errorf("RequestNames = %q", sc.RequestNames)
	}
}

func TestParseFlowGolden(t *testing.T) {
	src := `config:
  target: http://t.test
  phases: [{duration: 1, arrivalRate: 1, name: only}]
  variables: {ids: [1, 2], base: /v1}
before:
  flow:
    - post: {url: /session, capture: {header: x-session, as: session}}
scenarios:
  - name: main
    weight: 3
    flow:
      - get:
          url: "{{ base }}/items?sort=asc"
          name: items
          headers: {X-Session: "{{ session }}"}
          qs: {page: 1, q: "{{ $randomString(4) }}"}
          capture:
            - {json: "$.items", as: items}
            - {regexp: "id=(\\d+)", group: 1, flags: i, as: firstId, strict: false}
          expect:
            - statusCode: [200, 204]
            - contentType: json
            - hasProperty: items
            - equals: ["{{ firstId }}", "1"]
            - hasHeader: etag
      - post:
          url: https://other.test/x
          ifTrue: "firstId >= 2"
          json: {n: 1.5e3, big: 12345678901234567890, hex: 0x1F, ok: true, none: null, list: ["{{ $vu.id }}", 2], obj: {}}
      - put: {url: /form, form: {a: "{{ base }}"}, ifTrue: "base != 'x'"}
      - patch: {url: /body, body: "raw {{ $env.HOME }}", ifTrue: "items"}
      - think: 1.5
      - {think: "{{ ids }}", jitter: "10%"}
      - loop:
          - log: "{{ $loopCount }}: {{ $loopElement.id }}"
        over: items
      - loop: [{delete: {url: "/items/{{ $loopElement }}"}}]
        over: [1, "b"]
      - loop: [{head: {url: /h}}]
        count: "{{ ids }}"
      - loop: [{options: {url: /o}}]
        count: 2
after:
  flow:
    - log: done
`
	sc, err := Parse("f.yaml", []byte(src), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const f = "f.yaml"
	p := func(line, col int) Pos { return Pos{File: f, Line: line, Col: col} }
	tm := func(line, col int, s string) *Template { return tmpl(t, f, line, col, s) }
	num := func(s string) *JSONValue { return &JSONValue{Kind: JSONNumber, Num: s} }
	str := func(line, col int, s string) *JSONValue { return &JSONValue{Kind: JSONString, Str: tm(line, col, s)} }
	cond := func(srcText string, op CondOp, left, right *Template) *Cond {
		return &Cond{Src: srcText, Op: op, Left: left, Right: right}
	}
	// Condition operands carry the position of the ifTrue string.
	ct := func(line, col int, s string) *Template { return tm(line, col, s) }
	wantBefore := []Step{{Kind: StepRequest, Pos: p(7, 7), Path: "before.flow[0]", Request: &Request{
		Method: "POST", URL: tm(7, 19, "/session"), Name: "/session",
		Captures: []Capture{{Kind: CaptureHeader, Expr: "x-session", As: "session", Strict: true, Pos: p(7, 38)}},
	}}}
	diff(t, "Before", sc.Before, wantBefore)
	want := []Step{
		{Kind: StepRequest, Pos: p(12, 9), Path: "scenarios[0].flow[0]", Request: &Request{
			Method: "GET", URL: tm(13, 16, "{{ base }}/items?sort=asc"), Name: "items",
			Headers: []Header{{Name: "X-Session", Value: tm(15, 32, "{{ session }}")}},
			QS:      []Param{{Name: "page", Value: tm(16, 22, "1")}, {Name: "q", Value: tm(16, 28, "{{ $randomString(4) }}")}},
			Captures: []Capture{
				{Kind: CaptureJSON, Expr: "$.items", As: "items", Strict: true, Pos: p(18, 15)},
				{Kind: CaptureRegexp, Expr: `(?i)id=(\d+)`, Group: 1, As: "firstId", Strict: false, Pos: p(19, 15)},
			},
			Expects: []Expect{
				{Kind: ExpectStatusCode, Codes: []int{200, 204}, Pos: p(21, 15)},
				{Kind: ExpectContentType, Value: "json", Pos: p(22, 15)},
				{Kind: ExpectHasProperty, Value: "items", Pos: p(23, 15)},
				{Kind: ExpectEquals, Values: []*Template{tm(24, 24, "{{ firstId }}"), tm(24, 41, "1")}, Pos: p(24, 15)},
				{Kind: ExpectHasHeader, Value: "etag", Pos: p(25, 15)},
			},
		}},
		{Kind: StepRequest, Pos: p(26, 9), Path: "scenarios[0].flow[1]", Request: &Request{
			Method: "POST", URL: tm(27, 16, "https://other.test/x"), Name: "https://other.test/x",
			IfTrue: cond("firstId >= 2", CondGe, ct(28, 19, "{{ firstId }}"), constTemplate("2", p(28, 19))),
			JSON: &JSONValue{Kind: JSONObject, Obj: []JSONField{
				{Key: "n", Value: num("1.5e3")},
				{Key: "big", Value: num("12345678901234567890")},
				{Key: "hex", Value: num("31")},
				{Key: "ok", Value: &JSONValue{Kind: JSONBool, Bool: true}},
				{Key: "none", Value: &JSONValue{Kind: JSONNull}},
				{Key: "list", Value: &JSONValue{Kind: JSONArray, Arr: []*JSONValue{str(29, 95, "{{ $vu.id }}"), num("2")}}},
				{Key: "obj", Value: &JSONValue{Kind: JSONObject, Obj: []JSONField{}}},
			}},
		}},
		{Kind: StepRequest, Pos: p(30, 9), Path: "scenarios[0].flow[2]", Request: &Request{
			Method: "PUT", URL: tm(30, 20, "/form"), Name: "/form",
			Form:   []Param{{Name: "a", Value: tm(30, 37, "{{ base }}")}},
			IfTrue: cond("base != 'x'", CondNe, ct(30, 60, "{{ base }}"), constTemplate("x", p(30, 60))),
		}},
		{Kind: StepRequest, Pos: p(31, 9), Path: "scenarios[0].flow[3]", Request: &Request{
			Method: "PATCH", URL: tm(31, 22, "/body"), Name: "/body",
			Body:   tm(31, 35, "raw {{ $env.HOME }}"),
			IfTrue: cond("items", CondTruthy, ct(31, 66, "{{ items }}"), nil),
		}},
		{Kind: StepThink, Pos: p(32, 9), Path: "scenarios[0].flow[4]", Think: &Think{Duration: 1500 * time.Millisecond}},
		{Kind: StepThink, Pos: p(33, 9), Path: "scenarios[0].flow[5]", Think: &Think{Tmpl: tm(33, 17, "{{ ids }}"), Jitter: 0.1}},
		{Kind: StepLoop, Pos: p(34, 9), Path: "scenarios[0].flow[6]", Loop: &Loop{OverVar: "items", Steps: []Step{
			{Kind: StepLog, Pos: p(35, 13), Path: "scenarios[0].flow[6].loop[0]", Log: tm(35, 18, "{{ $loopCount }}: {{ $loopElement.id }}")},
		}}},
		{Kind: StepLoop, Pos: p(37, 9), Path: "scenarios[0].flow[7]", Loop: &Loop{
			Over: []*JSONValue{num("1"), str(38, 19, "b")},
			Steps: []Step{{Kind: StepRequest, Pos: p(37, 16), Path: "scenarios[0].flow[7].loop[0]", Request: &Request{
				Method: "DELETE", URL: tm(37, 31, "/items/{{ $loopElement }}"), Name: "/items/{{ $loopElement }}",
			}}},
		}},
		{Kind: StepLoop, Pos: p(39, 9), Path: "scenarios[0].flow[8]", Loop: &Loop{
			CountTmpl: tm(40, 16, "{{ ids }}"),
			Steps: []Step{{Kind: StepRequest, Pos: p(39, 16), Path: "scenarios[0].flow[8].loop[0]", Request: &Request{
				Method: "HEAD", URL: tm(39, 29, "/h"), Name: "/h",
			}}},
		}},
		{Kind: StepLoop, Pos: p(41, 9), Path: "scenarios[0].flow[9]", Loop: &Loop{
			Count: 2,
			Steps: []Step{{Kind: StepRequest, Pos: p(41, 16), Path: "scenarios[0].flow[9].loop[0]", Request: &Request{
				Method: "OPTIONS", URL: tm(41, 32, "/o"), Name: "/o",
			}}},
		}},
	}
	if len(sc.Flows) != 1 || sc.Flows[0].Name != "main" || sc.Flows[0].Weight != 3 || sc.Flows[0].Pos != p(9, 5) {
		t.Fatalf("Flows = %+v", sc.Flows)
	}
	for i := range want {
		if i < len(sc.Flows[0].Steps) {
			diff(t, want[i].Path, sc.Flows[0].Steps[i], want[i])
		}
	}
	if len(sc.Flows[0].Steps) != len(want) {
		t.Errorf("got %d steps, want %d", len(sc.Flows[0].Steps), len(want))
	}
	diff(t, "After", sc.After, []Step{{Kind: StepLog, Pos: p(45, 7), Path: "after.flow[0]", Log: tm(45, 12, "done")}})
	wantNames := []string{"/session", "items", "https://other.test/x", "/form", "/body", "/items/{{ $loopElement }}", "/h", "/o"}
	diff(t, "RequestNames", sc.RequestNames, wantNames)
}
