package engine

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestStampReader checks that the stamp moves with every read that returns
// bytes and stays put on a read that returns none.
func TestStampReader(t *testing.T) {
	s := stampReader{r: iotest.OneByteReader(strings.NewReader("ab"))}
	var p [4]byte
	t0 := time.Now()
	if n, _ := s.Read(p[:]); n != 1 || s.at.Before(t0) {
		t.Fatalf("first read: n=%d, stamp %v before the read", n, t0.Sub(s.at))
	}
	first := s.at
	time.Sleep(time.Millisecond)
	if n, _ := s.Read(p[:]); n != 1 || !s.at.After(first) {
		t.Fatalf("second read: n=%d, stamp did not move (%v)", n, s.at.Sub(first))
	}
	last := s.at
	time.Sleep(time.Millisecond)
	if n, err := s.Read(p[:]); n != 0 || err != io.EOF || !s.at.Equal(last) {
		t.Fatalf("read at EOF: n=%d err=%v, stamp moved by %v", n, err, s.at.Sub(last))
	}
}

// TestReceivedNeverBeforeStart checks that bytes buffered before a request
// started cannot end it before it started.
func TestReceivedNeverBeforeStart(t *testing.T) {
	var lc leanConn
	start := time.Now()
	lc.sr.at = start.Add(-time.Second)
	if got := lc.received(start); got.Before(start) {
		t.Fatalf("received %v before the start", start.Sub(got))
	}
	lc.sr.at = start.Add(time.Millisecond)
	if got := lc.received(start); !got.Equal(lc.sr.at) {
		t.Fatalf("received %v, want the last read's stamp", got.Sub(start))
	}
}
