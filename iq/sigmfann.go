package iq

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"unicode/utf8"
)

// annotationList reads a meta's annotations array (JSON the decoder has
// already checked) straight into Annotations: each object's six core keys
// taken as decoding it into a map[string]any with json.Number values would
// give them (the last of a repeated key, exact key match), the other keys
// skipped. A value that decoding into maps rejects (an annotations value
// that is not an array, an element that is not an object) sets bad.
type annotationList struct {
	list []Annotation
	bad  bool
}

// UnmarshalJSON reads the annotations array.
func (l *annotationList) UnmarshalJSON(b []byte) error {
	l.list, l.bad = nil, false
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '[' {
		l.bad = len(b) == 0 || b[0] != 'n' // null: no annotations
		return nil
	}
	i := skipSpace(b, 1)
	for i < len(b) && b[i] != ']' {
		switch b[i] {
		case '{':
			var an Annotation
			i = readAnnotation(b, i, &an)
			l.list = append(l.list, an)
		case 'n': // null: a nil map, an annotation of zeros
			l.list = append(l.list, Annotation{})
			i += len("null")
		default:
			l.bad = true
			return nil
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

// readAnnotation reads the object starting at b[i] into an and returns the
// index after it.
func readAnnotation(b []byte, i int, an *Annotation) int {
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != '}' {
		keyEnd := skipValue(b, i)
		key := b[i:keyEnd]
		i = skipSpace(b, keyEnd)
		i = skipSpace(b, i+1) // the colon
		end := skipValue(b, i)
		if bytes.IndexByte(key, '\\') < 0 {
			key = key[1 : len(key)-1] // its text, when it has no escapes
		} else {
			key = []byte(jsonString(key))
		}
		annotationField(an, key, b[i:end])
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return i + 1
}

// annotationField sets the field of an that key names from the JSON value
// v, as ParseSigMF reads it from a map: a number that is not one (or not
// in range) is zero, a string that is not one is "".
func annotationField(an *Annotation, key, v []byte) {
	switch string(key) {
	case "core:sample_start", "core:sample_count":
		var n int64
		if f, ok := jsonNumber(v); ok && f >= 0 && f < 1<<62 {
			n = int64(f)
		}
		if string(key) == "core:sample_start" {
			an.SampleStart = n
		} else {
			an.SampleCount = n
		}
	case "core:freq_lower_edge", "core:freq_upper_edge":
		f, ok := jsonNumber(v)
		if !ok || math.IsInf(f, 0) {
			f = 0
		}
		if string(key) == "core:freq_lower_edge" {
			an.FreqLower = f
		} else {
			an.FreqUpper = f
		}
	case "core:label":
		an.Label = jsonString(v)
	case "core:comment":
		an.Comment = jsonString(v)
	}
}

// jsonNumber is number(json.Number(v)) for a JSON number v; false for
// any other value.
func jsonNumber(v []byte) (float64, bool) {
	if len(v) == 0 || v[0] != '-' && (v[0] < '0' || v[0] > '9') {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(v), 64) // json.Number's Float64
	return f, err == nil && !math.IsNaN(f)
}

// jsonString is the Go string of the JSON string v, "" for any other
// value.
func jsonString(v []byte) string {
	if len(v) < 2 || v[0] != '"' {
		return ""
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the index after the valid JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) { // a number, true, false or null
		switch b[i] {
		case ',', '}', ']', ':', ' ', '\t', '\r', '\n':
			return i
		}
		i++
	}
	return i
}

// skipString returns the index after the JSON string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b) && b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}
