package jsonout

import (
	"strconv"
	"strings"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// Realtime is the "realtime" object: WebSocket, SSE, STOMP, polling, timer
// loops, groups and delivery accounting (docs/REALTIME.md). It is absent
// when the run did nothing real-time.
type Realtime struct {
	Connections RTConnections       `json:"connections"`
	WS          map[string]any      `json:"ws"`
	SSE         map[string]any      `json:"sse"`
	STOMP       map[string]int64    `json:"stomp"`
	Poll        map[string]any      `json:"poll"`
	Every       map[string]int64    `json:"every"`
	Groups      *RTGroups           `json:"groups"`
	Delivery    RTDelivery          `json:"delivery"`
	Timings     map[string]RTTiming `json:"timings"`
}

// RTConnections counts real-time connections.
type RTConnections struct {
	Opened int64 `json:"opened"`
	Peak   int64 `json:"peak"`
}

// RTGroups describes the VU groups: sizes maps a real size to how many
// groups had it.
type RTGroups struct {
	Size  int              `json:"size"`
	Count int64            `json:"count"`
	Sizes map[string]int64 `json:"sizes"`
}

// RTDelivery is the delivery accounting.
type RTDelivery struct {
	Sends      int64    `json:"sends"`
	Expected   int64    `json:"expected"`
	Delivered  int64    `json:"delivered"`
	Missing    int64    `json:"missing"`
	Duplicate  int64    `json:"duplicate"`
	OutOfGroup int64    `json:"out_of_group"`
	Self       int64    `json:"self"`
	Outside    int64    `json:"outside"`
	Unparsed   int64    `json:"unparsed"`
	Ratio      float64  `json:"ratio"`
	Latency    *Latency `json:"latency_ms"`
	// ByLabel is the latency per delivery label (delivery.label), keyed by
	// label; absent without labels.
	ByLabel map[string]RTTiming `json:"by_label,omitempty"`
}

// RTTiming is one real-time latency distribution.
type RTTiming struct {
	Count   int64    `json:"count"`
	Latency *Latency `json:"latency_ms"`
}

// realtime converts the summary's real-time stats (nil when absent).
func realtime(rt *metrics.RTStats) *Realtime {
	if rt == nil {
		return nil
	}
	c := &rt.Counters
	pick := func(prefix string) map[string]int64 {
		m := map[string]int64{}
		for k := range metrics.NumRTCounters {
			if name, ok := strings.CutPrefix(k.String(), prefix+"."); ok {
				m[name] = c[k]
			}
		}
		return m
	}
	out := &Realtime{
		Connections: RTConnections{Opened: c[metrics.ConnsOpened], Peak: rt.PeakConns},
		STOMP:       pick("stomp"),
		Every:       pick("every"),
		Timings:     map[string]RTTiming{},
	}
	ws := map[string]any{}
	for k, v := range pick("ws") {
		ws[k] = v
	}
	codes := map[string]int64{}
	for i, n := range rt.CloseCodes {
		if n > 0 {
			name := strconv.Itoa(metrics.CloseCodeOf(i))
			if name == "0" {
				name = "other"
			}
			codes[name] = n
		}
	}
	ws["close_codes"] = codes
	out.WS = ws
	sse := map[string]any{}
	errs := map[string]int64{}
	for k, v := range pick("sse") {
		switch k {
		case "bad_content_type", "cut_mid_event", "closed_early", "line_too_long":
			errs[k] = v
		default:
			sse[k] = v
		}
	}
	sse["errors"] = errs
	out.SSE = sse
	poll := map[string]any{}
	for k, v := range pick("poll") {
		poll[k] = v
	}
	var per *float64
	if ch := c[metrics.PollChanges]; ch > 0 {
		per = ptr(round(float64(c[metrics.PollRequests])/float64(ch), 3))
	}
	poll["polls_per_change"] = per
	out.Poll = poll
	if g := rt.Groups; g != nil {
		out.Groups = &RTGroups{Size: g.Size, Count: g.Count, Sizes: map[string]int64{}}
		for _, s := range g.Sizes {
			out.Groups.Sizes[strconv.Itoa(s.Members)] = s.Groups
		}
	}
	out.Delivery = RTDelivery{
		Sends: c[metrics.DeliverySends], Expected: c[metrics.DeliveryExpected], Delivered: c[metrics.DeliveryDelivered],
		Missing: rt.Missing(), Duplicate: c[metrics.DeliveryDuplicate], OutOfGroup: c[metrics.DeliveryOutOfGroup],
		Self: c[metrics.DeliverySelf], Outside: c[metrics.DeliveryOutside], Unparsed: c[metrics.DeliveryUnparsed],
		Ratio: round(rt.DeliveryRatio(), 6),
	}
	for _, lt := range rt.DeliveryByLabel() {
		if out.Delivery.ByLabel == nil {
			out.Delivery.ByLabel = map[string]RTTiming{}
		}
		l := latency(reporters.LatencyOf(&metrics.Stats{Latency: lt.Latency}))
		out.Delivery.ByLabel[lt.Label] = RTTiming{Count: lt.Latency.TotalCount(), Latency: l}
	}
	for k := range metrics.NumTimingKinds {
		if rt.Count(k) == 0 {
			continue
		}
		l := latency(reporters.LatencyOf(&metrics.Stats{Latency: rt.Timings[k]}))
		if k == metrics.TimingDelivery {
			out.Delivery.Latency = l
		}
		out.Timings[k.String()] = RTTiming{Count: rt.Count(k), Latency: l}
	}
	return out
}
