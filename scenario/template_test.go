package scenario

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseTemplate(t *testing.T) {
	text := func(s string) TemplatePart { return TemplatePart{Kind: PartText, Text: s} }
	v := func(name string, path ...string) TemplatePart {
		return TemplatePart{Kind: PartVar, Name: name, Path: path}
	}
	fn := func(name string, args ...string) TemplatePart {
		return TemplatePart{Kind: PartFunc, Name: name, Args: args}
	}
	tests := []struct {
		name string
		src  string
		want []TemplatePart
	}{
		// No placeholders: one text part.
		{"plain", "/users", []TemplatePart{text("/users")}},
		// The empty string has no parts.
		{"empty", "", nil},
		// A variable between texts, blanks inside the braces optional.
		{"var", "/u/{{id}}/x", []TemplatePart{text("/u/"), v("id"), text("/x")}},
		// Dotted and indexed paths.
		{"path", "{{ user.address.city }}", []TemplatePart{v("user", "address", "city")}},
		{"index", "{{ items[0].id }}", []TemplatePart{v("items", "0", "id")}},
		// Names may contain digits, "_" and "-".
		{"ident chars", "{{ auth-token_2 }}", []TemplatePart{v("auth-token_2")}},
		// Adjacent placeholders.
		{"adjacent", "{{a}}{{b}}", []TemplatePart{v("a"), v("b")}},
		// A lone "}}" is text.
		{"stray close", "a }} b", []TemplatePart{text("a }} b")}},
		// Built-ins.
		{"randomNumber", "{{ $randomNumber(1, 100) }}", []TemplatePart{fn("$randomNumber", "1", "100")}},
		{"randomNumber negative", "{{ $randomNumber(-5,5) }}", []TemplatePart{fn("$randomNumber", "-5", "5")}},
		{"randomString", "{{ $randomString(8) }}", []TemplatePart{fn("$randomString", "8")}},
		{"randomString default", "{{ $randomString() }}", []TemplatePart{fn("$randomString", "10")}},
		{"uuid", "{{ $uuid }}", []TemplatePart{fn("$uuid")}},
		{"uuid call", "{{ $uuid() }}", []TemplatePart{fn("$uuid")}},
		{"env", "{{ $env.API_KEY }}", []TemplatePart{fn("$env", "API_KEY")}},
		{"processEnvironment", "{{ $processEnvironment.HOST }}", []TemplatePart{fn("$env", "HOST")}},
		{"loopCount", "{{ $loopCount }}", []TemplatePart{v("$loopCount")}},
		{"loopElement", "{{ $loopElement }}", []TemplatePart{v("$loopElement")}},
		{"loopElement path", "{{ $loopElement.user.id }}", []TemplatePart{v("$loopElement", "user", "id")}},
		{"vu id", "id={{ $vu.id }}", []TemplatePart{text("id="), v("$vu", "id")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos := Pos{File: "f", Line: 3, Col: 7}
			got, err := ParseTemplate(tt.src, pos)
			if err != nil {
				t.Fatalf("ParseTemplate(%q): %v", tt.src, err)
			}
			want := &Template{Src: tt.src, Parts: tt.want, Pos: pos}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseTemplate(%q) =\n%#v\nwant\n%#v", tt.src, got, want)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the problem as printed, positioned from 1:1
	}{
		// Unterminated placeholder: points at the "{{".
		{"unterminated", "/a/{{ id", "f:1:4: unterminated `{{` (missing `}}`)"},
		// Empty placeholder.
		{"empty", "x{{  }}", "f:1:2: empty placeholder `{{ }}`"},
		// Expressions loadgo does not evaluate (Artillery runs JavaScript).
		{"js expression", "{{ a + 1 }}", "f:1:4: unsupported expression `a + 1`: a placeholder holds a variable name (user.name, items[0]) or a $ built-in"},
		{"bad index", "{{ a[x] }}", "f:1:4: unsupported expression `a[x]`: a placeholder holds a variable name (user.name, items[0]) or a $ built-in"},
		{"trailing dot", "{{ a. }}", "f:1:4: unsupported expression `a.`: a placeholder holds a variable name (user.name, items[0]) or a $ built-in"},
		// Bad built-in arguments.
		{"randomNumber one arg", "{{ $randomNumber(1) }}", "f:1:4: `$randomNumber(1)`: $randomNumber takes two integers: $randomNumber(min, max)"},
		{"randomNumber not ints", "{{ $randomNumber(a, b) }}", "f:1:4: `$randomNumber(a, b)`: $randomNumber takes two integers: $randomNumber(min, max)"},
		{"randomNumber no call", "{{ $randomNumber }}", "f:1:4: `$randomNumber`: $randomNumber takes two integers: $randomNumber(min, max)"},
		{"randomNumber reversed", "{{ $randomNumber(9, 1) }}", "f:1:4: `$randomNumber(9, 1)`: $randomNumber: min is greater than max"},
		{"randomString zero", "{{ $randomString(0) }}", "f:1:4: `$randomString(0)`: $randomString: the length must be an integer from 1 to 1048576"},
		{"randomString huge", "{{ $randomString(99999999) }}", "f:1:4: `$randomString(99999999)`: $randomString: the length must be an integer from 1 to 1048576"},
		{"randomString two", "{{ $randomString(1, 2) }}", "f:1:4: `$randomString(1, 2)`: $randomString takes one length: $randomString(10)"},
		{"uuid args", "{{ $uuid(4) }}", "f:1:4: `$uuid(4)`: $uuid takes no arguments"},
		{"env without name", "{{ $env }}", "f:1:4: `$env`: $env needs a variable name: $env.NAME"},
		{"env bad name", "{{ $env.A.B }}", "f:1:4: `$env.A.B`: $env needs a variable name: $env.NAME"},
		{"loopCount path", "{{ $loopCount.x }}", "f:1:4: `$loopCount.x`: $loopCount has no fields"},
		{"vu other", "{{ $vu.name }}", "f:1:4: `$vu.name`: the only $vu field is $vu.id"},
		{"unknown builtin", "a{{ $now }}", "f:1:5: `$now`: unknown built-in `$now` (known: $randomNumber, $randomString, $uuid, $env, $processEnvironment, $file, $loopCount, $loopElement, $vu.id, $group.id, $group.member, $group.size, $stamp)"},
		// The column counts runes, not bytes.
		{"unicode prefix", "é€{{ }}", "f:1:3: empty placeholder `{{ }}`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTemplate(tt.src, Pos{File: "f", Line: 1, Col: 1})
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 1 {
				t.Fatalf("ParseTemplate(%q) error = %v; want one Problem", tt.src, err)
			}
			if got := ps[0].String(); got != tt.want {
				t.Errorf("ParseTemplate(%q):\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

// A template error on a later line of a multi-line string keeps the
// string's own position: columns there would not be meaningful.
func TestParseTemplateMultiLineErrorKeepsPos(t *testing.T) {
	_, err := ParseTemplate("line one\n{{ }}", Pos{File: "f", Line: 2, Col: 5})
	if err == nil || err.Error() != "f:2:5: empty placeholder `{{ }}`" {
		t.Errorf("error = %v", err)
	}
}

func TestTemplateIsConst(t *testing.T) {
	for src, want := range map[string]bool{"": true, "abc": true, "a{{ b }}": false, "{{ $uuid }}": false} {
		tm, err := ParseTemplate(src, Pos{})
		if err != nil {
			t.Fatal(err)
		}
		if tm.IsConst() != want {
			t.Errorf("IsConst(%q) = %v, want %v", src, !want, want)
		}
	}
}
