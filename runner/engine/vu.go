package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"time"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
)

// VU is one virtual user: its variables, cookie jar, connections and random
// source. A VU is used by one goroutine at a time.
type VU struct {
	// ID is unique within the run (1-based).
	ID int64
	// Phase is the index of the phase the VU records into.
	Phase int

	p     *Program
	shard *metrics.Shard
	// seriesIdx indexes requestAction.series: the phase for flow VUs, 0
	// for the before/after VU.
	seriesIdx int
	scope     tmpl.Scope
	client    http.Client
	transport *http.Transport // the VU's own pool; nil with a shared pool
	timer     *time.Timer

	// intended is the current iteration's scheduled start; first is set
	// until its first request has been recorded.
	intended time.Time
	first    bool
	smp      metrics.Sample

	// Per-request buffers, reused: the kept response body, its parsed JSON
	// (docState: 0 not parsed yet, 1 parsed, 2 not JSON), JSONPath work
	// space, and scratch text.
	body     []byte
	doc      jsonpath.Doc
	docState uint8
	docErr   error
	paths    jsonpath.Scratch
	urlBuf   []byte
	scratch  []byte
	scratch2 []byte
	bodyHint int

	// lean is the VU's lean HTTP/1.1 client for plain-http URLs (lean.go);
	// nil with a shared pool or when disabled.
	lean *leanConn

	// rt is the VU's real-time state: group, connections (realtime.go).
	rt vuRT
}

// NewVU makes the VU with the given id for phase, recording into shard. It
// picks its variables and payload row. phase must be in
// [0, len(sc.Config.Phases)). A nil shard discards samples.
func (p *Program) NewVU(id int64, phase int, shard *metrics.Shard) *VU {
	if phase < 0 || phase >= p.numPhases {
		panic(fmt.Sprintf("engine: NewVU: phase %d out of range [0, %d)", phase, p.numPhases))
	}
	return p.newVU(id, phase, shard)
}

func (p *Program) newVU(id int64, phase int, shard *metrics.Shard) *VU {
	vu := &VU{ID: id, Phase: phase, p: p, shard: shard, seriesIdx: max(phase, 0)}
	vu.scope = tmpl.Scope{
		Vars: make([]tmpl.Value, p.syms.Len()),
		// Streams differ per VU id; the same seed replays the same choices.
		Rand: rand.New(rand.NewPCG(p.seed, uint64(id)^0x9e3779b97f4a7c15)),
		VUID: id,
	}
	for _, pl := range p.payloads {
		if len(pl.rows) == 0 {
			continue
		}
		var row []string
		if pl.random {
			row = pl.rows[vu.scope.Rand.IntN(len(pl.rows))]
		} else {
			row = pl.rows[int(uint64(pl.next.Add(1)-1)%uint64(len(pl.rows)))]
		}
		for i, slot := range pl.slots {
			if i < len(row) {
				vu.scope.Vars[slot] = tmpl.StringValue(row[i])
			}
		}
	}
	for _, v := range p.vars {
		switch len(v.values) {
		case 0:
		case 1:
			vu.scope.Vars[v.slot] = v.values[0].Eval(&vu.scope)
		default:
			vu.scope.Vars[v.slot] = v.values[vu.scope.Rand.IntN(len(v.values))].Eval(&vu.scope)
		}
	}
	if init := p.initial.Load(); init != nil {
		for _, sv := range *init {
			vu.scope.Vars[sv.slot] = sv.value
		}
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	vu.client = http.Client{Jar: jar, Timeout: p.http.timeout}
	if p.shared != nil {
		vu.client.Transport = p.shared
	} else {
		vu.transport = newTransport(&p.http)
		vu.client.Transport = vu.transport
		if !p.http.noLean {
			vu.lean = newLeanConn(&p.http)
		}
	}
	vu.initRT()
	return vu
}

// Close releases idle connections of VUs that are done.
func (vu *VU) Close() {
	vu.rt.closeAll(context.Background())
	if vu.transport != nil {
		vu.transport.CloseIdleConnections()
	}
	if vu.lean != nil {
		vu.lean.close()
	}
	if vu.timer != nil {
		vu.timer.Stop()
	}
}

// Variable returns the current value of the named variable (Unset when it
// is unknown or unset). It is meant for tests and diagnostics.
func (vu *VU) Variable(name string) tmpl.Value {
	if i, ok := vu.p.syms.Lookup(name); ok {
		return vu.scope.Vars[i]
	}
	return tmpl.Value{}
}

// Iterate runs one flow, picked by weight, once for vu. intended is when the
// iteration was meant to start (zero: now); the first request's Intended
// latency is measured from it. It returns nil when the flow completed, an
// error wrapping ErrAborted when a failure ended the flow early (already
// recorded), or ctx's error when cancelled.
func (p *Program) Iterate(ctx context.Context, vu *VU, intended time.Time) error {
	if len(p.flows) == 0 {
		return ctx.Err()
	}
	vu.intended, vu.first = intended, true
	err := vu.runSteps(ctx, p.pickFlow(vu).steps)
	vu.rt.closeAll(ctx) // background work ends with the flow
	return err
}

// RunBefore runs the before flow once (phase -1), recording into shard.
// Its captures become initial variables of every VU made afterwards. It
// must return before those VUs are made.
func (p *Program) RunBefore(ctx context.Context, shard *metrics.Shard) error {
	if len(p.before) == 0 {
		return nil
	}
	vu := p.newVU(0, beforeAfter, shard)
	defer vu.Close()
	err := vu.runSteps(ctx, p.before)
	var init []slotValue
	for _, slot := range p.beforeSlots {
		if v := vu.scope.Vars[slot]; v.IsSet() {
			init = append(init, slotValue{slot: slot, value: v})
		}
	}
	p.initial.Store(&init)
	p.learnSecrets(vu)
	if err != nil {
		return fmt.Errorf("before: %w", p.vuRedactor(vu).Err(err))
	}
	return nil
}

// RunAfter runs the after flow once (phase -1).
func (p *Program) RunAfter(ctx context.Context, shard *metrics.Shard) error {
	if len(p.after) == 0 {
		return nil
	}
	vu := p.newVU(0, beforeAfter, shard)
	defer vu.Close()
	if err := vu.runSteps(ctx, p.after); err != nil {
		return fmt.Errorf("after: %w", p.vuRedactor(vu).Err(err))
	}
	return nil
}

// sleep pauses for d, or until ctx is done (then it returns ctx's error).
func (vu *VU) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if vu.timer == nil {
		vu.timer = time.NewTimer(d)
	} else {
		vu.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		vu.timer.Stop()
		return ctx.Err()
	case <-vu.timer.C:
		return nil
	}
}

// jsonBody parses the kept response body as JSON, at most once per
// response.
func (vu *VU) jsonBody() (*jsonpath.Doc, error) {
	switch vu.docState {
	case 1:
		return &vu.doc, nil
	case 2:
		return nil, vu.docErr
	}
	if err := vu.doc.Parse(vu.body); err != nil {
		vu.docState, vu.docErr = 2, fmt.Errorf("response body: %w", err)
		return nil, vu.docErr
	}
	vu.docState = 1
	return &vu.doc, nil
}
