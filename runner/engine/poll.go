package engine

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// pollAction polls an HTTP endpoint. Short polling issues the request at
// start + k·interval (a slow answer delays the next poll, never the
// schedule); long polling re-issues it as soon as it is answered. Every
// poll is a request with its own sample. A poll "changes" when it brings
// new data: messages (with a delivery spec) or a body that differs from
// the previous one.
type pollAction struct {
	path       string
	slot       int
	req        *requestAction
	interval   time.Duration
	long       bool
	until      *cond
	timeout    time.Duration
	duration   time.Duration
	background bool
	delivery   *deliverySpec
	drain      time.Duration
}

func (c *compiler) poll(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	if r.Request == nil {
		return nil, fmt.Errorf("poll without a request")
	}
	inner := scenario.Step{Kind: scenario.StepRequest, Pos: s.Pos, Path: s.Path + ".request", Request: r.Request}
	ra, err := c.request(&inner, mode)
	if err != nil {
		return nil, err
	}
	a := &pollAction{path: s.Path, slot: c.rt.slot(r.Conn), req: ra.(*requestAction), interval: r.Interval,
		long: r.Long, timeout: r.Timeout, duration: r.Duration, background: r.Background, drain: drainOf(r)}
	if r.Until != nil {
		if a.until, err = c.cond(r.Until); err != nil {
			return nil, fmt.Errorf("until: %w", err)
		}
		if a.timeout == 0 {
			a.timeout = 30 * time.Second
		}
	}
	if a.delivery, err = compileDelivery(r.Delivery); err != nil {
		return nil, err
	}
	// The body is read for changes and deliveries.
	a.req.needBody = true
	a.req.needJSON = a.req.needJSON || a.delivery != nil
	return a, nil
}

func (a *pollAction) run(ctx context.Context, vu *VU) error {
	if !a.background {
		rx := newReceiver(a.delivery, vu)
		defer rx.stop()
		return a.loop(ctx, vu, rx)
	}
	vu.rt.closeConn(ctx, a.slot)
	bp := &bgPoll{rx: newReceiver(a.delivery, vu), drain: a.drain, done: make(chan struct{})}
	child := vu.child()
	bctx, cancel := context.WithCancel(ctx)
	bp.cancel = cancel
	vu.shard.RT().ConnOpened()
	bp.rt = vu.shard.RT()
	go func() {
		defer close(bp.done)
		defer child.closeChild()
		_ = a.loop(bctx, child, bp.rx) // failures are recorded as samples
	}()
	vu.rt.setConn(a.slot, bp)
	return nil
}

// loop polls until the condition holds, the timeout or duration passes, a
// request fails, or ctx is done.
func (a *pollAction) loop(ctx context.Context, vu *VU, rx *receiver) error {
	rt := vu.shard.RT()
	start := time.Now()
	var end time.Time
	switch {
	case a.until != nil:
		end = start.Add(a.timeout)
	case a.duration > 0:
		end = start.Add(a.duration)
	}
	pctx := ctx
	if !end.IsZero() {
		var cancel context.CancelFunc
		pctx, cancel = context.WithDeadline(ctx, end)
		defer cancel()
	}
	var prev uint64
	seed := maphash.MakeSeed()
	for k := 0; ; k++ {
		if !a.long {
			if err := sleepCtx(pctx, time.Until(start.Add(time.Duration(k)*a.interval))); err != nil {
				return a.ended(ctx, rt, err)
			}
		}
		vu.first = false
		if err := a.req.run(pctx, vu); err != nil {
			return a.ended(ctx, rt, err)
		}
		rt.Add(metrics.PollRequests, 1)
		changed := false
		if rx != nil {
			if doc, err := vu.jsonBody(); err == nil {
				changed = rx.body(doc, doc.Root(), time.Now()) > 0
			} else {
				rt.Add(metrics.DeliveryUnparsed, 1)
			}
		} else {
			h := maphash.Bytes(seed, vu.body)
			changed = k > 0 && h != prev
			prev = h
		}
		if changed {
			rt.Add(metrics.PollChanges, 1)
		}
		if a.until != nil && a.until.holds(vu) {
			rt.Add(metrics.PollConditionMet, 1)
			rt.Time(metrics.TimingPollUntil, time.Since(start))
			return nil
		}
	}
}

// ended maps the error that ended a poll loop: the end of its own
// deadline is a normal end for a duration and a timeout for a condition.
func (a *pollAction) ended(ctx context.Context, rt *metrics.RT, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if a.until != nil {
		rt.Add(metrics.PollTimeouts, 1)
		return abort(a.path, metrics.ErrTimeout, fmt.Errorf("the poll condition did not hold within %v", a.timeout))
	}
	return nil
}

// bgPoll is a background poll.
type bgPoll struct {
	rx     *receiver
	rt     *metrics.RT
	drain  time.Duration
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (b *bgPoll) stopListening()           { b.rx.stop() }
func (b *bgPoll) drainTime() time.Duration { return b.drain }

func (b *bgPoll) close() {
	b.once.Do(func() {
		b.cancel()
		<-b.done
		b.rx.stop()
		b.rt.ConnClosed()
	})
}

// child returns a VU for background work of vu: the same id, group,
// shard and connection pools, and a private copy of its variables,
// buffers and random source, so that it can run alongside vu's flow.
// Nothing it captures reaches vu.
func (vu *VU) child() *VU {
	c := &VU{ID: vu.ID, Phase: vu.Phase, p: vu.p, shard: vu.shard, seriesIdx: vu.seriesIdx,
		client: vu.client, transport: nil}
	c.scope = tmpl.Scope{
		Vars:  slices.Clone(vu.scope.Vars),
		Rand:  rand.New(rand.NewPCG(vu.scope.Rand.Uint64(), vu.scope.Rand.Uint64())),
		VUID:  vu.ID,
		Group: vu.scope.Group,
	}
	if vu.lean != nil {
		c.lean = newLeanConn(&vu.p.http)
	}
	c.rt.vu = c
	c.rt.group = vu.rt.group
	return c
}

// closeChild releases what a child VU owns.
func (vu *VU) closeChild() {
	if vu.lean != nil {
		vu.lean.close()
	}
	if vu.timer != nil {
		vu.timer.Stop()
	}
}
