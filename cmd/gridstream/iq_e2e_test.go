package main_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/rtltcptest"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/samples"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

// message is the part of a decoded JSON line the tests check.
type message struct {
	Protocol  string   `json:"protocol"`
	Time      string   `json:"time"`
	OffsetS   *float64 `json:"offset_s"`
	Deviation *float64 `json:"deviation_hz"`
	CRCOK     bool     `json:"crc_ok"`
	Raw       string   `json:"raw"`
	Input     string   `json:"input"`
	FreqHz    *float64 `json:"freq_hz"`
	Baud      int      `json:"baud"`
	PowerW    *float64 `json:"power_w"`
	EnergyKWh *float64 `json:"energy_kwh"`
	ID        *int     `json:"id"`
	Channel   *int     `json:"channel"`
}

func readTruth(t *testing.T, path string) []gsynth.TruthLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := gsynth.ReadTruth(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func parseMessages(t *testing.T, stdout string) []message {
	t.Helper()
	var out []message
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// matchTruth checks that every burst of the truth was decoded once, with a
// good CRC, near its frequency and at its baud, and nothing else came out.
func matchTruth(t *testing.T, truth []gsynth.TruthLine, msgs []message) {
	t.Helper()
	byRaw := map[string]message{}
	for _, m := range msgs {
		if !m.CRCOK {
			t.Errorf("message with a bad CRC: %+v", m)
		}
		if _, dup := byRaw[m.Raw]; dup {
			t.Errorf("message decoded twice: %s", m.Raw)
		}
		byRaw[m.Raw] = m
	}
	for _, tr := range truth {
		m, ok := byRaw[tr.Raw]
		if !ok {
			t.Errorf("not decoded: %s %s at %+.0f Hz, %d baud, %.1f dB", tr.Protocol, tr.Raw, tr.OffsetHz, tr.Baud, tr.SNRdB)
			continue
		}
		delete(byRaw, tr.Raw)
		if m.Protocol != tr.Protocol {
			t.Errorf("%s: protocol %s, want %s", tr.Raw, m.Protocol, tr.Protocol)
		}
		want := tr.FreqHz
		if want == 0 {
			want = tr.OffsetHz
		}
		if m.FreqHz == nil || math.Abs(*m.FreqHz-want) > 5e3 {
			t.Errorf("%s: freq_hz %v, want %.0f ± 5 kHz", tr.Raw, m.FreqHz, want)
		}
		if tr.Baud != 0 && m.Baud != tr.Baud {
			t.Errorf("%s: baud %d, want %d", tr.Raw, m.Baud, tr.Baud)
		}
	}
	for raw := range byRaw {
		t.Errorf("decoded but never sent: %s", raw)
	}
}

// matchTimes checks that every message of a recording carries its offset
// in it (the 0x2A start bit of a GridStream frame within a symbol; an
// NGE101 packet's first edge within a quarter of its 972 µs cell) and an FSK
// burst its deviation, its sign the polarity.
func matchTimes(t *testing.T, truth []gsynth.TruthLine, msgs []message) {
	t.Helper()
	byRaw := map[string]gsynth.TruthLine{}
	for _, tr := range truth {
		byRaw[tr.Raw] = tr
	}
	for _, m := range msgs {
		tr, ok := byRaw[m.Raw]
		if !ok {
			continue
		}
		tol := 0.25e-3
		if tr.Baud > 0 {
			tol = 1.0 / float64(tr.Baud)
			dev := tr.Deviation
			if tr.Invert {
				dev = -dev
			}
			if m.Deviation == nil || math.Abs(*m.Deviation-dev) > 0.2*math.Abs(dev) {
				t.Errorf("%s: deviation_hz %v, want %.0f", m.Raw, m.Deviation, dev)
			}
		}
		if m.OffsetS == nil || math.Abs(*m.OffsetS-tr.TimeS) > tol {
			t.Errorf("%s: offset_s %v, want %.6f ± %.6f", m.Raw, m.OffsetS, tr.TimeS, tol)
		}
	}
}

// A recording's start (SigMF core:datetime, or --start-time) plus a
// message's offset is its time; rtl_tcp has no start.
func TestDemodStartTime(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "t_915M_250k.cu8")
	truth := synth(t, p, "--count", "3", "--rate", "250k", "--baud", "9600", "--seed", "4")
	meta := iq.MetaPath(p)
	b, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	// Datetime of the first capture, at its sample_start 0.
	b = []byte(strings.Replace(string(b), `"core:sample_start": 0`, `"core:sample_start": 0, "core:datetime": "2026-11-23T10:00:00Z"`, 1))
	if err := os.WriteFile(meta, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		start time.Time
	}{
		{nil, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)},
		{[]string{"--start-time", "2027-01-02T03:04:05.5+01:00"}, time.Date(2027, 1, 2, 2, 4, 5, 5e8, time.UTC)},
	} {
		r := gridstream(t, nil, append(append([]string{"demod"}, tc.args...), p)...)
		msgs := parseMessages(t, r.stdout)
		if r.code != 0 || len(msgs) != len(truth) {
			t.Fatalf("%v: exit %d, %d messages of %d\n%s", tc.args, r.code, len(msgs), len(truth), r.stderr)
		}
		matchTimes(t, truth, msgs)
		for _, m := range msgs {
			at, err := time.Parse(time.RFC3339, m.Time)
			want := tc.start.Add(time.Duration(*m.OffsetS * 1e9))
			if err != nil || at.Sub(want).Abs() > time.Millisecond {
				t.Errorf("%v: time %s, want %s (start + offset_s %v)", tc.args, m.Time, want, *m.OffsetS)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demod", "--start-time", "yesterday", p}, `--start-time "yesterday"`},
		{[]string{"demod", "--start-time", "2026-11-23 10:00:00", "rtl_tcp://127.0.0.1:1"}, "--start-time is for recordings"},
		{[]string{"replay", "--start-time", "noon"}, "want an RFC 3339 time"},
	} {
		if r := gridstream(t, nil, tc.args...); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, %s", tc.args, r.code, r.stderr)
		}
	}
}

// synth runs `gridstream synth` and returns the truth it wrote.
func synth(t *testing.T, out string, args ...string) []gsynth.TruthLine {
	t.Helper()
	truth := out + ".truth.jsonl"
	r := gridstream(t, nil, append(append([]string{"synth"}, args...), "--truth", truth, out)...)
	if r.code != 0 {
		t.Fatalf("synth %v: exit %d\n%s", args, r.code, r.stderr)
	}
	return readTruth(t, truth)
}

// Every sample format, each with the SigMF meta synth writes, round-trips
// through synth → file → demod to exactly the frames that were sent.
func TestSynthDemodFormats(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct {
		name string
		args []string
	}{
		{"hop_915M_1M.cu8", []string{"--count", "6", "--hop", "--rate", "1M", "--crc-init", "5FD6,142A"}},
		{"hop.cs8", []string{"--count", "6", "--hop", "--rate", "1M", "--random-polarity"}},
		{"inv.cs16", []string{"--count", "5", "--rate", "500k", "--invert", "--offset", "-100k", "--sync", "5"}},
		{"fast.cf32", []string{"--count", "5", "--hop", "--rate", "2.4M", "--baud", "38400", "--snr", "12"}},
		{"rec.sigmf-data", []string{"--count", "4", "--rate", "250k", "--baud", "9600", "--sync", "4"}},
		{"nge.cu8", []string{"--nge-power", "810", "--nge-energy", "42.5", "--rate", "250k"}},
		{"mixed.cs16", []string{"--count", "4", "--nge-every", "3", "--rate", "1M", "--hop"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			truth := synth(t, p, append(tc.args, "--seed", fmt.Sprint(10+i))...)
			if len(truth) == 0 {
				t.Fatal("synth sent nothing")
			}
			if _, err := os.Stat(iq.MetaPath(p)); err != nil {
				t.Fatalf("no SigMF meta: %v", err)
			}
			r := gridstream(t, nil, "demod", p)
			if r.code != 0 {
				t.Fatalf("demod: exit %d\n%s", r.code, r.stderr)
			}
			msgs := parseMessages(t, r.stdout)
			matchTruth(t, truth, msgs)
			matchTimes(t, truth, msgs)
			if !strings.Contains(r.stderr, "msg=summary") || strings.Contains(r.stderr, "█") {
				t.Errorf("want a summary and no progress bar on a pipe:\n%s", r.stderr)
			}
		})
	}
}

// NGE101 packets come back with the power and energy synth put in.
func TestSynthDemodNGEValues(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nge_433.92M_250k.cs16")
	synth(t, p, "--nge-power", "810", "--nge-power", "3420", "--nge-energy", "1234.5", "--nge-id", "77", "--nge-channel", "4")
	r := gridstream(t, nil, "demod", p)
	msgs := parseMessages(t, r.stdout)
	var powers []float64
	var energies []float64
	for _, m := range msgs {
		if m.ID == nil || *m.ID != 77 || m.Channel == nil || *m.Channel != 4 {
			t.Errorf("id/channel of %+v", m)
		}
		if m.PowerW != nil {
			powers = append(powers, *m.PowerW)
		}
		if m.EnergyKWh != nil {
			energies = append(energies, *m.EnergyKWh)
		}
	}
	if len(powers) != 2 || math.Abs(powers[0]-810) > 1 || math.Abs(powers[1]-3420) > 5 || len(energies) != 1 || energies[0] != 1234.5 {
		t.Errorf("power %v W, energy %v kWh; want [810 3420], [1234.5]\n%s", powers, energies, r.stderr)
	}
}

// demod over rtl_tcp decodes what demod of the same recording as a file
// does, and tunes the server with real rtl_tcp commands.
func TestDemodRTLTCP(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "live_915M_1M.cu8")
	truth := synth(t, p, "--count", "8", "--hop", "--rate", "1M", "--seed", "3")
	file := gridstream(t, nil, "demod", p)
	if file.code != 0 {
		t.Fatalf("demod file: %d\n%s", file.code, file.stderr)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: data, WaitCommands: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	live := gridstream(t, nil, "demod", "--rate", "1M", "--center-freq", "915M", "--gain", "38.6", "--timeout", "5s", srv.URL())
	if live.code != 0 {
		t.Fatalf("demod rtl_tcp: exit %d\n%s", live.code, live.stderr)
	}
	if !strings.Contains(live.stderr, "server closed the connection") {
		t.Errorf("no clear end-of-stream message:\n%s", live.stderr)
	}
	fm, lm := parseMessages(t, file.stdout), parseMessages(t, live.stdout)
	if len(fm) != len(lm) || len(lm) == 0 {
		t.Fatalf("file gave %d messages, rtl_tcp %d", len(fm), len(lm))
	}
	for i := range fm {
		// Same frames, same order, same radio measurements.
		if fm[i].Raw != lm[i].Raw || lm[i].Input != srv.URL() {
			t.Errorf("message %d: file %s, rtl_tcp %s (input %q)", i, fm[i].Raw, lm[i].Raw, lm[i].Input)
		}
		if fm[i].FreqHz == nil || lm[i].FreqHz == nil || *lm[i].FreqHz != *fm[i].FreqHz || lm[i].Baud != fm[i].Baud {
			t.Errorf("message %d: file %+v, rtl_tcp %+v", i, fm[i], lm[i])
		}
	}
	matchTruth(t, truth, lm)
	matchTimes(t, truth, fm)
	for _, m := range lm {
		if m.OffsetS != nil {
			t.Errorf("a live message has offset_s %v", *m.OffsetS)
		}
	}
	cmds := map[byte]uint32{}
	for _, c := range srv.Commands() {
		cmds[c.Cmd] = c.Param
	}
	for cmd, want := range map[byte]uint32{iq.CmdSetSampleRate: 1000000, iq.CmdSetFrequency: 915000000, iq.CmdSetGainMode: 1, iq.CmdSetGain: 386, iq.CmdSetAGCMode: 0} {
		if got, ok := cmds[cmd]; !ok || got != want {
			t.Errorf("command 0x%02x: got %d (sent: %v), want %d", cmd, got, ok, want)
		}
	}
}

// A server that hangs up mid-stream (mid-sample, even) ends the run cleanly:
// what was received is decoded, the message says what happened.
func TestDemodRTLTCPHangup(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.cu8")
	truth := synth(t, p, "--count", "6", "--rate", "1M", "--seed", "4", "--interval", "0.03")
	data, _ := os.ReadFile(p)
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: data, HangUpAfter: len(data)*2/3 + 1, WaitCommands: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := gridstream(t, nil, "demod", "--rate", "1M", srv.URL())
	if r.code != 0 || !strings.Contains(r.stderr, "server closed the connection after") {
		t.Fatalf("exit %d, want 0 and a clear message:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "panic") {
		t.Fatal(r.stderr)
	}
	msgs := parseMessages(t, r.stdout)
	if len(msgs) == 0 || len(msgs) >= len(truth) {
		t.Errorf("decoded %d of %d frames from two thirds of the stream", len(msgs), len(truth))
	}
	// A server that is not there, and one that is not rtl_tcp.
	bad, _ := rtltcptest.Start(rtltcptest.Config{Header: []byte("SSH-2.0-Open")})
	defer bad.Close()
	for _, tc := range []struct{ url, want string }{
		{bad.URL(), "not an rtl_tcp server"},
		{"rtl_tcp://127.0.0.1:1", "refused"},
	} {
		r := gridstream(t, nil, "demod", "--timeout", "2s", tc.url)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("demod %s: exit %d, want 1 and one line with %q:\n%s", tc.url, r.code, tc.want, r.stderr)
		}
	}
}

// Bad files: a one-line error (exit 1) or a clean stop with a warning.
func TestDemodBadInputs(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ok_915M_1M.cu8")
	truth := synth(t, p, "--count", "3", "--rate", "1M", "--seed", "5")
	data, _ := os.ReadFile(p)
	write := func(name string, b []byte) string {
		q := filepath.Join(dir, name)
		if err := os.WriteFile(q, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return q
	}
	// Truncated mid-sample: everything before decodes, a warning says why.
	odd := write("odd_915M_1M.cu8", data[:len(data)-1])
	r := gridstream(t, nil, "demod", odd)
	if r.code != 0 || !strings.Contains(r.stderr, "not a whole cu8 sample") || len(parseMessages(t, r.stdout)) != len(truth) {
		t.Errorf("truncated file: exit %d, %d messages\n%s", r.code, len(parseMessages(t, r.stdout)), r.stderr)
	}
	// stdin needs --rate; with it, it decodes.
	r = gridstream(t, data, "demod", "--rate", "1M", "-")
	if r.code != 0 || len(parseMessages(t, r.stdout)) != len(truth) {
		t.Errorf("stdin: exit %d, %d messages\n%s", r.code, len(parseMessages(t, r.stdout)), r.stderr)
	}
	write("lie.sigmf-data", data[:1001])
	write("lie.sigmf-meta", []byte(`{"global":{"core:datatype":"ci16_le","core:sample_rate":1e6}}`))
	write("nodata.sigmf-meta", []byte(`{"global":{"core:datatype":"cu8","core:sample_rate":1e6}}`))
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{filepath.Join(dir, "lie.sigmf-meta")}, 1, "not a whole number of ci16_le samples"},
		{[]string{filepath.Join(dir, "nodata.sigmf-meta")}, 1, "data file"},
		{[]string{write("norate.cu8", data)}, 2, "--rate"}, // pass a flag: a usage error, as for -
		{[]string{write("x.bin", data)}, 2, "--input-format"},
		{[]string{"-"}, 2, "--rate"},
		{[]string{filepath.Join(dir, "missing.cu8")}, 1, "no such file"},
		{[]string{"--input-format", "cu9", p}, 2, "unknown sample format"},
		{[]string{"--rate", "fast", p}, 2, "--rate"},
		{[]string{"--gain", "loud", "rtl_tcp://127.0.0.1:1"}, 2, "--gain"},
		{[]string{"--progress", "sometimes", p}, 2, "--progress"},
		{[]string{}, 2, "name one input"},
		{[]string{"rtl_tcp://127.0.0.1:1", "--timeout", "1s"}, 2, "--timeout comes after the input: flags go before it"},
	} {
		r := gridstream(t, nil, append([]string{"demod"}, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "panic") {
			t.Errorf("demod %v: exit %d, want %d with %q:\n%s", tc.args, r.code, tc.code, tc.want, r.stderr)
		}
	}
	// synth refuses what it cannot do, in one line.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--frame", "zz", "x.cu8"}, "not hex"},
		{[]string{"--frame", "2A", "x.cu8"}, "2A byte"},
		{[]string{"x.wav"}, "--format"},
		{[]string{"--count", "0", "x.cu8"}, "nothing to send"},
		{[]string{"--offset", "2M", "--rate", "1M", "x.cu8"}, "outside the band"},
		{[]string{"--snr", "30:10", "x.cu8"}, "--snr"},
		{[]string{"x.sigmf-meta"}, "meta file name"},
	} {
		r := gridstream(t, nil, append([]string{"synth"}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("synth %v: exit %d with %q, want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// The demo decodes every burst of the built-in recordings.
func TestDemo(t *testing.T) {
	r := gridstream(t, nil, "demo")
	if r.code != 0 {
		t.Fatalf("demo: exit %d\n%s", r.code, r.stderr)
	}
	var truth []gsynth.TruthLine
	dir := t.TempDir()
	if w := gridstream(t, nil, "demo", "--write", dir); w.code != 0 {
		t.Fatalf("demo --write: %d\n%s", w.code, w.stderr)
	}
	protocols := map[string]bool{}
	for _, rec := range samples.Demo() {
		if len(rec.Data) == 0 || len(rec.Data) > 1500000 {
			t.Errorf("%s: %d bytes", rec.Name, len(rec.Data))
		}
		tr := readTruth(t, filepath.Join(dir, strings.TrimSuffix(rec.Name, ".cu8")+".truth.jsonl"))
		for _, l := range tr {
			protocols[l.Protocol] = true
		}
		truth = append(truth, tr...)
		// The written recording decodes the same with demod, and the demo's
		// summary line of it counts what that input gave, as demod's does.
		d := gridstream(t, nil, "demod", filepath.Join(dir, rec.Name))
		matchTruth(t, tr, parseMessages(t, d.stdout))
		for _, key := range []string{"messages", "crc_good", "crc_failed"} {
			mark := "msg=summary input=builtin:" + rec.Name + " "
			if got, want := logAttr(r.stderr, mark, key), logAttr(d.stderr, "msg=summary", key); got != want || got == "" {
				t.Errorf("%s: demo's summary says %s=%s, demod's %s", rec.Name, key, got, want)
			}
		}
	}
	if len(truth) < 20 || !protocols["gridstream"] || !protocols["nge101"] {
		t.Errorf("demo truth: %d bursts, protocols %v", len(truth), protocols)
	}
	matchTruth(t, truth, parseMessages(t, r.stdout))
	if !strings.Contains(r.stderr, fmt.Sprintf("decoded=%d sent=%d", len(truth), len(truth))) {
		t.Errorf("no decoded/sent line:\n%s", r.stderr)
	}
}

// scripts/make-samples.sh reproduces the committed demo recordings byte for
// byte (on amd64, where they were made: other CPUs may fuse multiply-adds).
func TestMakeSamplesDeterministic(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the committed samples were made on amd64")
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(testbin.Root(), "scripts", "make-samples.sh"), dir)
	cmd.Env = append(os.Environ(), "GRIDSTREAM="+testbin.Path(t), "XDG_STATE_HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make-samples.sh: %v\n%s", err, out)
	}
	for _, rec := range samples.Demo() {
		got, err := os.ReadFile(filepath.Join(dir, rec.Name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(rec.Data) {
			t.Errorf("%s differs from the committed file: run scripts/make-samples.sh and commit", rec.Name)
		}
		meta, _ := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(rec.Name, ".cu8")+iq.SigMFMetaExt))
		if string(meta) != string(rec.Meta) {
			t.Errorf("%s meta differs from the committed file", rec.Name)
		}
	}
}

// SIGINT stops a live run cleanly: the summary says so, the exit status is 0.
func TestDemodInterrupt(t *testing.T) {
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: make([]byte, 64<<20), Chunk: 32 << 10, Pace: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cmd := exec.Command(testbin.Path(t), "demod", "--rate", "1M", srv.URL())
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(stderr.String(), "stop=interrupted") {
			t.Errorf("after SIGINT: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("demod did not stop on SIGINT\n%s", stderr.String())
	}
}

// --reconnect redials a server that hung up, and keeps decoding.
func TestDemodRTLTCPReconnect(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.cu8")
	truth := synth(t, p, "--count", "3", "--rate", "1M", "--seed", "9")
	data, _ := os.ReadFile(p)
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: data, WaitCommands: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	secs := 2.5 * float64(len(data)/2) / 1e6
	r := gridstream(t, nil, "demod", "--rate", "1M", "--reconnect", "--duration", fmt.Sprint(secs), srv.URL())
	if r.code != 0 || !strings.Contains(r.stderr, "reconnecting") || !strings.Contains(r.stderr, "reconnects=2") ||
		!strings.Contains(r.stderr, "stop=\"--duration reached\"") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := srv.Connections(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}
	msgs := parseMessages(t, r.stdout)
	if len(msgs) < len(truth) {
		t.Errorf("%d messages, want at least %d", len(msgs), len(truth))
	}
	if r := gridstream(t, nil, "demod", "--reconnect", p); r.code != 2 || !strings.Contains(r.stderr, "rtl_tcp") {
		t.Errorf("--reconnect on a file: exit %d %s", r.code, r.stderr)
	}
}

// --ppm auto: a recording made by a receiver 40 ppm fast (every burst 36.6
// kHz low at 915 MHz) served by rtl_tcp: once the traffic shows the error,
// demod sends the real frequency-correction command (0x05) with 40 and says
// so; the summary of the same file reports the estimate.
func TestDemodPPMAuto(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ppm_915M_1M.cu8")
	synth(t, p, "--count", "40", "--hop", "--rate", "1M", "--seed", "5", "--rx-ppm", "40", "--jitter", "500", "--snr", "15")
	file := gridstream(t, nil, "demod", p)
	if file.code != 0 || !regexp.MustCompile(`freq_error_ppm=\+(39\.[5-9]|40\.[0-4])±0\.[0-9] freq_error_frames=(3[0-9]|40)`).MatchString(file.stderr) {
		t.Errorf("file: exit %d, want the frequency error in the summary:\n%s", file.code, file.stderr)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: data, WaitCommands: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	live := gridstream(t, nil, "demod", "--rate", "1M", "--center-freq", "915M", "--ppm", "auto", "--timeout", "5s", srv.URL())
	if live.code != 0 || !strings.Contains(live.stderr, "frequency correction applied") || !strings.Contains(live.stderr, "ppm_applied=40") {
		t.Fatalf("rtl_tcp --ppm auto: exit %d\n%s", live.code, live.stderr)
	}
	var ppm []int32
	for _, c := range srv.Commands() {
		if c.Cmd == iq.CmdSetFreqCorrection {
			ppm = append(ppm, int32(c.Param))
		}
	}
	// None when the input was opened (0 ppm), then the estimate, once.
	if len(ppm) != 1 || ppm[0] != 40 {
		t.Errorf("frequency-correction commands %v, want [40]", ppm)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--ppm", "auto", p}, "--ppm auto is for rtl_tcp"},
		{[]string{"--ppm", "auto", "rtl_tcp://127.0.0.1:1"}, "--ppm auto needs --center-freq"},
		{[]string{"--ppm", "often", p}, "--ppm often: want a whole number"},
	} {
		r := gridstream(t, nil, append([]string{"demod"}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("demod %v: exit %d, want 2 and %q:\n%s", tc.args, r.code, tc.want, r.stderr)
		}
	}
	// A tuner setting on a recording is said, not silently dropped.
	if r := gridstream(t, nil, "demod", "--ppm", "12", "--state", "", p); r.code != 0 || !strings.Contains(r.stderr, "--ppm tunes an rtl_tcp:// input") {
		t.Errorf("demod --ppm 12 on a file: exit %d, want 0 and a warning:\n%s", r.code, r.stderr)
	}
}
