package engine

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// action is one compiled step. run executes it for vu; it returns nil to
// go on, an error wrapping ErrAborted to end the flow, or ctx's error.
type action interface {
	run(ctx context.Context, vu *VU) error
}

// Every step kind is an action.
var (
	_ action = (*requestAction)(nil)
	_ action = (*thinkAction)(nil)
	_ action = (*loopAction)(nil)
	_ action = (*logAction)(nil)
)

// phaseMode says which phases a step's series are registered for.
type phaseMode uint8

const (
	// flowPhases: one series per phase 0..len(phases)-1, indexed by VU.Phase.
	flowPhases phaseMode = iota
	// beforeAfterPhase: a single series in phase -1.
	beforeAfterPhase
)

// beforeAfter is the phase index of before/after flows.
const beforeAfter = -1

// protocolHTTP is the protocol label of HTTP series.
const protocolHTTP = "http"

// compiler holds what compiling a step needs.
type compiler struct {
	reg    *metrics.Registry
	syms   *tmpl.Symbols
	env    map[string]string
	phases []scenario.Phase
	// target is config.target without trailing slashes ("" when unset).
	target  string
	headers []scenario.Header
	// custom lists the custom metrics of metric steps, by index.
	custom []string
	// rt resolves real-time connection names (realtime.go).
	rt rtCompiler
}

func newCompiler(sc *scenario.Scenario, reg *metrics.Registry, syms *tmpl.Symbols, env map[string]string) (*compiler, error) {
	c := &compiler{reg: reg, syms: syms, env: env, phases: sc.Config.Phases, headers: sc.Config.Headers}
	if t := sc.Config.Target; t != "" {
		t = withScheme(t, false) // a ws(s):// target serves HTTP steps as http(s)://
		u, err := url.Parse(t)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("config.target %q: want an absolute http or https URL", t)
		}
		c.target = strings.TrimRight(t, "/")
	}
	return c, nil
}

// template compiles t against the program's symbols and environment.
func (c *compiler) template(t *scenario.Template) (*tmpl.Template, error) {
	return tmpl.Compile(t, c.syms, c.env)
}

// series registers name for the phases of mode.
func (c *compiler) series(name string, mode phaseMode) []metrics.SeriesID {
	if c.reg == nil {
		return nil
	}
	if mode == beforeAfterPhase {
		return []metrics.SeriesID{c.reg.Register(name, beforeAfter, "", protocolHTTP)}
	}
	ids := make([]metrics.SeriesID, len(c.phases))
	for i, ph := range c.phases {
		ids[i] = c.reg.Register(name, i, ph.Name, protocolHTTP)
	}
	return ids
}

// steps compiles a list of steps.
func (c *compiler) steps(steps []scenario.Step, mode phaseMode) ([]action, error) {
	out := make([]action, 0, len(steps))
	for i := range steps {
		s := &steps[i]
		a, err := c.step(s, mode)
		if err != nil {
			where := s.Path
			if where == "" {
				where = fmt.Sprintf("step %d", i)
			}
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func (c *compiler) step(s *scenario.Step, mode phaseMode) (action, error) {
	switch s.Kind {
	case scenario.StepRequest:
		if s.Request == nil {
			return nil, fmt.Errorf("request step without a request")
		}
		return c.request(s, mode)
	case scenario.StepThink:
		if s.Think == nil {
			return nil, fmt.Errorf("think step without a duration")
		}
		return c.think(s)
	case scenario.StepLoop:
		if s.Loop == nil {
			return nil, fmt.Errorf("loop step without a loop")
		}
		return c.loop(s, mode)
	case scenario.StepLog:
		t, err := c.template(s.Log)
		if err != nil {
			return nil, err
		}
		return &logAction{t: t}, nil
	case scenario.StepMetric:
		return c.metric(s)
	}
	if s.Kind.IsRealtime() {
		return c.realtime(s, mode)
	}
	return nil, fmt.Errorf("unknown step kind %d", s.Kind)
}

func (c *compiler) think(s *scenario.Step) (action, error) {
	th := s.Think
	if th.Jitter < 0 || th.Jitter > 1 {
		return nil, fmt.Errorf("think jitter %v: want 0..1", th.Jitter)
	}
	a := &thinkAction{path: s.Path, d: th.Duration, jitter: th.Jitter}
	if th.Tmpl != nil {
		t, err := c.template(th.Tmpl)
		if err != nil {
			return nil, err
		}
		if t.IsConst() {
			d, err := parseThink(t.Text())
			if err != nil {
				return nil, err
			}
			a.d = d
		} else {
			a.t = t
		}
	}
	return a, nil
}

func (c *compiler) loop(s *scenario.Step, mode phaseMode) (action, error) {
	l := s.Loop
	a := &loopAction{path: s.Path, count: l.Count, overSlot: -1}
	var err error
	if a.steps, err = c.steps(l.Steps, mode); err != nil {
		return nil, err
	}
	switch {
	case l.OverVar != "":
		name, rest, _ := strings.Cut(l.OverVar, ".")
		a.overSlot = c.syms.Slot(name)
		if rest != "" {
			a.overPath = tmpl.Segments(strings.Split(rest, "."))
		}
	case l.Over != nil:
		a.over = make([]loopItem, len(l.Over))
		for i, v := range l.Over {
			if a.over[i], err = c.loopItem(v); err != nil {
				return nil, fmt.Errorf("loop over[%d]: %w", i, err)
			}
		}
		a.literal = true
	case l.CountTmpl != nil:
		if a.countT, err = c.template(l.CountTmpl); err != nil {
			return nil, err
		}
	}
	if a.count < 0 {
		return nil, fmt.Errorf("loop count %d: want >= 0", a.count)
	}
	return a, nil
}

// loopItem compiles one element of a literal loop list: constant elements
// become values now, others are rendered each time the loop starts.
func (c *compiler) loopItem(v *scenario.JSONValue) (loopItem, error) {
	if v == nil {
		return loopItem{value: tmpl.NullValue()}, nil
	}
	switch v.Kind {
	case scenario.JSONNull:
		return loopItem{value: tmpl.NullValue()}, nil
	case scenario.JSONBool:
		return loopItem{value: tmpl.BoolValue(v.Bool)}, nil
	case scenario.JSONNumber:
		if !jsonpath.ValidNumber(v.Num) {
			return loopItem{}, fmt.Errorf("invalid number %q", v.Num)
		}
		return loopItem{value: tmpl.NumberValue(v.Num)}, nil
	case scenario.JSONString:
		t, err := c.template(v.Str)
		if err != nil {
			return loopItem{}, err
		}
		if t.IsConst() {
			return loopItem{value: tmpl.StringValue(t.Text())}, nil
		}
		return loopItem{str: t}, nil
	}
	body, err := c.jsonBody(v)
	if err != nil {
		return loopItem{}, err
	}
	if text, ok := body.constText(); ok {
		val, err := tmpl.ParseJSONValue([]byte(text))
		if err != nil {
			return loopItem{}, fmt.Errorf("invalid JSON: %w", err)
		}
		return loopItem{value: val}, nil
	}
	return loopItem{json: body}, nil
}
