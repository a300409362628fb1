package engine

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/loadgo/loadgo/runner/engine/jsonpath"
	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// matcher is a compiled message match. A nil matcher matches every message.
type matcher struct {
	event    string
	path     *jsonpath.Path
	value    *tmpl.Template
	re       *regexp.Regexp
	contains []byte
}

func (c *compiler) matcher(m *scenario.Match) (*matcher, error) {
	if m == nil {
		return nil, nil
	}
	out := &matcher{event: m.Event, contains: []byte(m.Contains)}
	var err error
	if m.JSON != "" {
		if out.path, err = jsonpath.Compile(m.JSON); err != nil {
			return nil, fmt.Errorf("match json: %w", err)
		}
	}
	if m.Value != nil {
		if out.value, err = c.template(m.Value); err != nil {
			return nil, fmt.Errorf("match value: %w", err)
		}
	}
	if m.Regexp != "" {
		if out.re, err = regexp.Compile(m.Regexp); err != nil {
			return nil, fmt.Errorf("match regexp: %w", err)
		}
	}
	return out, nil
}

// matches reports whether the message msg (of SSE event type event, ""
// for other protocols) matches, for vu. It runs on the VU's goroutine and
// uses the VU's JSON buffers.
func (m *matcher) matches(vu *VU, event string, msg []byte) bool {
	if m == nil {
		return true
	}
	if m.event != "" && m.event != event {
		return false
	}
	if len(m.contains) > 0 && !bytes.Contains(msg, m.contains) {
		return false
	}
	if m.re != nil && !m.re.Match(msg) {
		return false
	}
	if m.path == nil {
		return true
	}
	if err := vu.doc.Parse(msg); err != nil {
		return false
	}
	nodes := m.path.Eval(&vu.doc, &vu.paths)
	if len(nodes) == 0 {
		return false
	}
	if m.value == nil {
		return true
	}
	vu.scratch = vu.doc.AppendText(vu.scratch[:0], nodes[0])
	vu.scratch2 = m.value.Append(vu.scratch2[:0], &vu.scope)
	return bytes.Equal(vu.scratch, vu.scratch2)
}

// captureMessage runs captures on the message msg, as a request's
// captures run on a response body. It returns the error of the first
// strict capture that failed.
func (vu *VU) captureMessage(caps []capture, msg []byte) error {
	if len(caps) == 0 {
		return nil
	}
	vu.body, vu.docState, vu.docErr = append(vu.body[:0], msg...), 0, nil
	var first error
	for i := range caps {
		c := &caps[i]
		v, err := c.eval(vu, nil)
		vu.scope.Vars[c.slot] = v
		if err != nil && c.strict && first == nil {
			first = &captureError{as: c.as, err: err}
		}
	}
	return first
}

// compileCaptures compiles message captures.
func (c *compiler) compileCaptures(cs []scenario.Capture) ([]capture, error) {
	out := make([]capture, 0, len(cs))
	for i := range cs {
		cp, err := c.capture(&cs[i])
		if err != nil {
			return nil, fmt.Errorf("capture %q: %w", cs[i].As, err)
		}
		out = append(out, cp)
	}
	return out, nil
}

// abort returns the AbortError of a failed real-time step.
func abort(path string, kind metrics.ErrorKind, err error) error {
	return &AbortError{Step: path, Kind: kind, Err: err}
}
