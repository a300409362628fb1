package engine

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// maxSTOMPHeaders bounds the headers of one frame.
const maxSTOMPHeaders = 128

// stompFrame is a decoded STOMP frame. Its slices alias the decoded input.
type stompFrame struct {
	command []byte
	// headers holds name, value pairs in order (values unescaped); the
	// first occurrence of a name wins, as STOMP 1.2 says.
	headers [][2][]byte
	body    []byte
}

// header returns the value of the first header called name.
func (f *stompFrame) header(name string) ([]byte, bool) {
	for _, h := range f.headers {
		if string(h[0]) == name {
			return h[1], true
		}
	}
	return nil, false
}

var errIncomplete = errors.New("incomplete STOMP frame")

// decodeSTOMP decodes the first frame of data, after any heart-beat EOLs,
// into f (whose buffers are reused). It returns whether there was a frame
// and the rest of data; no frame and no error means data held only
// heart-beats. Header values are unescaped (except for CONNECT and
// CONNECTED, which STOMP 1.2 does not escape).
func decodeSTOMP(f *stompFrame, data []byte) (bool, []byte, error) {
	for len(data) > 0 && (data[0] == '\n' || data[0] == '\r') {
		data = data[1:]
	}
	if len(data) == 0 {
		return false, nil, nil
	}
	f.command, f.headers, f.body = nil, f.headers[:0], nil
	line, rest, ok := cutLine(data)
	if !ok {
		return false, data, errIncomplete
	}
	if len(line) == 0 {
		return false, data, errors.New("STOMP frame without a command")
	}
	f.command = line
	escaped := string(line) != "CONNECT" && string(line) != "CONNECTED"
	length := -1
	for {
		line, rest, ok = cutLine(rest)
		if !ok {
			return false, data, errIncomplete
		}
		if len(line) == 0 {
			break
		}
		if len(f.headers) == maxSTOMPHeaders {
			return false, data, fmt.Errorf("STOMP frame with more than %d headers", maxSTOMPHeaders)
		}
		i := bytes.IndexByte(line, ':')
		if i < 0 {
			return false, data, fmt.Errorf("STOMP header %q without ':'", line)
		}
		name, value := line[:i], line[i+1:]
		if escaped {
			var err error
			if name, err = unescapeSTOMP(name); err != nil {
				return false, data, err
			}
			if value, err = unescapeSTOMP(value); err != nil {
				return false, data, err
			}
		}
		if string(name) == "content-length" && length < 0 {
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return false, data, fmt.Errorf("STOMP content-length %q", value)
			}
			length = n
		}
		f.headers = append(f.headers, [2][]byte{name, value})
	}
	if length >= 0 {
		if len(rest) < length+1 {
			return false, data, errIncomplete
		}
		if rest[length] != 0 {
			return false, data, errors.New("STOMP body longer than its content-length")
		}
		f.body, rest = rest[:length], rest[length+1:]
	} else {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return false, data, errIncomplete
		}
		f.body, rest = rest[:i], rest[i+1:]
	}
	return true, rest, nil
}

// cutLine cuts a line ending in LF or CRLF.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, b, false
	}
	line = b[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, b[i+1:], true
}

// unescapeSTOMP undoes STOMP 1.2 header escaping (\r \n \c \\); any other
// escape is an error.
func unescapeSTOMP(b []byte) ([]byte, error) {
	if bytes.IndexByte(b, '\\') < 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			out = append(out, b[i])
			continue
		}
		i++
		if i == len(b) {
			return nil, errors.New("STOMP header ends with '\\'")
		}
		switch b[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 'c':
			out = append(out, ':')
		case '\\':
			out = append(out, '\\')
		default:
			return nil, fmt.Errorf("invalid STOMP escape \\%c", b[i])
		}
	}
	return out, nil
}

// appendSTOMP appends a frame to dst: command, headers (escaped unless
// the command is CONNECT), a blank line, body and NUL. A non-empty body
// gets a content-length header.
func appendSTOMP(dst []byte, command string, headers [][2]string, body []byte) []byte {
	dst = append(dst, command...)
	dst = append(dst, '\n')
	escape := command != "CONNECT" && command != "STOMP"
	for _, h := range headers {
		dst = appendSTOMPHeader(dst, h[0], escape)
		dst = append(dst, ':')
		dst = appendSTOMPHeader(dst, h[1], escape)
		dst = append(dst, '\n')
	}
	if len(body) > 0 {
		dst = append(dst, "content-length:"...)
		dst = strconv.AppendInt(dst, int64(len(body)), 10)
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	dst = append(dst, body...)
	return append(dst, 0)
}

func appendSTOMPHeader(dst []byte, s string, escape bool) []byte {
	if !escape {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\n':
			dst = append(dst, '\\', 'n')
		case ':':
			dst = append(dst, '\\', 'c')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
