package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Secrets never need to be in the YAML: they come from the environment
// ({{ $env.NAME }}) or from a file ({{ $file(path) }}, read once at load
// time, relative to the scenario, always secret). config.secrets declares
// which further names hold secrets: $env variables whose names do not say
// so (TOKEN, PASSWORD, ... already do), config.variables, payload fields and
// captures. The runner masks every secret value wherever it would be shown.

// maxSecretFile caps a $file: it holds a credential, not a payload.
const maxSecretFile = 64 << 10

// maxConnections bounds config.http.maxConnections: far above any
// open-file limit, low enough to keep counters far from overflow.
const maxConnections = 1 << 24

// secretState is the decoder's state for secrets.
type secretState struct {
	// declared are config.secrets, with their nodes for positions.
	declared []*yaml.Node
	// env are the names used in {{ $env.NAME }} anywhere in the script.
	env map[string]bool
	// files caches $file contents by resolved path: each is read once.
	files map[string]string
}

// parseFileBuiltin parses the rest of "$file(path)".
func parseFileBuiltin(rest string, bad func(string) (TemplatePart, *templateError)) (TemplatePart, *templateError) {
	args, ok := callArgs(rest)
	if !ok || len(args) != 1 || args[0] == "" {
		return bad("$file takes one path: $file(secrets/token.txt)")
	}
	return TemplatePart{Kind: PartFunc, Name: "$file", Args: []string{strings.Trim(args[0], `"'`)}}, nil
}

// secretPart notes the $env names of part p and reads the file of a $file
// part into p.Args[1]; off is p's offset in the template at n.
func (d *decoder) secretPart(p *TemplatePart, n *yaml.Node, off int, path string) {
	if p.Kind != PartFunc {
		return
	}
	switch p.Name {
	case "$env":
		if d.sec.env == nil {
			d.sec.env = map[string]bool{}
		}
		d.sec.env[p.Args[0]] = true
	case "$file":
		content, err := d.readSecretFile(p.Args[0])
		if err != nil {
			d.errorAt(d.posAt(n, off), path, err.Error())
			return
		}
		p.Args = []string{p.Args[0], content}
	}
}

// readSecretFile reads a $file once, relative to the scenario's directory,
// without a trailing line break (editors add one; a token has none).
func (d *decoder) readSecretFile(name string) (string, error) {
	full := name
	if !filepath.IsAbs(full) {
		full = filepath.Join(d.dir, full)
	}
	if s, ok := d.sec.files[full]; ok {
		return s, nil
	}
	fi, err := os.Stat(full)
	switch {
	case err != nil:
		return "", fmt.Errorf("$file(%s): cannot read the file: %w", name, err)
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("$file(%s): not a regular file", name)
	case fi.Size() > maxSecretFile:
		return "", fmt.Errorf("$file(%s): the file has %d bytes; a secret file holds at most %d", name, fi.Size(), maxSecretFile)
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return "", fmt.Errorf("$file(%s): cannot read the file: %w", name, err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if d.sec.files == nil {
		d.sec.files = map[string]string{}
	}
	d.sec.files[full] = s
	return s, nil
}

// secretNames decodes config.secrets: a list of names.
func (d *decoder) secretNames(n *yaml.Node, path string) []string {
	items, _ := d.sequence(n, path)
	var out []string
	for i, it := range items {
		s, ok := d.str(it, index(path, i))
		switch {
		case !ok:
		case identLen(s) != len(s) || s == "":
			d.errorf(it, index(path, i), "expected the name of an $env variable, variable, payload field or capture, got %s", describe(it))
		default:
			out = append(out, s)
			d.sec.declared = append(d.sec.declared, it)
		}
	}
	return out
}

// checkSecrets reports config.secrets names that name nothing the script
// uses: a typo there would leave a secret unmasked.
func (d *decoder) checkSecrets() {
	if len(d.sec.declared) == 0 {
		return
	}
	var known []string
	for n := range d.defined {
		known = append(known, n)
	}
	for n := range d.sec.env {
		known = append(known, n)
	}
	sort.Strings(known)
	for i, n := range d.sec.declared {
		name := n.Value
		if d.defined[name] || d.sec.env[name] {
			continue
		}
		msg := fmt.Sprintf("`%s` names no $env variable, variable, payload field or capture of the script, so nothing would be masked", clip(name))
		if s := suggest(name, known); s != "" {
			msg += "; did you mean `" + s + "`?"
		}
		d.errorf(n, index("config.secrets", i), "%s", msg)
	}
}
