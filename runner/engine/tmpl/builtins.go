package tmpl

import (
	"math/rand/v2"
	"unicode/utf8"
)

// randomInt returns a uniform integer in [lo, hi] (inclusive).
func randomInt(r *rand.Rand, lo, hi int64) int64 {
	span := uint64(hi-lo) + 1
	if span == 0 { // the whole int64 range
		return int64(r.Uint64())
	}
	return lo + int64(r.Uint64N(span))
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// appendRandomString appends n uniformly drawn alphanumeric characters.
// Each 64-bit draw yields ten 6-bit indexes; indexes past the alphabet are
// rejected so that every character is equally likely.
func appendRandomString(dst []byte, r *rand.Rand, n int) []byte {
	for n > 0 {
		bits := r.Uint64()
		for k := 0; k < 10 && n > 0; k++ {
			idx := bits & 63
			bits >>= 6
			if idx < uint64(len(alphanumeric)) {
				dst = append(dst, alphanumeric[idx])
				n--
			}
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendUUID appends a random (version 4, RFC 9562) UUID in its canonical
// lower-case form.
func appendUUID(dst []byte, r *rand.Rand) []byte {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// AppendJSONEscaped appends s escaped for the inside of a JSON string:
// quotes, backslashes and control characters are escaped, and invalid
// UTF-8 becomes U+FFFD so the output is always valid JSON.
func AppendJSONEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscape(dst, c)
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

// appendJSONEscapedBytes is AppendJSONEscaped for a byte slice.
func appendJSONEscapedBytes(dst, b []byte) []byte {
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, b[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		dst = append(dst, b[start:i]...)
		dst = appendEscape(dst, c)
		i++
		start = i
	}
	return append(dst, b[start:]...)
}

// appendEscape appends the JSON escape of an ASCII quote, backslash or
// control character.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
}
