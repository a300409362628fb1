package console

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// realtime writes the real-time section: connections, per-protocol
// counters, stream errors, groups, delivery and timings, and the findings
// a reader must not miss (streams closed early, out-of-group or missing
// deliveries, ERROR frames, missed timer ticks).
func (sw *summaryWriter) realtime() {
	rt := sw.sum.Realtime
	if rt == nil {
		return
	}
	c := &rt.Counters
	sw.buf.WriteString("\nreal-time\n")
	sw.field("conns", "opened %d, peak %d open at once", c[metrics.ConnsOpened], rt.PeakConns)
	if c[metrics.WSHandshakes]+c[metrics.WSMessagesIn]+c[metrics.WSMessagesOut] > 0 {
		sw.field("ws", "messages in %d, out %d; bytes in %d, out %d%s", c[metrics.WSMessagesIn], c[metrics.WSMessagesOut],
			c[metrics.WSBytesIn], c[metrics.WSBytesOut], closeCodes(rt))
	}
	if c[metrics.SSEStreams] > 0 {
		sw.field("sse", "streams %d, events %d, reconnects %d, bytes in %d", c[metrics.SSEStreams], c[metrics.SSEEvents],
			c[metrics.SSEReconnects], c[metrics.SSEBytesIn])
		if errs := sseErrors(c); errs != "" {
			sw.field("", "stream errors: %s", errs)
		}
	}
	if c[metrics.STOMPFramesOut] > 0 {
		sw.field("stomp", "frames in %d, out %d; messages %d, receipts %d, ERROR frames %d", c[metrics.STOMPFramesIn],
			c[metrics.STOMPFramesOut], c[metrics.STOMPMessages], c[metrics.STOMPReceipts], c[metrics.STOMPErrors])
	}
	if n := c[metrics.PollRequests]; n > 0 {
		per := "-"
		if ch := c[metrics.PollChanges]; ch > 0 {
			per = fixed(float64(n)/float64(ch), 2)
		}
		sw.field("poll", "polls %d, changes %d (%s polls per change), condition met %d, timed out %d", n,
			c[metrics.PollChanges], per, c[metrics.PollConditionMet], c[metrics.PollTimeouts])
	}
	if c[metrics.EveryTicks]+c[metrics.EveryMissed] > 0 {
		sw.field("every", "ticks %d, missed %d", c[metrics.EveryTicks], c[metrics.EveryMissed])
	}
	if g := rt.Groups; g != nil {
		sw.field("groups", "size %d: %d groups (%s)", g.Size, g.Count, groupSizes(g))
	}
	if c[metrics.DeliverySends] > 0 || c[metrics.DeliveryDelivered] > 0 {
		sw.field("delivery", "sent %d, expected %d, delivered %d (%s%%), missing %d, duplicate %d, out-of-group %d, self %d, outside %d, unparsed %d",
			c[metrics.DeliverySends], c[metrics.DeliveryExpected], c[metrics.DeliveryDelivered], fixed(100*rt.DeliveryRatio(), 2),
			rt.Missing(), c[metrics.DeliveryDuplicate], c[metrics.DeliveryOutOfGroup], c[metrics.DeliverySelf],
			c[metrics.DeliveryOutside], c[metrics.DeliveryUnparsed])
	}
	sw.timings(rt)
	sw.findings(rt)
}

// timings writes the real-time latency table.
func (sw *summaryWriter) timings(rt *metrics.RTStats) {
	rows := [][]string{{"timing (ms)", "count", "p50", "p95", "p99", "p99.9", "max"}}
	for k := range metrics.NumTimingKinds {
		if rt.Count(k) == 0 {
			continue
		}
		l := reporters.LatencyOf(&metrics.Stats{Latency: rt.Timings[k]})
		rows = append(rows, append([]string{k.String(), strconv.FormatInt(l.Count, 10)}, msCells(l, l.P50, l.P95, l.P99, l.P999, l.Max)...))
	}
	if len(rows) > 1 {
		sw.buf.WriteString("\n")
		sw.table(rows, false)
	}
	rows = [][]string{{"delivery by label (ms)", "count", "p50", "p95", "p99", "p99.9", "max"}}
	for _, lt := range rt.DeliveryByLabel() {
		l := reporters.LatencyOf(&metrics.Stats{Latency: lt.Latency})
		rows = append(rows, append([]string{lt.Label, strconv.FormatInt(l.Count, 10)}, msCells(l, l.P50, l.P95, l.P99, l.P999, l.Max)...))
	}
	if len(rows) > 1 {
		sw.buf.WriteString("\n")
		sw.table(rows, false)
	}
}

// counterFinding is a real-time counter that is a finding when non-zero,
// with the sentence that explains it (%d is the count).
type counterFinding struct {
	counter metrics.RTCounter
	format  string
}

// Findings in the order they are printed; missing deliveries, which are
// computed rather than counted, come between the two lists.
var (
	findingsBeforeMissing = []counterFinding{
		{metrics.SSEClosedEarly, "%d event streams were closed by the server while still wanted (a stream that ends after one event is a bug, not a result)"},
		{metrics.SSECutMidEvent, "%d event streams were cut in the middle of an event"},
		{metrics.SSEBadContentType, "%d event stream responses were not text/event-stream"},
		{metrics.DeliveryOutOfGroup, "%d messages reached a member of another group"},
	}
	findingsAfterMissing = []counterFinding{
		{metrics.STOMPErrors, "%d STOMP ERROR frames"},
		{metrics.WSAbnormalCloses, "%d WebSocket connections closed abnormally"},
		{metrics.WSInboxDropped, "%d received WebSocket messages were dropped unread from a full inbox: receive steps fell behind the messages they wait among"},
		{metrics.EveryMissed, "%d timer ticks were missed because the previous tick was still running"},
	}
)

// findings writes what a reader must not miss.
func (sw *summaryWriter) findings(rt *metrics.RTStats) {
	var fs []string
	add := func(list []counterFinding) {
		for _, f := range list {
			if n := rt.Counters[f.counter]; n > 0 {
				fs = append(fs, fmt.Sprintf(f.format, n))
			}
		}
	}
	add(findingsBeforeMissing)
	if n := rt.Missing(); n > 0 {
		fs = append(fs, fmt.Sprintf("%d expected deliveries never arrived (%s%% delivered)", n, fixed(100*rt.DeliveryRatio(), 2)))
	}
	add(findingsAfterMissing)
	for _, f := range fs {
		sw.buf.WriteString(sw.st.color(ansiYellow, "finding: ") + f + "\n")
	}
}

// closeCodes lists the WebSocket close codes other than normal ones.
func closeCodes(rt *metrics.RTStats) string {
	var parts []string
	for i, n := range rt.CloseCodes {
		code := metrics.CloseCodeOf(i)
		if n == 0 || code == 1000 || code == 1001 {
			continue
		}
		name := strconv.Itoa(code)
		if code == 0 {
			name = "other"
		}
		parts = append(parts, name+":"+strconv.FormatInt(n, 10))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; abnormal closes " + strings.Join(parts, " ")
}

// sseErrors lists the non-zero stream errors by kind.
func sseErrors(c *[metrics.NumRTCounters]int64) string {
	var parts []string
	for _, k := range []metrics.RTCounter{metrics.SSEBadContentType, metrics.SSECutMidEvent, metrics.SSEClosedEarly, metrics.SSELineTooLong} {
		if n := c[k]; n > 0 {
			parts = append(parts, strings.TrimPrefix(k.String(), "sse.")+" "+strconv.FormatInt(n, 10))
		}
	}
	return strings.Join(parts, ", ")
}

// groupSizes describes the real group sizes, e.g. "9 of 4, 1 of 2".
func groupSizes(g *metrics.GroupStats) string {
	parts := make([]string, 0, len(g.Sizes))
	for i := len(g.Sizes) - 1; i >= 0; i-- {
		s := g.Sizes[i]
		parts = append(parts, fmt.Sprintf("%d of %d", s.Groups, s.Members))
	}
	return strings.Join(parts, ", ")
}
