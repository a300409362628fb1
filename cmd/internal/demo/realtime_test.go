package demo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"
)

// newClient is an HTTP client with its own connection pool, emptied when
// the test ends (so leak checks see no idle keep-alive goroutines).
func newClient(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// peer is one group member on one transport.
type peer interface {
	send(t *testing.T, msg []byte)
	recv(t *testing.T) []byte
}

type wsPeer struct{ c *websocket.Conn }

func (p *wsPeer) send(t *testing.T, msg []byte) {
	if err := p.c.WriteMessage(websocket.TextMessage, msg); err != nil {
		t.Fatal(err)
	}
}
func (p *wsPeer) recv(t *testing.T) []byte { _, d := readWS(t, p.c); return d }

type stompPeer struct {
	sc    *stompClient
	group string
}

func (p *stompPeer) send(t *testing.T, msg []byte) {
	p.sc.send("SEND\ndestination:/app/location." + p.group + "\ncontent-type:application/json\ncontent-length:" +
		strconv.Itoa(len(msg)) + "\n\n" + string(msg))
}

func (p *stompPeer) recv(t *testing.T) []byte {
	f := p.sc.expect("MESSAGE")
	want := map[string]string{"subscription": "sub-0", "destination": "/topic/location." + p.group, "content-type": "application/json"}
	for k, v := range want {
		if got, _ := f.get(k); got != v {
			t.Errorf("MESSAGE %s = %q, want %q", k, got, v)
		}
	}
	if id, _ := f.get("message-id"); id == "" {
		t.Error("MESSAGE without message-id")
	}
	return f.body
}

type ssePeer struct {
	st     *sseStream
	client *http.Client
	s      *Server
}

func (p *ssePeer) send(t *testing.T, msg []byte) {
	if code, m := post(t, p.client, p.s.URL()+"/location", msg); code != 202 || m["seq"] == nil {
		t.Fatalf("POST /location: %d %v", code, m)
	}
}

func (p *ssePeer) recv(t *testing.T) []byte {
	ev := p.st.mustNext(t)
	if ev.event != "position" {
		t.Errorf("event %q, want position", ev.event)
	}
	if _, err := strconv.ParseInt(ev.id, 10, 64); err != nil {
		t.Errorf("id %q is not a sequence number", ev.id)
	}
	return []byte(ev.data)
}

// pollPeer polls (short or long) from its cursor and queues what it got.
type pollPeer struct {
	ssePeer
	path, group, user, extra string
	cursor                   int64
	queue                    [][]byte
}

func (p *pollPeer) recv(t *testing.T) []byte {
	for attempt := 0; len(p.queue) == 0; attempt++ {
		if attempt == 2000 {
			t.Fatal("no message after 2000 polls")
		}
		if attempt > 0 && p.path == "/poll/location" {
			time.Sleep(2 * time.Millisecond)
		}
		a, _ := getPoll(t, p.client, p.s, p.path, p.group, p.user, p.cursor, p.extra)
		for _, m := range a.Messages {
			p.queue = append(p.queue, m)
		}
		p.cursor = a.Cursor
	}
	m := p.queue[0]
	p.queue = p.queue[1:]
	return m
}

// TestFanOutEveryTransport drives two groups of four through each
// transport: every member receives, verbatim, exactly the messages of the
// other three members of its group (STOMP: its own too, as Spring's simple
// broker does), nothing from the other group, and the server's delivery
// count matches.
func TestFanOutEveryTransport(t *testing.T) {
	const groups, size = 2, 4
	cases := []struct {
		name        string
		includeSelf bool
		join        func(t *testing.T, s *Server, c *http.Client, group, user string) peer
	}{
		// Raw WebSocket: frames go to the other connections of the group.
		{"ws", false, func(t *testing.T, s *Server, _ *http.Client, g, u string) peer {
			return &wsPeer{dialWS(t, s, "/ws/location?group="+g+"&user="+u)}
		}},
		// STOMP: SEND to /app/location.G, MESSAGE from /topic/location.G.
		{"stomp", true, func(t *testing.T, s *Server, _ *http.Client, g, u string) peer {
			sc := dialSTOMP(t, s, "")
			sc.connectAndSubscribe("/topic/location." + g)
			return &stompPeer{sc: sc, group: g}
		}},
		// SSE stream + POST /location.
		{"sse", false, func(t *testing.T, s *Server, c *http.Client, g, u string) peer {
			return &ssePeer{st: openSSE(t, c, s.URL()+"/sse/location?group="+g+"&user="+u, ""), client: c, s: s}
		}},
		// Short polling from the cursor of a first poll without since.
		{"short polling", false, func(t *testing.T, s *Server, c *http.Client, g, u string) peer {
			a, _ := getPoll(t, c, s, "/poll/location", g, u, -1, "")
			if len(a.Messages) != 0 {
				t.Fatalf("poll without since: %d messages, want none", len(a.Messages))
			}
			return &pollPeer{ssePeer: ssePeer{client: c, s: s}, path: "/poll/location", group: g, user: u, cursor: a.Cursor}
		}},
		// Long polling, same cursor rules.
		{"long polling", false, func(t *testing.T, s *Server, c *http.Client, g, u string) peer {
			a, _ := getPoll(t, c, s, "/poll/location", g, u, -1, "")
			return &pollPeer{ssePeer: ssePeer{client: c, s: s}, path: "/longpoll/location", group: g, user: u,
				cursor: a.Cursor, extra: "&timeout=5s"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t)
			c := newClient(t)
			peers := make([]peer, groups*size)
			msgs := make([][]byte, groups*size)
			for i := range peers {
				g, u := fmt.Sprintf("g%d", i/size), fmt.Sprintf("u%d", i)
				peers[i] = tc.join(t, s, c, g, u)
				// Odd spacing: a server that re-encoded would be caught.
				msgs[i] = fmt.Appendf(nil, `{"group":"%s",  "sender":"%s", "seq":%d,"t":1 }`, g, u, i)
			}
			for i, p := range peers {
				p.send(t, msgs[i])
			}
			for i, p := range peers {
				var want []string
				for j := range peers {
					if j/size == i/size && (j != i || tc.includeSelf) {
						want = append(want, string(msgs[j]))
					}
				}
				got := make([]string, len(want))
				for k := range got {
					got[k] = string(p.recv(t))
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("member %d received\n%q\nwant\n%q", i, got, want)
				}
			}
			st := s.rt.snapshot()
			perMsg := size - 1
			if tc.includeSelf {
				perMsg = size
			}
			if st.MessagesIn != groups*size || st.Deliveries != int64(groups*size*perMsg) || st.Drops != 0 {
				t.Errorf("stats: in %d, deliveries %d, drops %d; want %d, %d, 0",
					st.MessagesIn, st.Deliveries, st.Drops, groups*size, groups*size*perMsg)
			}
		})
	}
}

// TestDelayFaultHoldsFanOut: ?delay= holds a message before fan-out, so a
// receiver sees it no sooner than the delay after it was sent.
func TestDelayFaultHoldsFanOut(t *testing.T) {
	s := start(t)
	const delay = 60 * time.Millisecond
	rx := dialWS(t, s, "/ws/location?group=d&user=rx")
	tx := dialWS(t, s, "/ws/location?group=d&user=tx&delay="+delay.String())
	sent := time.Now()
	if err := tx.WriteMessage(websocket.TextMessage, []byte(`{"x":1}`)); err != nil {
		t.Fatal(err)
	}
	readWS(t, rx)
	if got := time.Since(sent); got < delay {
		t.Errorf("delivered after %v, before the injected %v", got, delay)
	}
}

// TestWSFaultsAndRefusals covers the socket's sad paths.
func TestWSFaultsAndRefusals(t *testing.T) {
	s := start(t)
	// cut_after=1: the socket is closed with 1011 after one message.
	rx := dialWS(t, s, "/ws/location?group=c&user=rx&cut_after=1")
	tx := dialWS(t, s, "/ws/location?group=c&user=tx")
	for range 2 {
		if err := tx.WriteMessage(websocket.TextMessage, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	readWS(t, rx)
	_ = rx.SetReadDeadline(time.Now().Add(safety))
	if _, _, err := rx.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseInternalServerErr) {
		t.Errorf("after cut_after=1: %v, want close 1011", err)
	}
	// A binary frame is refused with 1003.
	if err := tx.WriteMessage(websocket.BinaryMessage, []byte{1, 2}); err != nil {
		t.Fatal(err)
	}
	_ = tx.SetReadDeadline(time.Now().Add(safety))
	if _, _, err := tx.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseUnsupportedData) {
		t.Errorf("after a binary frame: %v, want close 1003", err)
	}
	// Missing group or user, or a bad fault value: 400 before any upgrade.
	for _, q := range []string{"?user=u", "?group=g", "?group=g&user=u&delay=forever", "?group=g&user=u&cut_after=0"} {
		d := websocket.Dialer{HandshakeTimeout: safety}
		c, resp, err := d.Dial(wsURL(s, "/ws/location"+q), nil)
		if err == nil {
			c.Close()
			t.Errorf("%s: upgrade succeeded, want 400", q)
			continue
		}
		if resp == nil || resp.StatusCode != 400 {
			t.Errorf("%s: %v, want a 400 answer", q, err)
		}
	}
}

// TestSlowConsumerDropsAreCounted: a subscriber whose queue is full loses
// the message, the publisher does not block, and the drop is counted.
func TestSlowConsumerDropsAreCounted(t *testing.T) {
	var st rtStats
	g := newGroup(4)
	slow := &subscriber{user: "slow", out: make(chan *entry, 1)}
	g.join(slow, false, 0)
	for i := range 3 {
		g.publish(&st, "fast", nil, "position", []byte(strconv.Itoa(i)), true)
	}
	if st.deliveries.Load() != 1 || st.drops.Load() != 2 || len(slow.out) != 1 {
		t.Errorf("deliveries %d drops %d queued %d; want 1, 2, 1", st.deliveries.Load(), st.drops.Load(), len(slow.out))
	}
	// The ring keeps the last 4 of 6 messages: since 0 yields seq 3..6.
	for i := 3; i < 6; i++ {
		g.publish(&st, "fast", nil, "position", []byte(strconv.Itoa(i)), true)
	}
	g.mu.Lock()
	got := g.sinceLocked(0, "", false)
	g.mu.Unlock()
	if len(got) != 4 || got[0].seq != 3 || got[3].seq != 6 {
		t.Errorf("ring after 6 publishes: %d entries from seq %d", len(got), got[0].seq)
	}
}

// TestGroupCapEvictsIdleGroups: past the cap an idle group is evicted and
// counted; when every group is in use, a new one is refused.
func TestGroupCapEvictsIdleGroups(t *testing.T) {
	var st rtStats
	gs := newGroupSet(2, 4, &st)
	a, _ := gs.acquire("a")
	b, _ := gs.acquire("b")
	if _, err := gs.acquire("c"); err != errTooManyGroups {
		t.Fatalf("third group with two in use: %v, want errTooManyGroups", err)
	}
	gs.release(b)
	if _, err := gs.acquire("c"); err != nil || st.evicted.Load() != 1 || gs.len() != 2 {
		t.Fatalf("third group with one idle: %v, evicted %d, len %d", err, st.evicted.Load(), gs.len())
	}
	gs.release(a)
}

// TestCloseLeavesNothingBehind opens one of every long-lived connection,
// closes the server, and checks that no goroutine is left.
func TestCloseLeavesNothingBehind(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	s, err := Start("127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	ws := dialWS(t, s, "/ws/location?group=l&user=a")
	sc := dialSTOMP(t, s, "?hb=50,50")
	sc.send("CONNECT\naccept-version:1.2\nheart-beat:0,50\n\n")
	sc.expect("CONNECTED")
	sse := openSSE(t, c, s.URL()+"/sse/location?group=l&user=b", "")
	ntf := openSSE(t, c, s.URL()+"/notifications/stream?user=b", "")
	held := make(chan error, 1)
	go func() {
		resp, err := c.Get(s.URL() + "/longpoll/location?group=l&user=c&timeout=1m")
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	waitFor(t, func() bool { return s.rt.stats.open[transportLongPoll].Load() == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Every client sees its connection end.
	_ = ws.SetReadDeadline(time.Now().Add(safety))
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("ws after Close: %v, want close 1001", err)
	}
	for {
		if _, err := sc.next(); err != nil {
			break
		}
	}
	for _, st := range []*sseStream{sse, ntf} {
		if _, err := st.next(); err == nil {
			t.Error("an SSE stream got an event after Close")
		}
	}
	if err := <-held; err != nil {
		t.Errorf("held long poll: %v, want an answer", err)
	}
	ws.Close()
	sc.c.Close()
	sse.close()
	ntf.close()
	c.Transport.(*http.Transport).CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}

// waitFor polls cond until it holds (safety-bounded): for states only the
// server can see, such as "the long poll is held now".
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(safety)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestStatsRealtimeKey: GET /stats carries the realtime gauges and totals
// per transport and the counter's state, as a user reads them.
func TestStatsRealtimeKey(t *testing.T) {
	s := start(t)
	c := newClient(t)
	dialWS(t, s, "/ws/location?group=s&user=a")
	openSSE(t, c, s.URL()+"/sse/location?group=s&user=b", "")
	postLoc(t, c, s, "s", "c", 1)
	var st struct {
		Realtime rtStatsJSON `json:"realtime"`
		Views    viewsJSON   `json:"views"`
	}
	get := func() {
		resp, err := c.Get(s.URL() + "/stats")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
	}
	// The server counts a WebSocket once its handler is past the upgrade,
	// which can come after the client's dial returned.
	waitFor(t, func() bool { get(); return st.Realtime.ConnectionsTotal["ws"] > 0 })
	rt := st.Realtime
	if rt.Connections["ws"] != 1 || rt.Connections["sse"] != 1 || rt.ConnectionsTotal["ws"] != 1 || rt.Connections["stomp"] != 0 {
		t.Errorf("connections %v, total %v", rt.Connections, rt.ConnectionsTotal)
	}
	if rt.MessagesIn != 1 || rt.Deliveries != 2 || rt.Groups != 1 {
		t.Errorf("in %d deliveries %d groups %d, want 1, 2, 1", rt.MessagesIn, rt.Deliveries, rt.Groups)
	}
	if st.Views.Mode != CounterSafe {
		t.Errorf("views mode %q", st.Views.Mode)
	}
}
