package ensure_test

import (
	"math"
	"testing"

	"github.com/loadgo/loadgo/runner/ensure"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// condition parses expr as the scenario package does, in a script whose
// metric steps record custom.before, custom.after and custom.never.
func condition(t *testing.T, name, expr string) scenario.Condition {
	t.Helper()
	src := `config:
  target: http://127.0.0.1:1
  phases: [{duration: 1, arrivalRate: 1, name: warm}]
  ensure:
    conditions:
      - expression: "` + expr + `"
        name: "` + name + `"
scenarios:
  - flow:
      - get: { url: /login, name: login }
      - get: { url: /, name: home }
      - metric: { name: before, value: 1 }
      - metric: { name: after, value: 2 }
      - metric: { name: never, value: 3 }
`
	sc, err := scenario.Parse("c.yaml", []byte(src), scenario.LoadOptions{})
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return sc.Config.Ensure.Conditions[0]
}

// customFixture is the shared fixture (login: ten 200s and two 401s; 17
// requests, 3 errors) plus custom metrics before (100), after (107, after
// 104) and never (nothing recorded).
func customFixture(t *testing.T) *metrics.Summary {
	sum := fixture(t)
	c := metrics.NewCustom([]string{"before", "after", "never"})
	c.Record(0, 100)
	c.Record(1, 104)
	c.Record(1, 107)
	sum.Custom = c.Stats()
	return sum
}

func TestEvaluateArithmetic(t *testing.T) {
	sum := customFixture(t)
	tests := []struct {
		name, label, expr string
		wantName          string
		wantValue         float64
		wantPass          bool
	}{
		// Lost updates: 10 views answered, the counter moved by 7: 3 lost.
		{name: "lost", label: "lost views", expr: "http.codes.200{name:login} - (custom.after - custom.before) <= 0",
			wantName: "lost views: http.codes.200{name:login} - (custom.after - custom.before) <= 0", wantValue: 3},
		// The same with room for 3 passes.
		{name: "lost within", expr: "http.codes.200{name:login} - (custom.after - custom.before) <= 3",
			wantName: "http.codes.200{name:login} - (custom.after - custom.before) <= 3", wantValue: 3, wantPass: true},
		// * binds tighter than +.
		{name: "precedence", expr: "custom.before + custom.after * 2 == 314",
			wantName: "custom.before + custom.after * 2 == 314", wantValue: 314, wantPass: true},
		// A ratio in percent: 3 / 17 * 100 = 17.6.
		{name: "ratio", expr: "http.errors / http.requests * 100 < 20",
			wantName: "http.errors / http.requests * 100 < 20", wantValue: 300.0 / 17, wantPass: true},
		// Two metrics compared directly.
		{name: "two metrics", expr: "http.errors < http.requests",
			wantName: "http.errors < http.requests", wantValue: 3, wantPass: true},
		// Statistics of a custom metric; the bare name is the last value.
		{name: "stats", expr: "custom.after.min + custom.after.max + custom.after.count + custom.after.sum + custom.after.mean - custom.after == 422.5",
			wantName: "custom.after.min + custom.after.max + custom.after.count + custom.after.sum + custom.after.mean - custom.after == 422.5", wantValue: 422.5, wantPass: true},
		// Negation.
		{name: "negative", expr: "-custom.before < 0", wantName: "-custom.before < 0", wantValue: -100, wantPass: true},
		// Dividing by zero has no value: the condition fails.
		{name: "divide by zero", expr: "custom.before / (custom.after - 107) < 1",
			wantName: "custom.before / (custom.after - 107) < 1", wantValue: math.NaN()},
		// A metric nothing was recorded into has no value...
		{name: "never recorded", expr: "custom.never - 1 < 0", wantName: "custom.never - 1 < 0", wantValue: math.NaN()},
		// ...so "not" cannot turn it into a pass...
		{name: "not never", expr: "not (custom.never > 5)", wantName: "not (custom.never > 5)", wantValue: math.NaN()},
		// ...but its count is 0.
		{name: "never count", expr: "custom.never.count == 0", wantName: "custom.never.count == 0", wantValue: 0, wantPass: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := condition(t, tt.label, tt.expr)
			res, passed := ensure.Evaluate(scenario.Ensure{Conditions: []scenario.Condition{c}}, sum)
			r := res[0]
			if r.Name != tt.wantName || r.Passed != tt.wantPass || passed != tt.wantPass || !sameFloat(r.Value, tt.wantValue) {
				t.Errorf("result = %+v (run passed %v), want name %q passed %v value %v", r, passed, tt.wantName, tt.wantPass, tt.wantValue)
			}
		})
	}
}

func TestEvaluateCustomThresholds(t *testing.T) {
	sum := customFixture(t)
	tests := []struct {
		name      string
		th        scenario.Threshold
		wantValue float64
		wantPass  bool
	}{
		// The last value.
		{name: "last", th: th("custom.after", "custom.after", "", "", 107), wantValue: 107, wantPass: true},
		// A statistic over the limit.
		{name: "max over", th: th("custom.after.max", "custom.after.max", "", "", 100), wantValue: 107},
		// Nothing recorded fails, however generous the limit.
		{name: "no data", th: th("custom.never.max", "custom.never.max", "", "", 1e9), wantValue: math.NaN()},
		// A name the summary does not know has no value either.
		{name: "unknown name", th: th("custom.nope", "custom.nope", "", "", 1e9), wantValue: math.NaN()},
		// A selector makes no sense on a run-wide metric.
		{name: "selector", th: th("custom.after", "custom.after", "login", "", 1e9), wantValue: math.NaN()},
		// An unknown statistic.
		{name: "bad stat", th: th("custom.after.p99", "custom.after.p99", "", "", 1e9), wantValue: math.NaN()},
		// A custom metric needs a name.
		{name: "no name", th: th("custom.", "custom.", "", "", 1e9), wantValue: math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, passed := ensure.Evaluate(scenario.Ensure{Thresholds: []scenario.Threshold{tt.th}}, sum)
			if r := res[0]; r.Passed != tt.wantPass || passed != tt.wantPass || !sameFloat(r.Value, tt.wantValue) {
				t.Errorf("result = %+v, want passed %v value %v", r, tt.wantPass, tt.wantValue)
			}
		})
	}
}

// TestFormatArithmeticWithoutSource writes an arithmetic condition built
// without its text back, parenthesising nested operations.
func TestFormatArithmeticWithoutSource(t *testing.T) {
	c := condition(t, "", "-(custom.after - custom.before) * 2 - -custom.never / 4 != http.requests + 1")
	c.Expression = ""
	res, _ := ensure.Evaluate(scenario.Ensure{Conditions: []scenario.Condition{c}}, customFixture(t))
	want := "(-(custom.after - custom.before) * 2) - (-custom.never / 4) != http.requests + 1"
	if res[0].Name != want {
		t.Errorf("Name = %q, want %q", res[0].Name, want)
	}
}
