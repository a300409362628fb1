package engine

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// Real-time protocols, as series labels.
const (
	protocolWS    = "ws"
	protocolSSE   = "sse"
	protocolSTOMP = "stomp"
)

// rtCompiler is the compiler's real-time state: connection names resolve to
// dense slots of a VU's connection table, so no step looks a name up at run
// time.
type rtCompiler struct {
	slots map[string]int
	// keep[slot] is set when a step reads the connection's messages
	// (receive, reply), so its reader keeps them in the inbox.
	keep []bool
	// prog is the Program's real-time state; timeout its HTTP timeout.
	prog    *rtProgram
	timeout time.Duration
}

// slot returns the slot of connection name, defining it when new.
func (r *rtCompiler) slot(name string) int {
	if r.slots == nil {
		r.slots = map[string]int{}
	}
	if i, ok := r.slots[name]; ok {
		return i
	}
	r.slots[name] = len(r.slots)
	r.keep = append(r.keep, false)
	return len(r.slots) - 1
}

// rtProgram is the Program's real-time state.
type rtProgram struct {
	groups scenario.Groups
	// slots is the number of connection slots; keep as in rtCompiler.
	slots int
	keep  []bool
	// wsTarget and httpTarget are config.target with a ws(s) and an
	// http(s) scheme ("" when unset).
	wsTarget, httpTarget string
}

// newRTProgram prepares the real-time state of sc and tells reg the group
// size, so that its Recorder keeps the group table.
func newRTProgram(sc *scenario.Scenario, reg *metrics.Registry) rtProgram {
	if reg != nil && sc.Config.Groups.Size > 0 {
		reg.SetGroupSize(sc.Config.Groups.Size)
	}
	rp := rtProgram{groups: sc.Config.Groups}
	if t := strings.TrimRight(sc.Config.Target, "/"); t != "" {
		rp.httpTarget, rp.wsTarget = withScheme(t, false), withScheme(t, true)
	}
	return rp
}

// withScheme returns u with its scheme turned into ws(s) (ws) or http(s).
func withScheme(u string, ws bool) string {
	scheme, rest, ok := strings.Cut(u, "://")
	switch scheme = strings.ToLower(scheme); {
	case !ok:
		return u
	case scheme != "http" && scheme != "https" && scheme != "ws" && scheme != "wss":
		return u // not ours to change: the caller reports it
	}
	secure := scheme == "https" || scheme == "wss"
	switch {
	case ws && secure:
		return "wss://" + rest
	case ws:
		return "ws://" + rest
	case secure:
		return "https://" + rest
	}
	return "http://" + rest
}

// vuRT is a VU's real-time state: its group, message sequence, open
// connections and background work.
type vuRT struct {
	vu    *VU
	group tmpl.Group
	seq   int64
	// listening counts the VU's open delivery subscriptions; the VU counts
	// as a listener of its group while it is > 0.
	listening atomic.Int32
	conns     []rtConn
	// mu guards conns against background goroutines that end themselves.
	mu sync.Mutex
}

// rtConn is an open connection, stream, session or background poll.
type rtConn interface {
	// stopListening ends delivery accounting (the drain starts).
	stopListening()
	// drain returns how long the connection keeps receiving after
	// stopListening before close.
	drainTime() time.Duration
	// close ends it and waits for its goroutines.
	close()
}

// initRT sets up vu's real-time state.
func (vu *VU) initRT() {
	p := vu.p
	vu.rt.vu = vu
	if p.rt.slots > 0 {
		vu.rt.conns = make([]rtConn, p.rt.slots)
	}
	if vu.ID >= 1 {
		g, m := p.rt.groups.Group(vu.ID)
		vu.rt.group = tmpl.Group{ID: g, Member: m, Size: int64(max(p.rt.groups.Size, 1))}
		vu.scope.Group = vu.rt.group
		if gs := vu.shard.RT().Groups(); gs != nil {
			gs.Join(g)
		}
	}
	vu.scope.Stamper = &vu.rt
}

// AppendStamp implements tmpl.Stamper: it appends the next stamp of the VU
// and counts the send, with the group's other listeners as expected
// deliveries.
func (r *vuRT) AppendStamp(dst []byte) []byte {
	r.seq++
	now := time.Now()
	dst = append(dst, `"sender":"`...)
	dst = strconv.AppendInt(dst, r.vu.ID, 10)
	dst = append(dst, `","group":"`...)
	dst = strconv.AppendInt(dst, r.group.ID, 10)
	dst = append(dst, `","seq":`...)
	dst = strconv.AppendInt(dst, r.seq, 10)
	dst = append(dst, `,"sent_at":`...)
	dst = strconv.AppendInt(dst, now.UnixNano(), 10)
	rt := r.vu.shard.RT()
	rt.Add(metrics.DeliverySends, 1)
	others := rt.Groups().Listening(r.group.ID)
	if r.listening.Load() > 0 {
		others--
	}
	if others > 0 {
		rt.Add(metrics.DeliveryExpected, others)
	}
	return dst
}

// listen adds delta (+1 or −1) to the VU's delivery subscriptions; the
// VU joins or leaves its group's listeners on the first and last.
func (r *vuRT) listen(delta int32) {
	n := r.listening.Add(delta)
	gs := r.vu.shard.RT().Groups()
	switch {
	case delta > 0 && n == 1:
		gs.Listen(r.group.ID, 1)
	case delta < 0 && n == 0:
		gs.Listen(r.group.ID, -1)
	}
}

// conn returns the connection in slot i.
func (r *vuRT) conn(i int) rtConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i < 0 || i >= len(r.conns) {
		return nil
	}
	return r.conns[i]
}

// setConn puts c in slot i and returns what was there.
func (r *vuRT) setConn(i int, c rtConn) rtConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.conns[i]
	r.conns[i] = c
	return old
}

// closeConn closes the connection in slot i (after its drain, which ends
// early when ctx is done), if any.
func (r *vuRT) closeConn(ctx context.Context, i int) {
	c := r.setConn(i, nil)
	if c == nil {
		return
	}
	c.stopListening()
	if d := c.drainTime(); d > 0 {
		_ = sleepCtx(ctx, d)
	}
	c.close()
}

// closeAll closes every open connection: all stop listening at once, one
// drain (the longest; cut short when ctx is done) lets messages in flight
// arrive, then all close.
func (r *vuRT) closeAll(ctx context.Context) {
	r.mu.Lock()
	open := make([]rtConn, 0, len(r.conns))
	for i, c := range r.conns {
		if c != nil {
			open = append(open, c)
			r.conns[i] = nil
		}
	}
	r.mu.Unlock()
	if len(open) == 0 {
		return
	}
	var drain time.Duration
	for _, c := range open {
		c.stopListening()
		drain = max(drain, c.drainTime())
	}
	if drain > 0 {
		_ = sleepCtx(ctx, drain)
	}
	for _, c := range open {
		c.close()
	}
}

// realtime compiles a real-time step.
func (c *compiler) realtime(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	if r == nil {
		return nil, fmt.Errorf("real-time step without its content")
	}
	switch s.Kind {
	case scenario.StepWSConnect:
		return c.wsConnect(s, mode)
	case scenario.StepWSSend:
		return c.wsSend(s, mode)
	case scenario.StepWSReceive, scenario.StepSTOMPReceive:
		return c.receive(s, mode)
	case scenario.StepWSPing:
		return c.wsPing(s, mode)
	case scenario.StepWSClose, scenario.StepSSEClose, scenario.StepPollStop, scenario.StepSTOMPDisconnect:
		return &closeAction{slot: c.rt.slot(r.Conn), code: r.CloseCode}, nil
	case scenario.StepSSEOpen:
		return c.sseOpen(s, mode)
	case scenario.StepPoll:
		return c.poll(s, mode)
	case scenario.StepSTOMPConnect:
		return c.stompConnect(s, mode)
	case scenario.StepSTOMPSubscribe, scenario.StepSTOMPSend, scenario.StepSTOMPUnsubscribe:
		return c.stompFrame(s, mode)
	case scenario.StepEvery:
		return c.every(s, mode)
	}
	return nil, fmt.Errorf("unknown real-time step kind %d", s.Kind)
}

// closeAction closes a connection, stream, session or background poll.
type closeAction struct {
	slot int
	code int
}

func (a *closeAction) run(ctx context.Context, vu *VU) error {
	if c, ok := vu.rt.conn(a.slot).(*wsConn); ok && a.code != 0 {
		c.closeCode = a.code
	}
	vu.rt.closeConn(ctx, a.slot)
	return nil
}

// rtSeries registers name for the phases of mode under protocol.
func (c *compiler) rtSeries(name, protocol string, mode phaseMode) []metrics.SeriesID {
	if c.reg == nil {
		return nil
	}
	if mode == beforeAfterPhase {
		return []metrics.SeriesID{c.reg.Register(name, beforeAfter, "", protocol)}
	}
	ids := make([]metrics.SeriesID, len(c.phases))
	for i, ph := range c.phases {
		ids[i] = c.reg.Register(name, i, ph.Name, protocol)
	}
	return ids
}

// recordRT records one sample of a real-time action (a handshake, a
// stream open, a reply wait) into series.
func (vu *VU) recordRT(series []metrics.SeriesID, start, end time.Time, status int, kind metrics.ErrorKind, in, out int64) {
	first := vu.first
	vu.first = false
	if vu.shard == nil || series == nil {
		return
	}
	smp := metrics.Sample{Latency: end.Sub(start), Status: status, Err: kind, BytesIn: in, BytesOut: out}
	if first && !vu.intended.IsZero() {
		smp.Intended = end.Sub(vu.intended)
	}
	vu.shard.Record(series[vu.seriesIdx], &smp)
}

// rtURL is a compiled endpoint of a connect/open step.
type rtURL struct {
	fixed string
	t     *tmpl.Template
	base  string
}

// compileURL compiles the URL of a connect step: relative URLs join the
// target (with the scheme the protocol wants), absolute ones have their
// scheme adjusted.
func (c *compiler) compileURL(t *scenario.Template, ws bool) (rtURL, error) {
	p := c.rt.prog
	base := p.httpTarget
	if ws {
		base = p.wsTarget
	}
	if t == nil {
		if base == "" {
			return rtURL{}, fmt.Errorf("no url and no config.target")
		}
		return rtURL{fixed: base}, nil
	}
	ct, err := c.template(t)
	if err != nil {
		return rtURL{}, err
	}
	u := rtURL{t: ct, base: base}
	if ct.IsConst() {
		u.fixed, err = u.join(ct.Text(), ws)
		u.t = nil
	}
	return u, err
}

// render returns the URL for vu.
func (u *rtURL) render(vu *VU, ws bool) (string, error) {
	if u.t == nil {
		return u.fixed, nil
	}
	vu.scratch = u.t.Append(vu.scratch[:0], &vu.scope)
	return u.join(string(vu.scratch), ws)
}

// join resolves s against the base and checks it.
func (u *rtURL) join(s string, ws bool) (string, error) {
	if !strings.Contains(s, "://") {
		if u.base == "" {
			return "", fmt.Errorf("url %q is relative and config.target is not set", s)
		}
		if s != "" && s[0] != '/' && s[0] != '?' {
			s = "/" + s
		}
		s = u.base + s
	}
	s = withScheme(s, ws)
	pu, err := url.Parse(s)
	if err != nil || pu.Host == "" {
		return "", fmt.Errorf("invalid url %q", s)
	}
	return s, nil
}

// compileHeaders compiles a step's headers on top of the config headers.
func (c *compiler) compileHeaders(hs []scenario.Header) ([]header, error) {
	var out []header
	add := func(h scenario.Header) error {
		t, err := c.template(h.Value)
		if err != nil {
			return fmt.Errorf("header %q: %w", h.Name, err)
		}
		key := http.CanonicalHeaderKey(h.Name)
		for i := range out {
			if out[i].key == key {
				out[i].value = t
				return nil
			}
		}
		out = append(out, header{key: key, value: t})
		return nil
	}
	for _, h := range c.headers {
		if err := add(h); err != nil {
			return nil, err
		}
	}
	for _, h := range hs {
		if err := add(h); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// renderHeaders renders hs into a new header map.
func renderHeaders(vu *VU, hs []header) http.Header {
	h := make(http.Header, len(hs)+2)
	for i := range hs {
		vu.scratch = hs[i].value.Append(vu.scratch[:0], &vu.scope)
		h[hs[i].key] = []string{string(vu.scratch)}
	}
	return h
}

// timeoutOr returns d, or the program's HTTP timeout when d is 0.
func (r *rtCompiler) timeoutOr(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return r.timeout
}

// drainOf returns the drain of a delivery subscription.
func drainOf(r *scenario.RealtimeStep) time.Duration {
	switch {
	case r.Delivery == nil || r.Drain < 0:
		return 0
	case r.Drain == 0:
		return scenario.DefaultDrain
	}
	return r.Drain
}
