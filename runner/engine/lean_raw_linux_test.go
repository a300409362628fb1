package engine

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestLeanUsesRawIO checks that on Linux a lean connection reads and writes
// through rawIO, with and without a connection cap (whose wrapper hides
// the socket), and that a request and its answer cross it intact.
func TestLeanUsesRawIO(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var p [5]byte
				if _, err := io.ReadFull(c, p[:]); err == nil {
					_, _ = c.Write([]byte("pong!"))
				}
			}()
		}
	}()
	for name, conns := range map[string]*connLimiter{"uncapped": nil, "capped": newConnLimiter(4, nil)} {
		t.Run(name, func(t *testing.T) {
			lc := newLeanConn(&httpSettings{timeout: 5 * time.Second, conns: conns})
			defer lc.close()
			if err := lc.connect(t.Context(), ln.Addr().String(), time.Now().Add(5*time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, ok := lc.w.(*rawIO); !ok {
				t.Fatalf("writer is %T, want *rawIO", lc.w)
			}
			if _, err := lc.w.Write([]byte("ping!")); err != nil {
				t.Fatal(err)
			}
			var p [8]byte
			n, err := io.ReadFull(lc.br, p[:5])
			if err != nil || string(p[:n]) != "pong!" {
				t.Fatalf("read %q, %v; want pong!", p[:n], err)
			}
			if n, err := lc.br.Read(p[:]); n != 0 || err != io.EOF {
				t.Fatalf("after the peer closed: %d, %v; want 0, EOF", n, err)
			}
		})
	}
}

// TestRawIOErrorsReadLikeNetConn checks the error a user sees when a read
// times out: a timeout by net.Error's rule, named "read" as net.Conn names
// it, not RawConn's "raw-read".
func TestRawIOErrorsReadLikeNetConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			<-done // say nothing until the test ends
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := newRawIO(c)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	var p [4]byte
	_, err = r.Read(p[:])
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v, want a timeout", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "read tcp ") {
		t.Errorf("error %q, want it to start with \"read tcp \"", msg)
	}
}
