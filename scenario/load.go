package scenario

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// LoadOptions are the command-line choices that shape a scenario.
type LoadOptions struct {
	// Environment selects config.environments.NAME (the -e flag); "" is none.
	Environment string
	// Target overrides config.target (the --target flag); "" is none.
	Target string
}

// Load reads and parses the scenario file at path, and the payload CSV
// files it names (relative to the scenario's directory). See Parse.
func Load(path string, opts LoadOptions) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return Parse(path, data, opts)
}

// Parse parses a scenario script (YAML, or Artillery's JSON format) and
// validates it. file names the script in positions; payload and CA files are
// resolved relative to filepath.Dir(file) and read.
//
// When anything is wrong, the error is Problems: every problem found, in
// document order, each "file:line:col: path: message".
func Parse(file string, data []byte, opts LoadOptions) (*Scenario, error) {
	src := string(data)
	if !utf8.ValidString(src) {
		return nil, Problems{{Pos: Pos{File: file}, Msg: "the script is not valid UTF-8 text"}}
	}
	if looksLikeJSON(src) {
		// Raw tabs can only be whitespace in valid JSON, but YAML rejects
		// them as indentation. Same width, so positions are unchanged.
		src = strings.ReplaceAll(src, "\t", " ")
	}
	d := newDecoder(file, src, opts)
	d.dir = filepath.Dir(file)
	root := d.parseYAML(src)
	if root == nil || !d.checkAliases(root) {
		return nil, sorted(d.problems)
	}
	sc := d.scenario(root)
	if len(d.problems) > 0 {
		return nil, sorted(d.problems)
	}
	sc.Warnings = sorted(d.warnings)
	return sc, nil
}

// looksLikeJSON reports whether src starts like a JSON object or array.
func looksLikeJSON(src string) bool {
	t := strings.TrimLeft(strings.TrimPrefix(src, "\ufeff"), " \t\r\n")
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}

// parseYAML parses the single YAML document in src and returns its root
// node, or nil after reporting why there is none.
func (d *decoder) parseYAML(src string) (root *yaml.Node) {
	defer func() {
		// yaml.v3 reports its errors by panicking and recovering; guard
		// against the odd internal panic it does not recover itself.
		if r := recover(); r != nil {
			d.errorAt(Pos{File: d.file}, "", fmt.Sprintf("invalid YAML: %v", r))
			root = nil
		}
	}()
	dec := yaml.NewDecoder(strings.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorAt(Pos{File: d.file}, "", "the script is empty")
		} else {
			d.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntaxError(err)
		return nil
	default:
		d.errorf(&extra, "", "a script is one YAML document; found a second one (remove the `---` separator)")
		return nil
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		d.errorAt(Pos{File: d.file}, "", "the script is empty")
		return nil
	}
	return doc.Content[0]
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parserProblems are the messages of libyaml's parser (as opposed to its
// scanner). yaml.v3 prints the line of a parser error 0-based and the line
// of a scanner error 1-based, and omits the line when it would be 0.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntaxError reports a yaml.v3 parse error. yaml.v3 gives only a line (for
// a parser error, the line where the enclosing construct starts), so the
// column is that of the line's first non-blank character.
func (d *decoder) syntaxError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlAnchorRE.FindStringSubmatch(err.Error()); m != nil {
		d.errorAt(d.find("*"+m[1]), "", "invalid YAML: alias `*"+m[1]+"` refers to no anchor")
		return
	}
	line := 1
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if parserProblems[msg] {
			line++
		}
	}
	d.errorAt(d.lineStart(line), "", "invalid YAML: "+msg)
}

// lineStart returns the position of the first non-blank character of line.
func (d *decoder) lineStart(line int) Pos {
	if line < 1 || line > len(d.lines) {
		return Pos{File: d.file, Line: line, Col: 1}
	}
	text := d.lines[line-1]
	trimmed := strings.TrimLeft(text, " ")
	return Pos{File: d.file, Line: line, Col: 1 + utf8.RuneCountInString(text[:len(text)-len(trimmed)])}
}

// find returns the position of the first occurrence of s in the source.
func (d *decoder) find(s string) Pos {
	for i, l := range d.lines {
		if j := strings.Index(l, s); j >= 0 {
			return Pos{File: d.file, Line: i + 1, Col: 1 + utf8.RuneCountInString(l[:j])}
		}
	}
	return Pos{File: d.file}
}
