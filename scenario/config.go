package scenario

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Defaults applied when a script does not set them.
const (
	// DefaultTimeout is config.http.timeout's default, as in Artillery.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBodyBytes is config.http.maxBodyBytes's default.
	DefaultMaxBodyBytes = 10 << 20
)

var (
	configKeys   = []string{"target", "phases", "defaults", "http", "tls", "variables", "payload", "environments", "ensure", "plugins", "processor", "engines", "groups", "secrets"}
	envKeys      = []string{"target", "phases", "defaults", "http", "tls", "variables", "payload", "ensure", "plugins", "processor", "engines"}
	defaultsKeys = []string{"headers"}
	httpKeys     = []string{"timeout", "maxBodyBytes", "pool", "maxSockets", "maxConnections", "defaults"}
	tlsKeys      = []string{"rejectUnauthorized", "ca"}
)

// builtinPlugins are Artillery plugins whose job loadgo does itself, so
// naming them in config.plugins deserves no warning.
var builtinPlugins = map[string]bool{"ensure": true, "expect": true, "metrics-by-endpoint": true}

// config decodes the config section n.
func (d *decoder) config(n *yaml.Node) Config {
	cfg := Config{
		HTTP:        HTTPConfig{Timeout: DefaultTimeout, MaxBodyBytes: DefaultMaxBodyBytes},
		TLS:         TLSConfig{RejectUnauthorized: true},
		Environment: d.opts.Environment,
	}
	pairs, ok := d.mapping(n, "config")
	if !ok {
		d.badTarget = true
		return cfg
	}
	pairs = d.applyEnvironment(pairs, n)
	var defaultHeaders, httpHeaders []Header
	hasPhases := false
	for _, p := range pairs {
		path := join("config", p.key)
		switch p.key {
		case "target":
			cfg.Target, cfg.TargetPos = d.target(p.v, path)
		case "phases":
			hasPhases = true
			cfg.Phases = d.phases(p.v, path)
		case "defaults":
			defaultHeaders = d.defaults(p.v, path)
		case "http":
			httpHeaders = d.httpConfig(p.v, path, &cfg.HTTP)
		case "tls":
			d.tlsConfig(p.v, path, &cfg.TLS)
		case "variables":
			cfg.Variables = d.variables(p.v, path)
		case "payload":
			cfg.Payloads = d.payloads(p.v, path)
		case "ensure":
			cfg.Ensure = d.ensure(p.v, path)
		case "plugins":
			d.plugins(p.v, path)
		case "groups":
			cfg.Groups = d.groups(p.v, path)
		case "secrets":
			cfg.Secrets = d.secretNames(p.v, path)
		case "processor":
			d.errorf(p.k, path, "JavaScript processors are not supported: loadgo does not run Artillery's JavaScript code")
		case "environments", "engines":
			// environments was applied above; engines configure Artillery
			// engines loadgo does not load.
		default:
			d.unknownKey(p, "config", configKeys)
		}
	}
	cfg.Headers = mergeHeaders(defaultHeaders, httpHeaders)
	if d.opts.Target != "" {
		if msg := checkTarget(d.opts.Target); msg != "" {
			d.errorAt(Pos{}, "--target", msg)
		}
		cfg.Target, cfg.TargetPos = d.opts.Target, Pos{}
	}
	if !hasPhases {
		d.errorf(n, "config", "`phases` is required: at least one phase says how much load to make")
	}
	return cfg
}

// applyEnvironment checks config.environments and overlays the one chosen
// with -e onto the config pairs. As in Artillery, mappings merge key by key;
// lists and values replace.
func (d *decoder) applyEnvironment(pairs []pair, at *yaml.Node) []pair {
	var envKey *yaml.Node
	var envs []pair
	for _, p := range pairs {
		if p.key != "environments" {
			continue
		}
		envKey = p.k
		envs, _ = d.mapping(p.v, "config.environments")
		for _, e := range envs {
			path := join("config.environments", e.key)
			ps, _ := d.mapping(e.v, path)
			for _, k := range ps {
				if !contains(envKeys, k.key) {
					d.unknownKey(k, path, envKeys)
				}
			}
		}
	}
	name := d.opts.Environment
	if name == "" {
		return pairs
	}
	for _, e := range envs {
		if e.key == name {
			over, _ := d.mapping(e.v, join("config.environments", name))
			return d.overlay(pairs, over, "config")
		}
	}
	if envKey == nil {
		d.errorf(at, "config", "unknown environment `%s` (-e): the script defines no config.environments", clip(name))
		return pairs
	}
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e.key
	}
	msg := "unknown environment `" + clip(name) + "` (-e); the script defines: " + strings.Join(names, ", ")
	if len(names) == 0 {
		msg = "unknown environment `" + clip(name) + "` (-e): config.environments is empty"
	}
	d.errorf(envKey, "config.environments", "%s", msg)
	return pairs
}

// overlay returns base with over's pairs applied.
func (d *decoder) overlay(base, over []pair, path string) []pair {
	out := append([]pair(nil), base...)
	for _, o := range over {
		i := -1
		for j := range out {
			if out[j].key == o.key {
				i = j
				break
			}
		}
		if i < 0 {
			out = append(out, o)
			continue
		}
		b := deref(out[i].v)
		ov := deref(o.v)
		if b != nil && ov != nil && b.Kind == yaml.MappingNode && ov.Kind == yaml.MappingNode {
			kp := join(path, o.key)
			bp, _ := d.mapping(b, kp)
			op, _ := d.mapping(ov, kp)
			merged := d.overlay(bp, op, kp)
			node := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: ov.Line, Column: ov.Column}
			for _, p := range merged {
				node.Content = append(node.Content, p.k, p.v)
			}
			out[i] = pair{o.key, o.k, node}
			continue
		}
		out[i] = o
	}
	return out
}

// target decodes config.target.
func (d *decoder) target(n *yaml.Node, path string) (string, Pos) {
	d.badTarget = true
	s, ok := d.str(n, path)
	if !ok {
		return "", Pos{}
	}
	if strings.Contains(s, "{{") {
		d.errorf(n, path, "templates are not supported in config.target; use config.environments with -e, or --target")
		return "", Pos{}
	}
	if msg := checkTarget(s); msg != "" {
		d.errorf(n, path, "%s", msg)
		return "", Pos{}
	}
	d.badTarget = false
	return s, d.pos(n)
}

// checkTarget returns why s is not an absolute http(s) URL, or "".
func checkTarget(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "invalid URL " + quote(s) + ": " + strings.TrimPrefix(err.Error(), "parse "+quote(s)+": ")
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss" {
		return "the target must be an http://, https://, ws:// or wss:// URL, got " + quote(s)
	}
	if u.Hostname() == "" {
		return "the target URL " + quote(s) + " has no host"
	}
	return ""
}

// defaults decodes config.defaults and returns its headers.
func (d *decoder) defaults(n *yaml.Node, path string) []Header {
	pairs, _ := d.mapping(n, path)
	var hs []Header
	for _, p := range pairs {
		if p.key == "headers" {
			hs = d.headers(p.v, join(path, p.key))
			continue
		}
		d.unknownKey(p, path, defaultsKeys)
	}
	return hs
}

// httpConfig decodes config.http into h and returns config.http.defaults.headers.
func (d *decoder) httpConfig(n *yaml.Node, path string, h *HTTPConfig) []Header {
	pairs, _ := d.mapping(n, path)
	var hs []Header
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "timeout":
			if v, ok := d.duration(p.v, kp, false); ok {
				h.Timeout = v
			}
		case "maxBodyBytes":
			if v, ok := d.integer(p.v, kp, 1, 1<<40); ok {
				h.MaxBodyBytes = v
			}
		case "pool":
			s, ok := d.str(p.v, kp)
			switch {
			case !ok:
			case s == "vu":
				h.SharedPool = false
			case s == "shared":
				h.SharedPool = true
			default:
				d.errorf(p.v, kp, "expected `vu` (a connection pool per VU) or `shared`, got %s", describe(p.v))
			}
		case "maxSockets":
			if v, ok := d.integer(p.v, kp, 1, 1<<20); ok {
				h.MaxConnsPerVU = int(v)
			}
		case "maxConnections":
			if v, ok := d.integer(p.v, kp, 1, maxConnections); ok {
				h.MaxConnections = int(v)
			}
		case "defaults":
			dp, _ := d.mapping(p.v, kp)
			for _, q := range dp {
				if q.key == "headers" {
					hs = d.headers(q.v, join(kp, q.key))
					continue
				}
				d.unknownKey(q, kp, defaultsKeys)
			}
		default:
			d.unknownKey(p, path, httpKeys)
		}
	}
	return hs
}

// tlsConfig decodes config.tls into t.
func (d *decoder) tlsConfig(n *yaml.Node, path string, t *TLSConfig) {
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		switch p.key {
		case "rejectUnauthorized":
			if v, ok := d.boolean(p.v, kp); ok {
				t.RejectUnauthorized = v
			}
		case "ca":
			s, ok := d.str(p.v, kp)
			if !ok {
				continue
			}
			file := d.resolve(s)
			if _, err := os.Stat(file); err != nil {
				d.errorf(p.v, kp, "cannot read the CA file: %v", err)
				continue
			}
			t.CAFile = file
		default:
			d.unknownKey(p, path, tlsKeys)
		}
	}
}

// resolve makes a path from the script relative to the script's directory.
func (d *decoder) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.dir, p)
}

// variables decodes config.variables.
func (d *decoder) variables(n *yaml.Node, path string) []Variable {
	pairs, _ := d.mapping(n, path)
	var out []Variable
	for _, p := range pairs {
		kp := join(path, p.key)
		if !isIdent(p.key) {
			d.errorf(p.k, kp, "invalid variable name `%s`: use letters, digits, `_` and `-`, starting with a letter", clip(p.key))
			continue
		}
		d.defined[p.key] = true
		v := Variable{Name: p.key, Pos: d.pos(p.k)}
		dv := deref(p.v)
		switch {
		case dv.Kind == yaml.SequenceNode:
			if len(dv.Content) == 0 {
				d.errorf(p.v, kp, "a list of values needs at least one value")
				continue
			}
			for i, item := range dv.Content {
				if di := deref(item); di.Kind != yaml.ScalarNode {
					d.errorf(item, index(kp, i), "expected a value, got %s", describe(di))
					continue
				}
				if t := d.template(item, index(kp, i)); t != nil {
					v.Values = append(v.Values, t)
				}
			}
		case dv.Kind == yaml.ScalarNode && dv.Tag != "!!null":
			if t := d.template(p.v, kp); t != nil {
				v.Values = append(v.Values, t)
			}
		default:
			d.errorf(p.v, kp, "expected a value or a list of values, got %s", describe(dv))
			continue
		}
		if len(v.Values) > 0 {
			out = append(out, v)
		}
	}
	return out
}

// plugins warns about Artillery plugins loadgo ignores.
func (d *decoder) plugins(n *yaml.Node, path string) {
	pairs, _ := d.mapping(n, path)
	for _, p := range pairs {
		kp := join(path, p.key)
		if !builtinPlugins[p.key] {
			d.warnf(p.k, kp, "plugin `%s` is ignored: loadgo does not run Artillery plugins", clip(p.key))
			continue
		}
		if p.key == "ensure" && !isNull(p.v) {
			if dv := deref(p.v); dv.Kind != yaml.MappingNode || len(dv.Content) > 0 {
				d.warnf(p.k, kp, "settings under plugins.ensure are ignored; loadgo reads thresholds from config.ensure")
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// quote quotes s for messages, shortened.
func quote(s string) string {
	return "\"" + strings.ReplaceAll(clip(s), "\"", "\\\"") + "\""
}
