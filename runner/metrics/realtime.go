package metrics

import (
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// RTCounter names a real-time counter (WebSocket, SSE, STOMP, polling,
// timer loops and delivery accounting).
type RTCounter uint8

// Real-time counters.
const (
	WSHandshakes       RTCounter = iota // WebSocket handshakes completed
	WSMessagesIn                        // WebSocket data messages received
	WSMessagesOut                       // WebSocket data messages sent
	WSBytesIn                           // payload bytes received over WebSocket
	WSBytesOut                          // payload bytes sent over WebSocket
	WSAbnormalCloses                    // closes other than 1000/1001 (by code in RTStats.CloseCodes)
	SSEStreams                          // SSE streams opened (reconnects included)
	SSEEvents                           // SSE events dispatched
	SSEReconnects                       // SSE reconnects after a drop
	SSEBytesIn                          // SSE stream bytes received
	SSEBadContentType                   // a stream answered without text/event-stream
	SSECutMidEvent                      // a stream ended inside an event
	SSEClosedEarly                      // the server ended a stream that was still wanted
	SSELineTooLong                      // a line exceeded the line limit
	STOMPFramesIn                       // STOMP frames received (heart-beats excluded)
	STOMPFramesOut                      // STOMP frames sent
	STOMPMessages                       // MESSAGE frames received
	STOMPReceipts                       // RECEIPT frames received
	STOMPErrors                         // ERROR frames received
	PollRequests                        // poll requests made
	PollChanges                         // polls that brought new data
	PollConditionMet                    // polls whose `until` held
	PollTimeouts                        // polls whose `until` never held in time
	EveryTicks                          // timer ticks run
	EveryMissed                         // timer ticks missed: the body was still running
	DeliverySends                       // stamped messages sent
	DeliveryExpected                    // sends × listening other members at send time
	DeliveryDelivered                   // first receipts of an expected message
	DeliveryDuplicate                   // receipts of a message already received
	DeliveryOutOfGroup                  // receipts of another group's message
	DeliverySelf                        // receipts of one's own message
	DeliveryOutside                     // receipts of messages sent while not listening
	DeliveryUnparsed                    // messages without a readable stamp
	ConnsOpened                         // real-time connections opened
	ConnsClosed                         // real-time connections closed
	WSInboxDropped                      // received messages dropped from a full inbox before a receive step read them
	NumRTCounters
)

var rtCounterNames = [NumRTCounters]string{
	"ws.handshakes", "ws.messages_in", "ws.messages_out", "ws.bytes_in", "ws.bytes_out", "ws.abnormal_closes",
	"sse.streams", "sse.events", "sse.reconnects", "sse.bytes_in", "sse.bad_content_type", "sse.cut_mid_event",
	"sse.closed_early", "sse.line_too_long",
	"stomp.frames_in", "stomp.frames_out", "stomp.messages", "stomp.receipts", "stomp.errors",
	"poll.polls", "poll.changes", "poll.condition_met", "poll.timeouts",
	"every.ticks", "every.missed",
	"delivery.sends", "delivery.expected", "delivery.delivered", "delivery.duplicate", "delivery.out_of_group",
	"delivery.self", "delivery.outside", "delivery.unparsed",
	"connections.opened", "connections.closed",
	"ws.inbox_dropped",
}

// String returns the counter's stable name, e.g. "sse.closed_early".
func (c RTCounter) String() string {
	if c < NumRTCounters {
		return rtCounterNames[c]
	}
	return "unknown"
}

// TimingKind names a real-time latency distribution.
type TimingKind uint8

// Real-time timings.
const (
	// TimingDelivery is receipt − sent_at of delivered messages.
	TimingDelivery TimingKind = iota
	// TimingReply is send → matching reply (ws.send reply, ws.ping, STOMP receipts).
	TimingReply
	// TimingFirstEvent is SSE stream open → first event.
	TimingFirstEvent
	// TimingGap is the time between consecutive events or messages of a stream.
	TimingGap
	// TimingPollUntil is poll start → the poll's condition held.
	TimingPollUntil
	NumTimingKinds
)

var timingNames = [NumTimingKinds]string{"delivery", "reply", "first_event", "gap", "poll_until"}

// String returns the timing's stable name.
func (k TimingKind) String() string {
	if k < NumTimingKinds {
		return timingNames[k]
	}
	return "unknown"
}

// NumCloseCodes sizes RTStats.CloseCodes: index c−1000 counts WebSocket
// close code c for 1000 ≤ c < 1000+NumCloseCodes−1; the last index counts
// every other code.
const NumCloseCodes = 17

// closeSlot returns the CloseCodes index of code.
func closeSlot(code int) int {
	if code >= 1000 && code < 1000+NumCloseCodes-1 {
		return code - 1000
	}
	return NumCloseCodes - 1
}

// CloseCodeOf returns the close code counted at CloseCodes index i (0 for
// the "other codes" slot).
func CloseCodeOf(i int) int {
	if i < 0 || i >= NumCloseCodes-1 {
		return 0
	}
	return 1000 + i
}

// RTStats are the real-time counters and timings of an interval or a run.
type RTStats struct {
	Counters   [NumRTCounters]int64
	CloseCodes [NumCloseCodes]int64
	// Timings are in microseconds; a nil histogram had no samples. Readers
	// must not modify them.
	Timings [NumTimingKinds]*hdrhistogram.Histogram
	// Groups describes the VU groups (Summary only; nil in snapshots and
	// when the scenario has no config.groups).
	Groups *GroupStats
	// PeakConns is the most real-time connections open at once (Summary
	// only).
	PeakConns int64
	// ByLabel is the delivery latency (µs) per delivery label index, for
	// subscriptions with a delivery.label; nil entries had no deliveries.
	// LabelNames names the indexes (Summary only; see DeliveryByLabel).
	ByLabel    []*hdrhistogram.Histogram
	LabelNames []string
}

// Empty reports whether nothing real-time happened.
func (s *RTStats) Empty() bool {
	for _, n := range s.Counters {
		if n != 0 {
			return false
		}
	}
	for _, h := range s.Timings {
		if h != nil && h.TotalCount() > 0 {
			return false
		}
	}
	return s.Groups == nil
}

// Missing returns expected − delivered deliveries (never negative).
func (s *RTStats) Missing() int64 {
	return max(0, s.Counters[DeliveryExpected]-s.Counters[DeliveryDelivered])
}

// DeliveryRatio returns delivered / expected (1 when nothing was expected).
func (s *RTStats) DeliveryRatio() float64 {
	if s.Counters[DeliveryExpected] == 0 {
		return 1
	}
	return float64(s.Counters[DeliveryDelivered]) / float64(s.Counters[DeliveryExpected])
}

// Count returns how many values timing k holds.
func (s *RTStats) Count(k TimingKind) int64 {
	if s.Timings[k] == nil {
		return 0
	}
	return s.Timings[k].TotalCount()
}

// merge adds o into s (counters and timings; not Groups or PeakConns).
func (s *RTStats) merge(o *RTStats) {
	for i, n := range o.Counters {
		s.Counters[i] += n
	}
	for i, n := range o.CloseCodes {
		s.CloseCodes[i] += n
	}
	for k, h := range o.Timings {
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		if s.Timings[k] == nil {
			s.Timings[k] = NewHistogram()
		}
		s.Timings[k].Merge(h)
	}
	s.mergeLabels(o)
}

// clone returns a deep copy of s.
func (s *RTStats) clone() *RTStats {
	c := *s
	for k, h := range s.Timings {
		if h != nil {
			c.Timings[k] = h.Clone()
		}
	}
	c.ByLabel = make([]*hdrhistogram.Histogram, len(s.ByLabel))
	for i, h := range s.ByLabel {
		if h != nil {
			c.ByLabel[i] = h.Clone()
		}
	}
	c.LabelNames = append([]string(nil), s.LabelNames...)
	if s.Groups != nil {
		g := *s.Groups
		g.Sizes = append([]GroupSize(nil), s.Groups.Sizes...)
		c.Groups = &g
	}
	return &c
}

// RT is one shard's real-time recorder. It is safe for concurrent use; its
// methods hold one short lock and never allocate once the timings in use
// have their histograms. A nil *RT discards everything.
type RT struct {
	mu    sync.Mutex
	cur   *RTStats
	spare *RTStats
	// shared is the run-wide state every shard of a Recorder points to.
	shared *rtShared
}

// rtShared is the run-wide real-time state of a Recorder.
type rtShared struct {
	groups *Groups
	labels Labels
	open   atomic.Int64
	peak   atomic.Int64
}

func newRT(shared *rtShared) *RT {
	return &RT{cur: &RTStats{}, spare: &RTStats{}, shared: shared}
}

// Add adds n to counter c.
func (r *RT) Add(c RTCounter, n int64) {
	if r == nil || c >= NumRTCounters {
		return
	}
	r.mu.Lock()
	r.cur.Counters[c] += n
	r.mu.Unlock()
}

// Close counts a WebSocket close with code (and an abnormal close unless
// the code is 1000 or 1001).
func (r *RT) Close(code int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.cur.CloseCodes[closeSlot(code)]++
	if code != 1000 && code != 1001 {
		r.cur.Counters[WSAbnormalCloses]++
	}
	r.mu.Unlock()
}

// Time records one value of timing k. Values are clamped like latencies.
func (r *RT) Time(k TimingKind, d time.Duration) {
	if r == nil || k >= NumTimingKinds {
		return
	}
	us, _ := micros(d)
	r.mu.Lock()
	h := r.cur.Timings[k]
	if h == nil {
		h = NewHistogram()
		r.cur.Timings[k] = h
	}
	_ = h.RecordValue(us) // clamped into range: cannot fail
	r.mu.Unlock()
}

// ConnOpened counts a real-time connection opening and tracks the peak of
// connections open at once.
func (r *RT) ConnOpened() {
	if r == nil {
		return
	}
	r.Add(ConnsOpened, 1)
	n := r.shared.open.Add(1)
	for {
		p := r.shared.peak.Load()
		if n <= p || r.shared.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

// ConnClosed counts a real-time connection closing.
func (r *RT) ConnClosed() {
	if r == nil {
		return
	}
	r.Add(ConnsClosed, 1)
	r.shared.open.Add(-1)
}

// Groups returns the run's group table (nil without config.groups or for
// a nil RT).
func (r *RT) Groups() *Groups {
	if r == nil {
		return nil
	}
	return r.shared.groups
}

// swap exchanges the current and spare stats and returns the one that was
// current, for the aggregator to drain.
func (r *RT) swap() *RTStats {
	r.mu.Lock()
	old := r.cur
	r.cur, r.spare = r.spare, old
	r.mu.Unlock()
	return old
}

// reset empties s for reuse, keeping its histograms.
func (s *RTStats) reset() {
	s.Counters = [NumRTCounters]int64{}
	s.CloseCodes = [NumCloseCodes]int64{}
	for _, h := range s.Timings {
		if h != nil {
			h.Reset()
		}
	}
	for _, h := range s.ByLabel {
		if h != nil {
			h.Reset()
		}
	}
}

// rtAgg aggregates the real-time shards of a Recorder.
type rtAgg struct {
	total RTStats
}

// collect drains every shard's real-time stats into a new RTStats for the
// interval (with the label names when it has per-label latencies) and into
// the run total. It returns nil when nothing happened.
func (g *rtAgg) collect(rec *Recorder) *RTStats {
	var iv RTStats
	var shared *rtShared
	for _, sh := range rec.shards {
		if sh.rt == nil {
			continue
		}
		shared = sh.rt.shared
		set := sh.rt.swap()
		iv.merge(set)
		set.reset()
	}
	g.total.merge(&iv)
	if iv.Empty() {
		return nil
	}
	if len(iv.ByLabel) > 0 && shared != nil {
		iv.LabelNames = shared.labels.Names()
	}
	return &iv
}

// summary returns a copy of the run total with the group sizes and the
// connection peak, or nil when nothing real-time happened.
func (g *rtAgg) summary(rec *Recorder) *RTStats {
	s := g.total.clone()
	if len(rec.shards) > 0 && rec.shards[0].rt != nil {
		sh := rec.shards[0].rt.shared
		s.Groups = sh.groups.Stats()
		s.PeakConns = sh.peak.Load()
		s.LabelNames = sh.labels.Names()
	}
	if s.Empty() {
		return nil
	}
	return s
}
