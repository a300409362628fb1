package scenario

import (
	"strings"
	"testing"
)

func TestProblemsDocument(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'j'; i++ {
		prev := string(i - 1)
		bomb += string(i) + ": &" + string(i) + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
	}
	runProblemCases(t, []problemCase{
		// Nothing to parse.
		{name: "empty", src: "", want: []string{"s.yaml: the script is empty"}},
		// Only a comment is empty too.
		{name: "comment only", src: "# nothing here\n", want: []string{"s.yaml: the script is empty"}},
		// An explicit null document.
		{name: "null document", src: "~\n", want: []string{"s.yaml: the script is empty"}},
		// The root must be a mapping.
		{name: "root list", src: "- a\n- b\n", want: []string{"s.yaml:1:1: expected a mapping, got a list"}},
		// A misspelt root key, and the scenarios it leaves missing.
		{name: "root typo", src: "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalRate: 1}]\nscenario: []\n", want: []string{
			"s.yaml:1:1: `scenarios` is required: at least one scenario with a flow",
			"s.yaml:4:1: scenario: unknown key `scenario`; did you mean `scenarios`?",
		}},
		// Missing config and scenarios.
		{name: "missing sections", src: "after: {flow: [{log: bye}]}\n", want: []string{
			"s.yaml:1:1: `config` is required (with at least `phases`)",
			"s.yaml:1:1: `scenarios` is required: at least one scenario with a flow",
		}},
		// A YAML syntax error gets the line and its first non-blank column.
		{name: "syntax", src: "config:\n  target: http://t.test\n  phases: [\nscenarios: x\n", want: []string{"s.yaml:3:3: invalid YAML: did not find expected ',' or ']'"}},
		// A parser error on the first line, which yaml.v3 reports with no line.
		{name: "syntax first line", src: "config: [\n", want: []string{"s.yaml:2:1: invalid YAML: did not find expected node content"}},
		// A scanner error: an unterminated quoted string.
		{name: "unterminated quote", src: "config:\n  target: \"http://t.test\n", want: []string{"s.yaml:2:3: invalid YAML: found unexpected end of stream"}},
		// Tabs cannot indent YAML.
		{name: "tab indent", src: "config:\n\ttarget: x\n", want: []string{"s.yaml:2:1: invalid YAML: found character that cannot start any token"}},
		// A second document.
		{name: "two documents", src: cfgDoc("") + "---\nconfig: {}\n", want: []string{"s.yaml:5:1: a script is one YAML document; found a second one (remove the `---` separator)"}},
		// Duplicate keys.
		{name: "duplicate key", src: cfgDoc("") + tailFlow, want: []string{"s.yaml:5:1: scenarios: duplicate key `scenarios`"}},
		// An alias to an anchor that does not exist.
		{name: "unknown anchor", src: "config:\n  target: *nope\n", want: []string{"s.yaml:2:11: invalid YAML: alias `*nope` refers to no anchor"}},
		// An anchor that contains its own alias.
		{name: "self alias", src: "config: &c\n  x: *c\n", want: []string{"s.yaml:2:6: alias `*c` refers to an anchor that contains it"}},
		// Exponential alias expansion is rejected where it crosses the limit.
		{name: "alias bomb", src: bomb, want: []string{"s.yaml:5:36: document contains excessive aliasing (aliases expand to more than 100000 nodes)"}},
		// Not UTF-8.
		{name: "binary", src: "config: \xff\xfe\n", want: []string{"s.yaml: the script is not valid UTF-8 text"}},
		// A JavaScript hook at the top level.
		{name: "root js key", src: "processor: x.js\n" + cfgDoc(""), want: []string{"s.yaml:1:1: processor: `processor` needs Artillery's JavaScript (a processor function), which loadgo does not run"}},
		// Merge keys must merge mappings.
		{name: "bad merge", src: "config:\n  <<: [1]\n  target: http://t.test\n  phases: [{duration: 1, arrivalRate: 1}]\n" + tailFlow, want: []string{"s.yaml:2:8: config: a merge key `<<` needs a mapping or a list of mappings, got the number 1"}},
		// Keys are strings.
		{name: "complex key", src: "config:\n  ? [a]\n  : 1\n", want: []string{
			"s.yaml:1:1: `scenarios` is required: at least one scenario with a flow",
			"s.yaml:2:3: config: `phases` is required: at least one phase says how much load to make",
			"s.yaml:2:5: config: mapping keys must be strings, got a list",
		}},
	})
}

// Deep nesting is bounded: by yaml.v3 for the document, and by loadgo for
// JSON bodies, whose problem is reported once at the first level too deep.
func TestProblemsDeepNesting(t *testing.T) {
	deepJSON := strings.Repeat("[", 9000) + strings.Repeat("]", 9000)
	runProblemCases(t, []problemCase{
		{name: "document", src: "config: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
			want: []string{"s.yaml:1:1: invalid YAML: exceeded max depth of 10000"}},
		{name: "json body", src: flowDoc("      - post: {url: /, json: " + deepJSON + "}\n"),
			want: []string{"s.yaml:6:95: scenarios[0].flow[0].post.json" + strings.Repeat("[0]", maxNesting+1) + ": nested more than 64 levels deep"}},
	})
}
