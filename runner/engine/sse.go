package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// defaultSSERetry is the reconnection delay when the stream sets none.
const defaultSSERetry = time.Second

// errClosedEarly is the error of a stream the server ended while we still
// wanted it.
var errClosedEarly = errors.New("the server closed the event stream early")

// errBadContentType is the error of a response that is not an event stream.
var errBadContentType = errors.New("the response is not text/event-stream")

// sseOpenAction opens an event stream: in the foreground (the step waits
// for events or a duration) or in the background.
type sseOpenAction struct {
	path, name    string
	slot          int
	url           rtURL
	headers       []header
	timeout       time.Duration // connect timeout (to headers)
	wait          time.Duration // foreground: bound for `events`
	events        int
	duration      time.Duration
	background    bool
	match         *matcher
	captures      []capture
	reconnect     bool
	maxReconnects int
	delivery      *deliverySpec
	drain         time.Duration
	series        []metrics.SeriesID
}

func (c *compiler) sseOpen(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &sseOpenAction{path: s.Path, name: r.Name, slot: c.rt.slot(r.Conn), timeout: c.rt.timeout,
		wait: r.Timeout, events: r.Events, duration: r.Duration, background: r.Background,
		reconnect: r.Reconnect, maxReconnects: r.MaxReconnects, drain: drainOf(r)}
	if a.maxReconnects == 0 {
		a.maxReconnects = 10
	}
	if a.wait == 0 {
		a.wait = 30 * time.Second
	}
	var err error
	if a.url, err = c.compileURL(r.URL, false); err != nil {
		return nil, err
	}
	if a.headers, err = c.compileHeaders(r.Headers); err != nil {
		return nil, err
	}
	if a.match, err = c.matcher(r.Match); err != nil {
		return nil, err
	}
	if a.captures, err = c.compileCaptures(r.Captures); err != nil {
		return nil, err
	}
	if a.delivery, err = compileDelivery(r.Delivery); err != nil {
		return nil, err
	}
	a.series = c.rtSeries(a.name, protocolSSE, mode)
	return a, nil
}

// sseStream is one event stream of a VU, across reconnects.
type sseStream struct {
	a      *sseOpenAction
	vu     *VU // nil in the background (the VU's state belongs to its flow)
	rt     *metrics.RT
	client *http.Client
	url    string
	hdr    http.Header
	rx     *receiver
	p      *sseParser
	ev     sseEvent
	// wanted counts the matching events of a foreground stream.
	wanted int
	last   []byte // the data of the last matching event (for captures)
	// shard and seriesIdx record the reconnects of a background stream.
	shard     *metrics.Shard
	seriesIdx int
	// background control.
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

func (a *sseOpenAction) run(ctx context.Context, vu *VU) error {
	u, err := a.url.render(vu, false)
	if err != nil {
		now := time.Now()
		vu.recordRT(a.series, now, now, 0, metrics.ErrOther, 0, 0)
		return abort(a.path, metrics.ErrOther, err)
	}
	vu.rt.closeConn(ctx, a.slot)
	st := &sseStream{a: a, rt: vu.shard.RT(), url: u, hdr: renderHeaders(vu, a.headers),
		client: &http.Client{Transport: vu.sseTransport(), Jar: vu.client.Jar}, p: newSSEParser(nil),
		shard: vu.shard, seriesIdx: vu.seriesIdx}
	st.hdr.Set("Accept", "text/event-stream")
	st.hdr.Set("Cache-Control", "no-cache")
	if !a.background {
		st.vu = vu
		return st.foreground(ctx, vu)
	}
	// The first connect happens in the step, so that a stream that cannot
	// open fails the flow like any request. The stream lives in bctx, which
	// close cancels.
	bctx, cancel := context.WithCancel(ctx)
	resp, err := st.connect(bctx, vu)
	if err != nil {
		cancel()
		return err
	}
	st.rx = newReceiver(a.delivery, vu)
	st.cancel, st.done = cancel, make(chan struct{})
	st.rt.ConnOpened()
	go st.background(bctx, resp)
	vu.rt.setConn(a.slot, st)
	return nil
}

// connect opens the stream and records the open as a sample (to headers).
// A response that is not an event stream is an error.
func (st *sseStream) connect(ctx context.Context, vu *VU) (*http.Response, error) {
	a := st.a
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, st.url, nil)
	if err != nil {
		return nil, abort(a.path, metrics.ErrOther, err)
	}
	req.Header = st.hdr.Clone()
	if len(st.p.lastID) > 0 {
		req.Header.Set("Last-Event-ID", string(st.p.lastID))
	}
	// The client has no overall timeout (a stream lasts); the connect
	// timeout bounds the wait for the headers only.
	cctx, cancel := context.WithCancel(ctx)
	hdrTimer := time.AfterFunc(a.timeout, cancel)
	req = req.WithContext(cctx)
	start := time.Now()
	resp, err := st.client.Do(req)
	end := time.Now()
	timedOut := !hdrTimer.Stop()
	st.rt.Add(metrics.SSEStreams, 1)
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		kind := classify(err)
		if timedOut {
			kind = metrics.ErrTimeout
		}
		st.record(vu, start, end, 0, kind)
		return nil, abort(a.path, kind, fmt.Errorf("event stream %s: %w", st.url, err))
	}
	if resp.StatusCode >= 400 {
		_ = resp.Body.Close()
		cancel()
		st.record(vu, start, end, resp.StatusCode, metrics.ErrStatus)
		return nil, abort(a.path, metrics.ErrStatus, fmt.Errorf("event stream %s: status %d", st.url, resp.StatusCode))
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/event-stream" {
		_ = resp.Body.Close()
		cancel()
		st.rt.Add(metrics.SSEBadContentType, 1)
		st.record(vu, start, end, resp.StatusCode, metrics.ErrOther)
		return nil, abort(a.path, metrics.ErrOther, fmt.Errorf("%w: %q", errBadContentType, resp.Header.Get("Content-Type")))
	}
	st.record(vu, start, end, resp.StatusCode, metrics.ErrNone)
	resp.Body = newCancelBody(cctx, resp.Body, cancel)
	return resp, nil
}

// cancelBody is a stream's body. It cancels the stream's context when
// closed, and is closed when that context is done: the transport should
// end a read in progress on cancellation, and closing the body from the
// watcher makes sure of it whatever the transport, so that stop, a hard
// cancel or a close step always unblocks the reader.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
	once   sync.Once
	err    error
}

// newCancelBody wraps rc; closing it cancels ctx (through cancel), and
// ctx's end closes it.
func newCancelBody(ctx context.Context, rc io.ReadCloser, cancel context.CancelFunc) *cancelBody {
	b := &cancelBody{ReadCloser: rc, cancel: cancel}
	context.AfterFunc(ctx, func() { _ = b.Close() })
	return b
}

// Close closes the body once; it may be called while a Read is blocked.
func (b *cancelBody) Close() error {
	b.once.Do(func() {
		b.cancel()
		b.err = b.ReadCloser.Close()
	})
	return b.err
}

// record records the stream open as a sample. In the background (vu nil)
// the sample goes to the VU's shard through a private sample.
func (st *sseStream) record(vu *VU, start, end time.Time, status int, kind metrics.ErrorKind) {
	if vu != nil {
		vu.recordRT(st.a.series, start, end, status, kind, 0, 0)
		return
	}
	if st.shard == nil || st.a.series == nil {
		return
	}
	smp := metrics.Sample{Latency: end.Sub(start), Status: status, Err: kind}
	st.shard.Record(st.a.series[st.seriesIdx], &smp)
}

// foreground reads the stream until it has the events it wants or its
// duration ends, then runs the captures on the last matching event.
func (st *sseStream) foreground(ctx context.Context, vu *VU) error {
	a := st.a
	limit := a.wait
	if a.duration > 0 {
		limit = a.duration
	}
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	resp, err := st.connect(rctx, vu)
	if err == nil {
		st.rx = newReceiver(a.delivery, vu)
		defer st.rx.stop()
		st.rt.ConnOpened()
		defer st.rt.ConnClosed()
		err = st.loop(rctx, resp, vu)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err == nil:
	case a.duration > 0 && errors.Is(err, context.DeadlineExceeded):
		err = nil // the stream stayed open as long as asked
	case errors.Is(err, context.DeadlineExceeded):
		return abort(a.path, metrics.ErrTimeout, fmt.Errorf("event stream %s: %d of %d events before the timeout", st.url, st.wanted, a.events))
	default:
		return abort(a.path, metrics.ErrReset, err)
	}
	if err := vu.captureMessage(a.captures, st.last); err != nil {
		return abort(a.path, metrics.ErrCapture, err)
	}
	return nil
}

// background reads the stream until it is closed.
func (st *sseStream) background(ctx context.Context, resp *http.Response) {
	defer close(st.done)
	_ = st.loop(ctx, resp, nil) // failures are counted as stream errors
}

// loop reads events, reconnecting with Last-Event-ID when the stream
// drops (as allowed). It returns nil when a foreground stream got its
// events, ctx's error when stopped, or the error that ended the stream.
func (st *sseStream) loop(ctx context.Context, resp *http.Response, vu *VU) error {
	a := st.a
	reconnects := 0
	for {
		err := st.read(ctx, resp)
		_ = resp.Body.Close()
		if err == nil || ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err == errWanted {
			return nil
		}
		if !a.reconnect || reconnects >= a.maxReconnects {
			return err
		}
		reconnects++
		st.rt.Add(metrics.SSEReconnects, 1)
		delay := defaultSSERetry
		if st.p.retry >= 0 {
			delay = time.Duration(st.p.retry) * time.Millisecond
		}
		if err := sleepCtx(ctx, delay); err != nil {
			return err
		}
		if resp, err = st.connect(ctx, vu); err != nil {
			return err
		}
	}
}

// errWanted ends a foreground stream that got its events.
var errWanted = errors.New("got the events")

// read dispatches the events of one connection. It returns errWanted when
// a foreground stream has its events, or why the connection ended.
func (st *sseStream) read(ctx context.Context, resp *http.Response) error {
	a := st.a
	st.p.reset(resp.Body)
	opened := time.Now()
	var last time.Time
	defer func() { st.rt.Add(metrics.SSEBytesIn, st.p.n); st.p.n = 0 }()
	for {
		err := st.p.next(&st.ev)
		now := time.Now()
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.Is(err, errLineTooLong):
				st.rt.Add(metrics.SSELineTooLong, 1)
			case errors.Is(err, io.ErrUnexpectedEOF):
				st.rt.Add(metrics.SSECutMidEvent, 1)
				err = fmt.Errorf("the event stream ended inside an event: %w", err)
			case errors.Is(err, io.EOF):
				st.rt.Add(metrics.SSEClosedEarly, 1)
				err = errClosedEarly
			}
			return err
		}
		st.rt.Add(metrics.SSEEvents, 1)
		if last.IsZero() {
			st.rt.Time(metrics.TimingFirstEvent, now.Sub(opened))
		} else {
			st.rt.Time(metrics.TimingGap, now.Sub(last))
		}
		last = now
		st.rx.sseEvent(st.ev.typ, st.ev.data, now)
		if st.vu == nil {
			continue
		}
		if a.match.matches(st.vu, string(st.ev.typ), st.ev.data) {
			st.wanted++
			st.last = append(st.last[:0], st.ev.data...)
			if a.events > 0 && st.wanted >= a.events {
				return errWanted
			}
		}
	}
}

// sleepCtx sleeps for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (st *sseStream) stopListening()           { st.rx.stop() }
func (st *sseStream) drainTime() time.Duration { return st.a.drain }

// close ends a background stream and waits for its reader.
func (st *sseStream) close() {
	st.once.Do(func() {
		if st.cancel != nil {
			st.cancel()
			<-st.done
		}
		st.rx.stop()
		st.rt.ConnClosed()
	})
}
