package scenario

import "testing"

func TestProblemsPhases(t *testing.T) {
	runProblemCases(t, []problemCase{
		// A misspelt key gets a suggestion (case-insensitive match).
		{name: "rampto", src: phaseDoc("    - {duration: 10, arrivalRate: 1, rampto: 5}\n"), want: []string{"s.yaml:4:38: config.phases[0].rampto: unknown key `rampto`; did you mean `rampTo`?"}},
		// A misspelt key within edit distance 2.
		{name: "arivalRate", src: phaseDoc("    - {duration: 10, arivalRate: 1}\n"), want: []string{"s.yaml:4:22: config.phases[0].arivalRate: unknown key `arivalRate`; did you mean `arrivalRate`?"}},
		// No load key at all.
		{name: "no kind", src: phaseDoc("    - {duration: 10}\n"), want: []string{"s.yaml:4:7: config.phases[0]: a phase needs one of `arrivalRate`, `arrivalCount`, `pause` or `vus`"}},
		// Two load keys.
		{name: "two kinds", src: phaseDoc("    - {duration: 10, arrivalRate: 1, vus: 3}\n"), want: []string{"s.yaml:4:38: config.phases[0].vus: a phase has exactly one of `arrivalRate`, `arrivalCount`, `pause` or `vus`; this one has `arrivalRate` and `vus`"}},
		// duration is required for load phases.
		{name: "no duration", src: phaseDoc("    - {arrivalRate: 1}\n"), want: []string{"s.yaml:4:7: config.phases[0]: `duration` is required"}},
		// Durations must be positive and well-formed.
		{name: "zero duration", src: phaseDoc("    - {duration: 0, arrivalRate: 1}\n"), want: []string{"s.yaml:4:18: config.phases[0].duration: duration must be greater than zero"}},
		{name: "bad duration", src: phaseDoc("    - {duration: soon, arrivalRate: 1}\n"), want: []string{"s.yaml:4:18: config.phases[0].duration: invalid duration \"soon\": use seconds (30) or a number with a unit (500ms, 30s, 2m, 10min, 1h)"}},
		{name: "negative duration", src: phaseDoc("    - {duration: -5, arrivalRate: 1}\n"), want: []string{"s.yaml:4:18: config.phases[0].duration: duration \"-5\" is negative"}},
		{name: "duration mapping", src: phaseDoc("    - {duration: {s: 1}, arrivalRate: 1}\n"), want: []string{"s.yaml:4:18: config.phases[0].duration: expected a duration (seconds, or a string like \"30s\" or \"2m\"), got a mapping"}},
		// Rates are numbers ≥ 0 and not both zero.
		{name: "negative rate", src: phaseDoc("    - {duration: 1, arrivalRate: -1}\n"), want: []string{"s.yaml:4:34: config.phases[0].arrivalRate: -1 is too small: the minimum is 0"}},
		{name: "zero rate", src: phaseDoc("    - {duration: 1, arrivalRate: 0}\n"), want: []string{"s.yaml:4:34: config.phases[0].arrivalRate: an arrivalRate of 0 with no rampTo makes no load"}},
		{name: "rate string", src: phaseDoc("    - {duration: 1, arrivalRate: fast}\n"), want: []string{"s.yaml:4:34: config.phases[0].arrivalRate: expected a number, got the string \"fast\""}},
		{name: "rate mapping", src: phaseDoc("    - {duration: 1, arrivalRate: {a: 1}}\n"), want: []string{"s.yaml:4:34: config.phases[0].arrivalRate: expected a number, got a mapping"}},
		{name: "rate huge", src: phaseDoc("    - {duration: 1, arrivalRate: 1e12}\n"), want: []string{"s.yaml:4:34: config.phases[0].arrivalRate: 1e+12 is too large: the maximum is 1e+09"}},
		{name: "rate infinite", src: phaseDoc("    - {duration: 1, arrivalRate: .inf}\n"), want: []string{"s.yaml:4:34: config.phases[0].arrivalRate: expected a finite number, got .inf"}},
		// A ramp from 0 is fine; a ramp with a negative target is not.
		{name: "negative rampTo", src: phaseDoc("    - {duration: 1, arrivalRate: 0, rampTo: -2}\n"), want: []string{"s.yaml:4:45: config.phases[0].rampTo: -2 is too small: the minimum is 0"}},
		// Counts are positive integers.
		{name: "zero count", src: phaseDoc("    - {duration: 1, arrivalCount: 0}\n"), want: []string{"s.yaml:4:35: config.phases[0].arrivalCount: 0 is too small: the minimum is 1"}},
		{name: "fractional count", src: phaseDoc("    - {duration: 1, arrivalCount: 2.5}\n"), want: []string{"s.yaml:4:35: config.phases[0].arrivalCount: expected an integer, got the number 2.5"}},
		{name: "huge count", src: phaseDoc("    - {duration: 1, arrivalCount: 99999999999999999999999}\n"), want: []string{"s.yaml:4:35: config.phases[0].arrivalCount: integer 99999999999999999999999 is out of range"}},
		{name: "rampTo with count", src: phaseDoc("    - {duration: 1, arrivalCount: 5, rampTo: 9}\n"), want: []string{"s.yaml:4:38: config.phases[0].rampTo: `rampTo` applies to arrivalRate and vus phases"}},
		// Closed-model phases.
		{name: "zero vus", src: phaseDoc("    - {duration: 1, vus: 0}\n"), want: []string{"s.yaml:4:26: config.phases[0].vus: vus 0 with no rampTo makes no load"}},
		{name: "fractional vus rampTo", src: phaseDoc("    - {duration: 1, vus: 1, rampTo: 2.5}\n"), want: []string{"s.yaml:4:37: config.phases[0].rampTo: expected an integer, got the number 2.5"}},
		{name: "maxVusers with vus", src: phaseDoc("    - {duration: 1, vus: 1, maxVusers: 5}\n"), want: []string{"s.yaml:4:29: config.phases[0].maxVusers: `maxVusers` applies to arrival phases; a vus phase runs exactly `vus` users"}},
		{name: "zero maxVusers", src: phaseDoc("    - {duration: 1, arrivalRate: 1, maxVusers: 0}\n"), want: []string{"s.yaml:4:48: config.phases[0].maxVusers: 0 is too small: the minimum is 1"}},
		// Pause phases.
		{name: "pause with duration", src: phaseDoc("    - {pause: 5, duration: 5}\n"), want: []string{"s.yaml:4:18: config.phases[0].duration: `duration` does not apply to a pause phase: `pause` is its length"}},
		{name: "pause zero", src: phaseDoc("    - {pause: 0}\n"), want: []string{"s.yaml:4:15: config.phases[0].pause: duration must be greater than zero"}},
		{name: "pause with rampTo", src: phaseDoc("    - {pause: 1, rampTo: 5}\n"), want: []string{"s.yaml:4:18: config.phases[0].rampTo: `rampTo` does not apply to a pause phase"}},
		// Names: unique, non-empty; defaults count too.
		{name: "duplicate names", src: phaseDoc("    - {duration: 1, arrivalRate: 1, name: a}\n    - {duration: 1, arrivalRate: 1, name: a}\n"), want: []string{"s.yaml:5:7: config.phases[1]: duplicate phase name \"a\": phase names must be unique"}},
		{name: "default name clash", src: phaseDoc("    - {duration: 1, arrivalRate: 1, name: phase 2}\n    - {duration: 1, arrivalRate: 1}\n"), want: []string{"s.yaml:5:7: config.phases[1]: duplicate phase name \"phase 2\": phase names must be unique"}},
		{name: "empty name", src: phaseDoc("    - {duration: 1, arrivalRate: 1, name: ''}\n"), want: []string{"s.yaml:4:43: config.phases[0].name: a phase name cannot be empty"}},
		// A phase must be a mapping.
		{name: "phase scalar", src: phaseDoc("    - 10\n"), want: []string{"s.yaml:4:7: config.phases[0]: expected a mapping, got the number 10"}},
		// phases must be a non-empty list.
		{name: "phases empty", src: "config:\n  target: http://t.test\n  phases: []\n" + tailFlow, want: []string{"s.yaml:3:11: config.phases: at least one phase is required"}},
		{name: "phases scalar", src: "config:\n  target: http://t.test\n  phases: 5\n" + tailFlow, want: []string{"s.yaml:3:11: config.phases: expected a list, got the number 5"}},
		{name: "phases missing", src: "config:\n  target: http://t.test\n" + tailFlow, want: []string{"s.yaml:2:3: config: `phases` is required: at least one phase says how much load to make"}},
		// Every problem in one go, in document order.
		{name: "several", src: phaseDoc("    - {duration: x, arrivalRate: 1}\n    - {duration: 1, vus: -1}\n"), want: []string{
			"s.yaml:4:18: config.phases[0].duration: invalid duration \"x\": use seconds (30) or a number with a unit (500ms, 30s, 2m, 10min, 1h)",
			"s.yaml:5:26: config.phases[1].vus: -1 is too small: the minimum is 0",
		}},
	})
}

func TestProblemsConfig(t *testing.T) {
	runProblemCases(t, []problemCase{
		// Unknown config key with a suggestion.
		{name: "config typo", src: cfgDoc("  varibles: {a: 1}\n"), want: []string{"s.yaml:4:3: config.varibles: unknown key `varibles`; did you mean `variables`?"}},
		// Unknown config key without a close match lists the valid keys.
		{name: "config unknown", src: cfgDoc("  statsInterval: 10\n"), want: []string{"s.yaml:4:3: config.statsInterval: unknown key `statsInterval`; valid keys here: target, phases, defaults, http, tls, variables, payload, environments, ensure, plugins, processor, engines, groups, secrets"}},
		// config must be a mapping.
		{name: "config list", src: "config: [a]\n" + tailFlow, want: []string{"s.yaml:1:9: config: expected a mapping, got a list"}},
		// The target must be an absolute http(s) URL without templates.
		{name: "target ftp", src: "config:\n  target: ftp://t.test\n  phases: [{pause: 1}]\n" + tailFlow, want: []string{"s.yaml:2:11: config.target: the target must be an http://, https://, ws:// or wss:// URL, got \"ftp://t.test\""}},
		{name: "target no host", src: "config:\n  target: 'http://'\n  phases: [{pause: 1}]\n" + tailFlow, want: []string{"s.yaml:2:11: config.target: the target URL \"http://\" has no host"}},
		{name: "target template", src: "config:\n  target: 'http://{{ host }}'\n  phases: [{pause: 1}]\n" + tailFlow, want: []string{"s.yaml:2:11: config.target: templates are not supported in config.target; use config.environments with -e, or --target"}},
		{name: "target list", src: "config:\n  target: [a]\n  phases: [{pause: 1}]\n" + tailFlow, want: []string{"s.yaml:2:11: config.target: expected a string, got a list"}},
		// --target is checked too.
		{name: "flag target", src: cfgDoc(""), opts: LoadOptions{Target: "localhost:8080"}, want: []string{"--target: the target must be an http://, https://, ws:// or wss:// URL, got \"localhost:8080\""}},
		// A relative URL needs a target.
		{name: "no target", src: "config:\n  phases: [{pause: 1}]\n" + tailFlow, want: []string{"s.yaml:3:33: scenarios[0].flow[0].get.url: a relative URL needs config.target (or --target)"}},
		// config.http.
		{name: "http timeout zero", src: cfgDoc("  http: {timeout: 0}\n"), want: []string{"s.yaml:4:19: config.http.timeout: duration must be greater than zero"}},
		{name: "http timeout bool", src: cfgDoc("  http: {timeout: true}\n"), want: []string{"s.yaml:4:19: config.http.timeout: expected a duration (seconds, or a string like \"30s\" or \"2m\"), got the boolean true"}},
		{name: "http pool", src: cfgDoc("  http: {pool: 10}\n"), want: []string{"s.yaml:4:16: config.http.pool: expected `vu` (a connection pool per VU) or `shared`, got the number 10"}},
		{name: "http maxSockets", src: cfgDoc("  http: {maxSockets: 0}\n"), want: []string{"s.yaml:4:22: config.http.maxSockets: 0 is too small: the minimum is 1"}},
		{name: "http maxBodyBytes", src: cfgDoc("  http: {maxBodyBytes: -1}\n"), want: []string{"s.yaml:4:24: config.http.maxBodyBytes: -1 is too small: the minimum is 1"}},
		{name: "http unknown", src: cfgDoc("  http: {extendedMetrics: true}\n"), want: []string{"s.yaml:4:10: config.http.extendedMetrics: unknown key `extendedMetrics`; valid keys here: timeout, maxBodyBytes, pool, maxSockets, maxConnections, defaults"}},
		{name: "http defaults unknown", src: cfgDoc("  http: {defaults: {header: {a: b}}}\n"), want: []string{"s.yaml:4:21: config.http.defaults.header: unknown key `header`; did you mean `headers`?"}},
		// Headers: valid names, scalar values.
		{name: "header name", src: cfgDoc("  defaults: {headers: {'bad header': x}}\n"), want: []string{"s.yaml:4:24: config.defaults.headers.bad header: invalid header name `bad header`"}},
		{name: "header value list", src: cfgDoc("  defaults: {headers: {X-A: [1]}}\n"), want: []string{"s.yaml:4:29: config.defaults.headers.X-A: expected a string, got a list"}},
		{name: "defaults unknown", src: cfgDoc("  defaults: {think: {jitter: 1}}\n"), want: []string{"s.yaml:4:14: config.defaults.think: unknown key `think`; valid keys here: headers"}},
		// config.tls.
		{name: "tls bool", src: cfgDoc("  tls: {rejectUnauthorized: 'no'}\n"), want: []string{"s.yaml:4:29: config.tls.rejectUnauthorized: expected true or false, got the string \"no\""}},
		{name: "tls ca missing", src: cfgDoc("  tls: {ca: missing-ca.pem}\n"), want: []string{"s.yaml:4:13: config.tls.ca: cannot read the CA file: stat missing-ca.pem: no such file or directory"}},
		{name: "tls unknown", src: cfgDoc("  tls: {reject: false}\n"), want: []string{"s.yaml:4:9: config.tls.reject: unknown key `reject`; valid keys here: rejectUnauthorized, ca"}},
		// config.variables.
		{name: "variable name", src: cfgDoc("  variables: {'a b': 1}\n"), want: []string{"s.yaml:4:15: config.variables.a b: invalid variable name `a b`: use letters, digits, `_` and `-`, starting with a letter"}},
		{name: "variable empty list", src: cfgDoc("  variables: {a: []}\n"), want: []string{"s.yaml:4:18: config.variables.a: a list of values needs at least one value"}},
		{name: "variable mapping", src: cfgDoc("  variables: {a: {b: 1}}\n"), want: []string{"s.yaml:4:18: config.variables.a: expected a value or a list of values, got a mapping"}},
		{name: "variable list of lists", src: cfgDoc("  variables: {a: [x, [y]]}\n"), want: []string{"s.yaml:4:22: config.variables.a[1]: expected a value, got a list"}},
		{name: "variable null", src: cfgDoc("  variables: {a: ~}\n"), want: []string{"s.yaml:4:18: config.variables.a: expected a value or a list of values, got null"}},
		{name: "variable bad template", src: cfgDoc("  variables: {a: '{{ b'}\n"), want: []string{"s.yaml:4:19: config.variables.a: unterminated `{{` (missing `}}`)"}},
		// A JavaScript processor.
		{name: "processor", src: cfgDoc("  processor: ./f.js\n"), want: []string{"s.yaml:4:3: config.processor: JavaScript processors are not supported: loadgo does not run Artillery's JavaScript code"}},
	})
}

func TestProblemsPayload(t *testing.T) {
	runProblemCases(t, []problemCase{
		// path and fields are required.
		{name: "no path", src: cfgDoc("  payload: {fields: [a]}\n"), want: []string{"s.yaml:4:12: config.payload: `path` is required: the CSV file to read"}},
		{name: "no fields", src: cfgDoc("  payload: {path: x.csv}\n"), want: []string{"s.yaml:4:12: config.payload: `fields` is required: the names of the CSV columns"}},
		{name: "empty fields", src: cfgDoc("  payload: {path: x.csv, fields: []}\n"), want: []string{"s.yaml:4:34: config.payload.fields: at least one field is required"}},
		{name: "bad field", src: cfgDoc("  payload: {path: x.csv, fields: ['a b', a, a]}\n"), want: []string{
			"s.yaml:4:35: config.payload.fields[0]: invalid field name \"a b\": use letters, digits, `_` and `-`, starting with a letter",
			"s.yaml:4:45: config.payload.fields[2]: duplicate field `a`",
		}},
		// Artillery options loadgo does not support.
		{name: "loadAll", src: cfgDoc("  payload: {path: x.csv, fields: [a], loadAll: true, name: rows}\n"), want: []string{
			"s.yaml:4:39: config.payload.loadAll: `loadAll` is not supported: each VU gets one row of the payload",
			"s.yaml:4:54: config.payload.name: named payloads (`name`, used with loadAll) are not supported",
		}},
		// Wrong values.
		{name: "order", src: cfgDoc("  payload: {path: x.csv, fields: [a], order: shuffled}\n"), want: []string{"s.yaml:4:46: config.payload.order: expected `random` or `sequence`, got the string \"shuffled\""}},
		{name: "delimiter", src: cfgDoc("  payload: {path: x.csv, fields: [a], delimiter: ';;'}\n"), want: []string{"s.yaml:4:50: config.payload.delimiter: the delimiter must be one character other than a quote or a line break, got the string \";;\""}},
		{name: "delimiter quote", src: cfgDoc("  payload: {path: x.csv, fields: [a], delimiter: '\"'}\n"), want: []string{"s.yaml:4:50: config.payload.delimiter: the delimiter must be one character other than a quote or a line break, got the string \"\\\"\""}},
		{name: "skipHeader", src: cfgDoc("  payload: {path: x.csv, fields: [a], skipHeader: 1}\n"), want: []string{"s.yaml:4:51: config.payload.skipHeader: expected true or false, got the number 1"}},
		{name: "typo", src: cfgDoc("  payload: {path: x.csv, fields: [a], skipheader: true}\n"), want: []string{"s.yaml:4:39: config.payload.skipheader: unknown key `skipheader`; did you mean `skipHeader`?"}},
		// A missing file is reported at the path key.
		{name: "missing file", src: cfgDoc("  payload:\n    - path: no-such.csv\n      fields: [a]\n"), want: []string{"s.yaml:5:7: config.payload[0].path: cannot read the payload file: open no-such.csv: no such file or directory"}},
		// payload must be a mapping or a list of them.
		{name: "payload scalar", src: cfgDoc("  payload: x.csv\n"), want: []string{"s.yaml:4:12: config.payload: expected a mapping, got the string \"x.csv\""}},
		{name: "payload null item", src: cfgDoc("  payload: [~]\n"), want: []string{"s.yaml:4:13: config.payload[0]: expected a mapping with `path` and `fields`, got null"}},
	})
}

func TestProblemsEnvironments(t *testing.T) {
	envs := cfgDoc("  environments:\n    staging: {target: http://s.test}\n    prod:\n      targt: http://p.test\n")
	runProblemCases(t, []problemCase{
		// An unknown key inside any environment, selected or not.
		{name: "env typo", src: envs, want: []string{"s.yaml:7:7: config.environments.prod.targt: unknown key `targt`; did you mean `target`?"}},
		// An unknown environment lists the defined ones.
		{name: "unknown env", src: cfgDoc("  environments:\n    staging: {target: http://s.test}\n    dev: ~\n"), opts: LoadOptions{Environment: "qa"}, want: []string{"s.yaml:4:3: config.environments: unknown environment `qa` (-e); the script defines: staging, dev"}},
		// -e with no environments at all.
		{name: "no environments", src: cfgDoc(""), opts: LoadOptions{Environment: "qa"}, want: []string{"s.yaml:2:3: config: unknown environment `qa` (-e): the script defines no config.environments"}},
		// An environment must be a mapping.
		{name: "env scalar", src: cfgDoc("  environments:\n    staging: 5\n"), want: []string{"s.yaml:5:14: config.environments.staging: expected a mapping, got the number 5"}},
		// Problems in the selected environment's values are positioned there.
		{name: "env value", src: cfgDoc("  environments:\n    staging:\n      phases: [{duration: 0, arrivalRate: 1}]\n"), opts: LoadOptions{Environment: "staging"}, want: []string{"s.yaml:6:27: config.phases[0].duration: duration must be greater than zero"}},
		// Merged mappings keep their positions and report their problems.
		{name: "env merged http", src: cfgDoc("  http: {timeout: 5}\n  environments:\n    staging:\n      http: {pool: huge}\n"), opts: LoadOptions{Environment: "staging"}, want: []string{"s.yaml:7:20: config.http.pool: expected `vu` (a connection pool per VU) or `shared`, got the string \"huge\""}},
	})
}

func TestProblemsEnsure(t *testing.T) {
	named := "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalRate: 1, name: ramp}]\n  ensure:\n"
	tail := "scenarios: [{flow: [{get: {url: /, name: login}}]}]\n"
	runProblemCases(t, []problemCase{
		// Unknown keys under ensure get suggestions.
		{name: "ensure typo", src: named + "    maxErrorrate: 1\n    p96: 5\n" + tail, want: []string{
			"s.yaml:5:5: config.ensure.maxErrorrate: unknown key `maxErrorrate`; did you mean `maxErrorRate`?",
			"s.yaml:6:5: config.ensure.p96: unknown key `p96`; did you mean `p90`?",
		}},
		// Limits are numbers ≥ 0.
		{name: "negative limit", src: named + "    p95: -1\n" + tail, want: []string{"s.yaml:5:10: config.ensure.p95: -1 is too small: the minimum is 0"}},
		{name: "limit string", src: named + "    thresholds:\n      - http.response_time.p95: fast\n" + tail, want: []string{"s.yaml:6:33: config.ensure.thresholds[0].http.response_time.p95: expected a number, got the string \"fast\""}},
		// A bad metric name is positioned at the metric key.
		{name: "bad metric", src: named + "    thresholds:\n      - http.response_time.p100: 5\n" + tail, want: []string{"s.yaml:6:9: config.ensure.thresholds[0].http.response_time.p100: unknown statistic `p100`: use min, max, mean, median, p999 or pNN with 0 < NN < 100 (p95, p99.9)"}},
		// Selectors must name real requests and phases.
		{name: "unknown request", src: named + "    thresholds:\n      - http.response_time.p95{name:logn}: 5\n" + tail, want: []string{"s.yaml:6:9: config.ensure.thresholds[0].http.response_time.p95{name:logn}: unknown request name \"logn\"; known: \"login\""}},
		{name: "unknown phase", src: named + "    thresholds:\n      - http.requests: 5\n        phase: rmp\n" + tail, want: []string{"s.yaml:6:9: config.ensure.thresholds[0].http.requests: unknown phase name \"rmp\"; known: \"ramp\""}},
		// The selector and the name key cannot both set the request.
		{name: "selector and key", src: named + "    thresholds:\n      - http.requests{name:login}: 5\n        name: login\n" + tail, want: []string{"s.yaml:7:9: config.ensure.thresholds[0].name: the metric's selector already sets `name`"}},
		// vusers counters take no selector keys.
		{name: "vusers phase", src: named + "    thresholds:\n      - vusers.failed: 0\n        phase: ramp\n" + tail, want: []string{"s.yaml:6:9: config.ensure.thresholds[0].vusers.failed: `vusers.failed` counts VUs of the whole run and takes no name or phase"}},
		// One metric per item.
		{name: "two metrics", src: named + "    thresholds:\n      - http.requests: 5\n        http.errors: 1\n" + tail, want: []string{"s.yaml:7:9: config.ensure.thresholds[0].http.errors: a threshold names one metric; this one also has `http.requests`"}},
		{name: "no metric", src: named + "    thresholds:\n      - name: login\n" + tail, want: []string{"s.yaml:6:9: config.ensure.thresholds[0]: a threshold needs a metric and a limit, e.g. `- http.response_time.p99: 200`"}},
		{name: "threshold scalar", src: named + "    thresholds: [p95]\n" + tail, want: []string{"s.yaml:5:18: config.ensure.thresholds[0]: expected a mapping, got the string \"p95\""}},
		// Conditions: expression required, parsed, metrics checked.
		{name: "no expression", src: named + "    conditions:\n      - strict: true\n" + tail, want: []string{"s.yaml:6:9: config.ensure.conditions[0]: `expression` is required, e.g. \"http.response_time.p99 < 200\""}},
		{name: "bad expression", src: named + "    conditions:\n      - expression: \"http.response_time.p99 < 1 and\"\n" + tail, want: []string{"s.yaml:6:52: config.ensure.conditions[0].expression: expected a metric name (e.g. http.response_time.p99), a number, `not` or `(`, found the end"}},
		{name: "condition unknown phase", src: named + "    conditions:\n      - expression: \"http.errors{phase:x} < 1\"\n" + tail, want: []string{"s.yaml:6:22: config.ensure.conditions[0].expression: unknown phase name \"x\"; known: \"ramp\""}},
		{name: "condition typo", src: named + "    conditions:\n      - expresion: \"http.errors < 1\"\n" + tail, want: []string{"s.yaml:6:9: config.ensure.conditions[0].expresion: unknown key `expresion`; did you mean `expression`?"}},
		{name: "condition strict", src: named + "    conditions:\n      - {expression: \"http.errors < 1\", strict: maybe}\n" + tail, want: []string{"s.yaml:6:49: config.ensure.conditions[0].strict: expected true or false, got the string \"maybe\""}},
	})
}
