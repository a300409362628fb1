package scenario

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// scenario decodes the root mapping and runs the checks that need the whole
// script: variable references, relative URLs and threshold selectors.
func (d *decoder) scenario(root *yaml.Node) *Scenario {
	sc := &Scenario{File: d.file, Dir: d.dir}
	pairs, ok := d.mapping(root, "")
	if !ok {
		return sc
	}
	parts := map[string]pair{}
	for _, p := range pairs {
		if strings.HasPrefix(p.key, "x-") {
			continue // a place for YAML anchors, as in docker-compose files
		}
		if !contains(rootKeys, p.key) {
			if jsKeys[p.key] {
				d.jsError(p.k, p.key, p.key)
			} else {
				d.unknownKey(p, "", rootKeys)
			}
			continue
		}
		parts[p.key] = p
	}
	// config first: it defines the variables, payload fields and phases
	// that the flows and thresholds refer to.
	if p, has := parts["config"]; has {
		sc.Config = d.config(p.v)
	} else {
		d.errorf(root, "", "`config` is required (with at least `phases`)")
	}
	if p, has := parts["before"]; has {
		sc.Before = d.hook(p.v, "before")
	}
	if p, has := parts["scenarios"]; has {
		sc.Flows = d.flows(p.v, "scenarios")
	} else {
		d.errorf(root, "", "`scenarios` is required: at least one scenario with a flow")
	}
	if p, has := parts["after"]; has {
		sc.After = d.hook(p.v, "after")
	}
	d.checkRefs()
	d.checkSecrets()
	if sc.Config.Target == "" && !d.badTarget {
		for _, r := range d.relURLs {
			d.errorAt(r.pos, r.path, "a relative URL needs config.target (or --target)")
		}
	}
	d.checkMetricRefs()
	sc.RequestNames = d.requestNames
	return sc
}

// checkRefs reports template references to variables defined nowhere.
func (d *decoder) checkRefs() {
	var names []string
	for n := range d.defined {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, r := range d.refs {
		if d.defined[r.name] {
			continue
		}
		msg := "unknown variable `" + clip(r.name) + "`"
		if s := suggest(r.name, names); s != "" {
			msg += "; did you mean `" + s + "`?"
		} else {
			msg += ": define it in config.variables, a payload's fields or a capture's `as`"
		}
		d.errorAt(r.pos, r.path, msg)
	}
}
