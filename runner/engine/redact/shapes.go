package redact

import (
	"regexp"
	"strings"
)

// The shapes of secrets in free text. Each regexp keeps the part before
// the secret in group 1 and matches the secret itself as the rest.
var (
	// "Authorization: Bearer x", "Set-Cookie: a=b; Path=/", "X-Api-Key: k"
	// up to the end of the line.
	headerLineRE = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|cookie|set-cookie|[\w-]*(?:token|secret|password|api-?key)[\w-]*)(\s*:\s*)([^\r\n]+)`)
	// "Bearer x", "Basic x" anywhere, e.g. in a logged header map; eight
	// characters at least, so that prose ("Basic plan") stays readable.
	credentialRE = regexp.MustCompile(`\b((?i:bearer)|Basic)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)`)
	// The password of a URL's user info: scheme://user:password@host.
	userinfoRE = regexp.MustCompile(`(://[^/\s:@]*:)([^/\s@]+)(@)`)
	// name=value of a query string or form whose name says secret.
	paramRE = regexp.MustCompile(`(?i)([?&;\s]|^)([\w.-]*(?:token|secret|password|passwd|api_?key|apikey|session|credential)[\w.-]*=)([^&\s"'#]+)`)
	// "name": "value" in JSON text whose name says secret.
	jsonFieldRE = regexp.MustCompile(`(?i)("[\w.-]*(?:token|secret|password|passwd|api_?key|apikey|credential)[\w.-]*"\s*:\s*")((?:[^"\\]|\\.)+)(")`)
)

// maskShapes masks secret-shaped text whatever its value.
func maskShapes(s string) string {
	if !mayHaveShape(s) {
		return s
	}
	s = headerLineRE.ReplaceAllString(s, "${1}${2}"+Mask)
	s = credentialRE.ReplaceAllString(s, "${1}${2}"+Mask)
	s = userinfoRE.ReplaceAllString(s, "${1}"+Mask+"${3}")
	s = paramRE.ReplaceAllString(s, "${1}${2}"+Mask)
	s = jsonFieldRE.ReplaceAllString(s, "${1}"+Mask+"${3}")
	return s
}

// mayHaveShape is a cheap filter: text without any of these characters
// cannot match a shape.
func mayHaveShape(s string) bool {
	return strings.ContainsAny(s, ":=") || strings.Contains(strings.ToLower(s), "bearer") || strings.Contains(s, "Basic")
}
