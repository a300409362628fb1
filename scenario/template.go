package scenario

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on built-in function arguments, so a typo cannot ask every VU for a
// gigabyte of random text.
const maxRandomString = 1 << 20

// ParseTemplate parses src, a string with "{{ expr }}" placeholders, into a
// Template positioned at pos. An expression is a variable ("name",
// "user.name", "items[0].id") or a built-in: $randomNumber(min, max),
// $randomString(n), $uuid, $env.NAME, $processEnvironment.NAME, $loopCount,
// $loopElement (with an optional path) and $vu.id.
//
// On error it returns Problems with one Problem whose column points at the
// offending placeholder when src is on one line. It does not check that
// variables exist or that loop built-ins are inside a loop; Load does.
func ParseTemplate(src string, pos Pos) (*Template, error) {
	t, _, err := parseTemplate(src)
	if err != nil {
		p := pos
		if p.Line > 0 && !strings.Contains(src[:err.off], "\n") {
			p.Col += utf8.RuneCountInString(src[:err.off])
		}
		return nil, Problems{{Pos: p, Msg: err.msg}}
	}
	t.Pos = pos
	return t, nil
}

// templateError is a template syntax error at byte offset off of the source.
type templateError struct {
	off int
	msg string
}

// parseTemplate splits src into text and placeholder parts. offs[i] is the
// byte offset of part i in src.
func parseTemplate(src string) (t *Template, offs []int, _ *templateError) {
	t = &Template{Src: src}
	textStart := 0
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			t.Parts = append(t.Parts, TemplatePart{Kind: PartText, Text: text.String()})
			offs = append(offs, textStart)
			text.Reset()
		}
	}
	i := 0
	for {
		j := strings.Index(src[i:], "{{")
		if j < 0 {
			text.WriteString(src[i:])
			break
		}
		open := i + j
		text.WriteString(src[i:open])
		k := strings.Index(src[open+2:], "}}")
		if k < 0 {
			return nil, nil, &templateError{open, "unterminated `{{` (missing `}}`)"}
		}
		part, err := parsePlaceholder(src[open+2:open+2+k], open+2)
		if err != nil {
			return nil, nil, err
		}
		flush()
		t.Parts = append(t.Parts, part)
		offs = append(offs, open)
		i = open + 2 + k + 2
		textStart = i
	}
	flush()
	return t, offs, nil
}

// parsePlaceholder parses the text between "{{" and "}}"; off is its offset
// in the template source.
func parsePlaceholder(inner string, off int) (TemplatePart, *templateError) {
	lead := len(inner) - len(strings.TrimLeft(inner, " \t"))
	expr := strings.TrimSpace(inner)
	off += lead
	if expr == "" {
		return TemplatePart{}, &templateError{off - lead - 2, "empty placeholder `{{ }}`"}
	}
	if expr[0] == '$' {
		return parseBuiltin(expr, off)
	}
	name, path, ok := parseVarPath(expr)
	if !ok {
		return TemplatePart{}, &templateError{off, "unsupported expression `" + clip(expr) +
			"`: a placeholder holds a variable name (user.name, items[0]) or a $ built-in"}
	}
	return TemplatePart{Kind: PartVar, Name: name, Path: path}, nil
}

// parseVarPath parses "name", "name.a.b" or "name.items[0].id".
func parseVarPath(s string) (string, []string, bool) {
	n := identLen(s)
	if n == 0 {
		return "", nil, false
	}
	name := s[:n]
	path, ok := parsePath(s[n:])
	return name, path, ok
}

// parsePath parses a tail of ".key" and "[N]" selectors.
func parsePath(s string) ([]string, bool) {
	var path []string
	for s != "" {
		switch s[0] {
		case '.':
			n := identLen(s[1:])
			if n == 0 {
				return nil, false
			}
			path = append(path, s[1:1+n])
			s = s[1+n:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 2 || !allDigits(s[1:end]) {
				return nil, false
			}
			path = append(path, s[1:end])
			s = s[end+1:]
		default:
			return nil, false
		}
	}
	return path, true
}

// identLen returns the length of the identifier at the start of s.
func identLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c == '-' || (c >= '0' && c <= '9')):
		default:
			return i
		}
	}
	return len(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseBuiltin parses a "$..." expression.
func parseBuiltin(expr string, off int) (TemplatePart, *templateError) {
	n := 1 + identLen(expr[1:])
	name, rest := expr[:n], expr[n:]
	bad := func(msg string) (TemplatePart, *templateError) {
		return TemplatePart{}, &templateError{off, "`" + clip(expr) + "`: " + msg}
	}
	switch name {
	case "$randomNumber":
		args, ok := callArgs(rest)
		if !ok || len(args) != 2 {
			return bad("$randomNumber takes two integers: $randomNumber(min, max)")
		}
		lo, err1 := strconv.ParseInt(args[0], 10, 64)
		hi, err2 := strconv.ParseInt(args[1], 10, 64)
		if err1 != nil || err2 != nil {
			return bad("$randomNumber takes two integers: $randomNumber(min, max)")
		}
		if lo > hi {
			return bad("$randomNumber: min is greater than max")
		}
		return TemplatePart{Kind: PartFunc, Name: name, Args: args}, nil
	case "$randomString":
		args, ok := callArgs(rest)
		if !ok || len(args) > 1 {
			return bad("$randomString takes one length: $randomString(10)")
		}
		if len(args) == 0 {
			args = []string{"10"} // Artillery's default length
		}
		if v, err := strconv.Atoi(args[0]); err != nil || v < 1 || v > maxRandomString {
			return bad("$randomString: the length must be an integer from 1 to " + strconv.Itoa(maxRandomString))
		}
		return TemplatePart{Kind: PartFunc, Name: name, Args: args}, nil
	case "$uuid":
		if rest != "" && strings.ReplaceAll(rest, " ", "") != "()" {
			return bad("$uuid takes no arguments")
		}
		return TemplatePart{Kind: PartFunc, Name: name}, nil
	case "$env", "$processEnvironment":
		if len(rest) < 2 || rest[0] != '.' || identLen(rest[1:]) != len(rest)-1 {
			return bad(name + " needs a variable name: " + name + ".NAME")
		}
		return TemplatePart{Kind: PartFunc, Name: "$env", Args: []string{rest[1:]}}, nil
	case "$loopCount":
		if rest != "" {
			return bad("$loopCount has no fields")
		}
		return TemplatePart{Kind: PartVar, Name: name}, nil
	case "$loopElement":
		path, ok := parsePath(rest)
		if !ok {
			return bad("expected $loopElement or $loopElement.field")
		}
		return TemplatePart{Kind: PartVar, Name: name, Path: path}, nil
	case "$vu":
		if rest != ".id" {
			return bad("the only $vu field is $vu.id")
		}
		return TemplatePart{Kind: PartVar, Name: name, Path: []string{"id"}}, nil
	case "$group", "$stamp":
		return parseRealtimeBuiltin(name, rest, bad)
	case "$file":
		return parseFileBuiltin(rest, bad)
	}
	return bad("unknown built-in `" + clip(name) + "` (known: $randomNumber, $randomString, $uuid, $env, $processEnvironment, $file, $loopCount, $loopElement, $vu.id, $group.id, $group.member, $group.size, $stamp)")
}

// callArgs parses "(a, b)" into trimmed arguments; "()" is no arguments.
func callArgs(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return nil, false
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	if inner == "" {
		return nil, true
	}
	args := strings.Split(inner, ",")
	for i := range args {
		args[i] = strings.TrimSpace(args[i])
	}
	return args, true
}

// usesLoop reports whether t references $loopCount or $loopElement.
func usesLoop(t *Template) string {
	for _, p := range t.Parts {
		if p.Kind == PartVar && (p.Name == "$loopCount" || p.Name == "$loopElement") {
			return p.Name
		}
	}
	return ""
}

// constTemplate makes a template that renders s literally.
func constTemplate(s string, pos Pos) *Template {
	t := &Template{Src: s, Pos: pos}
	if s != "" {
		t.Parts = []TemplatePart{{Kind: PartText, Text: s}}
	}
	return t
}
