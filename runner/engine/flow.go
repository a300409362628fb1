package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
)

// maxLoopCount bounds a templated loop count, so that a bad value cannot
// spin a VU forever.
const maxLoopCount = 1 << 20

// runSteps runs steps in order, stopping at the first error or when ctx is
// done.
func (vu *VU) runSteps(ctx context.Context, steps []action) error {
	for _, a := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := a.run(ctx, vu); err != nil {
			return err
		}
	}
	return nil
}

// thinkAction pauses the VU.
type thinkAction struct {
	path   string
	d      time.Duration
	t      *tmpl.Template // set when the duration is templated
	jitter float64
}

func (a *thinkAction) run(ctx context.Context, vu *VU) error {
	d := a.d
	if a.t != nil {
		vu.scratch = a.t.Append(vu.scratch[:0], &vu.scope)
		var err error
		if d, err = parseThink(string(vu.scratch)); err != nil {
			return &AbortError{Step: a.path, Kind: metrics.ErrOther, Err: err}
		}
	}
	if a.jitter > 0 && d > 0 {
		f := 1 + a.jitter*(2*vu.scope.Rand.Float64()-1)
		d = time.Duration(float64(d) * f)
	}
	return vu.sleep(ctx, d)
}

// parseThink parses a think time: a number of seconds ("1.5") or a Go
// duration ("500ms").
func parseThink(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if secs < 0 || secs > float64(24*time.Hour/time.Second) {
			return 0, fmt.Errorf("think %q: want 0 to 86400 seconds", s)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("think %q: want seconds or a duration such as 500ms", s)
	}
	return d, nil
}

// logAction renders a template and writes "vu=ID: text" to Options.Log.
type logAction struct {
	t *tmpl.Template
}

func (a *logAction) run(_ context.Context, vu *VU) error {
	p := vu.p
	if p.log == nil {
		return nil
	}
	b := append(vu.scratch[:0], "vu="...)
	b = strconv.AppendInt(b, vu.ID, 10)
	b = append(b, ": "...)
	b = a.t.Append(b, &vu.scope)
	b = append(b, '\n')
	vu.scratch = b
	p.writeLog(p.redactLog(vu, b))
	return nil
}

// loopItem is one element of a literal loop list: a constant value, a
// string template, or a structured element with templates inside.
type loopItem struct {
	value tmpl.Value
	str   *tmpl.Template
	json  jsonBody
}

// loopAction repeats steps Count times or once per element.
type loopAction struct {
	path     string
	steps    []action
	count    int
	countT   *tmpl.Template
	literal  bool // over a literal list (over)
	over     []loopItem
	overSlot int // over a variable (-1: not)
	overPath []tmpl.Segment
}

func (a *loopAction) run(ctx context.Context, vu *VU) error {
	sc := &vu.scope
	savedCount, savedElem := sc.LoopCount, sc.LoopElem
	defer func() { sc.LoopCount, sc.LoopElem = savedCount, savedElem }()

	if a.literal || a.overSlot >= 0 {
		elems, err := a.elements(vu)
		if err != nil {
			return &AbortError{Step: a.path, Kind: metrics.ErrOther, Err: err}
		}
		for i, e := range elems {
			sc.LoopCount, sc.LoopElem = int64(i+1), e
			if err := vu.runSteps(ctx, a.steps); err != nil {
				return err
			}
		}
		return nil
	}
	n := a.count
	if a.countT != nil {
		vu.scratch = a.countT.Append(vu.scratch[:0], sc)
		c, err := strconv.Atoi(strings.TrimSpace(string(vu.scratch)))
		if err != nil || c < 0 || c > maxLoopCount {
			return &AbortError{Step: a.path, Kind: metrics.ErrOther,
				Err: fmt.Errorf("loop count %q: want an integer from 0 to %d", vu.scratch, maxLoopCount)}
		}
		n = c
	}
	sc.LoopElem = tmpl.Value{}
	for i := range n {
		sc.LoopCount = int64(i + 1)
		if err := vu.runSteps(ctx, a.steps); err != nil {
			return err
		}
	}
	return nil
}

// elements evaluates the list the loop runs over. It is evaluated once per
// loop start, so that steps inside the loop that change the variable do not
// change the iteration.
func (a *loopAction) elements(vu *VU) ([]tmpl.Value, error) {
	if a.overSlot >= 0 {
		v := vu.scope.Vars[a.overSlot].Walk(a.overPath)
		return v.Elements(nil), nil
	}
	out := make([]tmpl.Value, len(a.over))
	for i := range a.over {
		it := &a.over[i]
		switch {
		case it.str != nil:
			out[i] = it.str.Eval(&vu.scope)
		case it.json != nil:
			vu.scratch = it.json.append(vu.scratch[:0], &vu.scope)
			v, err := tmpl.ParseJSONValue(vu.scratch)
			if err != nil {
				return nil, fmt.Errorf("loop element %d: %w", i, err)
			}
			out[i] = v
		default:
			out[i] = it.value
		}
	}
	return out, nil
}
