package scenario

import (
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// realtimeActions maps the real-time step keys to their kinds. connect and
// send are Artillery's ws engine steps, valid in `engine: ws` flows only.
var realtimeActions = map[string]StepKind{
	"ws.connect": StepWSConnect, "ws.send": StepWSSend, "ws.receive": StepWSReceive,
	"ws.ping": StepWSPing, "ws.close": StepWSClose,
	"sse.open": StepSSEOpen, "sse.close": StepSSEClose,
	"poll": StepPoll, "poll.stop": StepPollStop,
	"stomp.connect": StepSTOMPConnect, "stomp.subscribe": StepSTOMPSubscribe, "stomp.send": StepSTOMPSend,
	"stomp.receive": StepSTOMPReceive, "stomp.unsubscribe": StepSTOMPUnsubscribe, "stomp.disconnect": StepSTOMPDisconnect,
	"every":   StepEvery,
	"connect": StepWSConnect, "send": StepWSSend,
}

// RealtimeStepKeys lists the real-time step keys, for suggestions.
var RealtimeStepKeys = []string{
	"ws.connect", "ws.send", "ws.receive", "ws.ping", "ws.close", "sse.open", "sse.close", "poll", "poll.stop",
	"stomp.connect", "stomp.subscribe", "stomp.send", "stomp.receive", "stomp.unsubscribe", "stomp.disconnect", "every",
}

// Keys of each real-time step's mapping.
var (
	wsConnectKeys    = []string{"url", "name", "as", "headers", "subprotocols", "timeout", "delivery", "drain"}
	wsSendKeys       = []string{"conn", "text", "json", "reply"}
	replyKeys        = []string{"match", "timeout", "capture"}
	receiveKeys      = []string{"conn", "match", "count", "timeout", "capture"}
	pingKeys         = []string{"conn", "timeout"}
	closeKeys        = []string{"conn", "code"}
	connKeys         = []string{"conn"}
	sseOpenKeys      = []string{"url", "name", "as", "headers", "background", "events", "duration", "timeout", "match", "capture", "reconnect", "maxReconnects", "delivery", "drain"}
	pollKeys         = []string{"request", "interval", "long", "until", "timeout", "duration", "background", "as", "delivery", "drain"}
	stompConnectKeys = []string{"url", "name", "as", "headers", "host", "login", "passcode", "heartbeat", "timeout"}
	stompSubKeys     = []string{"conn", "destination", "id", "receipt", "delivery", "drain", "timeout"}
	stompSendKeys    = []string{"conn", "destination", "body", "json", "headers", "receipt", "timeout"}
	stompUnsubKeys   = []string{"conn", "id"}
	everyKeys        = []string{"interval", "duration", "count", "steps"}
	matchKeys        = []string{"event", "json", "value", "regexp", "contains"}
	deliveryKeys     = []string{"sender", "group", "seq", "sentAt", "messages", "label"}
	artilleryConnect = []string{"target", "url", "headers", "subprotocols"}
)

// connFamily is the kind of thing a connection name refers to.
type connFamily string

const (
	famWS    connFamily = "a WebSocket connection (ws.connect)"
	famSSE   connFamily = "an SSE stream (sse.open)"
	famSTOMP connFamily = "a STOMP session (stomp.connect)"
	famPoll  connFamily = "a background poll (poll)"
)

// rtState is the decoder's state for real-time steps.
type rtState struct {
	// groupSize is config.groups.size (0: no groups).
	groupSize int
	// wsEngine is set while an `engine: ws` flow is decoded.
	wsEngine bool
	// opened and uses are the connection names of the flow being decoded.
	opened map[string]connFamily
	uses   []connUse
}

// connUse is a step's reference to a connection name.
type connUse struct {
	name string
	fam  connFamily
	n    *yaml.Node
	path string
}

// beginFlow starts a flow: engine is its `engine` value ("" or "http" or "ws").
func (d *decoder) beginFlow(pairs []pair) {
	d.rt.wsEngine = false
	for _, p := range pairs {
		if p.key == "engine" {
			if dv := deref(p.v); dv != nil && dv.Kind == yaml.ScalarNode && dv.Value == "ws" {
				d.rt.wsEngine = true
			}
		}
	}
	d.rt.opened, d.rt.uses = map[string]connFamily{}, nil
}

// endFlow checks the flow's connection names and, for an `engine: ws`
// flow, makes it start with a connect to config.target unless it already
// starts with one (Artillery's behaviour).
func (d *decoder) endFlow(steps *[]Step, path string) {
	if d.rt.wsEngine && d.rt.opened != nil {
		if _, ok := d.rt.opened[DefaultWSConn]; !ok {
			d.rt.opened[DefaultWSConn] = famWS // the implicit connect
		}
	}
	for _, u := range d.rt.uses {
		fam, ok := d.rt.opened[u.name]
		switch {
		case !ok:
			d.errorf(u.n, u.path, "no step of this flow opens `%s`: open it first with %s", clip(u.name), u.fam)
		case fam != u.fam:
			d.errorf(u.n, u.path, "`%s` is %s, not %s", clip(u.name), fam, u.fam)
		}
	}
	if d.rt.wsEngine && len(*steps) > 0 && (*steps)[0].Kind != StepWSConnect {
		implicit := Step{Kind: StepWSConnect, Pos: (*steps)[0].Pos, Path: path + ".connect",
			Realtime: &RealtimeStep{Conn: DefaultWSConn, Name: "connect"}}
		*steps = append([]Step{implicit}, *steps...)
	}
	d.rt.wsEngine, d.rt.opened, d.rt.uses = false, nil, nil
}

// open records that a step opens conn.
func (d *decoder) open(n *yaml.Node, path, conn string, fam connFamily) {
	if d.rt.opened == nil {
		d.rt.opened = map[string]connFamily{}
	}
	if f, ok := d.rt.opened[conn]; ok && f != fam {
		d.errorf(n, path, "`%s` already names %s in this flow", clip(conn), f)
		return
	}
	d.rt.opened[conn] = fam
}

// use records that a step uses conn.
func (d *decoder) use(n *yaml.Node, path, conn string, fam connFamily) {
	d.rt.uses = append(d.rt.uses, connUse{name: conn, fam: fam, n: n, path: path})
}

// isRealtimeAction reports whether key is a real-time step key.
func isRealtimeAction(key string) bool {
	_, ok := realtimeActions[key]
	return ok
}

// realtimeStep decodes the real-time step key: value at path into st.
func (d *decoder) realtimeStep(st *Step, k, n *yaml.Node, key, path string) {
	kind := realtimeActions[key]
	if (key == "connect" || key == "send") && !d.rt.wsEngine {
		d.errorf(k, path, "`%s` is a step of `engine: ws` scenarios; in other flows use ws.%s", key, key)
		return
	}
	st.Kind = kind
	r := &RealtimeStep{}
	st.Realtime = r
	switch key {
	case "connect":
		d.artilleryConnect(r, n, path)
	case "send":
		d.artillerySend(r, n, path)
	case "ws.connect":
		d.connectStep(r, n, path, wsConnectKeys, DefaultWSConn, famWS)
	case "ws.send":
		d.wsSend(r, n, path)
	case "ws.receive", "stomp.receive":
		fam := famWS
		if key == "stomp.receive" {
			fam = famSTOMP
		}
		d.receive(r, n, path, fam)
	case "ws.ping":
		d.rtFields(r, n, path, pingKeys, famWS)
	case "ws.close":
		d.connOrMap(r, n, path, closeKeys, DefaultWSConn, famWS)
	case "sse.open":
		d.connectStep(r, n, path, sseOpenKeys, DefaultSSEConn, famSSE)
		d.checkSSE(r, n, path)
	case "sse.close":
		d.connOrMap(r, n, path, connKeys, DefaultSSEConn, famSSE)
	case "poll":
		d.poll(r, n, path)
	case "poll.stop":
		d.connOrMap(r, n, path, connKeys, DefaultPollConn, famPoll)
	case "stomp.connect":
		d.connectStep(r, n, path, stompConnectKeys, DefaultSTOMPConn, famSTOMP)
	case "stomp.subscribe":
		d.stompFields(r, n, path, stompSubKeys)
	case "stomp.send":
		d.stompFields(r, n, path, stompSendKeys)
	case "stomp.unsubscribe":
		d.stompFields(r, n, path, stompUnsubKeys)
	case "stomp.disconnect":
		d.connOrMap(r, n, path, connKeys, DefaultSTOMPConn, famSTOMP)
	case "every":
		d.every(r, n, path)
	}
}

// connectStep decodes ws.connect, sse.open or stomp.connect.
func (d *decoder) connectStep(r *RealtimeStep, n *yaml.Node, path string, keys []string, def string, fam connFamily) {
	r.Conn, r.Reconnect = def, true
	hasURL := false
	if dn := deref(n); dn != nil && dn.Kind == yaml.ScalarNode && fam != famSSE {
		// "ws.connect: /path" is short for {url: /path}.
		r.URL = d.rtURL(n, path)
		hasURL = true
	} else {
		pairs, _ := d.mapping(n, path)
		for _, p := range pairs {
			if p.key == "url" {
				hasURL = true
			}
			d.field(r, p, path, keys, fam)
		}
	}
	if !hasURL && fam != famSTOMP {
		d.errorf(n, path, "`url` is required")
	}
	if r.Name == "" {
		switch {
		case r.URL != nil:
			r.Name = r.URL.Src
		default:
			r.Name = string(famName(fam)) + " connect"
		}
	}
	d.open(n, path, r.Conn, fam)
}

func famName(f connFamily) string {
	switch f {
	case famSSE:
		return "sse"
	case famSTOMP:
		return "stomp"
	case famPoll:
		return "poll"
	}
	return "ws"
}

// rtFields decodes a mapping of real-time step fields, all of which must be
// in keys; conn refers to a connection of family fam.
func (d *decoder) rtFields(r *RealtimeStep, n *yaml.Node, path string, keys []string, fam connFamily) {
	r.Conn = defaultConn(fam)
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		d.field(r, p, path, keys, fam)
	}
	d.use(n, path, r.Conn, fam)
}

func defaultConn(f connFamily) string {
	switch f {
	case famSSE:
		return DefaultSSEConn
	case famSTOMP:
		return DefaultSTOMPConn
	case famPoll:
		return DefaultPollConn
	}
	return DefaultWSConn
}

// connOrMap decodes a close-like step: a connection name, or a mapping.
func (d *decoder) connOrMap(r *RealtimeStep, n *yaml.Node, path string, keys []string, def string, fam connFamily) {
	if dn := deref(n); dn != nil && dn.Kind == yaml.ScalarNode && dn.Tag != "!!null" {
		if s, ok := d.str(n, path); ok {
			r.Conn = s
		}
		d.use(n, path, r.Conn, fam)
		return
	}
	r.Conn = def
	d.rtFields(r, n, path, keys, fam)
}

// wsSend decodes ws.send: a mapping with text or json (and reply), or a
// bare string (the text).
func (d *decoder) wsSend(r *RealtimeStep, n *yaml.Node, path string) {
	if dn := deref(n); dn != nil && dn.Kind == yaml.ScalarNode {
		r.Conn, r.Text = DefaultWSConn, d.template(n, path)
		d.use(n, path, r.Conn, famWS)
		return
	}
	d.rtFields(r, n, path, wsSendKeys, famWS)
	if r.Text == nil && r.JSON == nil {
		d.errorf(n, path, "a send needs `text` or `json`")
	}
}

// receive decodes ws.receive and stomp.receive.
func (d *decoder) receive(r *RealtimeStep, n *yaml.Node, path string, fam connFamily) {
	r.Count = 1
	d.rtFields(r, n, path, receiveKeys, fam)
}

// stompFields decodes stomp.subscribe, stomp.send and stomp.unsubscribe.
func (d *decoder) stompFields(r *RealtimeStep, n *yaml.Node, path string, keys []string) {
	hasReceipt := false
	for _, p := range mustPairs(d, n, path) {
		if p.key == "receipt" {
			hasReceipt = true
		}
	}
	if contains(keys, "destination") && !hasReceipt {
		// A subscription waits for its receipt by default, so that no
		// message sent after the step returns is missed; a send does not.
		r.Receipt = contains(keys, "id")
	}
	d.rtFields(r, n, path, keys, famSTOMP)
	if contains(keys, "destination") && r.Destination == nil {
		d.errorf(n, path, "`destination` is required")
	}
	if contains(keys, "body") && r.Text != nil && r.JSON != nil {
		d.errorf(n, path, "a send has `body` or `json`, not both")
	}
}

// mustPairs returns n's pairs without reporting problems (fields reports them).
func mustPairs(d *decoder, n *yaml.Node, path string) []pair {
	if dn := deref(n); dn == nil || dn.Kind != yaml.MappingNode {
		return nil
	}
	pairs, _ := d.mapping(n, path)
	return pairs
}

// checkSSE checks the combination of an sse.open step's keys.
func (d *decoder) checkSSE(r *RealtimeStep, n *yaml.Node, path string) {
	if r.Background && (r.Events > 0 || r.Duration > 0) {
		d.errorf(n, path, "a background stream runs until sse.close or the end of the flow; `events` and `duration` are for a stream the step waits on")
	}
	if !r.Background && r.Events == 0 && r.Duration == 0 {
		d.errorf(n, path, "say how long to read the stream: `events: N`, `duration: 10s`, or `background: true`")
	}
	if len(r.Captures) > 0 && r.Background {
		d.errorf(n, path, "`capture` needs a stream the step waits on (not background)")
	}
}

// every decodes a fixed-interval timer loop.
func (d *decoder) every(r *RealtimeStep, n *yaml.Node, path string) {
	pairs, ok := d.mapping(n, path)
	if !ok {
		return
	}
	hasSteps := false
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "interval":
			r.Interval, _ = d.duration(p.v, kp, false)
		case "duration":
			r.Duration, _ = d.duration(p.v, kp, false)
		case "count":
			if v, good := d.integer(p.v, kp, 1, maxCount); good {
				r.Count = int(v)
			}
		case "steps":
			hasSteps = true
			if d.loopDepth >= maxLoopDepth {
				d.errorf(p.k, kp, "loops are nested more than %d deep", maxLoopDepth)
				continue
			}
			d.loopDepth++
			r.Steps, _ = d.steps(p.v, kp, true)
			d.loopDepth--
		default:
			d.unknownKey(p, path, everyKeys)
		}
	}
	if r.Interval == 0 {
		d.errorf(n, path, "`interval` is required: the period of the timer")
	}
	if (r.Duration == 0) == (r.Count == 0) {
		d.errorf(n, path, "an every loop needs `duration` or `count` (one of them)")
	}
	if !hasSteps {
		d.errorf(n, path, "`steps` is required")
	}
}

// poll decodes a poll step.
func (d *decoder) poll(r *RealtimeStep, n *yaml.Node, path string) {
	r.Conn = DefaultPollConn
	pairs, ok := d.mapping(n, path)
	if !ok {
		return
	}
	for _, p := range pairs {
		d.field(r, p, path, pollKeys, famPoll)
	}
	if r.Request == nil {
		d.errorf(n, path, "`request` is required: the request to poll, e.g. {get: {url: /status}}")
	}
	if r.Long && r.Interval > 0 {
		d.errorf(n, path, "a long poll re-issues its request at once; `interval` is for short polling")
	}
	if !r.Long && r.Interval == 0 {
		d.errorf(n, path, "a short poll needs `interval` (or `long: true` for long polling)")
	}
	if !r.Background && r.Until == nil && r.Duration == 0 {
		d.errorf(n, path, "say when polling ends: `until`, `duration`, or `background: true`")
	}
	if r.Background {
		d.open(n, path, r.Conn, famPoll)
	}
}

// pollRequest decodes poll.request: a mapping with one request method.
func (d *decoder) pollRequest(r *RealtimeStep, n *yaml.Node, path string) {
	pairs, ok := d.mapping(n, path)
	if !ok {
		return
	}
	for _, p := range pairs {
		kp := join(path, p.key)
		if methods[p.key] == "" {
			d.unknownKey(p, path, []string{"get", "post", "put", "patch", "delete", "head", "options"})
			continue
		}
		if r.Request != nil {
			d.errorf(p.k, kp, "`request` holds one request")
			continue
		}
		r.Request = d.request(methods[p.key], p.v, kp)
	}
}

// rtURL decodes the URL of a connect/open step: relative (joined to
// config.target) or absolute with a ws, wss, http or https scheme.
func (d *decoder) rtURL(n *yaml.Node, path string) *Template {
	t := d.template(n, path)
	if t == nil {
		return nil
	}
	if len(t.Parts) == 0 {
		d.errorf(n, path, "the URL is empty")
		return t
	}
	if t.Parts[0].Kind != PartText {
		return t
	}
	scheme, _, abs := strings.Cut(t.Parts[0].Text, "://")
	if !abs {
		d.relURLs = append(d.relURLs, varRef{pos: d.pos(n), path: path})
		return t
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss", "http", "https":
	default:
		d.errorf(n, path, "expected a ws://, wss://, http:// or https:// URL, got %s", quote(t.Src))
		return t
	}
	if t.IsConst() {
		if u, err := url.Parse(t.Src); err != nil || u.Hostname() == "" {
			d.errorf(n, path, "invalid URL %s", quote(t.Src))
		}
	}
	return t
}

// positive decodes a positive integer at most hi.
func (d *decoder) positive(n *yaml.Node, path string, hi int64) int {
	v, _ := d.integer(n, path, 1, hi)
	return int(v)
}

// optDuration decodes a duration that may be zero.
func (d *decoder) optDuration(n *yaml.Node, path string) time.Duration {
	v, _ := d.duration(n, path, true)
	return v
}

// parseRealtimeBuiltin parses $group.id / $group.member / $group.size and
// $stamp (see docs/REALTIME.md). bad reports a problem.
func parseRealtimeBuiltin(name, rest string, bad func(string) (TemplatePart, *templateError)) (TemplatePart, *templateError) {
	if name == "$stamp" {
		if rest != "" && strings.ReplaceAll(rest, " ", "") != "()" {
			return bad("$stamp takes no arguments")
		}
		return TemplatePart{Kind: PartFunc, Name: name}, nil
	}
	switch rest {
	case ".id", ".member", ".size":
		return TemplatePart{Kind: PartVar, Name: name, Path: []string{rest[1:]}}, nil
	}
	return bad("the $group fields are $group.id, $group.member and $group.size")
}
