package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// decoder walks a yaml.Node tree and collects every problem it finds instead
// of stopping at the first. Its helpers report a problem and return ok=false;
// callers skip the value and carry on.
type decoder struct {
	file  string
	dir   string
	lines []string
	opts  LoadOptions

	problems []problem
	warnings []problem

	// defined holds every name a template may reference: variables, payload
	// fields and capture targets anywhere in the script.
	defined map[string]bool
	// refs are the variable references seen in templates, checked against
	// defined once the whole script has been read.
	refs []varRef
	// relURLs are request URLs that need config.target.
	relURLs []varRef
	// badTarget is set when config or config.target had a problem, so that
	// relative URLs are not blamed for it a second time.
	badTarget bool
	// metricRefs are threshold metrics whose request and phase selectors
	// are checked once every request and phase is known.
	metricRefs []metricRef
	// loopDepth is the nesting depth of the step being decoded.
	loopDepth int

	phaseNames   map[string]bool
	requestNames []string
	requestSeen  map[string]bool
	// customNames are the custom metrics metric steps record (nil: none).
	customNames map[string]bool
	// rt is the state of real-time step decoding (realtime.go).
	rt rtState
	// sec is the state of secrets: config.secrets, $env names, $file
	// contents (secrets.go).
	sec secretState
}

// problem is a Problem plus the document position it sorts by: a problem in
// a CSV file sorts by the payload entry that named the file.
type problem struct {
	Problem
	order Pos
}

// varRef is a reference from a template to a variable name.
type varRef struct {
	name string
	pos  Pos
	path string
}

func newDecoder(file string, src string, opts LoadOptions) *decoder {
	return &decoder{
		file:        file,
		lines:       strings.Split(src, "\n"),
		opts:        opts,
		defined:     map[string]bool{},
		phaseNames:  map[string]bool{},
		requestSeen: map[string]bool{},
	}
}

// pos returns the position of n in the scenario file.
func (d *decoder) pos(n *yaml.Node) Pos {
	if n == nil || n.Line == 0 {
		return Pos{File: d.file}
	}
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

// errorf reports a problem at n.
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.errorAt(d.pos(n), path, fmt.Sprintf(format, args...))
}

// errorAt reports a problem at p.
func (d *decoder) errorAt(p Pos, path, msg string) {
	d.problems = append(d.problems, problem{Problem{Pos: p, Path: path, Msg: msg}, p})
}

// warnf records a warning at n.
func (d *decoder) warnf(n *yaml.Node, path, format string, args ...any) {
	p := d.pos(n)
	d.warnings = append(d.warnings, problem{Problem{Pos: p, Path: path, Msg: fmt.Sprintf(format, args...)}, p})
}

// sorted returns ps in document order (stable for equal positions).
func sorted(ps []problem) Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].order, ps[j].order
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	out := make(Problems, len(ps))
	for i, p := range ps {
		out[i] = p.Problem
	}
	return out
}

// posAt returns the position of byte offset off inside the string scalar n.
// It is exact when the scalar's source text on its line matches its value
// (plain, or quoted without escapes); otherwise it falls back to n's start.
func (d *decoder) posAt(n *yaml.Node, off int) Pos {
	base := d.pos(n)
	if off < 0 || off > len(n.Value) || n.Line < 1 || n.Line > len(d.lines) {
		return base
	}
	prefix := n.Value[:off]
	if strings.ContainsRune(prefix, '\n') {
		return base
	}
	line := d.lines[n.Line-1]
	bi := byteIndexOfRune(line, n.Column-1)
	if bi < 0 {
		return base
	}
	rest := line[bi:]
	shift := -1
	switch n.Style &^ yaml.TaggedStyle {
	case 0:
		if strings.HasPrefix(rest, prefix) {
			shift = 0
		}
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		if len(rest) > 0 && strings.HasPrefix(rest[1:], prefix) {
			shift = 1
		}
	}
	if shift < 0 {
		return base
	}
	base.Col += shift + utf8.RuneCountInString(prefix)
	return base
}

// byteIndexOfRune returns the byte index of the n-th rune of s, or -1.
func byteIndexOfRune(s string, n int) int {
	if n < 0 {
		return -1
	}
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	if n == 0 {
		return len(s)
	}
	return -1
}

// deref follows aliases. The alias pre-pass guarantees there are no cycles.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or a YAML null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// describe names what n is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + clip(n.Value)
		}
		return "the string " + strconv.Quote(clip(n.Value))
	}
	return "an unsupported YAML node"
}

// clip shortens s for messages.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// pair is one key/value of a mapping.
type pair struct {
	key  string
	k, v *yaml.Node
}

// mapping returns the pairs of the mapping n in document order, with merge
// keys ("<<: *base") applied. It reports a duplicate key, a non-scalar key or
// a non-mapping n. A null n is an empty mapping.
func (d *decoder) mapping(n *yaml.Node, path string) ([]pair, bool) {
	n = deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", describe(n))
		return nil, false
	}
	var pairs []pair
	seen := map[string]int{}
	var merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		dk := deref(k)
		if dk.Kind != yaml.ScalarNode {
			d.errorf(k, path, "mapping keys must be strings, got %s", describe(dk))
			continue
		}
		if dk.Tag == "!!merge" {
			merged = append(merged, d.mergePairs(v, path)...)
			continue
		}
		if _, dup := seen[dk.Value]; dup {
			d.errorf(k, join(path, dk.Value), "duplicate key `%s`", dk.Value)
			continue
		}
		seen[dk.Value] = len(pairs)
		pairs = append(pairs, pair{dk.Value, k, v})
	}
	// Explicit keys override merged ones, as YAML's merge key specifies.
	for _, p := range merged {
		if _, ok := seen[p.key]; !ok {
			seen[p.key] = len(pairs)
			pairs = append(pairs, p)
		}
	}
	return pairs, true
}

// mergePairs returns the pairs a merge key's value brings in: one mapping or
// a list of mappings, earlier ones winning.
func (d *decoder) mergePairs(v *yaml.Node, path string) []pair {
	dv := deref(v)
	var srcs []*yaml.Node
	switch dv.Kind {
	case yaml.MappingNode:
		srcs = []*yaml.Node{dv}
	case yaml.SequenceNode:
		srcs = dv.Content
	default:
		d.errorf(v, path, "a merge key `<<` needs a mapping or a list of mappings, got %s", describe(dv))
		return nil
	}
	var out []pair
	seen := map[string]bool{}
	for _, s := range srcs {
		if deref(s).Kind != yaml.MappingNode {
			d.errorf(s, path, "a merge key `<<` needs a mapping or a list of mappings, got %s", describe(s))
			continue
		}
		ps, _ := d.mapping(s, path)
		for _, p := range ps {
			if !seen[p.key] {
				seen[p.key] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// sequence returns the items of the list n. A null n is an empty list.
func (d *decoder) sequence(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	n = deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", describe(n))
		return nil, false
	}
	return n.Content, true
}

// join appends a key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// isIdent reports whether s is a valid variable name: a letter or "_", then
// letters, digits, "_" or "-".
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r == '-' || (r >= '0' && r <= '9')):
		default:
			return false
		}
	}
	return true
}
