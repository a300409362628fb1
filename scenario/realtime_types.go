package scenario

import "time"

// Real-time step kinds. They are numbered apart from the core kinds so that
// the two lists can grow independently; Step.Realtime is set for each.
const (
	// StepWSConnect opens a WebSocket connection (ws.connect, Artillery's
	// connect, or the implicit connect of an `engine: ws` flow).
	StepWSConnect StepKind = 64 + iota
	// StepWSSend sends a text message, optionally waiting for a reply.
	StepWSSend
	// StepWSReceive waits for matching messages.
	StepWSReceive
	// StepWSPing sends a ping and waits for the pong.
	StepWSPing
	// StepWSClose closes a WebSocket connection.
	StepWSClose
	// StepSSEOpen opens a Server-Sent Events stream.
	StepSSEOpen
	// StepSSEClose closes a background SSE stream.
	StepSSEClose
	// StepPoll polls an HTTP endpoint (short or long polling).
	StepPoll
	// StepPollStop stops a background poll.
	StepPollStop
	// StepSTOMPConnect opens a STOMP session over WebSocket.
	StepSTOMPConnect
	// StepSTOMPSubscribe subscribes to a destination.
	StepSTOMPSubscribe
	// StepSTOMPSend sends a frame to a destination.
	StepSTOMPSend
	// StepSTOMPReceive waits for matching MESSAGE frames.
	StepSTOMPReceive
	// StepSTOMPUnsubscribe ends a subscription.
	StepSTOMPUnsubscribe
	// StepSTOMPDisconnect ends a STOMP session.
	StepSTOMPDisconnect
	// StepEvery runs steps on a fixed-interval timer.
	StepEvery
)

// IsRealtime reports whether k is one of the real-time step kinds.
func (k StepKind) IsRealtime() bool { return k >= StepWSConnect && k <= StepEvery }

// Groups is config.groups: VUs are put in groups of Size by their id.
type Groups struct {
	// Size is the configured group size; 0 means no groups (every VU is its
	// own group of one).
	Size int
}

// Group returns the group and member index (both 0-based) of the VU with
// the 1-based id vu: group (vu−1)/Size, member (vu−1)%Size. Without groups
// every VU is group vu−1, member 0.
func (g Groups) Group(vu int64) (group, member int64) {
	if vu < 1 {
		return 0, 0
	}
	if g.Size <= 0 {
		return vu - 1, 0
	}
	return (vu - 1) / int64(g.Size), (vu - 1) % int64(g.Size)
}

// Default connection names, used when a step names none.
const (
	DefaultWSConn    = "ws"
	DefaultSSEConn   = "sse"
	DefaultSTOMPConn = "stomp"
	DefaultPollConn  = "poll"
)

// DefaultDrain is how long a delivery subscription keeps receiving after
// its close step, so that messages in flight are not counted missing.
const DefaultDrain = time.Second

// RealtimeStep is the content of every real-time step; which fields apply
// depends on the step's kind (see docs/REALTIME.md).
type RealtimeStep struct {
	// Conn names the connection, stream or poll the step opens (`as`) or
	// uses (`conn`).
	Conn string
	// Name labels the step's metrics (default: the URL template source).
	Name string
	// URL is the endpoint of connect/open steps; nil means config.target.
	URL          *Template
	Headers      []Header
	Subprotocols []string
	// Timeout bounds a handshake, a wait for messages or a poll condition;
	// 0 means the step's default.
	Timeout time.Duration

	// Text and JSON are the payload of a send (at most one is set).
	Text *Template
	JSON *JSONValue
	// Reply, when set on ws.send, waits for the matching reply.
	Reply *Reply

	// Match selects the messages a receive (or a foreground SSE stream)
	// waits for; nil matches every message.
	Match *Match
	// Count is how many matching messages a receive waits for (default 1).
	Count    int
	Captures []Capture

	// Delivery, when set, turns every message the connection, stream,
	// subscription or poll receives into delivery accounting.
	Delivery *Delivery
	// Drain is how long a delivery subscription keeps receiving after it is
	// closed (DefaultDrain unless set).
	Drain time.Duration
	// Background keeps an SSE stream or a poll running while the flow goes on.
	Background bool

	// SSE: Events to wait for, or Duration to stay open; Reconnect with
	// Last-Event-ID on drops (default true), at most MaxReconnects times.
	Events        int
	Duration      time.Duration
	Reconnect     bool
	MaxReconnects int

	// WebSocket close code (ws.close; default 1000).
	CloseCode int

	// STOMP.
	Destination *Template
	SubID       string
	Receipt     bool
	Host        *Template
	Login       *Template
	Passcode    *Template
	Heartbeat   time.Duration

	// Poll: Request is issued every Interval (short polling) or again at
	// once on each answer (Long) until Until holds, Timeout passes, or
	// Duration ends.
	Request  *Request
	Interval time.Duration
	Long     bool
	Until    *Cond

	// Every: Steps run every Interval for Duration or Count ticks.
	Steps []Step
}

// Reply is what ws.send waits for after sending.
type Reply struct {
	Match    *Match
	Timeout  time.Duration
	Captures []Capture
}

// Match selects messages. Every field that is set must hold.
type Match struct {
	// Event is the SSE event type ("message" when the event has none).
	Event string
	// JSON is a JSONPath evaluated on the message (or event data); with
	// Value the first result must render equal to it, without Value it must
	// exist.
	JSON  string
	Value *Template
	// Regexp must match the message text (RE2 syntax).
	Regexp string
	// Contains must occur in the message text.
	Contains string
}

// Delivery says where a received message carries its delivery stamp. Every
// field is a JSONPath; the defaults read what {{ $stamp }} writes.
type Delivery struct {
	Sender string
	Group  string
	Seq    string
	SentAt string
	// Messages, for polls, selects the array whose elements are the
	// messages; "" means the whole body is one message.
	Messages string
	// Label, when set, labels each delivery's latency: a JSONPath into the
	// message (its text is the label), or DeliveryLabelEvent for the SSE
	// event type. Latency is then also reported per label.
	Label string
}

// DeliveryLabelEvent as Delivery.Label labels deliveries by their SSE event
// type (the `event:` field; "message" when the event has none).
const DeliveryLabelEvent = "event"

// DefaultDelivery is the delivery spec of `delivery: true`.
var DefaultDelivery = Delivery{Sender: "$.sender", Group: "$.group", Seq: "$.seq", SentAt: "$.sent_at"}
