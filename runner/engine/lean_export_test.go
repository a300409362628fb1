package engine

// UseNetHTTP makes VUs created from now on send plain-http requests through
// net/http instead of the lean client, so tests can compare the two paths.
func UseNetHTTP(p *Program) { p.http.noLean = true }
