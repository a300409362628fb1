package scenario

import (
	"reflect"
	"testing"
)

func TestParseMetric(t *testing.T) {
	tests := []struct {
		in                   string
		stat, request, phase string
	}{
		// Latency statistics of both families.
		{"http.response_time.p99", "http.response_time.p99", "", ""},
		{"http.response_time.min", "http.response_time.min", "", ""},
		{"http.response_time.max", "http.response_time.max", "", ""},
		{"http.response_time.mean", "http.response_time.mean", "", ""},
		{"http.response_time_intended.p95", "http.response_time_intended.p95", "", ""},
		// Canonical forms: median is p50, p999 is p99.9, trailing zeros go.
		{"http.response_time.median", "http.response_time.p50", "", ""},
		{"http.response_time.p999", "http.response_time.p99.9", "", ""},
		{"http.response_time.p99.90", "http.response_time.p99.9", "", ""},
		{"http.response_time.p99.99", "http.response_time.p99.99", "", ""},
		{"http.response_time.p5", "http.response_time.p5", "", ""},
		// Counters and rates.
		{"http.requests", "http.requests", "", ""},
		{"http.errors", "http.errors", "", ""},
		{"http.error_rate", "http.error_rate", "", ""},
		{"http.codes.404", "http.codes.404", "", ""},
		{"errors.timeout", "errors.timeout", "", ""},
		{"errors.capture", "errors.capture", "", ""},
		{"vusers.created", "vusers.created", "", ""},
		{"vusers.dropped", "vusers.dropped", "", ""},
		// Custom metrics: the last value alone or with .last, or a statistic.
		{"custom.views_after", "custom.views_after", "", ""},
		{"custom.views_after.last", "custom.views_after", "", ""},
		{"custom.x.max", "custom.x.max", "", ""},
		{"custom._n2.count", "custom._n2.count", "", ""},
		// Delivery metrics of real-time runs.
		{"delivery.latency.p99", "delivery.latency.p99", "", ""},
		{"delivery.latency.median", "delivery.latency.p50", "", ""},
		{"delivery.ratio", "delivery.ratio", "", ""},
		{"delivery.out_of_group", "delivery.out_of_group", "", ""},
		// Selectors, either key, both, spaces, quotes holding commas and braces.
		{"http.response_time.p95{name:login}", "http.response_time.p95", "login", ""},
		{"http.requests{phase:ramp up}", "http.requests", "", "ramp up"},
		{"http.errors{ name : show page , phase: 100 rps }", "http.errors", "show page", "100 rps"},
		{`http.response_time.p99{name:"/users/{{ id }}",phase:'a,b'}`, "http.response_time.p99", "/users/{{ id }}", "a,b"},
		{"http.error_rate{phase:x,}", "http.error_rate", "", "x"},
	}
	for _, tt := range tests {
		th, err := ParseMetric(tt.in)
		if err != nil {
			t.Errorf("ParseMetric(%q): %v", tt.in, err)
			continue
		}
		want := Threshold{Metric: tt.in, Stat: tt.stat, Request: tt.request, Phase: tt.phase}
		if th != want {
			t.Errorf("ParseMetric(%q) = %+v, want %+v", tt.in, th, want)
		}
	}
}

func TestParseMetricErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		// A latency family needs a statistic.
		{"http.response_time", "`http.response_time` needs a statistic, e.g. http.response_time.p95 (min, max, mean, median, p50 … p99, p999, p99.9)"},
		// Percentiles must be in (0, 100) and written pNN[.N].
		{"http.response_time.p100", "unknown statistic `p100`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"},
		{"http.response_time.p0", "unknown statistic `p0`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"},
		{"http.response_time.p9999", "unknown statistic `p9999`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"},
		{"http.response_time.p99.", "unknown statistic `p99.`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"},
		{"http.response_time.avg", "unknown statistic `avg`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"},
		// Status codes are three digits from 100 to 599.
		{"http.codes.99", "`http.codes.99`: the status code must be a number from 100 to 599, e.g. http.codes.500"},
		{"http.codes.600", "`http.codes.600`: the status code must be a number from 100 to 599, e.g. http.codes.500"},
		{"http.codes.abc", "`http.codes.abc`: the status code must be a number from 100 to 599, e.g. http.codes.500"},
		// Error kinds, with a suggestion.
		{"errors.timout", "unknown error kind `timout` (known: timeout, refused, reset, dns, tls, status, expect, capture, other, conncap); did you mean `errors.timeout`?"},
		// Misspelt families are suggested, keeping the statistic.
		{"http.respnse_time.p95", "unknown metric `http.respnse_time.p95`; did you mean `http.response_time.p95`?"},
		{"http.request", "unknown metric `http.request`; did you mean `http.requests`?"},
		{"latency", "unknown metric `latency` (known: http.response_time, http.response_time_intended, http.requests, http.errors, http.error_rate, http.codes, errors, vusers.created, vusers.completed, vusers.failed, vusers.dropped, custom.NAME)"},
		// Custom metric names are identifiers; statistics are suggested.
		{"custom.2x", "`custom.2x`: a custom metric is custom.NAME or custom.NAME.STAT, NAME being letters, digits and _"},
		{"custom.", "`custom.`: a custom metric is custom.NAME or custom.NAME.STAT, NAME being letters, digits and _"},
		{"custom.x.mx", "unknown statistic `mx` of a custom metric (known: last, min, max, mean, sum, count); did you mean `custom.x.max`?"},
		// Delivery metrics: a latency needs a statistic, names are suggested,
		// and they take no selector.
		{"delivery.latency", "`delivery.latency` needs a statistic, e.g. delivery.latency.p95 (min, max, mean, median, p50 … p99, p999, p99.9)"},
		{"delivery.latency.p100", "unknown statistic `p100`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"},
		{"delivery.mising", "unknown delivery metric `delivery.mising` (known: delivery.latency.STAT, delivery.ratio, delivery.sends, delivery.expected, delivery.delivered, delivery.missing, delivery.duplicate, delivery.out_of_group); did you mean `delivery.missing`?"},
		{"delivery.missing{phase:x}", "`delivery.missing` is a metric of the whole run and takes no {name} or {phase} selector"},
		// vusers counters have no selector.
		{"vusers.failed{phase:x}", "`vusers.failed` counts VUs of the whole run and takes no {name} or {phase} selector"},
		// Selector syntax.
		{"http.requests{name:x", "the selector `{...}` is not closed with `}`"},
		{"http.requests{}", "the selector `{}` is empty: use {name:REQUEST} and/or {phase:PHASE}"},
		{"http.requests{route:x}", "invalid selector {route:x}: use {name:REQUEST}, {phase:PHASE} or both, separated by a comma"},
		{"http.requests{name:a,name:b}", "the selector sets `name` twice"},
		{"http.requests{name:}", "the selector's `name` is empty"},
		{`http.requests{name:"a}`, "unterminated quoted value in selector {name:\"a}"},
		{`http.requests{name:"a" b}`, "expected `,` after the quoted value in selector {name:\"a\" b}"},
	}
	for _, tt := range tests {
		_, err := ParseMetric(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseMetric(%q) error:\n got %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestParseExpr(t *testing.T) {
	cmp := func(stat string, op CondOp, v float64) *Expr {
		m, err := ParseMetric(stat)
		if err != nil {
			t.Fatal(err)
		}
		return &Expr{Kind: ExprCompare, Metric: m, Op: op, Value: v}
	}
	met := func(stat string) *Expr {
		m, err := ParseMetric(stat)
		if err != nil {
			t.Fatal(err)
		}
		return &Expr{Kind: ExprMetric, Metric: m}
	}
	num := func(v float64) *Expr { return &Expr{Kind: ExprNumber, Value: v} }
	bin := func(k ExprKind, l, r *Expr) *Expr { return &Expr{Kind: k, Left: l, Right: r} }
	tests := []struct {
		name string
		src  string
		want *Expr
	}{
		// One comparison.
		{"compare", "http.response_time.p99 < 100", cmp("http.response_time.p99", CondLt, 100)},
		// Every operator.
		{"le", "http.errors<=0", cmp("http.errors", CondLe, 0)},
		{"ge", "http.requests >= 10", cmp("http.requests", CondGe, 10)},
		{"gt", "http.requests > 1e3", cmp("http.requests", CondGt, 1000)},
		{"eq", "http.codes.500 == 0", cmp("http.codes.500", CondEq, 0)},
		{"ne", "vusers.dropped != 0.5", cmp("vusers.dropped", CondNe, 0.5)},
		// A number on the left flips the operator.
		{"flipped", "100 > http.response_time.p95", cmp("http.response_time.p95", CondLt, 100)},
		// "and" binds tighter than "or"; both are left-associative.
		{"precedence", "http.errors < 1 or http.requests > 2 and http.error_rate < 3", &Expr{Kind: ExprOr,
			Left:  cmp("http.errors", CondLt, 1),
			Right: &Expr{Kind: ExprAnd, Left: cmp("http.requests", CondGt, 2), Right: cmp("http.error_rate", CondLt, 3)}}},
		// Parentheses and not.
		{"parens not", "not (http.errors > 0 or http.requests < 1)", &Expr{Kind: ExprNot,
			Left: &Expr{Kind: ExprOr, Left: cmp("http.errors", CondGt, 0), Right: cmp("http.requests", CondLt, 1)}}},
		// A negative number is unary minus folded into the literal.
		{"negative", "http.errors > -1", cmp("http.errors", CondGt, -1)},
		// Two metrics compare as arithmetic operands.
		{"two metrics", "http.errors < http.requests", &Expr{Kind: ExprCompare, Op: CondLt,
			Left: met("http.errors"), Right: met("http.requests")}},
		// Lost updates: * and / bind tighter than + and -, parentheses group,
		// and a leading "(" may open an operand rather than a boolean group.
		{"arithmetic", "(http.codes.200{name:view} - (custom.after - custom.before)) * 2 / 4 <= 0", &Expr{Kind: ExprCompare, Op: CondLe,
			Left: bin(ExprDiv, bin(ExprMul, bin(ExprSub, met("http.codes.200{name:view}"),
				bin(ExprSub, met("custom.after"), met("custom.before"))), num(2)), num(4)),
			Right: num(0)}},
		// Minus is left-associative and a metric can be negated.
		{"neg", "-custom.a - 1 - 2 > 0", &Expr{Kind: ExprCompare, Op: CondGt,
			Left: bin(ExprSub, bin(ExprSub, &Expr{Kind: ExprNeg, Left: met("custom.a")}, num(1)), num(2)), Right: num(0)}},
		// A boolean group next to an arithmetic one.
		{"groups", "(http.errors < 1) and (custom.a + 1) > 2", &Expr{Kind: ExprAnd,
			Left:  cmp("http.errors", CondLt, 1),
			Right: &Expr{Kind: ExprCompare, Op: CondGt, Left: bin(ExprAdd, met("custom.a"), num(1)), Right: num(2)}}},
		// custom.NAME.last is custom.NAME.
		{"custom last", "custom.a.last < 3", cmp("custom.a.last", CondLt, 3)},
		// A selector with a quoted value holding an operator and a brace.
		{"selector", `http.response_time.p95{name:"a > }b"} < 5`, cmp(`http.response_time.p95{name:"a > }b"}`, CondLt, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, leaves, err := parseExpr(tt.src)
			if err != nil {
				t.Fatalf("parseExpr(%q): %s", tt.src, err.msg)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseExpr(%q) = %+v, want %+v", tt.src, got, tt.want)
			}
			if len(leaves) == 0 {
				t.Errorf("parseExpr(%q) reported no comparisons", tt.src)
			}
		})
	}
}

func TestParseExprErrors(t *testing.T) {
	deep := ""
	for range maxExprDepth + 1 {
		deep += "("
	}
	tests := []struct {
		src  string
		off  int
		want string
	}{
		// Incomplete comparison.
		{"http.errors <", 13, "expected a metric name, a number or `(` after `<`, found the end"},
		// Numbers on both sides compare nothing measured.
		{"1 + 2 < 4", 0, "a comparison needs a metric on one side at least; both sides are numbers"},
		// An operator with nothing after it.
		{"http.errors - < 1", 14, "expected a metric name, a number or `(` after `-`, found `<`"},
		// An unclosed group: the error of the reading that got further.
		{"(http.errors - 1 < 5", 20, "expected `)`, found the end"},
		// A comparison used as an arithmetic operand.
		{"(http.errors < 1) + 1 < 2", 18, "a comparison cannot be an operand of `+`"},
		// A custom metric with an unknown statistic.
		{"custom.views.p99 < 1", 0, "unknown statistic `p99` of a custom metric (known: last, min, max, mean, sum, count)"},
		// A custom metric takes no selector.
		{"custom.views{name:x} < 1", 0, "`custom.views` is a metric of the whole run and takes no {name} or {phase} selector"},
		// Missing operator.
		{"http.errors 5", 12, "expected a comparison (<, <=, >, >=, ==, !=), found `5`"},
		// A lone "=".
		{"http.errors = 5", 12, "unexpected `=`; comparisons are <, <=, >, >=, == and !="},
		// A bad metric name points at the metric.
		{"http.errors < 1 and http.eror_rate > 2", 20, "unknown metric `http.eror_rate`; did you mean `http.error_rate`?"},
		// Trailing garbage.
		{"http.errors < 1 http.requests", 16, "unexpected `http.requests`: expected `and`, `or` or the end"},
		// Unbalanced parentheses.
		{"(http.errors < 1", 16, "expected `)`, found the end"},
		// Nothing at all.
		{"", 0, "expected a metric name (e.g. http.response_time.p99), a number, `not` or `(`, found the end"},
		// Characters that are no tokens.
		{"http.errors < 1 && http.requests > 1", 16, "unexpected `&& http.requests > 1`"},
		// A malformed number.
		{"http.errors < 1.2.3", 14, "invalid number `1.2.3`"},
		// Nesting is bounded.
		{deep, maxExprDepth, "the expression is nested too deeply"},
		// An unclosed selector.
		{"http.errors{name:x < 1", 11, "the selector `{...}` is not closed with `}`"},
	}
	for _, tt := range tests {
		_, _, err := parseExpr(tt.src)
		if err == nil || err.off != tt.off || err.msg != tt.want {
			t.Errorf("parseExpr(%q) = %+v; want off %d, %q", tt.src, err, tt.off, tt.want)
		}
	}
}
