package scenario

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a script.
type Problem struct {
	Pos Pos
	// Path is the key path in the document, e.g. "config.phases[1].rampto".
	Path string
	Msg  string
}

// String formats the problem as "file:line:col: path: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Pos.File != "" {
		b.WriteString(p.Pos.File)
		b.WriteByte(':')
	}
	if p.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", p.Pos.Line, p.Pos.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in a script. As an error it prints one
// problem per line, in document order.
type Problems []Problem

// Error implements error.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
