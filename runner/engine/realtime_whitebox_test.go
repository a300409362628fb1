package engine

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// parseAll reads every event of src, in reads of at most chunk bytes.
func parseAll(src string, chunk int) (events []string, lastID string, retry int64, err error) {
	var r io.Reader = strings.NewReader(src)
	if chunk > 0 {
		r = iotest.OneByteReader(r)
	}
	p := newSSEParser(r)
	var ev sseEvent
	for {
		if err = p.next(&ev); err != nil {
			return events, string(p.lastID), p.retry, err
		}
		events = append(events, string(ev.typ)+"|"+string(ev.data)+"|"+string(ev.id))
	}
}

func TestSSEParser(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string // "type|data|id"
		wantErr error
		retry   int64
	}{
		// One event; the type defaults to message.
		{name: "simple", src: "data: hi\n\n", want: []string{"message|hi|"}, wantErr: io.EOF, retry: -1},
		// Multi-line data is joined with LF; event and id apply.
		{name: "multi-line", src: "event: pos\nid: 3\ndata: a\ndata: b\n\n", want: []string{"pos|a\nb|3"}, wantErr: io.EOF, retry: -1},
		// CRLF and lone CR end lines too; a BOM is skipped.
		{name: "line endings", src: "\xEF\xBB\xBFdata: a\r\n\r\ndata: b\r\rdata: c\n\n", want: []string{"message|a|", "message|b|", "message|c|"}, wantErr: io.EOF, retry: -1},
		// Comments and unknown fields are ignored; an event without data is not dispatched.
		{name: "comments", src: ": ping\nfoo: bar\n\nevent: x\n\ndata: y\n\n", want: []string{"message|y|"}, wantErr: io.EOF, retry: -1},
		// retry takes digits only; an id with NUL is ignored; the id persists.
		{name: "retry and id", src: "retry: 1500\nretry: 2x\nid: 9\ndata: a\n\nid: bad\x00\ndata: b\n\n", want: []string{"message|a|9", "message|b|9"}, wantErr: io.EOF, retry: 1500},
		// "data" without a colon is an empty data line; no space after the colon keeps the text.
		{name: "field forms", src: "data\ndata:x\n\n", want: []string{"message|\nx|"}, wantErr: io.EOF, retry: -1},
		// The stream ends inside an event: an unexpected EOF.
		{name: "cut", src: "data: a\n\ndata: b\n", want: []string{"message|a|"}, wantErr: io.ErrUnexpectedEOF, retry: -1},
		// The stream ends inside a line.
		{name: "cut in line", src: "data: a\n\ndata: b", want: []string{"message|a|"}, wantErr: io.ErrUnexpectedEOF, retry: -1},
		// Data lines longer than the read buffer (3 buffers; one that starts
		// mid-buffer and ends in the next) are joined across reads.
		{name: "longer than the buffer", src: "data: " + strings.Repeat("y", 3*sseBufSize) + "\r\n\r\ndata: " + strings.Repeat("z", sseBufSize-len("data: ")-1) + "\r\n\r\n",
			want: []string{"message|" + strings.Repeat("y", 3*sseBufSize) + "|", "message|" + strings.Repeat("z", sseBufSize-len("data: ")-1) + "|"}, wantErr: io.EOF, retry: -1},
		// A line over the limit is an error.
		{name: "too long", src: "data: " + strings.Repeat("x", maxSSELine+1) + "\n\n", wantErr: errLineTooLong, retry: -1},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 1} {
			got, _, retry, err := parseAll(tt.src, chunk)
			if strings.Join(got, ";") != strings.Join(tt.want, ";") || !errors.Is(err, tt.wantErr) || retry != tt.retry {
				t.Errorf("%s (chunk %d): events %q, err %v, retry %d; want %q, %v, %d", tt.name, chunk, got, err, retry, tt.want, tt.wantErr, tt.retry)
			}
		}
	}
}

func TestSTOMPCodec(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		command string
		headers map[string]string
		body    string
		rest    string
		wantErr bool
		none    bool
	}{
		// A MESSAGE with escaped headers and a body up to NUL.
		{name: "message", in: "MESSAGE\nsubscription:s1\ndestination:/topic/a\\cb\n\n{\"x\":1}\x00", command: "MESSAGE",
			headers: map[string]string{"subscription": "s1", "destination": "/topic/a:b"}, body: `{"x":1}`},
		// content-length allows NUL in the body; the rest is the next frame.
		{name: "content-length", in: "MESSAGE\ncontent-length:3\n\na\x00b\x00\nRECEIPT\n\n\x00", command: "MESSAGE",
			headers: map[string]string{"content-length": "3"}, body: "a\x00b", rest: "\nRECEIPT\n\n\x00"},
		// Heart-beats before a frame are skipped; CRLF lines work.
		{name: "heart-beats", in: "\n\r\nCONNECTED\r\nversion:1.2\r\n\r\n\x00", command: "CONNECTED", headers: map[string]string{"version": "1.2"}},
		// CONNECTED headers are not unescaped.
		{name: "connected raw", in: "CONNECTED\nserver:a\\cb\n\n\x00", command: "CONNECTED", headers: map[string]string{"server": "a\\cb"}},
		// The first of repeated headers wins.
		{name: "repeated", in: "MESSAGE\na:1\na:2\n\n\x00", command: "MESSAGE", headers: map[string]string{"a": "1"}},
		// Only heart-beats.
		{name: "only heart-beats", in: "\n\n", none: true},
		// No NUL: incomplete.
		{name: "incomplete", in: "MESSAGE\n\nabc", wantErr: true},
		// A bad escape.
		{name: "bad escape", in: "MESSAGE\na:\\t\n\n\x00", wantErr: true},
		// A header without a colon.
		{name: "no colon", in: "MESSAGE\nabc\n\n\x00", wantErr: true},
	}
	var f stompFrame
	for _, tt := range tests {
		ok, rest, err := decodeSTOMP(&f, []byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if ok == tt.none || (ok && (string(f.command) != tt.command || string(f.body) != tt.body || string(rest) != tt.rest)) {
			t.Errorf("%s: ok %v, command %q, body %q, rest %q", tt.name, ok, f.command, f.body, rest)
			continue
		}
		for k, v := range tt.headers {
			if got, _ := f.header(k); string(got) != v {
				t.Errorf("%s: header %s = %q, want %q", tt.name, k, got, v)
			}
		}
	}
}

// TestSTOMPRoundTrip encodes frames and decodes them back.
func TestSTOMPRoundTrip(t *testing.T) {
	hs := [][2]string{{"destination", "/topic/a:b\nc"}, {"id", `x\y`}}
	enc := appendSTOMP(nil, "SEND", hs, []byte("body\x00with nul"))
	var f stompFrame
	ok, rest, err := decodeSTOMP(&f, enc)
	if !ok || err != nil || len(rest) != 0 {
		t.Fatalf("decode: ok %v, err %v, rest %q", ok, err, rest)
	}
	if d, _ := f.header("destination"); string(d) != hs[0][1] || string(f.body) != "body\x00with nul" {
		t.Errorf("decoded destination %q, body %q", d, f.body)
	}
}

func FuzzSTOMPDecode(f *testing.F) {
	f.Add([]byte("MESSAGE\nsubscription:s1\n\nhi\x00"))
	f.Add([]byte("\nCONNECTED\ncontent-length:2\n\nab\x00"))
	f.Add([]byte("ERROR\nmessage:a\\c\n\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fr stompFrame
		rest := data
		for range 64 {
			ok, r, err := decodeSTOMP(&fr, rest)
			if err != nil || !ok {
				return
			}
			if len(r) >= len(rest) {
				t.Fatalf("decode made no progress on %q", rest)
			}
			rest = r
		}
	})
}

func FuzzSSEParser(f *testing.F) {
	f.Add([]byte("event: a\nid: 1\ndata: x\r\n\r\n"))
	f.Add([]byte("\xEF\xBB\xBF: c\rdata\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := newSSEParser(strings.NewReader(string(data)))
		var ev sseEvent
		for range len(data) + 1 {
			if err := p.next(&ev); err != nil {
				return
			}
		}
		t.Fatalf("more events than bytes in %q", data)
	})
}
