package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// stompFrameAction is stomp.subscribe, stomp.send or stomp.unsubscribe.
type stompFrameAction struct {
	kind     scenario.StepKind
	path     string
	slot     int
	dest     *tmpl.Template
	id       string
	receipt  bool
	timeout  time.Duration
	msg      rtPayload
	json     bool
	headers  []header
	delivery *deliverySpec
	drain    time.Duration
	series   []metrics.SeriesID
}

func (c *compiler) stompFrame(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &stompFrameAction{kind: s.Kind, path: s.Path, slot: c.rt.slot(r.Conn), id: r.SubID, receipt: r.Receipt,
		timeout: r.Timeout, json: r.JSON != nil, drain: drainOf(r)}
	if a.timeout == 0 {
		a.timeout = defaultWait
	}
	var err error
	if r.Destination != nil {
		if a.dest, err = c.template(r.Destination); err != nil {
			return nil, err
		}
	}
	if s.Kind == scenario.StepSTOMPSend {
		if a.msg, err = c.payload(r); err != nil {
			return nil, err
		}
		for _, h := range r.Headers {
			t, err := c.template(h.Value)
			if err != nil {
				return nil, err
			}
			a.headers = append(a.headers, header{key: h.Name, value: t})
		}
	}
	if a.delivery, err = compileDelivery(r.Delivery); err != nil {
		return nil, err
	}
	if a.receipt {
		verb := map[scenario.StepKind]string{scenario.StepSTOMPSubscribe: "subscribe", scenario.StepSTOMPSend: "send",
			scenario.StepSTOMPUnsubscribe: "unsubscribe"}[s.Kind]
		a.series = c.rtSeries("stomp."+verb+" "+s.Path, protocolSTOMP, mode)
	}
	return a, nil
}

func (a *stompFrameAction) run(ctx context.Context, vu *VU) error {
	s, ok := vu.rt.conn(a.slot).(*stompSession)
	if !ok || s == nil {
		return abort(a.path, metrics.ErrOther, errors.New("the STOMP session is not open"))
	}
	var dest string
	if a.dest != nil {
		dest = string(a.dest.Append(nil, &vu.scope))
	}
	var (
		command string
		hs      [][2]string
		body    []byte
		sub     *stompSub
	)
	switch a.kind {
	case scenario.StepSTOMPSubscribe:
		id := a.id
		s.mu.Lock()
		if id == "" {
			id = "sub-" + strconv.Itoa(len(s.subs))
		}
		sub = &stompSub{id: id, drain: a.drain}
		s.subs = append(s.subs, sub)
		s.mu.Unlock()
		command, hs = "SUBSCRIBE", [][2]string{{"id", id}, {"destination", dest}, {"ack", "auto"}}
	case scenario.StepSTOMPUnsubscribe:
		command, hs = "UNSUBSCRIBE", [][2]string{{"id", a.id}}
		s.mu.Lock()
		for i, sb := range s.subs {
			if sb.id == a.id {
				sb.rx.stop()
				s.subs = append(s.subs[:i], s.subs[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
	default:
		command, hs = "SEND", [][2]string{{"destination", dest}}
		if a.json {
			hs = append(hs, [2]string{"content-type", "application/json"})
		}
		for i := range a.headers {
			hs = append(hs, [2]string{a.headers[i].key, string(a.headers[i].value.Append(nil, &vu.scope))})
		}
		vu.scratch2 = a.msg.render(vu.scratch2[:0], vu)
		body = vu.scratch2
	}
	start := time.Now()
	ch, err := s.send(command, hs, body, a.receipt)
	if err == nil && a.receipt {
		err = s.awaitReceipt(ctx, ch, a.timeout)
	}
	end := time.Now()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind := metrics.ErrOther
		if errors.Is(err, errTimeout) {
			kind = metrics.ErrTimeout
		}
		vu.recordRT(a.series, start, end, 0, kind, 0, int64(len(body)))
		return abort(a.path, kind, fmt.Errorf("STOMP %s: %w", command, err))
	}
	if a.receipt {
		s.rt.Time(metrics.TimingReply, end.Sub(start))
		vu.recordRT(a.series, start, end, 0, metrics.ErrNone, 0, int64(len(body)))
	}
	if sub != nil && a.delivery != nil {
		rx := newReceiver(a.delivery, vu)
		s.mu.Lock()
		sub.rx = rx
		s.mu.Unlock()
	}
	return nil
}
