package scenario

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// rtDoc is a real-time scenario head with groups of 4.
const rtDoc = "config:\n  target: http://t.test\n  groups: { size: 4 }\n  phases: [{duration: 1, arrivalCount: 4}]\nscenarios:\n  - flow:\n"

// TestRealtimeReferenceExamples parses every complete scenario in
// docs/REALTIME.md: the reference the examples are written from must be valid.
func TestRealtimeReferenceExamples(t *testing.T) {
	data, err := os.ReadFile("../docs/REALTIME.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(config:.*?)```").FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 4 {
		t.Fatalf("found %d complete scenarios in docs/REALTIME.md, want at least 4", len(blocks))
	}
	for i, b := range blocks {
		if !strings.Contains(b[1], "scenarios:") {
			continue // a fragment
		}
		if _, err := Parse("doc.yaml", []byte(b[1]), LoadOptions{}); err != nil {
			t.Errorf("block %d: %v\n%s", i, err, b[1])
		}
	}
}

func TestRealtimeSteps(t *testing.T) {
	cases := []struct {
		name string
		flow string
		// want is a substring of the single problem; "" means valid.
		want  string
		check func(t *testing.T, sc *Scenario)
	}{
		// ws.connect in the short form, send and close by default name.
		{name: "ws basic", flow: "      - ws.connect: /ws\n      - ws.send: hi\n      - ws.close: ws\n", check: func(t *testing.T, sc *Scenario) {
			st := sc.Flows[0].Steps
			if st[0].Kind != StepWSConnect || st[0].Realtime.URL.Src != "/ws" || st[0].Realtime.Conn != "ws" {
				t.Errorf("connect = %+v", st[0].Realtime)
			}
			if st[1].Kind != StepWSSend || st[1].Realtime.Text.Src != "hi" {
				t.Errorf("send = %+v", st[1].Realtime)
			}
		}},
		// A send on a connection the flow never opens.
		{name: "unknown conn", flow: "      - ws.send: { conn: other, text: x }\n", want: "no step of this flow opens `other`"},
		// A name used for two kinds of connection.
		{name: "family mismatch", flow: "      - sse.open: { url: /s, as: a, background: true }\n      - ws.send: { conn: a, text: x }\n", want: "`a` is an SSE stream (sse.open), not a WebSocket connection"},
		// $group without config.groups is rejected (checked in its own doc below).
		// $stamp and $group render in a send.
		{name: "stamp", flow: "      - ws.connect: /ws?g={{ $group.id }}\n      - ws.send: '{ {{ $stamp }} }'\n"},
		// A bad $group field.
		{name: "group field", flow: "      - ws.connect: /ws?g={{ $group.name }}\n", want: "the $group fields are"},
		// A send without payload.
		{name: "send empty", flow: "      - ws.connect: /ws\n      - ws.send: { conn: ws }\n", want: "a send needs `text` or `json`"},
		// ws.receive with a match and a capture.
		{name: "receive", flow: "      - ws.connect: /ws\n      - ws.receive: { match: { json: $.type, value: pos }, timeout: 2s, capture: { json: $.id, as: id } }\n      - log: '{{ id }}'\n", check: func(t *testing.T, sc *Scenario) {
			r := sc.Flows[0].Steps[1].Realtime
			if r.Count != 1 || r.Match.JSON != "$.type" || r.Timeout.Seconds() != 2 || len(r.Captures) != 1 {
				t.Errorf("receive = %+v", r)
			}
		}},
		// A header capture makes no sense on a message.
		{name: "header capture", flow: "      - ws.connect: /ws\n      - ws.receive: { capture: { header: x, as: id } }\n", want: "a message has no headers"},
		// value without json.
		{name: "match value alone", flow: "      - ws.connect: /ws\n      - ws.receive: { match: { value: x } }\n", want: "`value` is compared with the result of `json`"},
		// event matches SSE only.
		{name: "event on ws", flow: "      - ws.connect: /ws\n      - ws.receive: { match: { event: x } }\n", want: "`event` matches SSE event types"},
		// sse.open needs a length.
		{name: "sse no length", flow: "      - sse.open: { url: /s }\n", want: "say how long to read the stream"},
		// background and events are exclusive.
		{name: "sse background events", flow: "      - sse.open: { url: /s, background: true, events: 2 }\n", want: "a background stream runs until sse.close"},
		// A foreground stream with events and a capture.
		{name: "sse events", flow: "      - sse.open: { url: /s, events: 2, match: { event: position }, capture: { json: $.x, as: x }, reconnect: false }\n", check: func(t *testing.T, sc *Scenario) {
			r := sc.Flows[0].Steps[0].Realtime
			if r.Events != 2 || r.Match.Event != "position" || r.Reconnect || r.Conn != "sse" {
				t.Errorf("sse = %+v", r)
			}
		}},
		// Delivery defaults and overrides.
		{name: "delivery", flow: "      - ws.connect: { url: /ws, delivery: { seq: $.n } }\n", check: func(t *testing.T, sc *Scenario) {
			dl := sc.Flows[0].Steps[0].Realtime.Delivery
			if dl == nil || dl.Seq != "$.n" || dl.Sender != "$.sender" {
				t.Errorf("delivery = %+v", dl)
			}
		}},
		// messages is for polls only.
		{name: "delivery messages", flow: "      - ws.connect: { url: /ws, delivery: { messages: $.m } }\n", want: "`messages` selects the messages in a poll's response"},
		// A poll needs an end.
		{name: "poll no end", flow: "      - poll: { request: { get: { url: /p } }, interval: 1s }\n", want: "say when polling ends"},
		// A long poll has no interval.
		{name: "long poll interval", flow: "      - poll: { request: { get: { url: /p } }, long: true, interval: 1s, duration: 5s }\n", want: "a long poll re-issues its request at once"},
		// A background poll, stopped by name.
		{name: "poll background", flow: "      - poll: { request: { get: { url: /p } }, interval: 1s, background: true, delivery: { messages: $.messages } }\n      - poll.stop: poll\n", check: func(t *testing.T, sc *Scenario) {
			r := sc.Flows[0].Steps[0].Realtime
			if r.Request == nil || r.Request.Method != "GET" || r.Delivery.Messages != "$.messages" {
				t.Errorf("poll = %+v", r)
			}
		}},
		// every needs duration or count.
		{name: "every no end", flow: "      - every: { interval: 1s, steps: [{ log: x }] }\n", want: "an every loop needs `duration` or `count`"},
		// every allows $loopCount.
		{name: "every loopCount", flow: "      - every: { interval: 1s, count: 3, steps: [{ log: '{{ $loopCount }}' }] }\n"},
		// STOMP: subscribe waits for its receipt by default; send does not.
		{name: "stomp", flow: "      - stomp.connect: { url: /stomp, heartbeat: 10s }\n      - stomp.subscribe: { destination: /topic/a, delivery: true }\n      - stomp.send: { destination: /app/a, body: x }\n      - stomp.disconnect: stomp\n", check: func(t *testing.T, sc *Scenario) {
			st := sc.Flows[0].Steps
			if !st[1].Realtime.Receipt || st[2].Realtime.Receipt || st[0].Realtime.Heartbeat.Seconds() != 10 {
				t.Errorf("stomp = %+v %+v %+v", st[0].Realtime, st[1].Realtime, st[2].Realtime)
			}
		}},
		// STOMP send without a destination.
		{name: "stomp no destination", flow: "      - stomp.connect: { url: /stomp }\n      - stomp.send: { body: x }\n", want: "`destination` is required"},
		// Artillery's connect outside an engine: ws flow.
		{name: "connect in http flow", flow: "      - connect: /ws\n", want: "`connect` is a step of `engine: ws` scenarios"},
		// A misspelt real-time step gets a suggestion.
		{name: "typo", flow: "      - ws.conect: /ws\n", want: "did you mean `ws.connect`?"},
		// A URL with another scheme.
		{name: "ftp url", flow: "      - ws.connect: ftp://x/y\n", want: "expected a ws://, wss://, http:// or https:// URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", []byte(rtDoc+tc.flow), LoadOptions{})
			checkRT(t, sc, err, tc.want)
			if err == nil && tc.check != nil {
				tc.check(t, sc)
			}
		})
	}
}

// checkRT checks that err is nil (want "") or holds one problem containing want.
func checkRT(t *testing.T, sc *Scenario, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected problems: %v", err)
		}
		return
	}
	ps, ok := err.(Problems)
	if !ok || len(ps) != 1 || !strings.Contains(ps.Error(), want) {
		t.Fatalf("problems = %v, want one containing %q", err, want)
	}
}

func TestRealtimeConfig(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string
	}{
		// $group needs config.groups.
		{name: "group without groups", src: "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalCount: 1}]\nscenarios: [{flow: [{log: '{{ $group.id }}'}]}]\n", want: "`$group` needs config.groups"},
		// Group size must be positive.
		{name: "zero size", src: "config:\n  target: http://t.test\n  groups: { size: 0 }\n  phases: [{duration: 1, arrivalCount: 1}]\nscenarios: [{flow: [{log: x}]}]\n", want: "0 is too small"},
		// A ws:// target is accepted.
		{name: "ws target", src: "config:\n  target: ws://t.test\n  phases: [{duration: 1, arrivalCount: 1}]\nscenarios: [{engine: ws, flow: [{send: hi}]}]\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Parse("s.yaml", []byte(tc.src), LoadOptions{})
			checkRT(t, sc, err, tc.want)
		})
	}
}

func TestArtilleryWSEngine(t *testing.T) {
	src := "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalCount: 1}]\nscenarios:\n  - engine: ws\n    flow:\n      - send: hello\n      - send: { a: 1 }\n      - send: { payload: x, match: { json: $.a, value: '1' } }\n      - think: 1\n"
	sc, err := Parse("s.yaml", []byte(src), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st := sc.Flows[0].Steps
	// The implicit connect comes first, to config.target.
	if len(st) != 5 || st[0].Kind != StepWSConnect || st[0].Realtime.URL != nil {
		t.Fatalf("steps = %+v", st)
	}
	if st[1].Realtime.Text.Src != "hello" || st[2].Realtime.JSON == nil || st[3].Realtime.Reply == nil || st[3].Realtime.Text.Src != "x" {
		t.Errorf("sends = %+v %+v %+v", st[1].Realtime, st[2].Realtime, st[3].Realtime)
	}
}

func TestGroupsGroup(t *testing.T) {
	cases := []struct {
		size              int
		vu, group, member int64
	}{
		{4, 1, 0, 0}, // the first VU
		{4, 4, 0, 3}, // the last member of group 0
		{4, 5, 1, 0}, // the first of group 1
		{0, 5, 4, 0}, // no groups: each VU alone
		{4, 0, 0, 0}, // an invalid id maps to group 0
	}
	for _, c := range cases {
		g, m := Groups{Size: c.size}.Group(c.vu)
		if g != c.group || m != c.member {
			t.Errorf("Groups{%d}.Group(%d) = %d, %d; want %d, %d", c.size, c.vu, g, m, c.group, c.member)
		}
	}
}
