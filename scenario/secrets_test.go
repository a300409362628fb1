package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsDeclaredAndFiles parses config.secrets and {{ $file(...) }}:
// the file is read once at load time, relative to the scenario, without
// its trailing line break, and every mistake is a positioned problem.
func TestSecretsDeclaredAndFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"token.txt": "s3cr3t-file-token\n",
		"crlf.txt":  "crlf-token\r\n",
		"big.txt":   strings.Repeat("x", maxSecretFile+1),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  string
		// secrets is config.secrets as parsed; file is the contents the
		// first $file part of the flow's first request URL must hold.
		secrets []string
		file    string
		// problem is part of the one expected problem, at "line:col".
		at, problem string
	}{
		// Names of every kind a secret can be: an $env variable, a
		// variable, a payload-less capture; the file is read and trimmed.
		{name: "declared and file", secrets: []string{"CUSTOMER", "plan", "ref"}, file: "s3cr3t-file-token",
			src: "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalRate: 1}]\n  secrets: [CUSTOMER, plan, ref]\n  variables: {plan: [gold]}\n" +
				"scenarios:\n  - flow:\n      - get: {url: '/{{ $file(token.txt) }}?c={{ $env.CUSTOMER }}&p={{ plan }}', capture: {json: $.r, as: ref}}\n"},
		// A quoted path and a CRLF line ending.
		{name: "quoted path", file: "crlf-token",
			src: flowDoc("      - get: {url: '/{{ $file(\"crlf.txt\") }}'}\n")},
		// A secret file that does not exist, at the placeholder.
		{name: "missing file", src: flowDoc("      - get: {url: '/a{{ $file(nope.txt) }}'}\n"), at: "6:23", problem: "$file(nope.txt): cannot read the file"},
		// A directory is not a secret file.
		{name: "directory", src: flowDoc("      - get: {url: '/{{ $file(sub) }}'}\n"), at: "6:22", problem: "$file(sub): not a regular file"},
		// A file far larger than any credential.
		{name: "huge file", src: flowDoc("      - get: {url: '/{{ $file(big.txt) }}'}\n"), at: "6:22", problem: "a secret file holds at most 65536"},
		// $file needs exactly one path.
		{name: "no path", src: flowDoc("      - get: {url: '/{{ $file() }}'}\n"), at: "6:25", problem: "$file takes one path"},
		// A typo in config.secrets would leave the secret unmasked.
		{name: "unknown secret name", src: "config:\n  target: http://t.test\n  phases: [{duration: 1, arrivalRate: 1}]\n  secrets: [CUSTOMR]\n" +
			"scenarios:\n  - flow:\n      - get: {url: '/?c={{ $env.CUSTOMER }}'}\n", at: "4:13",
			problem: "config.secrets[0]: `CUSTOMR` names no $env variable, variable, payload field or capture of the script, so nothing would be masked; did you mean `CUSTOMER`?"},
		// A secret name must be a name.
		{name: "not a name", src: cfgDoc("  secrets: ['a b']\n"), at: "4:13", problem: "expected the name of an $env variable"},
		// config.secrets is a list.
		{name: "not a list", src: cfgDoc("  secrets: TOKEN\n"), at: "4:12", problem: "expected a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := Parse(filepath.Join(dir, "s.yaml"), []byte(tt.src), LoadOptions{})
			if tt.problem != "" {
				var ps Problems
				if !errors.As(err, &ps) || len(ps) != 1 {
					t.Fatalf("err = %v, want one problem", err)
				}
				if got := ps[0].String(); !strings.Contains(got, ":"+tt.at+":") || !strings.Contains(got, tt.problem) {
					t.Fatalf("problem %q, want %q at %s", got, tt.problem, tt.at)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if strings.Join(sc.Config.Secrets, ",") != strings.Join(tt.secrets, ",") {
				t.Errorf("secrets = %q, want %q", sc.Config.Secrets, tt.secrets)
			}
			var file []string
			for _, p := range sc.Flows[0].Steps[0].Request.URL.Parts {
				if p.Kind == PartFunc && p.Name == "$file" {
					file = p.Args
				}
			}
			if len(file) != 2 || file[1] != tt.file {
				t.Errorf("$file part args = %q, want [path %q]", file, tt.file)
			}
			if strings.Contains(sc.Flows[0].Steps[0].Request.URL.Src, tt.file) {
				t.Errorf("the template's source %q holds the file's contents", sc.Flows[0].Steps[0].Request.URL.Src)
			}
		})
	}
}
