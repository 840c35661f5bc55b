package iq

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// RTLTCPScheme prefixes an rtl_tcp input name: "rtl_tcp://host:port".
const RTLTCPScheme = "rtl_tcp://"

// Default values for rtl_tcp inputs.
const (
	DefaultRTLTCPPort = "1234"
	DefaultRTLTCPRate = 2400000
)

// Options say how to open an input. Zero fields are taken from the SigMF
// meta, the file name, or defaults; set fields override them.
type Options struct {
	// Format of the samples.
	Format Format
	// SampleRate in samples/s.
	SampleRate float64
	// CenterFreq in Hz (for rtl_tcp: the frequency to tune).
	CenterFreq float64
	// Gain is the rtl_tcp tuner gain in dB; 0 means automatic gain.
	Gain float64
	// AGC turns on the RTL2832 digital AGC (rtl_tcp).
	AGC bool
	// PPM is the rtl_tcp frequency correction.
	PPM int
	// Timeout bounds the rtl_tcp connect and each wait for samples (0: 10 s).
	Timeout time.Duration
	// Stdin is read for the name "-" (nil: os.Stdin).
	Stdin io.Reader
	// Chunk is the read size in bytes (0: DefaultChunk).
	Chunk int
}

// Info describes an opened input.
type Info struct {
	// Kind is "file", "sigmf", "stdin" or "rtl_tcp".
	Kind string
	// Format of the samples.
	Format Format
	// SampleRate in samples/s (always > 0 once opened).
	SampleRate float64
	// CenterFreq in Hz, 0 when unknown.
	CenterFreq float64
	// Samples is the total number of samples, -1 when unknown (streams).
	Samples int64
	// DataPath is the file the samples come from (files only).
	DataPath string
	// Meta is the SigMF metadata, when there is any.
	Meta *Meta
	// Source says where Format and SampleRate came from, for logs:
	// e.g. "flags", "sigmf", "file name", "default".
	Source string
	// Tuner is the rtl_tcp tuner name.
	Tuner string
}

// Source is an opened input: Read returns complex samples.
type Source struct {
	// Name is the input as given ("rec.cu8", "-", "rtl_tcp://host:1234").
	Name string
	// Info describes the input.
	Info Info
	// RTL is the rtl_tcp connection, nil for other inputs.
	RTL *RTLTCP

	r      *Reader
	closer io.Closer
}

// Read reads up to len(dst) samples. The stream ends with io.EOF (a file or
// pipe that ended on a sample boundary), a *TruncatedError (ended inside a
// sample), an error wrapping ErrServerClosed (rtl_tcp hung up), or another
// one-line error.
func (s *Source) Read(dst []complex64) (int, error) {
	n, err := s.r.Read(dst)
	return n, s.ended(err)
}

// ReadRaw is Read without the conversion: it reads the bytes of up to
// len(dst)/Info.Format.Size() whole samples into dst and returns how many
// bytes it read (Decode converts them); it ends as Read does.
func (s *Source) ReadRaw(dst []byte) (int, error) {
	n, err := s.r.ReadRaw(dst)
	return n, s.ended(err)
}

// ended says how the stream ended: an rtl_tcp server that hung up as
// ErrServerClosed.
func (s *Source) ended(err error) error {
	if err != nil && s.RTL != nil {
		var te *TruncatedError
		switch {
		case errors.Is(err, io.EOF) || errors.As(err, &te) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
			err = fmt.Errorf("%s: %w after %d samples (%.1f s)", s.RTL.Addr(), ErrServerClosed,
				s.r.Samples(), float64(s.r.Samples())/s.Info.SampleRate)
		}
	}
	return err
}

// Samples returns the number of samples read so far.
func (s *Source) Samples() int64 { return s.r.Samples() }

// Close releases the input.
func (s *Source) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}

// Open opens an input by name: "-" (standard input), "rtl_tcp://host:port",
// a SigMF recording (the .sigmf-meta, the .sigmf-data or the base name), or a
// plain recording. For a plain recording the format and rate come from opt,
// else from a SigMF meta beside it (x.cu8 → x.sigmf-meta naming it in
// core:dataset), else from the file name (ParseName). The error says what is
// missing and how to give it.
func Open(name string, opt Options) (*Source, error) {
	switch {
	case name == "-":
		return openStdin(opt)
	case strings.HasPrefix(strings.ToLower(name), RTLTCPScheme):
		return openRTLTCP(name, opt)
	}
	return openFile(name, opt)
}

func chunk(opt Options) int {
	if opt.Chunk > 0 {
		return opt.Chunk
	}
	return DefaultChunk
}

func openStdin(opt Options) (*Source, error) {
	in := opt.Stdin
	if in == nil {
		in = os.Stdin
	}
	info := Info{Kind: "stdin", Format: opt.Format, SampleRate: opt.SampleRate, CenterFreq: opt.CenterFreq, Samples: -1, Source: "flags"}
	if info.Format == FormatUnknown {
		info.Format = CU8
		info.Source = "default format cu8"
	}
	if !(info.SampleRate > 0) {
		return nil, badValue("stdin: the sample rate is unknown: pass --rate (e.g. --rate 2.4M)")
	}
	if err := checkInfo("stdin", info); err != nil {
		return nil, err
	}
	return &Source{Name: "-", Info: info, r: NewReaderSize(in, info.Format, chunk(opt))}, nil
}

// ParseRTLTCPAddr turns "rtl_tcp://host:port" (port defaults to 1234, host
// to 127.0.0.1) into "host:port".
func ParseRTLTCPAddr(name string) (string, error) {
	rest := name
	if len(rest) >= len(RTLTCPScheme) && strings.EqualFold(rest[:len(RTLTCPScheme)], RTLTCPScheme) {
		rest = rest[len(RTLTCPScheme):]
	}
	rest = strings.TrimSuffix(rest, "/")
	if strings.ContainsAny(rest, "/?#@") {
		return "", fmt.Errorf("%s: want rtl_tcp://host:port", name)
	}
	host, port := rest, DefaultRTLTCPPort
	if h, p, err := net.SplitHostPort(rest); err == nil {
		host = h
		if p != "" {
			port = p
		}
	} else if strings.Count(rest, ":") > 1 && !strings.HasPrefix(rest, "[") {
		host = rest // bare IPv6 address
	} else if strings.HasSuffix(rest, ":") {
		host = strings.TrimSuffix(rest, ":")
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if u, err := url.Parse("tcp://" + net.JoinHostPort(host, port)); err != nil || u.Port() == "" {
		return "", fmt.Errorf("%s: want rtl_tcp://host:port", name)
	}
	return net.JoinHostPort(host, port), nil
}

func openRTLTCP(name string, opt Options) (*Source, error) {
	addr, err := ParseRTLTCPAddr(name)
	if err != nil {
		return nil, err
	}
	if opt.Format != FormatUnknown && opt.Format != CU8 {
		return nil, fmt.Errorf("%s: rtl_tcp always sends cu8 samples, not %s", name, opt.Format)
	}
	rate := opt.SampleRate
	if rate == 0 {
		rate = DefaultRTLTCPRate
	}
	if err := checkInfo(name, Info{SampleRate: rate, CenterFreq: opt.CenterFreq, Source: "flags"}); err != nil {
		return nil, err
	}
	c, err := DialRTLTCP(addr, opt.Timeout)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Source, error) {
		c.Close()
		return nil, err
	}
	if err := c.SetSampleRate(rate); err != nil {
		return fail(err)
	}
	if opt.CenterFreq > 0 {
		if err := c.SetFrequency(opt.CenterFreq); err != nil {
			return fail(err)
		}
	}
	if opt.PPM != 0 {
		if err := c.SetFreqCorrection(opt.PPM); err != nil {
			return fail(err)
		}
	}
	if err := c.SetGain(opt.Gain); err != nil {
		return fail(err)
	}
	if err := c.SetAGC(opt.AGC); err != nil {
		return fail(err)
	}
	info := Info{Kind: "rtl_tcp", Format: CU8, SampleRate: rate, CenterFreq: opt.CenterFreq, Samples: -1,
		Source: "rtl_tcp", Tuner: c.TunerName()}
	return &Source{Name: name, Info: info, RTL: c, r: NewReaderSize(c, CU8, chunk(opt)), closer: c}, nil
}

// sigmfPaths returns the meta and data paths when name is a SigMF recording
// (by extension, or a base name with a .sigmf-meta beside it).
func sigmfPaths(name string) (meta, data string, ok bool) {
	ext := filepath.Ext(name)
	switch {
	case strings.EqualFold(ext, SigMFMetaExt):
		base := strings.TrimSuffix(name, ext)
		return name, base + SigMFDataExt, true
	case strings.EqualFold(ext, SigMFDataExt):
		base := strings.TrimSuffix(name, ext)
		return base + SigMFMetaExt, name, true
	case strings.EqualFold(ext, ".sigmf"):
		return "", "", false
	}
	if ext == "" || ext == "." {
		if _, err := os.Stat(name + SigMFMetaExt); err == nil {
			return name + SigMFMetaExt, name + SigMFDataExt, true
		}
	}
	return "", "", false
}

func openFile(name string, opt Options) (*Source, error) {
	if strings.EqualFold(filepath.Ext(name), ".sigmf") {
		return nil, fmt.Errorf("%s: SigMF archives are not supported: unpack it (tar xf %s) and open the .sigmf-meta", name, filepath.Base(name))
	}
	info := Info{Kind: "file", DataPath: name, Samples: -1}
	if metaPath, dataPath, ok := sigmfPaths(name); ok {
		m, err := ReadSigMF(metaPath)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && strings.EqualFold(filepath.Ext(name), SigMFDataExt) {
				if opt.Format == FormatUnknown || opt.SampleRate == 0 {
					return nil, fmt.Errorf("%s: its meta file %s is missing: pass --input-format and --rate", name, metaPath)
				}
			} else {
				return nil, oneLineErr(err)
			}
		} else {
			info.Kind, info.Meta = "sigmf", m
			if m.Dataset != "" {
				dataPath = filepath.Join(filepath.Dir(metaPath), filepath.FromSlash(m.Dataset))
			}
			info.DataPath = dataPath
		}
	} else if m, err := besideMeta(name); err != nil {
		return nil, oneLineErr(err)
	} else if m != nil {
		info.Meta = m
	}
	// The data file is opened once and sniffed through a buffer, so a FIFO
	// or /dev/stdin loses nothing to the sniffing.
	f, err := os.Open(info.DataPath)
	if err != nil {
		if info.Kind == "sigmf" && errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: the SigMF data file %s is missing", name, info.DataPath)
		}
		return nil, oneLineErr(err)
	}
	src, err := openData(name, f, info, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

// openData reads the format, rate and centre frequency of the opened data
// file f (from the meta, a WAV header, the name, then opt) and returns the
// Source reading its samples.
func openData(name string, f *os.File, info Info, opt Options) (*Source, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, oneLineErr(err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", info.DataPath)
	}
	br := bufio.NewReaderSize(f, wavHeaderMax)
	var wav *WAVInfo
	if m := info.Meta; m != nil {
		info.Format, info.SampleRate, info.CenterFreq, info.Source = m.Format, m.SampleRate, m.CenterFreq, "sigmf"
	} else if w, isWAV, err := sniffWAV(name, br); isWAV {
		if err != nil {
			return nil, oneLineErr(fmt.Errorf("%s: %w", name, err))
		}
		info.Kind, wav = "wav", &w
		info.Format, info.SampleRate, info.CenterFreq, info.Source = w.Format, w.SampleRate, w.CenterFreq, "wav header"
		if info.CenterFreq == 0 {
			info.CenterFreq = ParseName(name).CenterFreq
		}
	} else if err != nil {
		return nil, fmt.Errorf("%s: %v", name, oneLine(err))
	} else {
		n := ParseName(name)
		info.Format, info.SampleRate, info.CenterFreq, info.Source = n.Format, n.SampleRate, n.CenterFreq, "file name"
	}
	if opt.Format != FormatUnknown {
		info.Format = opt.Format
		info.Source = "flags"
	}
	if opt.SampleRate > 0 {
		info.SampleRate = opt.SampleRate
		info.Source = "flags"
	}
	if opt.CenterFreq > 0 {
		info.CenterFreq = opt.CenterFreq
	}
	if info.Format == FormatUnknown {
		return nil, badValue("%s: can't tell the sample format from the name: pass --input-format (cu8, cs8, cs16, cf32) or name it like x_915M_2400k.cu8", name)
	}
	if !(info.SampleRate > 0) {
		if info.Meta != nil {
			return nil, badValue("%s: the SigMF meta has no core:sample_rate: pass --rate (e.g. --rate 2.4M)", name)
		}
		return nil, badValue("%s: the sample rate is unknown: pass --rate (e.g. --rate 2.4M) or name the file like x_915M_2400k%s", name, info.Format.Ext())
	}
	if err := checkInfo(name, info); err != nil {
		return nil, err
	}
	var header int64
	if info.Meta != nil {
		header = info.Meta.HeaderBytes
	}
	if wav != nil {
		header = wav.DataOffset
	}
	dataSize := int64(-1) // bytes of samples, when known
	if wav != nil && wav.DataSize >= 0 {
		dataSize = wav.DataSize - wav.DataSize%int64(info.Format.Size())
	}
	if st.Mode().IsRegular() {
		size := st.Size() - header
		if wav != nil && wav.DataSize >= 0 && wav.DataSize < size {
			size = wav.DataSize // chunks after the samples are not samples
		}
		if size < 0 {
			return nil, fmt.Errorf("%s: the SigMF meta says %d header bytes but the file has only %d", info.DataPath, header, st.Size())
		}
		if info.Kind == "sigmf" && size%int64(info.Format.Size()) != 0 {
			return nil, fmt.Errorf("%s: %d bytes is not a whole number of %s samples (%d bytes each): the meta's datatype %q is wrong or the file is truncated",
				info.DataPath, size, info.Format.SigMF(), info.Format.Size(), info.Meta.Datatype)
		}
		info.Samples = size / int64(info.Format.Size())
		if info.Meta != nil {
			for _, a := range info.Meta.Annotations {
				if a.SampleStart > info.Samples {
					return nil, fmt.Errorf("%s: the SigMF meta annotates sample %d but the data file has only %d %s samples: wrong datatype or data file?",
						name, a.SampleStart, info.Samples, info.Format.SigMF())
				}
			}
		}
		if info.Kind == "sigmf" && info.Format == CF32 {
			if err := sniffCF32(f, header); err != nil {
				return nil, fmt.Errorf("%s: %v: the meta's datatype %q looks wrong", info.DataPath, err, info.Meta.Datatype)
			}
		}
		if wav != nil {
			dataSize = info.Samples * int64(info.Format.Size())
		}
	}
	if header > 0 {
		if n, err := br.Discard(int(min(header, math.MaxInt))); int64(n) < header {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("%s: skipping %d header bytes: %v", info.DataPath, header, err)
		}
	}
	var r io.Reader = br
	if dataSize >= 0 {
		r = io.LimitReader(br, dataSize)
	}
	return &Source{Name: name, Info: info, r: NewReaderSize(r, info.Format, chunk(opt)), closer: f}, nil
}

// besideMeta finds x.sigmf-meta for a plain recording x.ext whose
// core:dataset names it: nil when there is none, an error when there is one
// but a value in it is wrong.
func besideMeta(name string) (*Meta, error) {
	metaPath := MetaPath(name)
	if metaPath == name {
		return nil, nil
	}
	m, err := ReadSigMF(metaPath)
	if err != nil {
		if errors.Is(err, ErrBadValue) && namesDataset(metaPath, filepath.Base(name)) {
			return nil, err
		}
		return nil, nil
	}
	if m.Dataset != filepath.Base(name) {
		return nil, nil
	}
	return m, nil
}

// sniffCF32 checks that the first samples of a cf32 file look like floats:
// mostly finite and not absurdly large.
func sniffCF32(f *os.File, offset int64) error {
	buf := make([]byte, 8192)
	n, err := f.ReadAt(buf, offset)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	vals := n / 4
	if vals == 0 {
		return nil
	}
	bad := 0
	for i := range vals {
		v := float64(math.Float32frombits(uint32(buf[4*i]) | uint32(buf[4*i+1])<<8 | uint32(buf[4*i+2])<<16 | uint32(buf[4*i+3])<<24))
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
			bad++
		}
	}
	if bad*20 > vals {
		return fmt.Errorf("%d of the first %d values are not plausible float32 samples", bad, vals)
	}
	return nil
}

// oneLineErr flattens err to one line, keeping it an ErrBadValue if it was
// one.
func oneLineErr(err error) error {
	if errors.Is(err, ErrBadValue) {
		return badValue("%s", oneLine(err))
	}
	return errors.New(oneLine(err))
}

// NewSource wraps a byte stream that info describes (Format and SampleRate
// must be set) as a Source, for inputs Open does not know, such as a
// recording embedded in the binary. Close closes r if it is an io.Closer.
func NewSource(name string, r io.Reader, info Info) (*Source, error) {
	if info.Format.Size() == 0 {
		return nil, fmt.Errorf("%s: unknown sample format", name)
	}
	if !(info.SampleRate > 0) {
		return nil, fmt.Errorf("%s: the sample rate is unknown", name)
	}
	if info.Kind == "" {
		info.Kind = "stream"
	}
	s := &Source{Name: name, Info: info, r: NewReader(r, info.Format)}
	if c, ok := r.(io.Closer); ok {
		s.closer = c
	}
	return s, nil
}

// sniffWAV peeks at the header of the data behind br (which reads name)
// when it is a WAV file (by extension or content); isWAV is false for other
// files. Nothing is consumed: a FIFO or a pipe keeps every sample.
func sniffWAV(name string, br *bufio.Reader) (info WAVInfo, isWAV bool, err error) {
	b, err := br.Peek(12)
	if err != nil && !errors.Is(err, io.EOF) {
		return info, false, err
	}
	if !IsWAV(b) {
		if isWAVName(name) {
			return info, true, errors.New("named .wav but not a RIFF/RF64 WAVE file")
		}
		return info, false, nil
	}
	b, err = br.Peek(wavHeaderMax)
	if err != nil && !errors.Is(err, io.EOF) {
		return info, true, err
	}
	info, err = ParseWAV(b)
	return info, true, err
}
