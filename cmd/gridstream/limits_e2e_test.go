package main_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/samples"
)

const seedFrame = "00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04"

// bounded runs gridstream like gridstream() but kills it after a generous
// limit, so a command that never stops fails the test instead of hanging
// it. stdinClosed runs it with standard input closed (<&-).
func bounded(t *testing.T, stdin []byte, stdinClosed bool, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	bin := testbin.Path(t)
	cmd := exec.CommandContext(ctx, bin, args...)
	if stdinClosed {
		cmd = exec.CommandContext(ctx, "sh", append([]string{"-c", `exec "$0" "$@" <&-`, bin}, args...)...)
	}
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("gridstream %v did not finish; %d bytes of stderr, starting:\n%.2000s", args, errb.n, errb.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if errb.n > 1<<20 {
		t.Errorf("gridstream %v wrote %d bytes to stderr", args, errb.n)
	}
	return result{out.String(), errb.String(), code}
}

// limitedBuffer keeps the first 4 MB written and counts the rest. (It
// must not embed bytes.Buffer: io.Copy would use its ReadFrom and keep
// everything.)
type limitedBuffer struct {
	buf bytes.Buffer
	n   int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.n += len(p)
	if b.buf.Len() < 4<<20 {
		b.buf.Write(p)
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string { return b.buf.String() }

// frames stops at a read error (here a directory), says so once, and exits
// 1; it used to retry the read for ever, logging tens of MB/s.
func TestFramesReadErrorStops(t *testing.T) {
	r := bounded(t, nil, false, "frames", "--state", "", t.TempDir())
	if r.code != 1 || strings.Count(r.stderr, "is a directory") != 1 {
		t.Fatalf("exit %d, want 1 and one error:\n%.2000s", r.code, r.stderr)
	}
}

// A line of binary data over 1 MiB is skipped; the frames around it are
// decoded.
func TestFramesLongLine(t *testing.T) {
	bin := bytes.Repeat([]byte{0x00, 0xFF, 0x2A, 0x55, 0x80, 0x0D}, 400000) // 2.4 MB, no newline
	in := append([]byte(seedFrame+"\n"), bin...)
	in = append(in, "\n"+seedFrame+"\n"...)
	r := bounded(t, in, false, "frames", "--state", "", "--all")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `"input":"stdin:3"`) ||
		strings.Count(r.stderr, "longer than") != 1 {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%.2000s", r.code, r.stdout, r.stderr)
	}
}

// A closed stdin is an input that cannot be read (exit 1), not an empty one.
func TestClosedStdin(t *testing.T) {
	for _, args := range [][]string{
		{"demod", "--rate", "1M", "-"},
		{"frames"},
		{"frames", "-"},
		{"replay", "-"},
	} {
		r := bounded(t, nil, true, append([]string{args[0], "--state", ""}, args[1:]...)...)
		if r.code != 1 || !strings.Contains(r.stderr, "stdin is closed") {
			t.Errorf("%v with stdin closed: exit %d, want 1:\n%s", args, r.code, r.stderr)
		}
	}
	// An empty stdin is fine.
	if r := bounded(t, []byte{}, false, "demod", "--state", "", "--rate", "1M", "-"); r.code != 0 {
		t.Errorf("demod of an empty stdin: exit %d\n%s", r.code, r.stderr)
	}
}

// wavCU8 wraps cu8 samples in a two-channel 8-bit WAV header.
func wavCU8(data []byte, rate uint32) []byte {
	le := binary.LittleEndian
	b := append([]byte("RIFF"), le.AppendUint32(nil, uint32(36+len(data)))...)
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1) // PCM
	b = le.AppendUint16(b, 2)
	b = le.AppendUint32(b, rate)
	b = le.AppendUint32(b, 2*rate)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 8)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// demod reads a FIFO (the mkfifo + rtl_sdr pattern) and /dev/stdin from
// their first sample: every frame sent comes back, the first one too, which
// starts within the first 64 KiB that sniffing used to swallow.
func TestDemodFIFO(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec_915M_1M.cu8")
	truth := synth(t, rec, "--count", "3", "--rate", "1M", "--seed", "8", "--interval", "0.03")
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		args []string
	}{
		{"live_915M_1M.cu8", data, nil},
		{"live_915M_1M.wav", wavCU8(data, 1e6), nil},
		{"pipe", data, []string{"--input-format", "cu8", "--rate", "1M", "--center-freq", "915M"}},
	} {
		fifo := filepath.Join(dir, tc.name)
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		werr := make(chan error, 1)
		go func() {
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err == nil {
				_, err = w.Write(tc.data)
				w.Close()
			}
			werr <- err
		}()
		r := bounded(t, nil, false, append(append([]string{"demod", "--state", ""}, tc.args...), fifo)...)
		if err := <-werr; err != nil {
			t.Errorf("%s: writing the FIFO: %v (the reader closed it: rtl_sdr would have died)", tc.name, err)
		}
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.name, r.code, r.stderr)
		}
		matchTruth(t, truth, parseMessages(t, r.stdout))
	}
	r := bounded(t, data, false, "demod", "--state", "", "--input-format", "cu8", "--rate", "1M", "--center-freq", "915M", "/dev/stdin")
	if r.code != 0 {
		t.Fatalf("/dev/stdin: exit %d\n%s", r.code, r.stderr)
	}
	matchTruth(t, truth, parseMessages(t, r.stdout))
}

// replay's automatic format sniffing keeps every byte of a FIFO too.
func TestReplayFIFO(t *testing.T) {
	want := bounded(t, nil, false, "replay", "--state", "")
	fifo := filepath.Join(t.TempDir(), "bits")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.Write(samples.Bits)
			w.Close()
		}
	}()
	got := bounded(t, nil, false, "replay", "--state", "", fifo)
	if got.code != 0 || strings.Count(got.stdout, "\n") != strings.Count(want.stdout, "\n") {
		t.Fatalf("replay of a FIFO: exit %d, %d messages, want %d\n%s", got.code,
			strings.Count(got.stdout, "\n"), strings.Count(want.stdout, "\n"), got.stderr)
	}
}

// Bad values, from flags or inside inputs, are one-line errors with exit
// status 2, found before anything is allocated for them.
func TestBadValuesExit2(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("huge.sigmf-data", make([]byte, 4000))
	huge := write("huge.sigmf-meta", []byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1e12}}`))
	fastWAV := write("fast.wav", wavCU8(make([]byte, 4000), 4e9))
	slow := write("slow_915M_50k.cu8", make([]byte, 4000))
	ok := write("ok_915M_1M.cu8", make([]byte, 4000))
	out := filepath.Join(dir, "x.cu8")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demod", huge}, "1000G S/s is beyond what SDRs record"},
		{[]string{"demod", fastWAV}, "beyond what SDRs record"},
		{[]string{"demod", slow}, "needs at least 100k S/s"},
		{[]string{"demod", "--rate", "10G", "-"}, "--rate"},
		{[]string{"demod", "--baud", "1e7", ok}, "--baud"},
		{[]string{"demod", "--baud", "9600,10000000", ok}, "--baud"},
		{[]string{"demod", "--nge-pulses-per-kwh", "NaN", ok}, "--nge-pulses-per-kwh NaN"},
		{[]string{"demod", "--center-freq", "1T", ok}, "--center-freq"},
		{[]string{"demod", "--duration", "-1", ok}, "--duration"},
		{[]string{"demod", "-"}, "pass --rate"},
		{[]string{"replay", "--nge-pulses-per-kwh", "Inf"}, "--nge-pulses-per-kwh"},
		{[]string{"replay", "--protocol", "zigbee"}, "unknown protocol"},
		{[]string{"replay", "--frobnicate"}, "flag provided but not defined"},
		{[]string{"replay", "--preamble-bits", "many"}, "invalid value"},
		{[]string{"frames", "--framing-errors", "1000"}, "--framing-errors"},
		{[]string{"decode", "--in", "tcp://127.0.0.1:1?format=levels&rate=NaN"}, "level rate"},
		{[]string{"decode", "--in", "tcp://127.0.0.1:1", "--stats-interval", "-1s"}, "--stats-interval"},
		{[]string{"synth", "--nge-repeats", "1000000000", "--nge-power", "800", out}, "--nge-repeats"},
		{[]string{"synth", "--rate", "10G", out}, "--rate"},
		{[]string{"synth", "--count", "1000000000", out}, "--count"},
		{[]string{"synth", "--interval", "NaN", out}, "--interval"},
		{[]string{"synth", "--baud", "1e7", out}, "--baud"},
		{[]string{"synth", "--snr", "1e300", out}, "--snr"},
		{[]string{"--log-level", "loud", "replay"}, "--log-level"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		r := bounded(t, nil, false, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 || r.stdout != "" {
			t.Errorf("gridstream %v: exit %d, want 2 and one line with %q; stderr:\n%s\nstdout: %.200s", tc.args, r.code, tc.want, r.stderr, r.stdout)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("synth wrote a file despite bad flags")
	}
}

// maxRSS runs gridstream with stdin from r (nil: none) and returns its
// result and its peak resident memory in MB. Linux carries a process's
// peak across the vfork and exec that start it, and this test process may
// be large: a fresh copy of the test binary (TestPeakRSSHelper) starts
// gridstream and reports it.
func maxRSS(t *testing.T, r io.Reader, args ...string) (result, float64) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSHelper$")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "GRIDSTREAM_RSS_REPORT="+report,
		"GRIDSTREAM_RSS_ARGS="+strings.Join(append([]string{testbin.Path(t)}, args...), "\x1f"))
	cmd.Stdin = r
	var out, errb limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report from the helper: %v\n%s", err, errb.String())
	}
	var kib float64
	fmt.Sscan(string(b), &kib)
	return result{out.String(), errb.String(), code}, kib / 1024
}

// TestPeakRSSHelper is maxRSS's runner, not a test: run by maxRSS, it runs
// gridstream and writes its peak resident memory (KiB) to a file.
func TestPeakRSSHelper(t *testing.T) {
	report := os.Getenv("GRIDSTREAM_RSS_REPORT")
	if report == "" {
		t.Skip("run by maxRSS")
	}
	argv := strings.Split(os.Getenv("GRIDSTREAM_RSS_ARGS"), "\x1f")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no rusage")
	}
	os.WriteFile(report, []byte(fmt.Sprint(ru.Maxrss)), 0o644) // Linux: KiB
	if ee, ok := err.(*exec.ExitError); ok {
		os.Exit(ee.ExitCode())
	}
}

// writeFile writes n chunks from gen to a new file in dir.
func writeFile(t *testing.T, path string, n int, gen func(i int) []byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := f.Write(gen(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMemoryPerInput measures the peak memory of whole processes on the
// worst inputs of each kind: README's "Limits and memory" quotes the bounds.
func TestMemoryPerInput(t *testing.T) {
	dir := t.TempDir()
	// frames: lines of the longest length, one token per two bytes.
	long := filepath.Join(dir, "long.txt")
	line := []byte(strings.Repeat("a ", (1<<20)/2-1) + "a\n")
	writeFile(t, long, 9, func(i int) []byte {
		if i == 8 {
			return []byte(seedFrame + "\n")
		}
		return line
	})
	// replay: 32 MB of random unpacked bits, through a pipe.
	pr, pw := io.Pipe()
	go func() {
		chunk := make([]byte, 64<<10)
		x := uint32(1)
		for range 512 {
			for i := range chunk {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				chunk[i] = byte(x & 1)
			}
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	// demod: 0.45 s of 3 MS/s where, after 50 ms, 36 carriers 75 kHz
	// apart come on: more bursts than are followed at once, each long
	// enough to fill its buffer.
	const fs, chunk, carriers = 3e6, 30000, 36
	many := filepath.Join(dir, "many_915M_3M.cu8")
	buf := make([]byte, 2*chunk)
	rot := make([]complex128, carriers)
	ph := make([]complex128, carriers)
	for k := range carriers {
		s, c := math.Sincos(2 * math.Pi * (float64(k) - (carriers-1)/2.0) * 75e3 / fs)
		rot[k], ph[k] = complex(c, s), 0.02
	}
	writeFile(t, many, 45, func(c int) []byte {
		for j := range chunk {
			i := c*chunk + j
			var v complex128
			for k := range ph {
				ph[k] *= rot[k]
				v += ph[k]
			}
			if i < fs/20 {
				v = 0
			}
			buf[2*j] = byte(max(0, min(255, math.Round(real(v)*127.5+127.5+float64(i%3)))))
			buf[2*j+1] = byte(max(0, min(255, math.Round(imag(v)*127.5+127.5+float64(i%5)))))
		}
		return buf
	})
	for _, tc := range []struct {
		name   string
		stdin  io.Reader
		args   []string
		readme float64 // MB, the peak resident the README quotes
	}{
		{"frames, 1 MiB lines", nil, []string{"frames", "--state", "", long}, 23},
		{"replay, 32 MB of bits", pr, []string{"replay", "--state", "", "--quiet", "-"}, 12},
		{"demod, wideband interference", nil, []string{"demod", "--state", "", many}, 83},
	} {
		// The README's figure plus its stated margin for the runtime's
		// variation: 15 %, at least 8 MB.
		limit := max(tc.readme*1.15, tc.readme+8)
		r, mb := maxRSS(t, tc.stdin, tc.args...)
		t.Logf("%s: %.1f MB peak resident (README %.0f MB, limit %.0f MB)", tc.name, mb, tc.readme, limit)
		if r.code != 0 || mb > limit {
			t.Errorf("%s: exit %d, %.1f MB peak resident (README %.0f MB, limit %.0f MB)\n%.2000s", tc.name, r.code, mb, tc.readme, limit, r.stderr)
		}
	}
}
