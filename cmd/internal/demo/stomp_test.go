package demo

import (
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestSTOMPConnectNegotiation checks CONNECTED's version and heart-beat
// header for the client's heart-beat wishes and the server's offer.
func TestSTOMPConnectNegotiation(t *testing.T) {
	cases := []struct {
		name      string
		query     string // server offer via ?hb=
		connect   string
		version   string
		heartBeat string
	}{
		// No heart-beats asked: none either way.
		{"none", "", "CONNECT\naccept-version:1.2\nhost:h\n\n", "1.2", "0,0"},
		// Both ways: the server's offer is sent back; the client computes
		// max(sx,cy) and max(cx,sy).
		{"both", "?hb=100,200", "CONNECT\naccept-version:1.1,1.2\nhost:h\nheart-beat:300,50\n\n", "1.2", "100,200"},
		// The client cannot send heart-beats: the server expects none.
		{"client sends none", "?hb=100,200", "STOMP\naccept-version:1.2\nheart-beat:0,50\n\n", "1.2", "100,0"},
		// The client wants none: the server sends none.
		{"client wants none", "?hb=100,200", "CONNECT\naccept-version:1.2\nheart-beat:50,0\n\n", "1.2", "0,200"},
		// A 1.1-only client gets 1.1.
		{"stomp 1.1", "", "CONNECT\naccept-version:1.0,1.1\n\n", "1.1", "0,0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t)
			sc := dialSTOMP(t, s, tc.query)
			sc.send(tc.connect)
			f := sc.expect("CONNECTED")
			if v, _ := f.get("version"); v != tc.version {
				t.Errorf("version %q, want %q", v, tc.version)
			}
			if v, _ := f.get("heart-beat"); v != tc.heartBeat {
				t.Errorf("heart-beat %q, want %q", v, tc.heartBeat)
			}
		})
	}
}

// TestSTOMPHeartBeats: with server→client heart-beats negotiated, bare
// EOLs arrive; the client's own heart-beats are accepted between frames.
func TestSTOMPHeartBeats(t *testing.T) {
	s := start(t)
	sc := dialSTOMP(t, s, "?hb=20,20")
	sc.send("CONNECT\naccept-version:1.2\nheart-beat:20,20\n\n")
	sc.expect("CONNECTED")
	beats := 0
	for beats < 2 {
		_ = sc.c.SetReadDeadline(deadline())
		_, data, err := sc.c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for heart-beats: %v", err)
		}
		if string(data) != "\n" {
			t.Fatalf("got %q, want a bare EOL heart-beat", data)
		}
		beats++
		if err := sc.c.WriteMessage(websocket.TextMessage, []byte("\n")); err != nil {
			t.Fatal(err)
		}
	}
	// The connection still works after client heart-beats.
	sc.send("SUBSCRIBE\nid:1\ndestination:/topic/hb\nreceipt:r1\n\n")
	for {
		f, err := sc.next()
		if err != nil {
			t.Fatal(err)
		}
		if f.command == "RECEIPT" {
			break
		}
	}
}

// TestSTOMPFramesAndReceipts walks a session: receipts for SUBSCRIBE,
// SEND, UNSUBSCRIBE and DISCONNECT; MESSAGE back to the sender; escaped
// destinations; the connection closed after DISCONNECT.
func TestSTOMPFramesAndReceipts(t *testing.T) {
	s := start(t)
	sc := dialSTOMP(t, s, "")
	sc.send("CONNECT\naccept-version:1.2\nhost:h\n\n")
	sc.expect("CONNECTED")
	sc.send("SUBSCRIBE\nid:s1\ndestination:/topic/a\\cb\nreceipt:1\n\n")
	if id, _ := sc.expect("RECEIPT").get("receipt-id"); id != "1" {
		t.Errorf("receipt-id %q, want 1", id)
	}
	sc.send("SEND\ndestination:/topic/a\\cb\ncontent-type:text/plain\nreceipt:2\n\nhello")
	m := sc.expect("MESSAGE")
	if d, _ := m.get("destination"); d != "/topic/a:b" || string(m.body) != "hello" {
		t.Errorf("MESSAGE %v %q", m.headers, m.body)
	}
	if ct, _ := m.get("content-type"); ct != "text/plain" {
		t.Errorf("content-type %q, want the SEND's", ct)
	}
	if id, _ := sc.expect("RECEIPT").get("receipt-id"); id != "2" {
		t.Errorf("receipt-id %q, want 2", id)
	}
	// The raw bytes of the MESSAGE carry the escaped destination.
	if !containsFrame(sc.seen, "destination:/topic/a\\cb\n") {
		t.Errorf("no escaped destination in %q", sc.seen)
	}
	sc.send("UNSUBSCRIBE\nid:s1\nreceipt:3\n\n")
	sc.expect("RECEIPT")
	sc.send("SEND\ndestination:/topic/a\\cb\nreceipt:4\n\nafter")
	if id, _ := sc.expect("RECEIPT").get("receipt-id"); id != "4" {
		t.Errorf("after UNSUBSCRIBE, got receipt %q (a MESSAGE would have failed expect)", id)
	}
	sc.send("DISCONNECT\nreceipt:bye\n\n")
	if id, _ := sc.expect("RECEIPT").get("receipt-id"); id != "bye" {
		t.Errorf("DISCONNECT receipt %q", id)
	}
	if f, err := sc.next(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("after DISCONNECT: %v %v, want a normal close", f, err)
	}
}

// TestSTOMPErrors: protocol errors get one ERROR frame (with receipt-id
// when asked), are counted, and the connection is closed.
func TestSTOMPErrors(t *testing.T) {
	cases := []struct {
		name    string
		frames  []string // sent after CONNECT (none when connect is false)
		connect bool
		message string // expected ERROR message header
	}{
		// SEND outside /topic/ and /app/.
		{"bad destination", []string{"SEND\ndestination:/queue/x\nreceipt:9\n\n{}"}, true, "unknown destination"},
		// A frame before CONNECT.
		{"not connected", []string{"SEND\ndestination:/topic/x\n\n"}, false, "not connected"},
		// A client that only speaks STOMP 1.0.
		{"version", []string{"CONNECT\naccept-version:1.0\n\n"}, false, "unsupported protocol version"},
		// SUBSCRIBE without an id, and a duplicate id.
		{"subscribe without id", []string{"SUBSCRIBE\ndestination:/topic/x\n\n"}, true, "missing header"},
		{"duplicate id", []string{"SUBSCRIBE\nid:1\ndestination:/topic/x\n\n", "SUBSCRIBE\nid:1\ndestination:/topic/y\n\n"}, true, "duplicate subscription"},
		// UNSUBSCRIBE of an unknown id.
		{"unknown unsubscribe", []string{"UNSUBSCRIBE\nid:nope\n\n"}, true, "unknown subscription"},
		// Transactions and unknown commands.
		{"transaction", []string{"BEGIN\ntransaction:t\n\n"}, true, "transactions are not supported"},
		{"unknown command", []string{"PUBLISH\n\n"}, true, "unknown command"},
		// An undefined header escape is a malformed frame.
		{"malformed", []string{"SEND\ndestination:/topic/\\x\n\n"}, true, "malformed frame"},
		// A second CONNECT.
		{"second connect", []string{"CONNECT\naccept-version:1.2\n\n"}, true, "already connected"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t)
			sc := dialSTOMP(t, s, "")
			if tc.connect {
				sc.send("CONNECT\naccept-version:1.2\n\n")
				sc.expect("CONNECTED")
			}
			for _, f := range tc.frames {
				sc.send(f)
			}
			var e *stompFrame
			for e == nil {
				f, err := sc.next()
				if err != nil {
					t.Fatalf("no ERROR frame: %v", err)
				}
				if f.command == "ERROR" {
					e = f
				}
			}
			if m, _ := e.get("message"); m != tc.message {
				t.Errorf("ERROR message %q (%s), want %q", m, e.body, tc.message)
			}
			if strings.Contains(tc.frames[0], "receipt:9") {
				if id, _ := e.get("receipt-id"); id != "9" {
					t.Errorf("ERROR receipt-id %q, want 9", id)
				}
			}
			if f, err := sc.next(); err == nil {
				t.Errorf("frame %s after ERROR; the connection should be closed", f.command)
			}
			if got := s.rt.snapshot().StompErrors; got != 1 {
				t.Errorf("stomp_errors %d, want 1", got)
			}
		})
	}
}

func containsFrame(frames [][]byte, s string) bool {
	for _, f := range frames {
		if strings.Contains(string(f), s) {
			return true
		}
	}
	return false
}
