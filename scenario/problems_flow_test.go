package scenario

import (
	"strings"
	"testing"
)

func TestProblemsScenarios(t *testing.T) {
	runProblemCases(t, []problemCase{
		// scenarios must be a non-empty list of mappings with a flow.
		{name: "empty", src: cfgHead + "scenarios: []\n", want: []string{"s.yaml:4:12: scenarios: at least one scenario is required"}},
		{name: "not a list", src: cfgHead + "scenarios: {flow: []}\n", want: []string{"s.yaml:4:12: scenarios: expected a list, got a mapping"}},
		{name: "null item", src: cfgHead + "scenarios: [~]\n", want: []string{"s.yaml:4:13: scenarios[0]: expected a scenario with a `flow`, got null"}},
		{name: "no flow", src: cfgHead + "scenarios: [{name: a}]\n", want: []string{"s.yaml:4:13: scenarios[0]: `flow` is required: the steps the scenario runs"}},
		{name: "empty flow", src: cfgHead + "scenarios: [{flow: []}]\n", want: []string{"s.yaml:4:20: scenarios[0].flow: at least one step is required"}},
		{name: "flow typo", src: cfgHead + "scenarios: [{flw: []}]\n", want: []string{"s.yaml:4:14: scenarios[0].flw: unknown key `flw`; did you mean `flow`?"}},
		// Only the http engine.
		{name: "engine", src: cfgHead + "scenarios: [{engine: socketio, flow: [{get: {url: /}}]}]\n", want: []string{"s.yaml:4:22: scenarios[0].engine: engine `socketio` is not supported (http or ws)"}},
		// Weights are integers ≥ 0, not all 0.
		{name: "negative weight", src: cfgHead + "scenarios: [{weight: -1, flow: [{get: {url: /}}]}]\n", want: []string{"s.yaml:4:22: scenarios[0].weight: -1 is too small: the minimum is 0"}},
		{name: "all weights zero", src: cfgHead + "scenarios: [{weight: 0, flow: [{get: {url: /}}]}]\n", want: []string{"s.yaml:4:12: scenarios: every scenario has weight 0, so none would run"}},
		// JavaScript hooks.
		{name: "hooks", src: cfgHead + "scenarios:\n  - beforeScenario: a\n    afterScenario: b\n    flow: [{get: {url: /}}]\n", want: []string{
			"s.yaml:5:5: scenarios[0].beforeScenario: `beforeScenario` needs Artillery's JavaScript (a processor function), which loadgo does not run",
			"s.yaml:6:5: scenarios[0].afterScenario: `afterScenario` needs Artillery's JavaScript (a processor function), which loadgo does not run",
		}},
		// before/after take a flow only.
		{name: "before typo", src: cfgDoc("") + "before: {flows: []}\n", want: []string{"s.yaml:5:10: before.flows: unknown key `flows`; did you mean `flow`?"}},
		{name: "before empty", src: cfgDoc("") + "before: {flow: []}\n", want: []string{"s.yaml:5:16: before.flow: at least one step is required"}},
	})
}

func TestProblemsSteps(t *testing.T) {
	var nested strings.Builder
	for i := range maxLoopDepth + 1 {
		ind := strings.Repeat("  ", i)
		nested.WriteString("      " + ind + "- count: 1\n      " + ind + "  loop:\n")
	}
	nested.WriteString("      " + strings.Repeat("  ", maxLoopDepth+1) + "- log: deep\n")
	runProblemCases(t, []problemCase{
		// A step is a mapping with exactly one action.
		{name: "null step", src: flowDoc("      - ~\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0]: expected a step, got null"}},
		{name: "string step", src: flowDoc("      - get /\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0]: expected a mapping, got the string \"get /\""}},
		{name: "no action", src: flowDoc("      - {}\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0]: a step needs one action: get, post, put, patch, delete, head, options, think, loop, log or metric"}},
		{name: "two actions", src: flowDoc("      - {get: {url: /}, post: {url: /}}\n"), want: []string{"s.yaml:6:25: scenarios[0].flow[0].post: a step has exactly one action; this one has `get` and `post`"}},
		{name: "action typo", src: flowDoc("      - gett: {url: /}\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0].gett: unknown key `gett`; did you mean `get`?"}},
		// Sibling keys belong to their action.
		{name: "count next to get", src: flowDoc("      - {get: {url: /}, count: 2}\n"), want: []string{"s.yaml:6:25: scenarios[0].flow[0].count: `count` belongs next to `loop`, not `get`"}},
		{name: "jitter next to loop", src: flowDoc("      - {loop: [{log: x}], count: 2, jitter: 0.1}\n"), want: []string{"s.yaml:6:38: scenarios[0].flow[0].jitter: `jitter` belongs next to `think`, not `loop`"}},
		// JavaScript and unsupported steps.
		{name: "function", src: flowDoc("      - function: doIt\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0].function: `function` needs Artillery's JavaScript (a processor function), which loadgo does not run"}},
		{name: "whileTrue", src: flowDoc("      - {loop: [{log: x}], whileTrue: more}\n"), want: []string{"s.yaml:6:28: scenarios[0].flow[0].whileTrue: `whileTrue` needs Artillery's JavaScript (a processor function), which loadgo does not run"}},
		{name: "parallel", src: flowDoc("      - parallel: [{get: {url: /}}]\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0].parallel: `parallel` steps are not supported"}},
		// think.
		{name: "think bad", src: flowDoc("      - think: forever\n"), want: []string{"s.yaml:6:16: scenarios[0].flow[0].think: invalid duration \"forever\": use seconds (30) or a number with a unit (500ms, 30s, 2m, 10min, 1h)"}},
		{name: "think negative", src: flowDoc("      - think: -1\n"), want: []string{"s.yaml:6:16: scenarios[0].flow[0].think: duration \"-1\" is negative"}},
		{name: "think jitter", src: flowDoc("      - {think: 1, jitter: 2}\n"), want: []string{"s.yaml:6:28: scenarios[0].flow[0].jitter: 2 is too large: the maximum is 1"}},
		{name: "think jitter percent", src: flowDoc("      - {think: 1, jitter: '150%'}\n"), want: []string{"s.yaml:6:28: scenarios[0].flow[0].jitter: expected a percentage from 0% to 100%, got the string \"150%\""}},
		{name: "think no duration", src: flowDoc("      - think: {jitter: 0.1}\n"), want: []string{"s.yaml:6:16: scenarios[0].flow[0].think: `duration` is required"}},
		{name: "think double jitter", src: flowDoc("      - {think: {duration: 1, jitter: 0.1}, jitter: 0.2}\n"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].jitter: jitter is already set inside `think`"}},
		{name: "think template", src: flowDoc("      - think: '{{ pause }}'\n"), want: []string{"s.yaml:6:17: scenarios[0].flow[0].think: unknown variable `pause`: define it in config.variables, a payload's fields or a capture's `as`"}},
		// loop.
		{name: "loop endless", src: flowDoc("      - loop: [{log: x}]\n"), want: []string{"s.yaml:6:9: scenarios[0].flow[0].loop: a loop needs `count` or `over` (loadgo does not run endless loops)"}},
		{name: "loop zero", src: flowDoc("      - {loop: [{log: x}], count: 0}\n"), want: []string{"s.yaml:6:35: scenarios[0].flow[0].count: 0 is too small: the minimum is 1"}},
		{name: "loop count string", src: flowDoc("      - {loop: [{log: x}], count: many}\n"), want: []string{"s.yaml:6:35: scenarios[0].flow[0].count: expected a positive integer or a template like \"{{ n }}\", got the string \"many\""}},
		{name: "loop both", src: flowDoc("      - {loop: [{log: x}], count: 1, over: [a]}\n"), want: []string{"s.yaml:6:38: scenarios[0].flow[0].over: a loop has `count` or `over`, not both"}},
		{name: "loop over empty", src: flowDoc("      - {loop: [{log: x}], over: []}\n"), want: []string{"s.yaml:6:34: scenarios[0].flow[0].over: the list to loop over is empty"}},
		{name: "loop over bad name", src: flowDoc("      - {loop: [{log: x}], over: 'a b'}\n"), want: []string{"s.yaml:6:34: scenarios[0].flow[0].over: expected a list or the name of a variable holding one, got the string \"a b\""}},
		{name: "loop over unknown", src: flowDoc("      - {loop: [{log: x}], over: items}\n"), want: []string{"s.yaml:6:34: scenarios[0].flow[0].over: unknown variable `items`: define it in config.variables, a payload's fields or a capture's `as`"}},
		{name: "loop body empty", src: flowDoc("      - {loop: [], count: 1}\n"), want: []string{"s.yaml:6:16: scenarios[0].flow[0].loop: at least one step is required"}},
		{name: "loop too deep", src: flowDoc(nested.String()), want: []string{"s.yaml:39:41: scenarios[0].flow[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop[0].loop: loops are nested more than 16 deep"}},
		// Loop built-ins outside a loop, and in a loop's own count.
		{name: "loopCount outside", src: flowDoc("      - log: 'n={{ $loopCount }}'\n"), want: []string{"s.yaml:6:17: scenarios[0].flow[0].log: `$loopCount` is only available inside a loop"}},
		{name: "loopElement in count", src: flowDoc("      - {loop: [{log: '{{ $loopElement }}'}], count: '{{ $loopElement }}'}\n"), want: []string{"s.yaml:6:55: scenarios[0].flow[0].count: `$loopElement` is only available inside a loop"}},
		// log.
		{name: "log unterminated", src: flowDoc("      - log: 'a {{ b'\n"), want: []string{"s.yaml:6:17: scenarios[0].flow[0].log: unterminated `{{` (missing `}}`)"}},
		{name: "log list", src: flowDoc("      - log: [a]\n"), want: []string{"s.yaml:6:14: scenarios[0].flow[0].log: expected a string, got a list"}},
	})
}

func TestProblemsRequests(t *testing.T) {
	runProblemCases(t, []problemCase{
		// url is required and must be a usable URL.
		{name: "no url", src: flowDoc("      - get: {name: x}\n"), want: []string{"s.yaml:6:14: scenarios[0].flow[0].get: `url` is required"}},
		{name: "null request", src: flowDoc("      - get:\n"), want: []string{"s.yaml:6:13: scenarios[0].flow[0].get: expected a mapping with at least `url`, got null"}},
		{name: "scalar request", src: flowDoc("      - get: /path\n"), want: []string{"s.yaml:6:14: scenarios[0].flow[0].get: expected a mapping, got the string \"/path\""}},
		{name: "empty url", src: flowDoc("      - get: {url: ''}\n"), want: []string{"s.yaml:6:20: scenarios[0].flow[0].get.url: the URL is empty"}},
		{name: "ftp url", src: flowDoc("      - get: {url: 'ftp://x/y'}\n"), want: []string{"s.yaml:6:20: scenarios[0].flow[0].get.url: only http:// and https:// URLs are supported, got \"ftp://x/y\""}},
		{name: "bad absolute url", src: flowDoc("      - get: {url: 'http://'}\n"), want: []string{"s.yaml:6:20: scenarios[0].flow[0].get.url: invalid URL \"http://\""}},
		{name: "empty name", src: flowDoc("      - get: {url: /, name: ''}\n"), want: []string{"s.yaml:6:29: scenarios[0].flow[0].get.name: a request name cannot be empty"}},
		// Unknown variables point at the placeholder, with a suggestion
		// when one is close.
		{name: "unknown variable", src: cfgHead + "  variables: {userId: 1}\nscenarios:\n  - flow:\n      - get: {url: '/u/{{ userid }}/{{ other }}'}\n", want: []string{
			"s.yaml:7:24: scenarios[0].flow[0].get.url: unknown variable `userid`; did you mean `userId`?",
			"s.yaml:7:37: scenarios[0].flow[0].get.url: unknown variable `other`: define it in config.variables, a payload's fields or a capture's `as`",
		}},
		// Misspelt and unsupported request keys.
		{name: "request typo", src: flowDoc("      - get: {url: /, header: {a: b}}\n"), want: []string{"s.yaml:6:23: scenarios[0].flow[0].get.header: unknown key `header`; did you mean `headers`?"}},
		{name: "unsupported keys", src: flowDoc("      - get: {url: /, cookie: {a: b}, auth: {user: u}}\n"), want: []string{
			"s.yaml:6:23: scenarios[0].flow[0].get.cookie: `cookie` is not supported; send a Cookie header with `headers`",
			"s.yaml:6:39: scenarios[0].flow[0].get.auth: `auth` is not supported; send an Authorization header with `headers`",
		}},
		{name: "js request hooks", src: flowDoc("      - get: {url: /, beforeRequest: sign, afterResponse: check}\n"), want: []string{
			"s.yaml:6:23: scenarios[0].flow[0].get.beforeRequest: `beforeRequest` needs Artillery's JavaScript (a processor function), which loadgo does not run",
			"s.yaml:6:44: scenarios[0].flow[0].get.afterResponse: `afterResponse` needs Artillery's JavaScript (a processor function), which loadgo does not run",
		}},
		// One body.
		{name: "two bodies", src: flowDoc("      - post: {url: /, json: {}, form: {a: 1}}\n"), want: []string{"s.yaml:6:34: scenarios[0].flow[0].post.form: a request has one body: `json`, `body` or `form`; this one also has `json`"}},
		// Wrong shapes.
		{name: "headers list", src: flowDoc("      - get: {url: /, headers: [a]}\n"), want: []string{"s.yaml:6:32: scenarios[0].flow[0].get.headers: expected a mapping, got a list"}},
		{name: "qs nested", src: flowDoc("      - get: {url: /, qs: {a: {b: 1}}}\n"), want: []string{"s.yaml:6:31: scenarios[0].flow[0].get.qs.a: expected a string, got a mapping"}},
		{name: "body mapping", src: flowDoc("      - post: {url: /, body: {a: 1}}\n"), want: []string{"s.yaml:6:30: scenarios[0].flow[0].post.body: expected a string, got a mapping"}},
		{name: "json infinity", src: flowDoc("      - post: {url: /, json: {a: .inf}}\n"), want: []string{"s.yaml:6:34: scenarios[0].flow[0].post.json.a: the number .inf cannot be written in JSON"}},
		{name: "json bad template", src: flowDoc("      - post: {url: /, json: {a: ['{{ }}']}}\n"), want: []string{"s.yaml:6:36: scenarios[0].flow[0].post.json.a[0]: empty placeholder `{{ }}`"}},
		// ifTrue.
		{name: "ifTrue assign", src: flowDoc("      - get: {url: /, ifTrue: 'a = 1'}\n"), want: []string{"s.yaml:6:34: scenarios[0].flow[0].get.ifTrue: use `==` to compare, not `=`"}},
		{name: "ifTrue and", src: flowDoc("      - get: {url: /, ifTrue: 'a and b'}\n"), want: []string{"s.yaml:6:32: scenarios[0].flow[0].get.ifTrue: `a and b`: ifTrue supports `name` or `name OP value` (OP one of == != < <= > >=)"}},
		{name: "ifTrue unknown", src: flowDoc("      - get: {url: /, ifTrue: 'count > 2'}\n"), want: []string{"s.yaml:6:32: scenarios[0].flow[0].get.ifTrue: unknown variable `count`: define it in config.variables, a payload's fields or a capture's `as`"}},
		{name: "ifTrue unterminated", src: flowDoc("      - get: {url: /, ifTrue: \"x == 'a\"}\n"), want: []string{"s.yaml:6:37: scenarios[0].flow[0].get.ifTrue: unterminated string 'a"}},
		{name: "ifTrue missing value", src: flowDoc("      - get: {url: /, ifTrue: 'x <='}\n"), want: []string{"s.yaml:6:36: scenarios[0].flow[0].get.ifTrue: missing the value to compare with after `<=`"}},
	})
}

func TestProblemsCapturesExpects(t *testing.T) {
	req := func(rest string) string { return flowDoc("      - get: {url: /, " + rest + "}\n") }
	runProblemCases(t, []problemCase{
		// Captures.
		{name: "capture no as", src: req("capture: {json: $.id}"), want: []string{"s.yaml:6:32: scenarios[0].flow[0].get.capture: `as` is required: the variable the captured value goes into"}},
		{name: "capture no kind", src: req("capture: {as: x}"), want: []string{"s.yaml:6:32: scenarios[0].flow[0].get.capture: a capture needs one of `json`, `regexp` or `header`"}},
		{name: "capture two kinds", src: req("capture: {json: $.id, header: x-id, as: x}"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].get.capture.header: a capture has one of `json`, `regexp` or `header`; this one also has `json`"}},
		{name: "capture jsonpath", src: req("capture: {json: id, as: x}"), want: []string{"s.yaml:6:39: scenarios[0].flow[0].get.capture.json: a JSONPath expression starts with `$`, e.g. $.id"}},
		{name: "capture regexp", src: req("capture: {regexp: 'a(b', as: x}"), want: []string{"s.yaml:6:41: scenarios[0].flow[0].get.capture.regexp: invalid regexp (RE2 syntax): missing closing ): `a(b`"}},
		{name: "capture lookahead", src: req("capture: {regexp: 'a(?=b)', as: x}"), want: []string{"s.yaml:6:41: scenarios[0].flow[0].get.capture.regexp: invalid regexp (RE2 syntax): invalid or unsupported Perl syntax: `(?=`"}},
		{name: "capture group number", src: req("capture: {regexp: 'a(b)', group: 2, as: x}"), want: []string{"s.yaml:6:56: scenarios[0].flow[0].get.capture.group: 2 is too large: the maximum is 1"}},
		{name: "capture group name", src: req("capture: {regexp: 'a(?P<n>b)', group: m, as: x}"), want: []string{"s.yaml:6:61: scenarios[0].flow[0].get.capture.group: the regexp has no group named \"m\""}},
		{name: "capture group on json", src: req("capture: {json: $.a, group: 1, as: x}"), want: []string{"s.yaml:6:44: scenarios[0].flow[0].get.capture.group: `group` applies to regexp captures only"}},
		{name: "capture flags", src: req("capture: {regexp: a, flags: x, as: x}"), want: []string{"s.yaml:6:51: scenarios[0].flow[0].get.capture.flags: unsupported regexp flags \"x\": use i, m, s or g"}},
		{name: "capture as name", src: req("capture: {json: $.a, as: 'a b'}"), want: []string{"s.yaml:6:48: scenarios[0].flow[0].get.capture.as: invalid variable name \"a b\": use letters, digits, `_` and `-`, starting with a letter"}},
		{name: "capture html", src: req("capture: {selector: 'a', as: x}"), want: []string{"s.yaml:6:33: scenarios[0].flow[0].get.capture.selector: `selector` captures are not supported; use json, regexp or header"}},
		{name: "capture transform", src: req("capture: {json: $.a, as: x, transform: 'x * 2'}"), want: []string{"s.yaml:6:51: scenarios[0].flow[0].get.capture.transform: `transform` needs Artillery's JavaScript (a processor function), which loadgo does not run"}},
		{name: "capture typo", src: req("capture: [{json: $.a, ass: x}]"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].get.capture[0].ass: unknown key `ass`; did you mean `as`?"}},
		{name: "capture header name", src: req("capture: {header: 'x id', as: x}"), want: []string{"s.yaml:6:41: scenarios[0].flow[0].get.capture.header: invalid header name \"x id\""}},
		{name: "capture strict", src: req("capture: {json: $.a, as: x, strict: 'no'}"), want: []string{"s.yaml:6:59: scenarios[0].flow[0].get.capture.strict: expected true or false, got the string \"no\""}},
		// Expectations.
		{name: "status range", src: req("expect: [{statusCode: 700}]"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].get.expect[0].statusCode: 700 is too large: the maximum is 599"}},
		{name: "status string", src: req("expect: [{statusCode: ok}]"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].get.expect[0].statusCode: expected an integer, got the string \"ok\""}},
		{name: "status empty list", src: req("expect: [{statusCode: []}]"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].get.expect[0].statusCode: expected at least one status code"}},
		{name: "equals one", src: req("expect: [{equals: ['a']}]"), want: []string{"s.yaml:6:41: scenarios[0].flow[0].get.expect[0].equals: `equals` compares a list of at least two values"}},
		{name: "equals scalar", src: req("expect: [{equals: a}]"), want: []string{"s.yaml:6:41: scenarios[0].flow[0].get.expect[0].equals: expected a list, got the string \"a\""}},
		{name: "contentType empty", src: req("expect: {contentType: ''}"), want: []string{"s.yaml:6:45: scenarios[0].flow[0].get.expect.contentType: expected a non-empty string"}},
		{name: "unsupported expect", src: req("expect: [{notHasProperty: a}]"), want: []string{"s.yaml:6:33: scenarios[0].flow[0].get.expect[0].notHasProperty: the expectation `notHasProperty` is not supported"}},
		{name: "expect typo", src: req("expect: [{statuscode: 200}]"), want: []string{"s.yaml:6:33: scenarios[0].flow[0].get.expect[0].statuscode: unknown key `statuscode`; did you mean `statusCode`?"}},
		{name: "expect two keys", src: req("expect: [{statusCode: 200, hasProperty: a}]"), want: []string{"s.yaml:6:32: scenarios[0].flow[0].get.expect[0]: each expectation is a mapping with one key, e.g. `- statusCode: 200`"}},
		{name: "expect scalar", src: req("expect: 200"), want: []string{"s.yaml:6:31: scenarios[0].flow[0].get.expect: expected a mapping, got the number 200"}},
	})
}
