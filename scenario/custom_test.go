package scenario

import "testing"

// customDoc is a scenario whose flow records custom.seen and whose ensure
// section is ensure (indented under config). Its ensure starts on line 5.
func customDoc(ensure string) string {
	return cfgHead + "  ensure:\n" + ensure +
		"scenarios:\n  - flow:\n      - metric: { name: seen, value: \"{{ $randomNumber(1, 3) }}\" }\n"
}

func TestMetricStep(t *testing.T) {
	src := cfgHead + `  variables: { n: [4] }
  ensure:
    thresholds:
      - custom.seen.max: 10
    conditions:
      - name: lost
        expression: "custom.seen - custom.seen.min * 2 <= 0"
scenarios:
  - flow:
      - metric: { name: seen, value: 1.5 }
      - metric:
          name: seen
          value: "{{ n }}"
`
	sc, err := Parse("s.yaml", []byte(src), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	steps := sc.Flows[0].Steps
	if len(steps) != 2 || steps[0].Kind != StepMetric || steps[1].Kind != StepMetric {
		t.Fatalf("steps = %+v, want two metric steps", steps)
	}
	if m := steps[0].Metric; m.Name != "seen" || m.Value.Src != "1.5" {
		t.Errorf("first metric step = %+v (value %q)", m, m.Value.Src)
	}
	if m := steps[1].Metric; m.Name != "seen" || m.Value.Src != "{{ n }}" {
		t.Errorf("second metric step = %+v (value %q)", m, m.Value.Src)
	}
	if th := sc.Config.Ensure.Thresholds[0]; th.Stat != "custom.seen.max" {
		t.Errorf("threshold stat = %q", th.Stat)
	}
	if c := sc.Config.Ensure.Conditions[0]; c.Name != "lost" || !c.Strict || c.Expr == nil || c.Expr.Left == nil {
		t.Errorf("condition = %+v, want a named strict arithmetic comparison", c)
	}
}

func TestProblemsCustomMetrics(t *testing.T) {
	runProblemCases(t, []problemCase{
		// A threshold on a custom metric no step records could never pass.
		{name: "unrecorded", src: customDoc("    thresholds:\n      - custom.lost: 0\n"), want: []string{
			"s.yaml:6:9: config.ensure.thresholds[0].custom.lost: no metric step records `custom.lost`: add a step `- metric: { name: lost, value: ... }`"}},
		// A near miss is suggested, also inside a condition.
		{name: "misspelt in condition", src: customDoc("    conditions:\n      - expression: \"custom.sen.max < 1\"\n"), want: []string{
			"s.yaml:6:22: config.ensure.conditions[0].expression: no metric step records `custom.sen`; did you mean `custom.seen`?"}},
		// Custom metrics are run-wide: no name or phase key.
		{name: "phase key", src: customDoc("    thresholds:\n      - custom.seen: 0\n        phase: x\n"), want: []string{
			"s.yaml:6:9: config.ensure.thresholds[0].custom.seen: `custom.seen` is a metric of the whole run and takes no name or phase"}},
		// A condition's name is a string.
		{name: "condition name", src: customDoc("    conditions:\n      - expression: \"custom.seen < 1\"\n        name: [a]\n"), want: []string{
			"s.yaml:7:15: config.ensure.conditions[0].name: expected a string, got a list"}},
		// A metric step needs a name and a value.
		{name: "empty step", src: flowDoc("      - metric: {}\n"), want: []string{
			"s.yaml:6:17: scenarios[0].flow[0].metric: `name` is required: the metric is then custom.NAME in thresholds",
			"s.yaml:6:17: scenarios[0].flow[0].metric: `value` is required: a number or a template such as \"{{ views }}\""}},
		// Names are identifiers; keys are checked with a suggestion.
		{name: "bad name and key", src: flowDoc("      - metric: { name: a-b, valeu: 1 }\n"), want: []string{
			"s.yaml:6:25: scenarios[0].flow[0].metric.name: a custom metric name is letters, digits and _ (not starting with a digit), got \"a-b\"",
			"s.yaml:6:30: scenarios[0].flow[0].metric.valeu: unknown key `valeu`; did you mean `value`?"}},
		// The value's template is checked like any other.
		{name: "unknown variable", src: flowDoc("      - metric: { name: a, value: \"{{ nope }}\" }\n"), want: []string{
			"s.yaml:6:36: scenarios[0].flow[0].metric.value: unknown variable `nope`: define it in config.variables, a payload's fields or a capture's `as`"}},
		// A constant value must be a number.
		{name: "constant text", src: flowDoc("      - metric: { name: a, value: many }\n"), want: []string{
			"s.yaml:6:35: scenarios[0].flow[0].metric.value: expected a number or a template such as \"{{ views }}\", got the string \"many\""}},
		// Not a mapping.
		{name: "scalar", src: flowDoc("      - metric: 5\n"), want: []string{
			"s.yaml:6:17: scenarios[0].flow[0].metric: expected a mapping, got the number 5"}},
	})
}
