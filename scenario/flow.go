package scenario

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxLoopDepth bounds loop nesting.
const maxLoopDepth = 16

var (
	rootKeys = []string{"config", "scenarios", "before", "after"}
	flowKeys = []string{"name", "weight", "flow", "engine"}
	hookKeys = []string{"flow"}
	stepKeys = []string{"get", "post", "put", "patch", "delete", "head", "options", "think", "loop", "log", "metric", "count", "over", "jitter"}
	// jsKeys name Artillery hooks whose value is a JavaScript function.
	jsKeys  = map[string]bool{"beforeScenario": true, "afterScenario": true, "beforeRequest": true, "afterResponse": true, "function": true, "whileTrue": true, "processor": true}
	methods = map[string]string{"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "head": "HEAD", "options": "OPTIONS"}
)

// jsError reports a key that needs Artillery's JavaScript.
func (d *decoder) jsError(k *yaml.Node, path, key string) {
	d.errorf(k, path, "`%s` needs Artillery's JavaScript (a processor function), which loadgo does not run", key)
}

// flows decodes scenarios[].
func (d *decoder) flows(n *yaml.Node, path string) []Flow {
	items, ok := d.sequence(n, path)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.errorf(n, path, "at least one scenario is required")
		return nil
	}
	var out []Flow
	total := 0
	for i, item := range items {
		if f, ok := d.flow(item, index(path, i), i); ok {
			out = append(out, f)
			total += f.Weight
		}
	}
	if len(out) == len(items) && total == 0 {
		d.errorf(n, path, "every scenario has weight 0, so none would run")
	}
	return out
}

// flow decodes one scenarios[] entry.
func (d *decoder) flow(n *yaml.Node, path string, i int) (Flow, bool) {
	f := Flow{Name: "scenario " + strconv.Itoa(i+1), Weight: 1, Pos: d.pos(n)}
	if isNull(n) {
		d.errorf(n, path, "expected a scenario with a `flow`, got null")
		return f, false
	}
	pairs, ok := d.mapping(n, path)
	if !ok {
		return f, false
	}
	hasFlow, unknown := false, false
	d.beginFlow(pairs)
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "name":
			s, good := d.str(p.v, kp)
			if good {
				f.Name = s
			}
			ok = ok && good
		case "weight":
			w, good := d.integer(p.v, kp, 0, 1_000_000)
			f.Weight, ok = int(w), ok && good
		case "flow":
			hasFlow = true
			steps, good := d.steps(p.v, kp, true)
			f.Steps, ok = steps, ok && good
		case "engine":
			s, good := d.str(p.v, kp)
			if good && s != "http" && s != "ws" {
				d.errorf(p.v, kp, "engine `%s` is not supported (http or ws)", clip(s))
				good = false
			}
			ok = ok && good
		default:
			if jsKeys[p.key] {
				d.jsError(p.k, kp, p.key)
			} else {
				d.unknownKey(p, path, flowKeys)
				unknown = true
			}
			ok = false
		}
	}
	d.endFlow(&f.Steps, join(path, "flow"))
	// A misspelt key has been reported with a suggestion already.
	if !hasFlow && !unknown {
		d.errorf(n, path, "`flow` is required: the steps the scenario runs")
		ok = false
	}
	return f, ok
}

// hook decodes before or after: a mapping with a flow.
func (d *decoder) hook(n *yaml.Node, path string) []Step {
	pairs, _ := d.mapping(n, path)
	var steps []Step
	hasFlow, unknown := false, false
	d.beginFlow(nil)
	defer func() { d.endFlow(&steps, join(path, "flow")) }()
	for _, p := range pairs {
		if p.key == "flow" {
			hasFlow = true
			steps, _ = d.steps(p.v, join(path, "flow"), true)
			continue
		}
		if jsKeys[p.key] {
			d.jsError(p.k, join(path, p.key), p.key)
			continue
		}
		d.unknownKey(p, path, hookKeys)
		unknown = true
	}
	if !hasFlow && !unknown {
		d.errorf(n, path, "`flow` is required")
	}
	return steps
}

// steps decodes a list of steps.
func (d *decoder) steps(n *yaml.Node, path string, needOne bool) ([]Step, bool) {
	items, ok := d.sequence(n, path)
	if !ok {
		return nil, false
	}
	if needOne && len(items) == 0 {
		d.errorf(n, path, "at least one step is required")
		return nil, false
	}
	out := make([]Step, 0, len(items))
	for i, item := range items {
		s, good := d.step(item, index(path, i))
		if good {
			out = append(out, s)
		}
		ok = ok && good
	}
	return out, ok
}

// step decodes one step: a mapping with exactly one action key, plus the
// action's sibling keys (count/over for loop, jitter for think).
func (d *decoder) step(n *yaml.Node, path string) (Step, bool) {
	st := Step{Pos: d.pos(n), Path: path}
	if isNull(n) {
		d.errorf(n, path, "expected a step, got null")
		return st, false
	}
	before := len(d.problems)
	pairs, ok := d.mapping(n, path)
	if !ok {
		return st, false
	}
	var action *pair
	siblings := map[string]pair{}
	for i, p := range pairs {
		kp := join(path, p.key)
		switch {
		case methods[p.key] != "" || p.key == "think" || p.key == "loop" || p.key == "log" || p.key == "metric" || isRealtimeAction(p.key):
			if action != nil {
				d.errorf(p.k, kp, "a step has exactly one action; this one has `%s` and `%s`", action.key, p.key)
				continue
			}
			action = &pairs[i]
		case p.key == "count" || p.key == "over" || p.key == "jitter":
			siblings[p.key] = p
		case jsKeys[p.key]:
			// whileTrue is the condition of a loop: with it reported, the
			// loop is not also blamed for lacking count or over.
			if p.key == "whileTrue" {
				siblings[p.key] = p
			}
			d.jsError(p.k, kp, p.key)
		case p.key == "parallel":
			d.errorf(p.k, kp, "`parallel` steps are not supported")
		default:
			d.unknownKey(p, path, append(stepKeys, RealtimeStepKeys...))
		}
	}
	if action == nil {
		if len(d.problems) == before {
			d.errorf(n, path, "a step needs one action: get, post, put, patch, delete, head, options, think, loop, log or metric")
		}
		return st, false
	}
	for k, p := range siblings {
		owner := "loop"
		if k == "jitter" {
			owner = "think"
		}
		if action.key != owner && k != "whileTrue" {
			d.errorf(p.k, join(path, k), "`%s` belongs next to `%s`, not `%s`", k, owner, action.key)
		}
	}
	kp := join(path, action.key)
	switch {
	case methods[action.key] != "":
		st.Kind = StepRequest
		st.Request = d.request(methods[action.key], action.v, kp)
	case action.key == "think":
		st.Kind = StepThink
		st.Think = d.think(action.v, siblings, kp, join(path, "jitter"))
	case action.key == "loop":
		st.Kind = StepLoop
		st.Loop = d.loop(*action, siblings, path)
	case action.key == "log":
		st.Kind = StepLog
		st.Log = d.template(action.v, kp)
	case action.key == "metric":
		st.Kind = StepMetric
		st.Metric = d.metricStep(action.v, kp)
	case isRealtimeAction(action.key):
		d.realtimeStep(&st, action.k, action.v, action.key, kp)
	}
	return st, len(d.problems) == before
}

// think decodes a think step: seconds, a duration string, a template, or
// {duration, jitter}; jitter may also be a sibling key.
func (d *decoder) think(n *yaml.Node, siblings map[string]pair, path, jitterPath string) *Think {
	th := &Think{}
	dn := deref(n)
	hasJitter := false
	if dn.Kind == yaml.MappingNode {
		pairs, _ := d.mapping(dn, path)
		hasDuration := false
		for _, p := range pairs {
			switch p.key {
			case "duration":
				hasDuration = true
				d.thinkValue(p.v, join(path, "duration"), th)
			case "jitter":
				hasJitter = true
				th.Jitter = d.jitter(p.v, join(path, "jitter"))
			default:
				d.unknownKey(p, path, []string{"duration", "jitter"})
			}
		}
		if !hasDuration {
			d.errorf(n, path, "`duration` is required")
		}
	} else {
		d.thinkValue(n, path, th)
	}
	if p, ok := siblings["jitter"]; ok {
		if hasJitter {
			d.errorf(p.k, jitterPath, "jitter is already set inside `think`")
		} else {
			th.Jitter = d.jitter(p.v, jitterPath)
		}
	}
	return th
}

// thinkValue decodes a think duration: constant or template.
func (d *decoder) thinkValue(n *yaml.Node, path string, th *Think) {
	dn := deref(n)
	if dn.Kind == yaml.ScalarNode && dn.Tag == "!!str" && strings.Contains(dn.Value, "{{") {
		th.Tmpl = d.template(n, path)
		return
	}
	if v, ok := d.duration(n, path, true); ok {
		th.Duration = v
	}
}

// jitter decodes a fraction 0..1, or a percentage "20%".
func (d *decoder) jitter(n *yaml.Node, path string) float64 {
	dn := deref(n)
	if dn.Kind == yaml.ScalarNode && dn.Tag == "!!str" && strings.HasSuffix(dn.Value, "%") {
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(dn.Value, "%")), 64)
		if err != nil || !(f >= 0 && f <= 100) {
			d.errorf(n, path, "expected a percentage from 0%% to 100%%, got %s", describe(dn))
			return 0
		}
		return f / 100
	}
	f, _ := d.number(n, path, 0, 1)
	return f
}

// loop decodes a loop step.
func (d *decoder) loop(action pair, siblings map[string]pair, path string) *Loop {
	lp := &Loop{}
	count, hasCount := siblings["count"]
	over, hasOver := siblings["over"]
	switch {
	case hasCount && hasOver:
		d.errorf(over.k, join(path, "over"), "a loop has `count` or `over`, not both")
	case hasCount:
		d.loopCount(count.v, join(path, "count"), lp)
	case hasOver:
		d.loopOver(over.v, join(path, "over"), lp)
	case siblings["whileTrue"].k != nil:
	default:
		d.errorf(action.k, join(path, "loop"), "a loop needs `count` or `over` (loadgo does not run endless loops)")
	}
	if d.loopDepth >= maxLoopDepth {
		d.errorf(action.k, join(path, "loop"), "loops are nested more than %d deep", maxLoopDepth)
		return lp
	}
	d.loopDepth++
	lp.Steps, _ = d.steps(action.v, join(path, "loop"), true)
	d.loopDepth--
	return lp
}

// loopCount decodes a loop's count: a positive integer or a template.
func (d *decoder) loopCount(n *yaml.Node, path string, lp *Loop) {
	dn := deref(n)
	if dn.Kind == yaml.ScalarNode && dn.Tag == "!!str" && strings.Contains(dn.Value, "{{") {
		lp.CountTmpl = d.template(n, path)
		return
	}
	if dn.Kind != yaml.ScalarNode || dn.Tag != "!!int" {
		d.errorf(n, path, "expected a positive integer or a template like \"{{ n }}\", got %s", describe(dn))
		return
	}
	if v, ok := d.integer(n, path, 1, maxCount); ok {
		lp.Count = int(v)
	}
}

// loopOver decodes a loop's over: a literal list, or the name of a variable
// holding a list ("items" or "{{ items }}").
func (d *decoder) loopOver(n *yaml.Node, path string, lp *Loop) {
	dn := deref(n)
	if dn.Kind == yaml.SequenceNode {
		if len(dn.Content) == 0 {
			d.errorf(n, path, "the list to loop over is empty")
			return
		}
		for i, item := range dn.Content {
			if v := d.jsonValue(item, index(path, i), 1); v != nil {
				lp.Over = append(lp.Over, v)
			}
		}
		return
	}
	s, ok := d.str(n, path)
	if !ok {
		return
	}
	name := strings.TrimSpace(s)
	if strings.HasPrefix(name, "{{") && strings.HasSuffix(name, "}}") {
		name = strings.TrimSpace(name[2 : len(name)-2])
	}
	if !isIdent(name) {
		d.errorf(n, path, "expected a list or the name of a variable holding one, got %s", describe(dn))
		return
	}
	lp.OverVar = name
	d.refs = append(d.refs, varRef{name: name, pos: d.pos(dn), path: path})
}
