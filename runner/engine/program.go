package engine

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// Options tune compilation.
type Options struct {
	// Env resolves {{ $env.NAME }} / {{ $processEnvironment.NAME }}; the
	// caller passes the process environment. Nil means empty.
	Env map[string]string
	// Log receives the output of log steps (one line each); nil discards.
	Log io.Writer
	// Seed seeds the per-VU random sources (0 = time-based).
	Seed int64
	// MaxConns caps the connections open at once across all VUs and
	// protocols; when > 0 it overrides config.http.maxConnections. Zero
	// and no config value: no cap. See ConnCapError.
	MaxConns int
}

// Program is a compiled scenario: every flow's actions, the series they
// record into, and the shared HTTP settings. A Program is safe for
// concurrent use by many VUs.
type Program struct {
	syms   *tmpl.Symbols
	flows  []flow
	weight int // sum of flow weights
	before []action
	after  []action
	// beforeSlots are the variables captured by the before flow; initial
	// holds their values once RunBefore has run.
	beforeSlots []int
	initial     atomic.Pointer[[]slotValue]
	vars        []variable
	payloads    []*payload
	http        httpSettings
	shared      *http.Transport // nil unless config.http.pool is shared
	numPhases   int
	seed        uint64
	log         io.Writer
	logMu       sync.Mutex
	cancelled   atomic.Int64
	// custom holds what metric steps record (custom.NAME).
	custom *metrics.Custom
	// rt is the real-time state: groups, connection slots (realtime.go).
	rt rtProgram
	// secrets are masked in log steps and error messages (secrets.go).
	secrets secrets
}

// flow is one compiled scenarios[] entry.
type flow struct {
	name   string
	weight int
	steps  []action
}

// variable is one config.variables entry.
type variable struct {
	slot   int
	values []*tmpl.Template
}

// payload is one config.payload entry; next is the shared row cursor of
// sequential payloads.
type payload struct {
	slots  []int
	rows   [][]string
	random bool
	next   atomic.Int64
}

type slotValue struct {
	slot  int
	value tmpl.Value
}

// Compile compiles sc. It registers in reg one series per request name per
// phase of sc.Config.Phases (and phase -1 for before/after flows). A nil reg
// registers nothing (for checking a scenario without running it); VUs of
// such a Program must be given nil shards.
func Compile(sc *scenario.Scenario, reg *metrics.Registry, opts Options) (*Program, error) {
	p := &Program{
		syms:      tmpl.NewSymbols(),
		numPhases: len(sc.Config.Phases),
		seed:      uint64(opts.Seed),
		log:       opts.Log,
	}
	if p.seed == 0 {
		p.seed = uint64(time.Now().UnixNano())
	}
	var err error
	if p.http, err = newHTTPSettings(sc); err != nil {
		return nil, err
	}
	p.http.conns = newConnLimiter(cmp.Or(max(opts.MaxConns, 0), sc.Config.HTTP.MaxConnections), p.warn)
	c, err := newCompiler(sc, reg, p.syms, opts.Env)
	if err != nil {
		return nil, err
	}
	p.rt = newRTProgram(sc, reg)
	c.rt.prog, c.rt.timeout = &p.rt, p.http.timeout
	p.defineSymbols(sc)
	if err := p.compileVariables(sc, opts.Env); err != nil {
		return nil, err
	}
	if p.before, err = c.steps(sc.Before, beforeAfterPhase); err != nil {
		return nil, fmt.Errorf("before: %w", err)
	}
	if p.after, err = c.steps(sc.After, beforeAfterPhase); err != nil {
		return nil, fmt.Errorf("after: %w", err)
	}
	for i := range sc.Flows {
		f := &sc.Flows[i]
		steps, err := c.steps(f.Steps, flowPhases)
		if err != nil {
			return nil, fmt.Errorf("scenarios[%d] %q: %w", i, f.Name, err)
		}
		w := max(f.Weight, 0)
		p.flows = append(p.flows, flow{name: f.Name, weight: w, steps: steps})
		p.weight += w
	}
	if p.weight == 0 { // no weights given: every flow equally likely
		for i := range p.flows {
			p.flows[i].weight = 1
		}
		p.weight = len(p.flows)
	}
	if p.http.sharedPool {
		p.shared = newTransport(&p.http)
	}
	p.custom = metrics.NewCustom(c.custom)
	p.rt.slots, p.rt.keep = len(c.rt.keep), c.rt.keep
	findSecrets(&p.secrets, sc, opts.Env, p.syms)
	return p, nil
}

// defineSymbols gives every variable a slot up front: config.variables,
// payload fields, and capture names (those of the before flow are also
// remembered, as they seed every VU). Template references found later are
// defined as they are compiled.
func (p *Program) defineSymbols(sc *scenario.Scenario) {
	for _, v := range sc.Config.Variables {
		p.syms.Slot(v.Name)
	}
	for _, pl := range sc.Config.Payloads {
		for _, f := range pl.Fields {
			p.syms.Slot(f)
		}
	}
	forEachCapture(sc.Before, func(c *scenario.Capture) {
		p.beforeSlots = append(p.beforeSlots, p.syms.Slot(c.As))
	})
	forEachCapture(sc.After, func(c *scenario.Capture) { p.syms.Slot(c.As) })
	for i := range sc.Flows {
		forEachCapture(sc.Flows[i].Steps, func(c *scenario.Capture) { p.syms.Slot(c.As) })
	}
}

func forEachCapture(steps []scenario.Step, fn func(*scenario.Capture)) {
	for i := range steps {
		s := &steps[i]
		switch {
		case s.Kind == scenario.StepRequest && s.Request != nil:
			for j := range s.Request.Captures {
				fn(&s.Request.Captures[j])
			}
		case s.Kind == scenario.StepLoop && s.Loop != nil:
			forEachCapture(s.Loop.Steps, fn)
		}
	}
}

func (p *Program) compileVariables(sc *scenario.Scenario, env map[string]string) error {
	for _, v := range sc.Config.Variables {
		cv := variable{slot: p.syms.Slot(v.Name)}
		for i, t := range v.Values {
			ct, err := tmpl.Compile(t, p.syms, env)
			if err != nil {
				return fmt.Errorf("config.variables.%s[%d]: %w", v.Name, i, err)
			}
			cv.values = append(cv.values, ct)
		}
		p.vars = append(p.vars, cv)
	}
	for i := range sc.Config.Payloads {
		pl := &sc.Config.Payloads[i]
		cp := &payload{rows: pl.Rows, random: pl.Random}
		for _, f := range pl.Fields {
			cp.slots = append(cp.slots, p.syms.Slot(f))
		}
		p.payloads = append(p.payloads, cp)
	}
	return nil
}

// Cancelled returns how many requests were cut short by a cancelled context
// (the hard cancel at the end of a graceful stop). They are not recorded as
// samples: the request did not fail, we stopped it.
func (p *Program) Cancelled() int64 { return p.cancelled.Load() }

// Close releases shared resources (the shared connection pool).
func (p *Program) Close() {
	if p.shared != nil {
		p.shared.CloseIdleConnections()
	}
}

// pickFlow picks a flow by weight.
func (p *Program) pickFlow(vu *VU) *flow {
	if len(p.flows) == 1 {
		return &p.flows[0]
	}
	n := vu.scope.Rand.IntN(p.weight)
	for i := range p.flows {
		f := &p.flows[i]
		if n < f.weight {
			return f
		}
		n -= f.weight
	}
	return &p.flows[len(p.flows)-1]
}

// writeLog writes one log line; lines of concurrent VUs never interleave.
func (p *Program) writeLog(line []byte) {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	_, _ = p.log.Write(line) // a failing log sink must not fail the run
}
