package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Real clients for the real-time endpoints, as a load tool would use them:
// gorilla's Dialer, net/http for SSE and polling, raw STOMP frames. Every
// blocking read has a generous safety deadline so a broken server fails a
// test instead of hanging it; no assertion depends on timing.

const safety = 10 * time.Second

// wsURL turns the server's http:// URL into ws://.
func wsURL(s *Server, path string) string { return "ws" + strings.TrimPrefix(s.URL(), "http") + path }

// dialWS opens a raw WebSocket to path.
func dialWS(t *testing.T, s *Server, path string, protocols ...string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: safety, Subprotocols: protocols}
	c, resp, err := d.Dial(wsURL(s, path), nil)
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	resp.Body.Close()
	t.Cleanup(func() { c.Close() })
	return c
}

// readWS reads one message within the safety deadline.
func readWS(t *testing.T, c *websocket.Conn) (int, []byte) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(safety))
	typ, data, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	return typ, data
}

// sseEvent is one parsed server-sent event.
type sseEvent struct {
	event, id, data string
}

// sseStream is an open event stream, parsed per the SSE spec (comments
// skipped, multi-line data joined with "\n").
type sseStream struct {
	resp   *http.Response
	r      *bufio.Reader
	cancel context.CancelFunc
}

// openSSE opens an event stream; lastID "" sends no Last-Event-ID.
func openSSE(t *testing.T, client *http.Client, u, lastID string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*safety)
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", u, err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		resp.Body.Close()
		t.Fatalf("GET %s: %d %q", u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	st := &sseStream{resp: resp, r: bufio.NewReader(resp.Body), cancel: cancel}
	t.Cleanup(st.close)
	return st
}

func (st *sseStream) close() {
	st.cancel()
	st.resp.Body.Close()
}

// next returns the next event, or an error (io.EOF: the stream ended
// cleanly between events; io.ErrUnexpectedEOF: it ended inside one).
func (st *sseStream) next() (sseEvent, error) {
	var ev sseEvent
	var data []string
	started := false
	for {
		line, err := st.r.ReadString('\n')
		if err != nil {
			if started || line != "" {
				return ev, io.ErrUnexpectedEOF
			}
			return ev, err
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		switch {
		case line == "":
			if data != nil {
				ev.data = strings.Join(data, "\n")
				return ev, nil
			}
			started = false
		case strings.HasPrefix(line, ":"):
		default:
			started = true
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimPrefix(v, " ")
			switch k {
			case "event":
				ev.event = v
			case "id":
				ev.id = v
			case "data":
				data = append(data, v)
			}
		}
	}
}

func (st *sseStream) mustNext(t *testing.T) sseEvent {
	t.Helper()
	ev, err := st.next()
	if err != nil {
		t.Fatalf("reading the event stream: %v", err)
	}
	return ev
}

// post sends a JSON body and decodes the JSON answer.
func post(t *testing.T, client *http.Client, u string, body []byte) (int, map[string]any) {
	t.Helper()
	resp, err := client.Post(u, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// pollAnswer is a poll or long-poll answer with its messages kept raw.
type pollAnswer struct {
	Messages []json.RawMessage `json:"messages"`
	Cursor   int64             `json:"cursor"`
}

// getPoll performs one poll; since < 0 omits the parameter. The raw body is
// returned too, to check that messages are embedded verbatim.
func getPoll(t *testing.T, client *http.Client, s *Server, path, group, user string, since int64, extra string) (pollAnswer, []byte) {
	t.Helper()
	q := url.Values{"group": {group}, "user": {user}}
	if since >= 0 {
		q.Set("since", strconv.FormatInt(since, 10))
	}
	u := s.URL() + path + "?" + q.Encode() + extra
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v %s", u, resp.StatusCode, err, raw)
	}
	var a pollAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("GET %s: %v in %s", u, err, raw)
	}
	return a, raw
}

// stompClient speaks raw STOMP frames over a WebSocket.
type stompClient struct {
	t    *testing.T
	c    *websocket.Conn
	dec  frameDecoder
	seen [][]byte // raw frames received, for byte-level checks
}

func dialSTOMP(t *testing.T, s *Server, query string) *stompClient {
	t.Helper()
	c := dialWS(t, s, "/stomp"+query, "v12.stomp")
	if c.Subprotocol() != "v12.stomp" {
		t.Fatalf("subprotocol %q, want v12.stomp", c.Subprotocol())
	}
	return &stompClient{t: t, c: c, dec: frameDecoder{max: 1 << 20}}
}

// send writes one frame given as text (NUL appended).
func (sc *stompClient) send(frame string) {
	sc.t.Helper()
	if err := sc.c.WriteMessage(websocket.TextMessage, []byte(frame+"\x00")); err != nil {
		sc.t.Fatalf("stomp write: %v", err)
	}
}

// next returns the next frame, skipping heart-beats; nil and the error
// when the connection ends.
func (sc *stompClient) next() (*stompFrame, error) {
	for {
		if f, err := sc.dec.next(); err != nil || f != nil {
			return f, err
		}
		_ = sc.c.SetReadDeadline(time.Now().Add(safety))
		_, data, err := sc.c.ReadMessage()
		if err != nil {
			return nil, err
		}
		sc.seen = append(sc.seen, data)
		sc.dec.feed(data)
	}
}

func (sc *stompClient) expect(command string) *stompFrame {
	sc.t.Helper()
	f, err := sc.next()
	if err != nil {
		sc.t.Fatalf("waiting for %s: %v", command, err)
	}
	if f.command != command {
		sc.t.Fatalf("got %s %v %q, want %s", f.command, f.headers, f.body, command)
	}
	return f
}

// connectAndSubscribe performs CONNECT and a receipted SUBSCRIBE.
func (sc *stompClient) connectAndSubscribe(dest string) {
	sc.t.Helper()
	sc.send("CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:0,0\n\n")
	sc.expect("CONNECTED")
	sc.send(fmt.Sprintf("SUBSCRIBE\nid:sub-0\ndestination:%s\nack:auto\nreceipt:r-sub\n\n", dest))
	if f := sc.expect("RECEIPT"); f.headers[0] != (stompHeader{"receipt-id", "r-sub"}) {
		sc.t.Fatalf("RECEIPT headers %v", f.headers)
	}
}

// getPollNoFatal is getPoll for goroutines other than the test's: any
// failure returns a zero answer and the error text as raw.
func getPollNoFatal(client *http.Client, s *Server, pathAndQuery string) (pollAnswer, []byte) {
	var a pollAnswer
	resp, err := client.Get(s.URL() + pathAndQuery)
	if err != nil {
		return a, []byte(err.Error())
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return a, []byte(err.Error())
	}
	_ = json.Unmarshal(raw, &a)
	return a, raw
}

// deadline is the safety deadline for one blocking read.
func deadline() time.Time { return time.Now().Add(safety) }
