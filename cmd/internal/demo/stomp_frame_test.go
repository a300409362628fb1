package demo

import (
	"bytes"
	"strings"
	"testing"
)

func TestFrameDecoder(t *testing.T) {
	cases := []struct {
		name    string
		chunks  []string // fed one by one; frames are collected after each
		want    []stompFrame
		wantErr string
	}{
		// The smallest frame.
		{"bare", []string{"DISCONNECT\n\n\x00"}, []stompFrame{{command: "DISCONNECT"}}, ""},
		// Heart-beat EOLs (LF and CRLF) before and between frames are skipped.
		{"heart-beats", []string{"\n\r\n", "\nACK\nid:1\n\n\x00\n\n"},
			[]stompFrame{{command: "ACK", headers: []stompHeader{{"id", "1"}}}}, ""},
		// CRLF line endings.
		{"crlf", []string{"SEND\r\ndestination:/topic/a\r\n\r\nhi\x00"},
			[]stompFrame{{command: "SEND", headers: []stompHeader{{"destination", "/topic/a"}}, body: []byte("hi")}}, ""},
		// A frame split over several WebSocket messages, and two in one.
		{"split and batched", []string{"SE", "ND\ndesti", "nation:/t\n\nab", "c\x00ACK\nid:2\n\n\x00"},
			[]stompFrame{
				{command: "SEND", headers: []stompHeader{{"destination", "/t"}}, body: []byte("abc")},
				{command: "ACK", headers: []stompHeader{{"id", "2"}}},
			}, ""},
		// content-length lets the body hold NULs.
		{"content-length", []string{"SEND\ncontent-length:3\n\na\x00b\x00"},
			[]stompFrame{{command: "SEND", headers: []stompHeader{{"content-length", "3"}}, body: []byte("a\x00b")}}, ""},
		// Escapes are decoded in SEND headers; the value may hold a colon.
		{"escapes", []string{"SEND\nk\\c1:a\\nb\\\\c\\rd:e\n\n\x00"},
			[]stompFrame{{command: "SEND", headers: []stompHeader{{"k:1", "a\nb\\c\rd:e"}}}}, ""},
		// ...but not in CONNECT (1.0 compatibility).
		{"connect unescaped", []string{"CONNECT\nlogin:a\\nb\n\n\x00"},
			[]stompFrame{{command: "CONNECT", headers: []stompHeader{{"login", "a\\nb"}}}}, ""},
		// Repeated headers are all kept; get returns the first.
		{"repeated", []string{"SEND\nfoo:1\nfoo:2\n\n\x00"},
			[]stompFrame{{command: "SEND", headers: []stompHeader{{"foo", "1"}, {"foo", "2"}}}}, ""},
		// Incomplete frames wait for more data.
		{"incomplete", []string{"SEND\ndestination:/a\n\nbody without NUL"}, nil, ""},
		// Sad paths.
		{"undefined escape", []string{"SEND\nk:a\\tb\n\n\x00"}, nil, "undefined escape"},
		{"header without colon", []string{"SEND\nnocolon\n\n\x00"}, nil, "no colon"},
		{"bad content-length", []string{"SEND\ncontent-length:x\n\n\x00"}, nil, "invalid content-length"},
		{"body past content-length", []string{"SEND\ncontent-length:1\n\nab\x00"}, nil, "longer than content-length"},
		{"command with colon", []string{"a:b\n\n\x00"}, nil, "invalid command"},
		{"too large", []string{"SEND\n" + strings.Repeat("x", 200)}, nil, "too large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := frameDecoder{max: 100}
			var got []stompFrame
			var err error
			for _, c := range tc.chunks {
				d.feed([]byte(c))
				for {
					var f *stompFrame
					if f, err = d.next(); err != nil || f == nil {
						break
					}
					got = append(got, *f)
				}
				if err != nil {
					break
				}
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d frames %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.command != w.command || !bytes.Equal(g.body, w.body) || len(g.headers) != len(w.headers) {
					t.Fatalf("frame %d: %+v, want %+v", i, g, w)
				}
				for j := range g.headers {
					if g.headers[j] != w.headers[j] {
						t.Errorf("frame %d header %d: %q, want %q", i, j, g.headers[j], w.headers[j])
					}
				}
			}
		})
	}
}

func TestAppendFrame(t *testing.T) {
	cases := []struct {
		name    string
		command string
		headers []stompHeader
		body    []byte
		want    string
	}{
		// A body gets content-length.
		{"message", "MESSAGE", []stompHeader{{"destination", "/topic/a"}}, []byte(`{"x":1}`),
			"MESSAGE\ndestination:/topic/a\ncontent-length:7\n\n{\"x\":1}\x00"},
		// No body: no content-length.
		{"receipt", "RECEIPT", []stompHeader{{"receipt-id", "7"}}, nil, "RECEIPT\nreceipt-id:7\n\n\x00"},
		// Header values are escaped...
		{"escaped", "MESSAGE", []stompHeader{{"destination", "/topic/a:b\\c\nd"}}, nil,
			"MESSAGE\ndestination:/topic/a\\cb\\\\c\\nd\n\n\x00"},
		// ...except in CONNECTED.
		{"connected", "CONNECTED", []stompHeader{{"server", "a:b"}}, nil, "CONNECTED\nserver:a:b\n\n\x00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendFrame(nil, tc.command, tc.headers, tc.body)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzFrameDecoder: the decoder never panics, and whatever it decodes
// re-encodes and decodes to the same frame.
func FuzzFrameDecoder(f *testing.F) {
	for _, s := range []string{"SEND\ndestination:/a\n\nx\x00", "\n\nACK\nid:1\n\n\x00", "SEND\ncontent-length:2\n\n\x00\x00\x00",
		"SEND\nk\\c:v\\n\n\n\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := frameDecoder{max: 4096}
		d.feed(data)
		for range 64 {
			fr, err := d.next()
			if err != nil || fr == nil {
				return
			}
			if fr.command == "CONNECT" || fr.command == "CONNECTED" {
				continue // unescaped headers do not round-trip through appendFrame
			}
			var hs []stompHeader
			for _, h := range fr.headers {
				if h.key != "content-length" {
					hs = append(hs, h)
				}
			}
			again := frameDecoder{max: 1 << 20}
			again.feed(appendFrame(nil, fr.command, hs, fr.body))
			fr2, err := again.next()
			if err != nil || fr2 == nil || fr2.command != fr.command || !bytes.Equal(fr2.body, fr.body) {
				t.Fatalf("round trip of %+v: %+v %v", fr, fr2, err)
			}
		}
	})
}
