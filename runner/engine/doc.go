// Package engine compiles a scenario's flows into actions and runs them for
// virtual users. All parsing (URLs, templates, JSONPath, regexps) happens at
// compile time; running an action renders pre-compiled templates only.
//
// # Compilation
//
// Compile turns every step into an action once: request URLs are joined to
// config.target (Artillery style: "http://h/api" + "/users" is
// "http://h/api/users") and parsed when constant, headers are merged
// (config headers, then the step's, compared case-insensitively), JSON
// bodies are flattened into constant text and string templates, captures
// and expectations are compiled, and one metrics series is registered per
// request name and phase (phase -1 for the before and after flows). The
// series name is the step's name or its URL template, never a rendered URL.
// Variable names resolve to slots of a per-VU array (package tmpl).
//
// # Measurement
//
// Each request attempt records exactly one metrics.Sample:
//   - Latency runs from a monotonic clock read right before the request is
//     handed to the HTTP client to one right after the response body has
//     been read in full; it includes connecting and, for a new VU, the TLS
//     handshake, as a user would see it. Redirects are followed (as in
//     Artillery) and belong to the same sample, so a redirecting endpoint
//     gets more server hits than samples.
//   - Intended runs from the iteration's scheduled start (open model) to the
//     same end, for the iteration's first request only; it is zero (meaning
//     "same as Latency") for the others and in the closed model.
//   - BytesIn and BytesOut approximate the HTTP/1.1 wire format: request
//     line, headers sent (cookies included) and body; status line, response
//     headers and the body as delivered (after transparent gzip
//     decompression). They are computed the same way whether connections are
//     per VU or shared, since a shared pool cannot attribute wire bytes.
//   - Err classifies failures: timeout, refused, reset, dns, tls, status (a
//     status >= 400 on a request without a statusCode expectation), expect,
//     capture (a strict capture that found nothing), other. A body larger
//     than config.http.maxBodyBytes is not an error: the excess is read and
//     counted but not kept for captures.
//
// A request cut short because ctx was cancelled (the hard stop after a
// graceful stop's grace period) is not recorded: it did not fail, we stopped
// it. It is counted by Program.Cancelled, and ctx's error is returned.
//
// Transport errors, failed expectations and failed strict captures end the
// iteration with an *AbortError (errors.Is(err, ErrAborted)); a status error
// alone does not.
//
// # Connections
//
// Each VU has its own cookie jar, and by default its own keep-alive pool, so
// its sequential flow reuses one connection and nothing is shared between
// VUs, as in Artillery. With config.http.pool: shared all VUs share one
// transport with a large idle pool. Proxy settings from the environment are
// ignored: load only goes where the scenario says.
package engine
