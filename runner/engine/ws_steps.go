package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// defaultWait bounds a receive or reply wait without a timeout.
const defaultWait = 10 * time.Second

// rtPayload is a compiled message: text or a JSON value.
type rtPayload struct {
	text *tmpl.Template
	json jsonBody
}

func (c *compiler) payload(r *scenario.RealtimeStep) (rtPayload, error) {
	var p rtPayload
	var err error
	switch {
	case r.Text != nil:
		p.text, err = c.template(r.Text)
	case r.JSON != nil:
		p.json, err = c.jsonBody(r.JSON)
	default:
		p.text = tmpl.Const("")
	}
	return p, err
}

// render appends the message to dst.
func (p *rtPayload) render(dst []byte, vu *VU) []byte {
	if p.text != nil {
		return p.text.Append(dst, &vu.scope)
	}
	return p.json.append(dst, &vu.scope)
}

// wsSendAction sends a message and, with a reply, waits for it.
type wsSendAction struct {
	path, name string
	slot       int
	msg        rtPayload
	reply      *matcher
	hasReply   bool
	timeout    time.Duration
	captures   []capture
	series     []metrics.SeriesID
	out        []byte
}

func (c *compiler) wsSend(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &wsSendAction{path: s.Path, slot: c.rt.slot(r.Conn), name: s.Path}
	var err error
	if a.msg, err = c.payload(r); err != nil {
		return nil, err
	}
	if rp := r.Reply; rp != nil {
		a.hasReply, a.timeout = true, rp.Timeout
		if a.timeout == 0 {
			a.timeout = defaultWait
		}
		if a.reply, err = c.matcher(rp.Match); err != nil {
			return nil, err
		}
		if a.captures, err = c.compileCaptures(rp.Captures); err != nil {
			return nil, err
		}
		c.rt.keep[a.slot] = true
		a.name = "ws.send reply " + s.Path
		a.series = c.rtSeries(a.name, protocolWS, mode)
	}
	return a, nil
}

func (a *wsSendAction) run(ctx context.Context, vu *VU) error {
	w, err := wsOf(vu, a.slot, a.path)
	if err != nil {
		return err
	}
	// The message gets a buffer of the VU's: sends are sequential per VU.
	vu.scratch2 = a.msg.render(vu.scratch2[:0], vu)
	start := time.Now()
	if err := w.write(vu.scratch2); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // cancellation closed the connection
		}
		if a.hasReply {
			vu.recordRT(a.series, start, time.Now(), 0, classify(err), 0, int64(len(vu.scratch2)))
		}
		return abort(a.path, classify(err), fmt.Errorf("send: %w", err))
	}
	w.rt.Add(metrics.WSMessagesOut, 1)
	w.rt.Add(metrics.WSBytesOut, int64(len(vu.scratch2)))
	if !a.hasReply {
		return nil
	}
	out := int64(len(vu.scratch2))
	at, err := w.in.wait(ctx, vu, a.reply, start, start.Add(a.timeout))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind := waitKind(err)
		vu.recordRT(a.series, start, time.Now(), 0, kind, 0, out)
		return abort(a.path, kind, err)
	}
	w.rt.Time(metrics.TimingReply, at.Sub(start))
	cerr := vu.captureMessage(a.captures, vu.body)
	kind := metrics.ErrNone
	if cerr != nil {
		kind = metrics.ErrCapture
	}
	vu.recordRT(a.series, start, at, 0, kind, int64(len(vu.body)), out)
	if cerr != nil {
		return abort(a.path, kind, cerr)
	}
	return nil
}

// waitKind classifies a failed wait.
func waitKind(err error) metrics.ErrorKind {
	if errors.Is(err, errTimeout) {
		return metrics.ErrTimeout
	}
	return metrics.ErrReset
}

// receiveAction waits for matching messages (ws.receive, stomp.receive).
type receiveAction struct {
	path     string
	slot     int
	match    *matcher
	count    int
	timeout  time.Duration
	captures []capture
	series   []metrics.SeriesID
}

func (c *compiler) receive(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &receiveAction{path: s.Path, slot: c.rt.slot(r.Conn), count: max(r.Count, 1), timeout: r.Timeout}
	if a.timeout == 0 {
		a.timeout = defaultWait
	}
	var err error
	if a.match, err = c.matcher(r.Match); err != nil {
		return nil, err
	}
	if a.captures, err = c.compileCaptures(r.Captures); err != nil {
		return nil, err
	}
	c.rt.keep[a.slot] = true
	proto := protocolWS
	if s.Kind == scenario.StepSTOMPReceive {
		proto = protocolSTOMP
	}
	a.series = c.rtSeries(proto+".receive "+s.Path, proto, mode)
	return a, nil
}

func (a *receiveAction) run(ctx context.Context, vu *VU) error {
	in, err := inboxOf(vu, a.slot, a.path)
	if err != nil {
		return err
	}
	start := time.Now()
	deadline := start.Add(a.timeout)
	var at time.Time
	for range a.count {
		if at, err = in.wait(ctx, vu, a.match, time.Time{}, deadline); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			kind := waitKind(err)
			vu.recordRT(a.series, start, time.Now(), 0, kind, 0, 0)
			return abort(a.path, kind, err)
		}
	}
	cerr := vu.captureMessage(a.captures, vu.body)
	kind := metrics.ErrNone
	if cerr != nil {
		kind = metrics.ErrCapture
	}
	vu.recordRT(a.series, start, at, 0, kind, int64(len(vu.body)), 0)
	if cerr != nil {
		return abort(a.path, kind, cerr)
	}
	return nil
}

// inboxOf returns the inbox of the WebSocket connection or STOMP session in slot.
func inboxOf(vu *VU, slot int, path string) (*inbox, error) {
	switch c := vu.rt.conn(slot).(type) {
	case *wsConn:
		return c.in, nil
	case *stompSession:
		return c.ws.in, nil
	}
	return nil, abort(path, metrics.ErrOther, errors.New("the connection is not open"))
}

// wsPingAction sends a ping and waits for the pong.
type wsPingAction struct {
	path    string
	slot    int
	timeout time.Duration
	series  []metrics.SeriesID
}

func (c *compiler) wsPing(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &wsPingAction{path: s.Path, slot: c.rt.slot(r.Conn), timeout: r.Timeout}
	if a.timeout == 0 {
		a.timeout = defaultWait
	}
	a.series = c.rtSeries("ws.ping "+s.Path, protocolWS, mode)
	return a, nil
}

func (a *wsPingAction) run(ctx context.Context, vu *VU) error {
	w, err := wsOf(vu, a.slot, a.path)
	if err != nil {
		return err
	}
	select { // a late pong of an earlier ping is not this ping's
	case <-w.pong:
	default:
	}
	start := time.Now()
	if err := w.c.WriteControl(websocket.PingMessage, nil, start.Add(a.timeout)); err != nil {
		vu.recordRT(a.series, start, time.Now(), 0, classify(err), 0, 0)
		return abort(a.path, classify(err), fmt.Errorf("ping: %w", err))
	}
	t := time.NewTimer(a.timeout)
	defer t.Stop()
	select {
	case <-w.pong:
		end := time.Now()
		w.rt.Time(metrics.TimingReply, end.Sub(start))
		vu.recordRT(a.series, start, end, 0, metrics.ErrNone, 0, 0)
		return nil
	case <-t.C:
		vu.recordRT(a.series, start, time.Now(), 0, metrics.ErrTimeout, 0, 0)
		return abort(a.path, metrics.ErrTimeout, errors.New("no pong"))
	case <-ctx.Done():
		return ctx.Err()
	}
}
