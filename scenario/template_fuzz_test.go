package scenario

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseTemplate checks that no template source makes ParseTemplate
// panic, and that it returns either a template whose parts reassemble the
// source's literal text or exactly one problem positioned inside the source.
// Seeds are in testdata/fuzz/FuzzParseTemplate as well as below.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{
		"", "plain", "{{ name }}", "a{{x}}b{{ y.z[0].w }}c", "{{", "}}", "{{}}", "{{ }}",
		"{{ $randomNumber(1, 9) }}", "{{ $randomNumber(9, 1) }}", "{{ $randomNumber(1) }}",
		"{{ $randomString(1048577) }}", "{{ $randomString() }}", "{{ $uuid() }}",
		"{{ $env.TOKEN }}", "{{ $processEnvironment. }}", "{{ $loopElement[0].a }}",
		"{{ $loopCount.x }}", "{{ $vu.id }}", "{{ $vu.name }}", "{{ $nope }}",
		"{{ items[99999999999999999999999] }}", "{{ a..b }}", "{{ a[ }}", "line1\n{{ bad! }}",
		"{{ {{ x }} }}", "\xff{{x}}", "{{ é }}",
	} {
		f.Add(s, 3, 7)
	}
	f.Fuzz(func(t *testing.T, src string, line, col int) {
		if line < 0 || col < 0 || line > 1<<20 || col > 1<<20 {
			return // positions come from the YAML parser: small and positive
		}
		pos := Pos{File: "f.yaml", Line: line, Col: col}
		tp, err := ParseTemplate(src, pos)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 1 {
				t.Fatalf("ParseTemplate(%q) error %T %v: want one Problem", src, err, err)
			}
			p := ps[0]
			if p.Msg == "" || p.Pos.File != pos.File || p.Pos.Line != pos.Line {
				t.Fatalf("ParseTemplate(%q): problem %+v is not positioned on %+v", src, p, pos)
			}
			if line > 0 && (p.Pos.Col < col || p.Pos.Col > col+utf8.RuneCountInString(src)) {
				t.Fatalf("ParseTemplate(%q): column %d outside the source (starts at %d)", src, p.Pos.Col, col)
			}
			return
		}
		if tp.Src != src || tp.Pos != pos {
			t.Fatalf("ParseTemplate(%q) = src %q pos %+v", src, tp.Src, tp.Pos)
		}
		var text strings.Builder
		for _, part := range tp.Parts {
			switch part.Kind {
			case PartText:
				if part.Text == "" || strings.Contains(part.Text, "{{") {
					t.Fatalf("ParseTemplate(%q): text part %q is empty or holds a placeholder", src, part.Text)
				}
				text.WriteString(part.Text)
			case PartVar, PartFunc:
				if part.Name == "" {
					t.Fatalf("ParseTemplate(%q): part without a name: %+v", src, part)
				}
			default:
				t.Fatalf("ParseTemplate(%q): unknown part kind %d", src, part.Kind)
			}
		}
		if tp.IsConst() && text.String() != src {
			t.Fatalf("ParseTemplate(%q): constant template renders %q", src, text.String())
		}
	})
}
