package iq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SigMF file name extensions.
const (
	SigMFMetaExt = ".sigmf-meta"
	SigMFDataExt = ".sigmf-data"
)

// SigMFVersion is the SigMF core:version written by WriteSigMF.
const SigMFVersion = "1.0.0"

// Meta is the part of a SigMF recording's metadata that gridstream uses.
type Meta struct {
	// Datatype is core:datatype as written ("cu8", "ci16_le", …).
	Datatype string
	// Format is Datatype parsed; always known in a Meta from ParseSigMF.
	Format Format
	// SampleRate is core:sample_rate in samples/s; 0 when the meta has none
	// (it is optional in SigMF).
	SampleRate float64
	// CenterFreq is core:frequency of the first capture in Hz, 0 if absent.
	CenterFreq float64
	// Description, Author, Recorder and HW are the optional core fields.
	Description, Author, Recorder, HW string
	// Datetime is core:datetime of the first capture (RFC 3339), if any:
	// when its sample DatetimeSample (core:sample_start) was taken.
	Datetime       string
	DatetimeSample int64
	// Dataset is core:dataset: the data file of a non-conforming dataset
	// (e.g. "rec.cu8"), relative to the meta file. Empty means the
	// .sigmf-data file beside the meta.
	Dataset string
	// HeaderBytes is core:header_bytes of the first capture: bytes to skip
	// at the start of the data file.
	HeaderBytes int64
	// Annotations are the recording's annotations, in order.
	Annotations []Annotation
}

// Annotation is one SigMF annotation.
type Annotation struct {
	SampleStart int64   `json:"core:sample_start"`
	SampleCount int64   `json:"core:sample_count,omitempty"`
	FreqLower   float64 `json:"core:freq_lower_edge,omitempty"`
	FreqUpper   float64 `json:"core:freq_upper_edge,omitempty"`
	Label       string  `json:"core:label,omitempty"`
	Comment     string  `json:"core:comment,omitempty"`
}

type sigmfFile struct {
	Global      map[string]any   `json:"global"`
	Captures    []map[string]any `json:"captures"`
	Annotations []map[string]any `json:"annotations"`
}

// sigmfFast is sigmfFile with the annotations read straight into
// Annotations, without a map for each (synth writes hundreds).
type sigmfFast struct {
	Global      globalMap        `json:"global"`
	Captures    []map[string]any `json:"captures"`
	Annotations annotationList   `json:"annotations"`
}

// maxMetaSize bounds the meta files ReadSigMF accepts.
const maxMetaSize = 16 << 20

// ParseSigMF parses a SigMF meta document. It requires a global object with a
// supported core:datatype (complex, one of cu8, ci8/cs8, ci16_le, cf32_le)
// and at most one channel, and a core:sample_rate, when present, that is a
// positive finite rate; it returns a one-line error saying what is wrong
// otherwise.
func ParseSigMF(data []byte) (*Meta, error) {
	var f sigmfFast
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil || f.Annotations.bad {
		// An error (or annotations that are not objects): what the
		// decoding into maps says, exactly.
		return parseSigMFMaps(data)
	}
	return f.Global.meta(f.Captures, f.Annotations.list)
}

// parseSigMFMaps is ParseSigMF with the annotations decoded into maps.
func parseSigMFMaps(data []byte) (*Meta, error) {
	var f sigmfFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("sigmf: not valid JSON: %v", oneLine(err))
	}
	var list []Annotation
	for _, a := range f.Annotations {
		var an Annotation
		if v, ok := number(a["core:sample_start"]); ok && v >= 0 && v < 1<<62 {
			an.SampleStart = int64(v)
		}
		if v, ok := number(a["core:sample_count"]); ok && v >= 0 && v < 1<<62 {
			an.SampleCount = int64(v)
		}
		an.FreqLower = edge(a["core:freq_lower_edge"])
		an.FreqUpper = edge(a["core:freq_upper_edge"])
		an.Label, _ = a["core:label"].(string)
		an.Comment, _ = a["core:comment"].(string)
		list = append(list, an)
	}
	return globalMap(f.Global).meta(f.Captures, list)
}

// globalMap is a meta's global object.
type globalMap map[string]any

// meta checks the global object and the first capture and returns the
// Meta they and the annotations make.
func (g globalMap) meta(captures []map[string]any, annotations []Annotation) (*Meta, error) {
	f := struct {
		Global   globalMap
		Captures []map[string]any
	}{g, captures}
	if f.Global == nil {
		return nil, errors.New(`sigmf: no "global" object`)
	}
	m := &Meta{}
	dt, ok := f.Global["core:datatype"].(string)
	if !ok {
		return nil, errors.New("sigmf: core:datatype missing or not a string")
	}
	m.Datatype = dt
	format, err := sigmfFormat(dt)
	if err != nil {
		return nil, err
	}
	m.Format = format
	// core:sample_rate is optional in SigMF; the caller then needs the rate
	// from elsewhere (Open: --rate).
	if v, present := f.Global["core:sample_rate"]; present {
		rate, ok := number(v)
		if !ok || !(rate > 0) || math.IsInf(rate, 0) {
			return nil, badValue("sigmf: core:sample_rate %v is not a positive number", v)
		}
		if err := CheckSampleRate(rate); err != nil {
			return nil, badValue("sigmf: core:sample_rate: %v", err)
		}
		m.SampleRate = rate
	}
	if v, present := f.Global["core:num_channels"]; present {
		n, ok := number(v)
		if !ok || n != 1 {
			return nil, badValue("sigmf: core:num_channels %v not supported (only 1)", v)
		}
	}
	m.Description, _ = f.Global["core:description"].(string)
	m.Author, _ = f.Global["core:author"].(string)
	m.Recorder, _ = f.Global["core:recorder"].(string)
	m.HW, _ = f.Global["core:hw"].(string)
	m.Dataset, _ = f.Global["core:dataset"].(string)
	if len(f.Captures) > 0 && f.Captures[0] != nil {
		c := f.Captures[0]
		if v, present := c["core:frequency"]; present {
			fr, ok := number(v)
			if !ok || math.IsInf(fr, 0) || math.IsNaN(fr) {
				return nil, badValue("sigmf: capture core:frequency %v is not a number", v)
			}
			if err := CheckCenterFreq(fr); err != nil {
				return nil, badValue("sigmf: capture core:frequency: %v", err)
			}
			m.CenterFreq = fr
		}
		m.Datetime, _ = c["core:datetime"].(string)
		if v, ok := number(c["core:sample_start"]); ok && v >= 0 && v == math.Trunc(v) && v < 1<<62 {
			m.DatetimeSample = int64(v)
		}
		if v, present := c["core:header_bytes"]; present {
			hb, ok := number(v)
			if !ok || hb < 0 || hb != math.Trunc(hb) || hb > 1<<50 {
				return nil, badValue("sigmf: capture core:header_bytes %v is not a byte count", v)
			}
			m.HeaderBytes = int64(hb)
		}
	}
	m.Annotations = annotations
	return m, nil
}

func sigmfFormat(dt string) (Format, error) {
	d := strings.ToLower(strings.TrimSpace(dt))
	if strings.HasPrefix(d, "r") {
		return FormatUnknown, fmt.Errorf("sigmf: datatype %q is real-valued; only complex (c…) recordings are supported", dt)
	}
	if strings.HasSuffix(d, "_be") && d != "cu8_be" && d != "ci8_be" {
		return FormatUnknown, fmt.Errorf("sigmf: big-endian datatype %q is not supported", dt)
	}
	switch d {
	case "cu8", "cu8_le", "cu8_be":
		return CU8, nil
	case "ci8", "ci8_le", "ci8_be", "cs8":
		return CS8, nil
	case "ci16_le", "ci16", "cs16":
		return CS16, nil
	case "cf32_le", "cf32":
		return CF32, nil
	}
	return FormatUnknown, fmt.Errorf("sigmf: datatype %q not supported (want cu8, ci8, ci16_le or cf32_le)", dt)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsNaN(f)
	case float64:
		return n, !math.IsNaN(n)
	}
	return 0, false
}

// edge is an annotation's frequency edge: the number v, 0 when it is
// none or out of float64's range.
func edge(v any) float64 {
	if f, ok := number(v); ok && !math.IsInf(f, 0) {
		return f
	}
	return 0
}

// oneLine flattens an error message to one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Marshal encodes m as a SigMF meta document (indented JSON, with a final
// newline). Datatype defaults to Format.SigMF().
func (m *Meta) Marshal() ([]byte, error) {
	dt := m.Datatype
	if dt == "" {
		dt = m.Format.SigMF()
	}
	if dt == "" {
		return nil, errors.New("sigmf: no datatype")
	}
	global := map[string]any{
		"core:datatype":     dt,
		"core:version":      SigMFVersion,
		"core:num_channels": 1,
	}
	if m.SampleRate != 0 {
		global["core:sample_rate"] = m.SampleRate
	}
	put := func(k, v string) {
		if v != "" {
			global[k] = v
		}
	}
	put("core:description", m.Description)
	put("core:author", m.Author)
	put("core:recorder", m.Recorder)
	put("core:hw", m.HW)
	put("core:dataset", m.Dataset)
	capture := map[string]any{"core:sample_start": 0}
	if m.CenterFreq != 0 {
		capture["core:frequency"] = m.CenterFreq
	}
	if m.Datetime != "" {
		capture["core:datetime"] = m.Datetime
	}
	if m.HeaderBytes != 0 {
		capture["core:header_bytes"] = m.HeaderBytes
	}
	ann := m.Annotations
	if ann == nil {
		ann = []Annotation{}
	}
	out, err := json.MarshalIndent(struct {
		Global      map[string]any `json:"global"`
		Captures    []any          `json:"captures"`
		Annotations []Annotation   `json:"annotations"`
	}{global, []any{capture}, ann}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sigmf: %v", err)
	}
	return append(out, '\n'), nil
}

// MetaPath returns the SigMF meta file name for a recording: "x.sigmf-meta"
// for "x.sigmf-data", "x.sigmf-meta" for "x.cu8" (a non-conforming dataset,
// which the meta names in core:dataset).
func MetaPath(dataPath string) string {
	ext := filepath.Ext(dataPath)
	if strings.EqualFold(ext, SigMFMetaExt) {
		return dataPath
	}
	return strings.TrimSuffix(dataPath, ext) + SigMFMetaExt
}

// WriteSigMF writes the meta file describing the recording at dataPath and
// returns its path (MetaPath(dataPath)). When dataPath is not a .sigmf-data
// file, the meta names it in core:dataset.
func WriteSigMF(dataPath string, m Meta) (string, error) {
	metaPath := MetaPath(dataPath)
	if metaPath == dataPath {
		return "", fmt.Errorf("sigmf: %s is a meta file name, not a data file", dataPath)
	}
	if !strings.EqualFold(filepath.Ext(dataPath), SigMFDataExt) {
		m.Dataset = filepath.Base(dataPath)
	} else {
		m.Dataset = ""
	}
	b, err := m.Marshal()
	if err != nil {
		return "", err
	}
	return metaPath, os.WriteFile(metaPath, b, 0o644)
}

// ReadSigMF reads and parses a SigMF meta file.
func ReadSigMF(metaPath string) (*Meta, error) {
	f, err := os.Open(metaPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMetaSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", metaPath, err)
	}
	if len(b) > maxMetaSize {
		return nil, fmt.Errorf("%s: too big for a SigMF meta file (over %d bytes)", metaPath, maxMetaSize)
	}
	m, err := ParseSigMF(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", metaPath, err)
	}
	return m, nil
}

// namesDataset reports whether the SigMF meta at metaPath names dataset in
// its core:dataset, whatever else it holds.
func namesDataset(metaPath, dataset string) bool {
	b, err := os.ReadFile(metaPath)
	if err != nil || len(b) > maxMetaSize {
		return false
	}
	var f struct {
		Global struct {
			Dataset string `json:"core:dataset"`
		} `json:"global"`
	}
	return json.Unmarshal(b, &f) == nil && f.Global.Dataset == dataset
}

// StartTime returns when the recording's first sample was taken: the
// first capture's core:datetime, less its core:sample_start samples at
// rate. ok is false without a datetime; err says why one is unusable.
func (m *Meta) StartTime(rate float64) (t time.Time, ok bool, err error) {
	if m == nil || m.Datetime == "" {
		return time.Time{}, false, nil
	}
	t, err = time.Parse(time.RFC3339Nano, m.Datetime)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sigmf: core:datetime %q is not an ISO 8601 (RFC 3339) time", m.Datetime)
	}
	if m.DatetimeSample > 0 && rate > 0 {
		t = t.Add(-time.Duration(float64(m.DatetimeSample) / rate * float64(time.Second)))
	}
	return t, true, nil
}
