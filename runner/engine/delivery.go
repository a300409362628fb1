package engine

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// deliverySpec is a compiled delivery spec.
type deliverySpec struct {
	sender, group, seq, sentAt *jsonpath.Path
	// messages selects the messages in a poll's body (nil: the body is one).
	messages *jsonpath.Path
	// label, or labelEvent (SSE event type), labels delivery latencies;
	// neither: no labels.
	label      *jsonpath.Path
	labelEvent bool
}

func compileDelivery(d *scenario.Delivery) (*deliverySpec, error) {
	if d == nil {
		return nil, nil
	}
	out := &deliverySpec{labelEvent: d.Label == scenario.DeliveryLabelEvent}
	label := d.Label
	if out.labelEvent {
		label = ""
	}
	for _, f := range []struct {
		dst  **jsonpath.Path
		expr string
		name string
	}{
		{&out.sender, d.Sender, "sender"}, {&out.group, d.Group, "group"},
		{&out.seq, d.Seq, "seq"}, {&out.sentAt, d.SentAt, "sentAt"}, {&out.messages, d.Messages, "messages"},
		{&out.label, label, "label"},
	} {
		if f.expr == "" {
			continue
		}
		p, err := jsonpath.Compile(f.expr)
		if err != nil {
			return nil, fmt.Errorf("delivery.%s: %w", f.name, err)
		}
		*f.dst = p
	}
	if out.sender == nil || out.group == nil || out.seq == nil || out.sentAt == nil {
		return nil, fmt.Errorf("delivery: sender, group, seq and sentAt are required")
	}
	return out, nil
}

// receiver turns received messages into delivery accounting for one
// subscription of one VU. It is used by one goroutine at a time (the
// subscription's reader); it allocates only to grow its seen sets.
type receiver struct {
	spec   *deliverySpec
	rt     *metrics.RT
	vu     *vuRT
	me     int64 // the VU id
	group  int64
	size   int64 // configured group size (1 without groups)
	groups scenario.Groups
	// from and until bound the listening window (Unix ns; until 0 while
	// listening). Messages sent outside it are not expected here. until is
	// set by the flow while the reader reads it.
	from  int64
	until atomic.Int64
	// seen[m] is a bitset of the seqs received from member m.
	seen    [][]uint64
	doc     jsonpath.Doc
	scratch jsonpath.Scratch
	buf     []byte
	nodes   []int32
	// labels is the run's label table and known the indexes this receiver
	// has looked up; event is the SSE event type of the message at hand.
	labels *metrics.Labels
	known  []knownLabel
	event  []byte
}

// knownLabel caches one label's index in the run's table.
type knownLabel struct {
	text []byte
	idx  int
}

// newReceiver starts listening for vu with spec; nil spec gives nil.
func newReceiver(spec *deliverySpec, vu *VU) *receiver {
	if spec == nil {
		return nil
	}
	r := &receiver{
		spec: spec, rt: vu.shard.RT(), vu: &vu.rt, me: vu.ID,
		group: vu.rt.group.ID, size: max(vu.rt.group.Size, 1), groups: vu.p.rt.groups,
		from: time.Now().UnixNano(),
	}
	r.seen = make([][]uint64, r.size)
	if spec.label != nil || spec.labelEvent {
		r.labels = r.rt.Labels()
	}
	vu.rt.listen(1)
	return r
}

// stop ends the listening window (idempotent).
func (r *receiver) stop() {
	if r == nil || !r.until.CompareAndSwap(0, time.Now().UnixNano()) {
		return
	}
	r.vu.listen(-1)
}

// sseEvent accounts one SSE event: its data, labelled by its type when the
// spec says so.
func (r *receiver) sseEvent(typ, data []byte, now time.Time) {
	if r == nil {
		return
	}
	r.event = typ
	r.message(data, now)
	r.event = nil
}

// message accounts one message (its JSON text) received at now.
func (r *receiver) message(msg []byte, now time.Time) {
	if r == nil {
		return
	}
	if err := r.doc.Parse(msg); err != nil {
		r.rt.Add(metrics.DeliveryUnparsed, 1)
		return
	}
	r.body(&r.doc, r.doc.Root(), now)
}

// body accounts a parsed body: the messages spec.messages selects (each
// element of a selected array), or the body itself. It returns how many
// messages it held.
func (r *receiver) body(doc *jsonpath.Doc, root int32, now time.Time) int {
	if r.spec.messages == nil {
		r.node(doc, root, now)
		return 1
	}
	n := 0
	// The message paths reuse the scratch, so the selection is copied first.
	r.nodes = append(r.nodes[:0], r.spec.messages.Eval(doc, &r.scratch)...)
	for _, m := range r.nodes {
		if doc.Kind(m) == jsonpath.Array {
			for c := doc.First(m); c != jsonpath.None; c = doc.Next(c) {
				r.node(doc, c, now)
				n++
			}
			continue
		}
		r.node(doc, m, now)
		n++
	}
	return n
}

// node accounts one message node.
func (r *receiver) node(doc *jsonpath.Doc, n int32, now time.Time) {
	sender, ok1 := r.int(doc, n, r.spec.sender)
	group, ok2 := r.int(doc, n, r.spec.group)
	seq, ok3 := r.int(doc, n, r.spec.seq)
	sentAt, ok4 := r.int(doc, n, r.spec.sentAt)
	if !ok1 || !ok2 || !ok3 || !ok4 || seq < 1 {
		r.rt.Add(metrics.DeliveryUnparsed, 1)
		return
	}
	senderGroup, member := r.groups.Group(sender)
	switch {
	case sender == r.me:
		r.rt.Add(metrics.DeliverySelf, 1)
		return
	case group != r.group || senderGroup != r.group:
		r.rt.Add(metrics.DeliveryOutOfGroup, 1)
		return
	}
	if r.seenBefore(member, seq) {
		r.rt.Add(metrics.DeliveryDuplicate, 1)
		return
	}
	if until := r.until.Load(); sentAt < r.from || (until != 0 && sentAt > until) {
		r.rt.Add(metrics.DeliveryOutside, 1)
		return
	}
	r.rt.Add(metrics.DeliveryDelivered, 1)
	d := time.Duration(now.UnixNano() - sentAt)
	if r.labels == nil {
		r.rt.Time(metrics.TimingDelivery, d)
		return
	}
	r.rt.TimeLabel(r.labelOf(doc, n), d)
}

// labelOf returns the label index of message node n: its SSE event type or
// the text at the label path.
func (r *receiver) labelOf(doc *jsonpath.Doc, n int32) int {
	text := r.event
	if r.spec.label != nil {
		r.buf = r.buf[:0]
		if nodes := r.spec.label.EvalFrom(doc, n, &r.scratch); len(nodes) > 0 {
			r.buf = doc.AppendText(r.buf, nodes[0])
		}
		text = r.buf
	}
	for i := range r.known {
		if string(r.known[i].text) == string(text) {
			return r.known[i].idx
		}
	}
	idx := r.labels.Index(text)
	if len(r.known) < metrics.MaxDeliveryLabels {
		r.known = append(r.known, knownLabel{text: append([]byte(nil), text...), idx: idx})
	}
	return idx
}

// seenBefore marks (member, seq) as received and reports whether it was.
func (r *receiver) seenBefore(member, seq int64) bool {
	if member < 0 || member >= int64(len(r.seen)) {
		return false
	}
	w, bit := seq/64, uint64(1)<<(seq%64)
	set := r.seen[member]
	for int64(len(set)) <= w {
		set = append(set, 0)
	}
	r.seen[member] = set
	if set[w]&bit != 0 {
		return true
	}
	set[w] |= bit
	return false
}

// int reads path at node n as an integer: a number, or a string holding one.
func (r *receiver) int(doc *jsonpath.Doc, n int32, p *jsonpath.Path) (int64, bool) {
	nodes := p.EvalFrom(doc, n, &r.scratch)
	if len(nodes) == 0 {
		return 0, false
	}
	switch doc.Kind(nodes[0]) {
	case jsonpath.Number, jsonpath.String:
		r.buf = doc.AppendText(r.buf[:0], nodes[0])
		return parseInt(r.buf)
	}
	return 0, false
}

// parseInt parses a non-negative decimal integer without allocating.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}
