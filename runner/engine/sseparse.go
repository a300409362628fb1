package engine

import (
	"bytes"
	"errors"
	"io"
	"strconv"
)

// maxSSELine bounds one line of an event stream.
const maxSSELine = 1 << 20

// sseBufSize sizes a stream's read buffer. The body is already buffered
// below the parser (net/http reads a connection through a 4 KiB
// bufio.Reader), and a longer line grows p.line, not buf; a stream is
// mostly idle, so with tens of thousands of streams per process this
// buffer is a large part of their memory (it was 32 KiB).
const sseBufSize = 4 << 10

// errLineTooLong is the error of a line longer than maxSSELine.
var errLineTooLong = errors.New("event stream line too long")

// sseEvent is one dispatched event. Its slices alias the parser's buffers
// and are valid until the next call to next.
type sseEvent struct {
	typ  []byte // "message" when the stream gave none
	data []byte
	id   []byte // the last event ID after this event
}

// sseParser reads events from a stream as the WHATWG HTML standard
// (§9.2, server-sent events) describes: lines end with CRLF, LF or CR; a
// leading BOM is skipped; "data" lines are joined with LF; "event", "id"
// (ignored when it holds NUL) and "retry" (digits only) are fields; lines
// starting with ':' are comments; an empty line dispatches the event, and
// an event without data is not dispatched. It reuses its buffers.
type sseParser struct {
	r       io.Reader
	buf     []byte // unread input is buf[pos:end]
	pos     int
	end     int
	line    []byte
	skipLF  bool // the previous line ended with CR: a following LF belongs to it
	started bool // the BOM check is done
	eof     bool

	data    []byte
	hasData bool
	typ     []byte
	lastID  []byte
	// retry is the reconnection time the stream asked for (ms; -1 unset).
	retry int64
	// pending is set while an event has begun but is not dispatched.
	pending bool
	// n counts bytes read.
	n int64
}

func newSSEParser(r io.Reader) *sseParser {
	return &sseParser{r: r, buf: make([]byte, sseBufSize), retry: -1}
}

// reset starts a new stream, keeping the last event ID and buffers.
func (p *sseParser) reset(r io.Reader) {
	p.r, p.pos, p.end, p.line, p.skipLF, p.started, p.eof = r, 0, 0, p.line[:0], false, false, false
	p.data, p.hasData, p.typ, p.pending = p.data[:0], false, p.typ[:0], false
}

// next returns the next event. At the end of the stream it returns io.EOF
// when the stream ended between events, io.ErrUnexpectedEOF when it ended
// inside one; errLineTooLong for an oversized line; or the read error.
func (p *sseParser) next(ev *sseEvent) error {
	for {
		line, err := p.readLine()
		if err != nil {
			if err == io.EOF && p.pending {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if len(line) == 0 {
			if !p.hasData {
				p.typ, p.pending = p.typ[:0], false
				continue
			}
			ev.data = p.data
			if len(ev.data) > 0 && ev.data[len(ev.data)-1] == '\n' {
				ev.data = ev.data[:len(ev.data)-1]
			}
			ev.typ = p.typ
			if len(ev.typ) == 0 {
				ev.typ = append(ev.typ[:0], "message"...)
			}
			ev.id = p.lastID
			// The event's slices stay valid until the next call.
			p.data, p.hasData, p.typ, p.pending = p.data[:0], false, p.typ[:0], false
			return nil
		}
		if line[0] != ':' {
			p.pending = true
		}
		p.field(line)
	}
}

// field processes one non-empty line.
func (p *sseParser) field(line []byte) {
	if line[0] == ':' {
		return // a comment
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		p.data = append(p.data, value...)
		p.data = append(p.data, '\n')
		p.hasData = true
	case "event":
		p.typ = append(p.typ[:0], value...)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			p.lastID = append(p.lastID[:0], value...)
		}
	case "retry":
		if v, err := strconv.ParseInt(string(value), 10, 64); err == nil && v >= 0 && allDigitBytes(value) {
			p.retry = v
		}
	}
}

func allDigitBytes(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// readLine returns the next line without its terminator. The line aliases
// the parser's buffers until the next call.
func (p *sseParser) readLine() ([]byte, error) {
	p.line = p.line[:0]
	for {
		if p.pos == p.end {
			if p.eof {
				if len(p.line) > 0 {
					p.pending = true // the stream ended inside a line
				}
				return nil, io.EOF
			}
			if err := p.fill(); err != nil {
				if err == io.EOF && len(p.line) > 0 {
					// The stream ended inside a line: an unfinished event.
					p.pending = true
				}
				return nil, err
			}
			continue
		}
		if p.skipLF {
			p.skipLF = false
			if p.buf[p.pos] == '\n' {
				p.pos++
				continue
			}
		}
		chunk := p.buf[p.pos:p.end]
		i := bytes.IndexAny(chunk, "\r\n")
		if i < 0 {
			if len(p.line)+len(chunk) > maxSSELine {
				return nil, errLineTooLong
			}
			p.line = append(p.line, chunk...)
			p.pos = p.end
			continue
		}
		if len(p.line)+i > maxSSELine {
			return nil, errLineTooLong
		}
		p.line = append(p.line, chunk[:i]...)
		p.skipLF = chunk[i] == '\r'
		p.pos += i + 1
		if !p.started {
			// A BOM may start the stream; whatever the reads' sizes, it is
			// at the start of the first line.
			p.started = true
			p.line = bytes.TrimPrefix(p.line, []byte("\xEF\xBB\xBF"))
		}
		return p.line, nil
	}
}

// fill reads more input.
func (p *sseParser) fill() error {
	n, err := p.r.Read(p.buf)
	p.pos, p.end = 0, n
	p.n += int64(n)
	if err != nil {
		if n > 0 && err == io.EOF {
			p.eof = true
			return nil
		}
		return err
	}
	return nil
}
