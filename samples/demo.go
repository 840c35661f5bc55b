package samples

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridstream-sdr/gridstream/iq"
)

// Recording is an IQ recording built into the binary, with its SigMF meta
// and the ground truth of what it carries.
type Recording struct {
	// Name is the recording's file name (rtl_433 style: format, centre
	// frequency and rate in the name).
	Name string
	// Data is the samples (cu8).
	Data []byte
	// Meta is the SigMF meta document (core:dataset names Name).
	Meta []byte
	// Truth is the ground truth as `gridstream synth --truth` writes it:
	// one JSON line per burst.
	Truth []byte
}

var (
	//go:embed demo_915M_800k.cu8
	demoGridStream []byte
	//go:embed demo_915M_800k.sigmf-meta
	demoGridStreamMeta []byte
	//go:embed demo_915M_800k.truth.jsonl
	demoGridStreamTruth []byte
	//go:embed demo_433.92M_250k.cu8
	demoNGE []byte
	//go:embed demo_433.92M_250k.sigmf-meta
	demoNGEMeta []byte
	//go:embed demo_433.92M_250k.truth.jsonl
	demoNGETruth []byte
)

// Demo returns the recordings `gridstream demo` decodes, made by
// scripts/make-samples.sh with `gridstream synth`: GridStream traffic of
// three utility networks hopping around 915 MHz (800 kS/s), and NGE101
// power and energy packets at 433.92 MHz (250 kS/s).
func Demo() []Recording {
	return []Recording{
		{Name: "demo_915M_800k.cu8", Data: demoGridStream, Meta: demoGridStreamMeta, Truth: demoGridStreamTruth},
		{Name: "demo_433.92M_250k.cu8", Data: demoNGE, Meta: demoNGEMeta, Truth: demoNGETruth},
	}
}

// Source opens the recording as an IQ source named name, with the format,
// rate and centre frequency of its SigMF meta.
func (r Recording) Source(name string) (*iq.Source, error) {
	meta, err := iq.ParseSigMF(r.Meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return iq.NewSource(name, bytes.NewReader(r.Data), iq.Info{
		Kind: "builtin", Format: meta.Format, SampleRate: meta.SampleRate, CenterFreq: meta.CenterFreq,
		Samples: int64(len(r.Data) / meta.Format.Size()), Meta: meta, Source: "sigmf",
	})
}

// WriteFiles writes the recording into dir (created if needed) as three
// files: the samples under Name, the SigMF meta beside them (x.sigmf-meta)
// and the truth (x.truth.jsonl); wrote, when set, is told each file's path
// and size.
func (r Recording) WriteFiles(dir string, wrote func(path string, bytes int)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base := strings.TrimSuffix(r.Name, filepath.Ext(r.Name))
	for _, f := range []struct {
		name string
		data []byte
	}{{r.Name, r.Data}, {base + iq.SigMFMetaExt, r.Meta}, {base + ".truth.jsonl", r.Truth}} {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return err
		}
		if wrote != nil {
			wrote(p, len(f.data))
		}
	}
	return nil
}
