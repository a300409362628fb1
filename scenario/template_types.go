package scenario

// Template is a string with "{{ ... }}" placeholders, parsed once at load
// time. The runner compiles it into a renderer that resolves names to slots,
// so rendering never re-parses.
type Template struct {
	// Src is the template's source text.
	Src   string
	Parts []TemplatePart
	Pos   Pos
}

// PartKind is the kind of a template part.
type PartKind uint8

const (
	// PartText is literal text (Text).
	PartText PartKind = iota
	// PartVar is a variable reference: Name with an optional dotted Path into
	// a structured value ("user.name" → Name "user", Path ["name"]). Built-in
	// variables keep their "$": "$loopCount", "$loopElement" (with Path),
	// "$vu" with Path ["id"].
	PartVar
	// PartFunc is a built-in function: Name is "$randomNumber" (Args min, max),
	// "$randomString" (Args n), "$uuid", or "$env" (Args [NAME]; written
	// "$env.NAME" or "$processEnvironment.NAME"), or "$file" (Args [path]
	// from ParseTemplate; [path, contents] once Load has read the file).
	PartFunc
)

// TemplatePart is one piece of a Template.
type TemplatePart struct {
	Kind PartKind
	Text string
	Name string
	Path []string
	Args []string
}

// IsConst reports whether the template has no placeholders.
func (t *Template) IsConst() bool {
	for _, p := range t.Parts {
		if p.Kind != PartText {
			return false
		}
	}
	return true
}
