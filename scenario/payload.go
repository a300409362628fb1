package scenario

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// maxRowProblems bounds how many short rows of one CSV file are reported.
const maxRowProblems = 10

var payloadKeys = []string{"path", "fields", "order", "skipHeader", "delimiter", "cast", "loadAll", "name"}

// payloads decodes config.payload: one mapping or a list of them.
func (d *decoder) payloads(n *yaml.Node, path string) []Payload {
	var out []Payload
	if dn := deref(n); dn.Kind == yaml.SequenceNode {
		for i, item := range dn.Content {
			if pl, ok := d.payload(item, index(path, i)); ok {
				out = append(out, pl)
			}
		}
		return out
	}
	if pl, ok := d.payload(n, path); ok {
		out = append(out, pl)
	}
	return out
}

// payload decodes one payload entry and reads its CSV file.
func (d *decoder) payload(n *yaml.Node, path string) (Payload, bool) {
	pl := Payload{Random: true, Delimiter: ',', Pos: d.pos(n)}
	if isNull(n) {
		d.errorf(n, path, "expected a mapping with `path` and `fields`, got null")
		return pl, false
	}
	pairs, ok := d.mapping(n, path)
	if !ok {
		return pl, false
	}
	var pathKey *yaml.Node
	hasPath, hasFields := false, false
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "path":
			hasPath = true
			if s, good := d.str(p.v, kp); good {
				pathKey, pl.Path = p.k, d.resolve(s)
			} else {
				ok = false
			}
		case "fields":
			hasFields = true
			fields, good := d.fields(p.v, kp)
			pl.Fields, ok = fields, ok && good
		case "order":
			s, good := d.str(p.v, kp)
			switch {
			case !good:
				ok = false
			case s == "random":
				pl.Random = true
			case s == "sequence":
				pl.Random = false
			default:
				d.errorf(p.v, kp, "expected `random` or `sequence`, got %s", describe(p.v))
				ok = false
			}
		case "skipHeader":
			b, good := d.boolean(p.v, kp)
			pl.SkipHeader, ok = b, ok && good
		case "delimiter":
			r, good := d.delimiter(p.v, kp)
			pl.Delimiter, ok = r, ok && good
		case "cast":
			// Artillery converts numeric-looking cells; loadgo renders every
			// cell as text, which is what a request carries anyway.
		case "loadAll":
			d.errorf(p.k, kp, "`loadAll` is not supported: each VU gets one row of the payload")
			ok = false
		case "name":
			d.errorf(p.k, kp, "named payloads (`name`, used with loadAll) are not supported")
			ok = false
		default:
			d.unknownKey(p, path, payloadKeys)
			ok = false
		}
	}
	if !hasPath {
		d.errorf(n, path, "`path` is required: the CSV file to read")
		ok = false
	}
	if !hasFields {
		d.errorf(n, path, "`fields` is required: the names of the CSV columns")
		ok = false
	}
	if !ok {
		return pl, false
	}
	return pl, d.readCSV(&pl, pathKey, join(path, "path"))
}

// fields decodes a payload's field names and defines them as variables.
func (d *decoder) fields(n *yaml.Node, path string) ([]string, bool) {
	items, ok := d.sequence(n, path)
	if !ok {
		return nil, false
	}
	if len(items) == 0 {
		d.errorf(n, path, "at least one field is required")
		return nil, false
	}
	var out []string
	seen := map[string]bool{}
	for i, item := range items {
		s, good := d.str(item, index(path, i))
		switch {
		case !good:
			ok = false
		case !isIdent(s):
			d.errorf(item, index(path, i), "invalid field name %s: use letters, digits, `_` and `-`, starting with a letter", quote(s))
			ok = false
		case seen[s]:
			d.errorf(item, index(path, i), "duplicate field `%s`", s)
			ok = false
		default:
			seen[s] = true
			d.defined[s] = true
			out = append(out, s)
		}
	}
	return out, ok
}

// delimiter decodes a one-character CSV delimiter.
func (d *decoder) delimiter(n *yaml.Node, path string) (rune, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return 0, false
	}
	if s == `\t` {
		s = "\t"
	}
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		d.errorf(n, path, "the delimiter must be one character other than a quote or a line break, got %s", describe(n))
		return 0, false
	}
	return r, true
}

// readCSV reads pl.Path into pl.Rows. Problems with the file's content are
// positioned in the CSV file and sorted by the payload's path key.
func (d *decoder) readCSV(pl *Payload, key *yaml.Node, path string) bool {
	f, err := os.Open(pl.Path)
	if err != nil {
		d.errorf(key, path, "cannot read the payload file: %v", err)
		return false
	}
	defer f.Close()
	// A device or a pipe could block the load forever.
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		d.errorf(key, path, "the payload file %q is not a regular file", pl.Path)
		return false
	}
	order := d.pos(key)
	csvErr := func(line, col int, msg string) {
		d.problems = append(d.problems, problem{Problem{Pos: Pos{File: pl.Path, Line: line, Col: col}, Path: path, Msg: msg}, order})
	}
	r := csv.NewReader(f)
	r.Comma = pl.Delimiter
	r.FieldsPerRecord = -1
	ok, short, header := true, 0, pl.SkipHeader
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				csvErr(pe.Line, pe.Column, "invalid CSV: "+pe.Err.Error())
			} else {
				d.errorf(key, path, "cannot read the payload file: %v", err)
			}
			return false
		}
		if header {
			header = false
			continue
		}
		if len(rec) < len(pl.Fields) {
			ok = false
			if short++; short <= maxRowProblems {
				line, _ := r.FieldPos(0)
				csvErr(line, 1, fmt.Sprintf("the row has %d fields, want %d (%s)", len(rec), len(pl.Fields), strings.Join(pl.Fields, ", ")))
			}
			continue
		}
		pl.Rows = append(pl.Rows, rec)
	}
	if short > maxRowProblems {
		csvErr(0, 0, fmt.Sprintf("%d more rows have fewer than %d fields", short-maxRowProblems, len(pl.Fields)))
	}
	if ok && len(pl.Rows) == 0 {
		d.errorf(key, path, "the payload file %q has no data rows", pl.Path)
		return false
	}
	return ok
}
