package ensure_test

import (
	"math"
	"testing"

	"github.com/loadgo/loadgo/runner/ensure"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// th builds a threshold as the scenario package would.
func th(metric, stat, request, phase string, limit float64) scenario.Threshold {
	return scenario.Threshold{Metric: metric, Stat: stat, Request: request, Phase: phase, Max: limit}
}

func TestEvaluateThresholds(t *testing.T) {
	sum := fixture(t)
	tests := []struct {
		name      string
		th        scenario.Threshold
		wantName  string
		wantValue float64
		wantPass  bool
	}{
		// Under the limit passes.
		{name: "p99 under", th: th("http.response_time.p99", "http.response_time.p99", "", "", 200),
			wantName: "http.response_time.p99 <= 200", wantValue: 1.9, wantPass: true},
		// Over the limit fails; fractional limits print as written.
		{name: "p99 over", th: th("http.response_time.p99", "http.response_time.p99", "", "", 1.5),
			wantName: "http.response_time.p99 <= 1.5", wantValue: 1.9},
		// Equal to the limit passes (value <= limit).
		{name: "equal", th: th("http.requests", "http.requests", "", "", 17),
			wantName: "http.requests <= 17", wantValue: 17, wantPass: true},
		// The name keeps the metric as written (median), the value is p50's.
		{name: "alias as written", th: th("http.response_time.median", "http.response_time.p50", "", "", 0.4),
			wantName: "http.response_time.median <= 0.4", wantValue: 0.5},
		// A selector written in the metric is not repeated.
		{name: "inline selector", th: th("http.response_time.max{name:login}", "http.response_time.max", "login", "", 2),
			wantName: "http.response_time.max{name:login} <= 2", wantValue: 1.6, wantPass: true},
		// A selector given apart (mapping form) is appended to the name.
		{name: "separate selector", th: th("http.error_rate", "http.error_rate", "login", "ramp", 50),
			wantName: "http.error_rate{name:login,phase:ramp} <= 50", wantValue: 100},
		// maxErrorRate: 1 over the whole run: 17.6% fails.
		{name: "legacy maxErrorRate", th: th("maxErrorRate", "http.error_rate", "", "", 1),
			wantName: "maxErrorRate <= 1", wantValue: 300.0 / 17},
		// No data for a latency fails with NaN, however generous the limit.
		{name: "no data latency", th: th("http.response_time.p95", "http.response_time.p95", "home", "ramp", 1e9),
			wantName: "http.response_time.p95{name:home,phase:ramp} <= 1000000000", wantValue: math.NaN()},
		// No data for a count is 0 and passes.
		{name: "no data count", th: th("http.errors", "http.errors", "home", "ramp", 0),
			wantName: "http.errors{name:home,phase:ramp} <= 0", wantValue: 0, wantPass: true},
		// An unknown metric fails.
		{name: "unknown", th: th("http.bogus", "http.bogus", "", "", 100),
			wantName: "http.bogus <= 100", wantValue: math.NaN()},
		// Without Metric, the canonical Stat names the result.
		{name: "stat fallback", th: th("", "vusers.dropped", "", "", 0),
			wantName: "vusers.dropped <= 0", wantValue: 1},
		// A NaN limit can never be met.
		{name: "NaN limit", th: th("http.requests", "http.requests", "", "", math.NaN()),
			wantName: "http.requests <= NaN", wantValue: 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, passed := ensure.Evaluate(scenario.Ensure{Thresholds: []scenario.Threshold{tt.th}}, sum)
			if len(res) != 1 {
				t.Fatalf("got %d results, want 1", len(res))
			}
			r := res[0]
			if r.Name != tt.wantName || r.Passed != tt.wantPass || !sameFloat(r.Value, tt.wantValue) || !sameFloat(r.Limit, tt.th.Max) {
				t.Errorf("result = %+v, want name %q passed %v value %v limit %v", r, tt.wantName, tt.wantPass, tt.wantValue, tt.th.Max)
			}
			if passed != tt.wantPass {
				t.Errorf("passed = %v, want %v", passed, tt.wantPass)
			}
		})
	}
}

// cmp builds a comparison node.
func cmp(stat string, op scenario.CondOp, v float64) *scenario.Expr {
	return &scenario.Expr{Kind: scenario.ExprCompare, Op: op, Value: v,
		Metric: scenario.Threshold{Metric: stat, Stat: stat}}
}

func and(l, r *scenario.Expr) *scenario.Expr {
	return &scenario.Expr{Kind: scenario.ExprAnd, Left: l, Right: r}
}
func or(l, r *scenario.Expr) *scenario.Expr {
	return &scenario.Expr{Kind: scenario.ExprOr, Left: l, Right: r}
}
func not(l *scenario.Expr) *scenario.Expr { return &scenario.Expr{Kind: scenario.ExprNot, Left: l} }

func TestEvaluateConditions(t *testing.T) {
	sum := fixture(t)
	const (
		p99  = "http.response_time.p99" // 1.9 ms
		p50  = "http.response_time.p50" // 0.5 ms
		reqs = "http.requests"          // 17
	)
	// noData is a latency of a selection without samples.
	noData := &scenario.Expr{Kind: scenario.ExprCompare, Op: scenario.CondLt, Value: 100,
		Metric: scenario.Threshold{Metric: "http.response_time.p99{name:home,phase:ramp}", Stat: p99, Request: "home", Phase: "ramp"}}
	tests := []struct {
		name      string
		expr      *scenario.Expr
		wantPass  bool
		wantValue float64 // NaN unless a single comparison
	}{
		// Each operator, true and false.
		{name: "lt true", expr: cmp(p99, scenario.CondLt, 2), wantPass: true, wantValue: 1.9},
		{name: "lt false", expr: cmp(p99, scenario.CondLt, 1.9), wantValue: 1.9},
		{name: "le true", expr: cmp(p99, scenario.CondLe, 1.9), wantPass: true, wantValue: 1.9},
		{name: "gt true", expr: cmp(reqs, scenario.CondGt, 16), wantPass: true, wantValue: 17},
		{name: "gt false", expr: cmp(reqs, scenario.CondGt, 17), wantValue: 17},
		{name: "ge true", expr: cmp(reqs, scenario.CondGe, 17), wantPass: true, wantValue: 17},
		{name: "eq true", expr: cmp(reqs, scenario.CondEq, 17), wantPass: true, wantValue: 17},
		{name: "ne false", expr: cmp(reqs, scenario.CondNe, 17), wantValue: 17},
		// CondTruthy is not a comparison of metrics.
		{name: "truthy op", expr: cmp(reqs, scenario.CondTruthy, 0), wantValue: 17},
		// and / or / not.
		{name: "and true", expr: and(cmp(p99, scenario.CondLt, 100), cmp(p50, scenario.CondLt, 75)), wantPass: true, wantValue: math.NaN()},
		{name: "and false", expr: and(cmp(p99, scenario.CondLt, 1), cmp(p50, scenario.CondLt, 75)), wantValue: math.NaN()},
		{name: "or one true", expr: or(cmp(p99, scenario.CondLt, 1), cmp(p50, scenario.CondLt, 75)), wantPass: true, wantValue: math.NaN()},
		{name: "or false", expr: or(cmp(p99, scenario.CondLt, 1), cmp(p50, scenario.CondGt, 75)), wantValue: math.NaN()},
		{name: "not", expr: not(cmp(p99, scenario.CondGt, 100)), wantPass: true, wantValue: math.NaN()},
		{name: "nested", expr: and(not(or(cmp(reqs, scenario.CondLt, 10), cmp(p99, scenario.CondGt, 5))), cmp(p50, scenario.CondLe, 0.5)),
			wantPass: true, wantValue: math.NaN()},
		// No data is unknown: neither it nor its negation passes...
		{name: "no data", expr: noData, wantValue: math.NaN()},
		{name: "not no data", expr: not(noData), wantValue: math.NaN()},
		{name: "and no data", expr: and(cmp(reqs, scenario.CondGt, 0), noData), wantValue: math.NaN()},
		// ...unless the other side decides: false and unknown is false,
		// true or unknown is true.
		{name: "false and no data", expr: and(noData, cmp(reqs, scenario.CondLt, 0)), wantValue: math.NaN()},
		{name: "not (false and no data)", expr: not(and(noData, cmp(reqs, scenario.CondLt, 0))), wantPass: true, wantValue: math.NaN()},
		{name: "true or no data", expr: or(noData, cmp(reqs, scenario.CondGt, 0)), wantPass: true, wantValue: math.NaN()},
		// A missing or malformed tree never passes.
		{name: "nil expr", expr: nil, wantValue: math.NaN()},
		{name: "missing operand", expr: and(cmp(reqs, scenario.CondGt, 0), nil), wantValue: math.NaN()},
		{name: "unknown kind", expr: &scenario.Expr{Kind: 99}, wantValue: math.NaN()},
	}
	for _, tt := range tests {
		for _, strict := range []bool{true, false} {
			c := scenario.Condition{Expression: "expr " + tt.name, Expr: tt.expr, Strict: strict}
			res, passed := ensure.Evaluate(scenario.Ensure{Conditions: []scenario.Condition{c}}, sum)
			if len(res) != 1 {
				t.Fatalf("%s: got %d results", tt.name, len(res))
			}
			r := res[0]
			if r.Name != c.Expression || r.Passed != tt.wantPass || !math.IsNaN(r.Limit) || !sameFloat(r.Value, tt.wantValue) {
				t.Errorf("%s: result = %+v, want passed %v value %v limit NaN", tt.name, r, tt.wantPass, tt.wantValue)
			}
			// A failed non-strict condition is reported but does not fail the run.
			if wantPassed := tt.wantPass || !strict; passed != wantPassed {
				t.Errorf("%s (strict %v): passed = %v, want %v", tt.name, strict, passed, wantPassed)
			}
		}
	}
}

func TestEvaluateMixed(t *testing.T) {
	sum := fixture(t)
	e := scenario.Ensure{
		Thresholds: []scenario.Threshold{
			th("http.response_time.p95", "http.response_time.p95", "", "", 100),
			th("http.codes.500", "http.codes.500", "", "", 0),
		},
		Conditions: []scenario.Condition{
			{Expression: "http.requests > 100", Expr: cmp("http.requests", scenario.CondGt, 100), Strict: false},
			{Expression: "http.requests > 10", Expr: cmp("http.requests", scenario.CondGt, 10), Strict: true},
		},
	}
	res, passed := ensure.Evaluate(e, sum)
	wantNames := []string{"http.response_time.p95 <= 100", "http.codes.500 <= 0", "http.requests > 100", "http.requests > 10"}
	wantPass := []bool{true, true, false, true}
	if len(res) != len(wantNames) {
		t.Fatalf("got %d results, want %d", len(res), len(wantNames))
	}
	for i, r := range res {
		if r.Name != wantNames[i] || r.Passed != wantPass[i] {
			t.Errorf("result %d = %q passed %v, want %q passed %v", i, r.Name, r.Passed, wantNames[i], wantPass[i])
		}
	}
	// Only a non-strict condition failed: the run passes.
	if !passed {
		t.Error("passed = false, want true")
	}
	// One failing threshold among passing ones fails the run.
	e.Thresholds = append(e.Thresholds, th("http.errors", "http.errors", "", "", 0))
	if _, passed := ensure.Evaluate(e, sum); passed {
		t.Error("passed = true with http.errors 3 > 0")
	}
	// Nothing to ensure: the run passes with no results.
	if res, passed := ensure.Evaluate(scenario.Ensure{}, sum); !passed || len(res) != 0 {
		t.Errorf("empty ensure = %v, %v", res, passed)
	}
}

func TestEvaluateMaxErrorRateZero(t *testing.T) {
	// maxErrorRate: 0 passes when nothing failed.
	reg := metrics.NewRegistry()
	id := reg.Register("ok", 0, "p", "http")
	rec := metrics.NewRecorder(reg, 1)
	agg := metrics.NewAggregator(rec, fixtureStart)
	rec.Shard(0).Record(id, &metrics.Sample{Latency: 1000, Status: 200})
	agg.Collect(fixtureStart, 0, "p", metrics.VUStats{})
	sum := agg.Summary(fixtureStart, metrics.VUStats{}, []string{"p"})
	res, passed := ensure.Evaluate(scenario.Ensure{Thresholds: []scenario.Threshold{th("maxErrorRate", "http.error_rate", "", "", 0)}}, sum)
	if !passed || res[0].Value != 0 {
		t.Fatalf("maxErrorRate 0 without errors = %+v, passed %v", res, passed)
	}
}

func TestEvaluateFormatsExpressionWithoutSource(t *testing.T) {
	sum := fixture(t)
	sel := &scenario.Expr{Kind: scenario.ExprCompare, Op: scenario.CondGe, Value: 1,
		Metric: scenario.Threshold{Stat: "http.requests", Request: "login", Phase: "warm"}}
	tests := []struct {
		name string
		expr *scenario.Expr
		want string
	}{
		// A comparison with its metric as written.
		{name: "compare", expr: cmp("http.response_time.p99", scenario.CondLt, 100.5), want: "http.response_time.p99 < 100.5"},
		// Nested operands are parenthesised.
		{name: "nested", expr: not(or(cmp("http.requests", scenario.CondEq, 1), and(cmp("http.errors", scenario.CondNe, 0), nil))),
			want: "not (http.requests == 1 or (http.errors != 0 and ?))"},
		// Without Metric, the canonical name and selector.
		{name: "selector", expr: sel, want: "http.requests{name:login,phase:warm} >= 1"},
		// Nothing at all.
		{name: "nil", expr: nil, want: "?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := ensure.Evaluate(scenario.Ensure{Conditions: []scenario.Condition{{Expr: tt.expr, Strict: true}}}, sum)
			if res[0].Name != tt.want {
				t.Errorf("Name = %q, want %q", res[0].Name, tt.want)
			}
		})
	}
}
