package demo

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// STOMP 1.2 frames: a command line, header lines "key:value", a blank
// line, the body, a NUL. Lines end with LF or CRLF. Header values are
// escaped (\\ \n \c \r) in every frame except CONNECT and CONNECTED; a
// content-length header fixes the body size (the body may then contain
// NULs). EOLs between frames are heart-beats.

// stompHeader is one header; a frame keeps them in order because the
// first occurrence of a repeated header wins.
type stompHeader struct{ key, value string }

// stompFrame is a decoded frame.
type stompFrame struct {
	command string
	headers []stompHeader
	body    []byte
}

// get returns the first value of header key.
func (f *stompFrame) get(key string) (string, bool) {
	for _, h := range f.headers {
		if h.key == key {
			return h.value, true
		}
	}
	return "", false
}

// errFrameTooLarge is returned when a frame grows past the decoder's limit.
var errFrameTooLarge = errors.New("frame too large")

// frameDecoder turns a byte stream (WebSocket messages may hold several
// frames, or part of one) into frames.
type frameDecoder struct {
	buf []byte
	max int // bytes one frame may take, headers included
}

// feed appends data received from the client.
func (d *frameDecoder) feed(data []byte) { d.buf = append(d.buf, data...) }

// next returns the next complete frame, nil when more data is needed, or
// a protocol error (after which the decoder is unusable).
func (d *frameDecoder) next() (*stompFrame, error) {
	i := 0
	for i < len(d.buf) {
		if d.buf[i] == '\n' {
			i++
		} else if d.buf[i] == '\r' && i+1 < len(d.buf) && d.buf[i+1] == '\n' {
			i += 2
		} else {
			break
		}
	}
	d.consume(i)
	f, n, err := parseFrame(d.buf)
	if err != nil {
		return nil, err
	}
	if f == nil {
		if len(d.buf) > d.max {
			return nil, errFrameTooLarge
		}
		return nil, nil
	}
	d.consume(n)
	return f, nil
}

// consume drops the first n buffered bytes, reusing the buffer.
func (d *frameDecoder) consume(n int) {
	if n == 0 {
		return
	}
	m := copy(d.buf, d.buf[n:])
	d.buf = d.buf[:m]
}

// parseFrame parses one frame at the start of b; it returns nil and no
// error when b holds only part of a frame, else the frame and its length.
func parseFrame(b []byte) (*stompFrame, int, error) {
	pos := 0
	line := func() (string, bool) {
		j := bytes.IndexByte(b[pos:], '\n')
		if j < 0 {
			return "", false
		}
		l := b[pos : pos+j]
		pos += j + 1
		return string(bytes.TrimSuffix(l, []byte{'\r'})), true
	}
	cmd, ok := line()
	if !ok {
		return nil, 0, nil
	}
	if cmd == "" || strings.ContainsAny(cmd, ": \x00") {
		return nil, 0, fmt.Errorf("invalid command %q", cmd)
	}
	f := &stompFrame{command: cmd}
	escaped := cmd != "CONNECT" && cmd != "CONNECTED"
	for {
		l, ok := line()
		if !ok {
			return nil, 0, nil
		}
		if l == "" {
			break
		}
		k, v, found := strings.Cut(l, ":")
		if !found {
			return nil, 0, fmt.Errorf("%s: header line %q has no colon", cmd, l)
		}
		if escaped {
			var err error
			if k, err = unescapeHeader(k); err != nil {
				return nil, 0, fmt.Errorf("%s: %w", cmd, err)
			}
			if v, err = unescapeHeader(v); err != nil {
				return nil, 0, fmt.Errorf("%s: %w", cmd, err)
			}
		}
		f.headers = append(f.headers, stompHeader{k, v})
	}
	if cl, ok := f.get("content-length"); ok {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 {
			return nil, 0, fmt.Errorf("%s: invalid content-length %q", cmd, cl)
		}
		if len(b)-pos < n+1 {
			return nil, 0, nil
		}
		if b[pos+n] != 0 {
			return nil, 0, fmt.Errorf("%s: body longer than content-length %d", cmd, n)
		}
		f.body = bytes.Clone(b[pos : pos+n])
		return f, pos + n + 1, nil
	}
	j := bytes.IndexByte(b[pos:], 0)
	if j < 0 {
		return nil, 0, nil
	}
	f.body = bytes.Clone(b[pos : pos+j])
	return f, pos + j + 1, nil
}

// unescapeHeader undoes STOMP 1.2 header escaping; any other escape is a
// protocol error, as the spec requires.
func unescapeHeader(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			sb.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("header %q ends with a backslash", s)
		}
		i++
		switch s[i] {
		case '\\':
			sb.WriteByte('\\')
		case 'n':
			sb.WriteByte('\n')
		case 'c':
			sb.WriteByte(':')
		case 'r':
			sb.WriteByte('\r')
		default:
			return "", fmt.Errorf("header %q has the undefined escape \\%c", s, s[i])
		}
	}
	return sb.String(), nil
}

var headerEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, ":", `\c`, "\r", `\r`)

// appendFrame encodes a frame. A non-nil body gets a content-length
// header; CONNECTED headers are not escaped.
func appendFrame(dst []byte, command string, headers []stompHeader, body []byte) []byte {
	dst = append(dst, command...)
	dst = append(dst, '\n')
	escape := command != "CONNECTED"
	for _, h := range headers {
		k, v := h.key, h.value
		if escape {
			k, v = headerEscaper.Replace(k), headerEscaper.Replace(v)
		}
		dst = append(dst, k...)
		dst = append(dst, ':')
		dst = append(dst, v...)
		dst = append(dst, '\n')
	}
	if body != nil {
		dst = append(dst, "content-length:"...)
		dst = strconv.AppendInt(dst, int64(len(body)), 10)
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = append(dst, body...)
	return append(dst, 0)
}
