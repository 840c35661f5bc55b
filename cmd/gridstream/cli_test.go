package main_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream/gridstreamtest"
	"github.com/gridstream-sdr/gridstream/samples"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type result struct {
	stdout, stderr string
	code           int
}

func gridstream(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(testbin.Path(t), args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

// withoutTime drops the decode-time field so output can be compared.
func withoutTime(t *testing.T, jsonl string) string {
	t.Helper()
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		if _, ok := m["time"]; !ok {
			t.Fatalf("message without time: %s", sc.Text())
		}
		delete(m, "time")
		line, _ := json.Marshal(m)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testbin.Root(), "testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/gridstream -update)", err)
	}
	if got != string(want) {
		t.Fatalf("output differs from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestReplayBuiltinSample(t *testing.T) {
	r := gridstream(t, nil, "replay", "--state", "")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "replay-sample.golden.jsonl", withoutTime(t, r.stdout))
	for _, want := range []string{"summary", "crc_good=32", "learned_networks=1", "mbit_per_s="} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestSummaryChosenProtocols: a summary counts only the protocols asked
// for; GridStream's own counters are not listed for --protocol nge101.
func TestSummaryChosenProtocols(t *testing.T) {
	r := gridstream(t, nil, "replay", "--state", "", "--protocol", "nge101")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "unconfirmed=") || strings.Contains(r.stderr, "learned_networks") || strings.Contains(r.stderr, "encrypted=") {
		t.Errorf("--protocol nge101 summary:\n%s", r.stderr)
	}
}

func TestFramesSeeds(t *testing.T) {
	var all strings.Builder
	names, _ := filepath.Glob(filepath.Join(seeds.Dir(t), "00[01]_*.txt"))
	for _, n := range names {
		r := gridstream(t, nil, "frames", "--state", "", n)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", n, r.code, r.stderr)
		}
		all.WriteString(withoutTime(t, strings.ReplaceAll(r.stdout, filepath.Dir(n)+"/", "")))
	}
	r := gridstream(t, []byte(gridstreamtest.PugetSound), "frames", "--state", "", "--all")
	all.WriteString(withoutTime(t, r.stdout))
	golden(t, "frames-seeds.golden.jsonl", all.String())
}

// frames --help offers only the flags that mean something for hex lines;
// a bit-stream flag given anyway is ignored with a warning, and the summary
// has no bit counts.
func TestFramesTextFlags(t *testing.T) {
	help := gridstream(t, nil, "frames", "--help").stdout
	for _, f := range []string{"--all", "--crc-init", "--no-learn", "--state", "--out", "--mqtt", "--quiet"} {
		if !strings.Contains(help, "   "+f) {
			t.Errorf("frames --help lacks %s", f)
		}
	}
	for _, f := range []string{"--invert", "--protocol", "--preamble-bits", "--sync-errors", "--framing-errors", "--nge-pulses-per-kwh"} {
		if strings.Contains(help, "   "+f+" ") {
			t.Errorf("frames --help offers %s, which means nothing for hex lines", f)
		}
	}
	r := gridstream(t, []byte(gridstreamtest.PugetSound), "frames", "--state", "", "--invert", "--sync-errors", "3")
	if r.code != 0 || r.stdout == "" || !strings.Contains(r.stderr, `flags="--invert --sync-errors"`) {
		t.Errorf("frames with bit-stream flags: exit %d, %d bytes out\n%s", r.code, len(r.stdout), r.stderr)
	}
	if !strings.Contains(r.stderr, "msg=summary") || strings.Contains(r.stderr, "bits=") || strings.Contains(r.stderr, "mbit_per_s") {
		t.Errorf("frames summary:\n%s", r.stderr)
	}
}

// The unpublished utility of seed 000 is learned once and remembered: the
// next run decodes a single frame of it at once.
func TestLearnedNetworkPersists(t *testing.T) {
	state := filepath.Join(t.TempDir(), "networks.json")
	seed000, _ := filepath.Glob(filepath.Join(seeds.Dir(t), "000_*.txt"))
	r := gridstream(t, nil, "frames", "--state", state, seed000[0])
	if r.code != 0 || !strings.Contains(r.stderr, "learned a utility network") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(b), `"crc_init": "B5E3"`) || !strings.Contains(string(b), `"network_id": 14045`) {
		t.Fatalf("state file: %s %v", b, err)
	}
	one := "00FF2A 55 0023 30 FFFFFFFFFFFF FE40DA235100 00 006D65A4 A40B 40DA2351 0100 161505 0B32 7E00 3FB7 XX"
	r = gridstream(t, []byte(one), "frames", "--state", state)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || m["learned"] != true || m["network_id"] != 14045.0 || m["crc_ok"] != true {
		t.Fatalf("second run: %s %s", r.stdout, r.stderr)
	}
}

// The sample written in every other bit format decodes to the same messages.
func TestReplayFormats(t *testing.T) {
	want := withoutTime(t, gridstream(t, nil, "replay", "--state", "").stdout)
	dir := t.TempDir()
	var packed, ascii, soft, inverted []byte
	for i, b := range samples.Bits {
		if i%8 == 0 {
			packed = append(packed, 0)
		}
		packed[i/8] |= b << (7 - i%8)
		ascii = append(ascii, '0'+b)
		if i%80 == 79 {
			ascii = append(ascii, '\n')
		}
		soft = binary.LittleEndian.AppendUint32(soft, math.Float32bits(float32(b)*1.6-0.8))
		inverted = append(inverted, b^1)
	}
	for _, tc := range []struct {
		file string
		data []byte
		args []string
	}{
		{"s.packed", packed, nil},
		{"s.txt", ascii, nil},
		{"noext", ascii, nil},
		{"s.f32", soft, nil},
		{"soft.bin", soft, []string{"--input-format", "float32"}},
		{"inv.u8", inverted, []string{"--invert"}},
	} {
		path := filepath.Join(dir, tc.file)
		os.WriteFile(path, tc.data, 0o644)
		r := gridstream(t, nil, append(append([]string{"replay", "--state", ""}, tc.args...), path)...)
		got := strings.ReplaceAll(withoutTime(t, r.stdout), path, samples.BitsName)
		if r.code != 0 || got != want {
			t.Errorf("%s %v: exit %d, %d bytes of output (want %d)\n%s", tc.file, tc.args, r.code, len(got), len(want), r.stderr)
		}
	}
	r := gridstream(t, samples.Bits, "replay", "--state", "", "-")
	if got := strings.ReplaceAll(withoutTime(t, r.stdout), `"stdin"`, `"`+samples.BitsName+`"`); got != want {
		t.Errorf("stdin: %s", r.stderr)
	}
}

func TestUserErrors(t *testing.T) {
	dir := t.TempDir()
	ambiguous := filepath.Join(dir, "capture")
	os.WriteFile(ambiguous, []byte{0x12, 0x34, 0x56, 0x78, 0x9A}, 0o644)
	badState := filepath.Join(dir, "state.json")
	os.WriteFile(badState, []byte("{"), 0o644)
	cu8 := filepath.Join(dir, "norate.cu8")
	os.WriteFile(cu8, make([]byte, 4000), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing file", []string{"replay", "--state", "", filepath.Join(dir, "nope.u8")}, 1, "no such file"},
		{"bad crc init", []string{"replay", "--crc-init", "XYZ"}, 2, "bad CRC init"},
		{"bad format", []string{"replay", "--input-format", "wav"}, 2, `--input-format "wav": want auto, unpacked, packed, ascii, float32 or levels`},
		{"levels without rate", []string{"replay", "--input-format", "levels"}, 2, "--level-rate"},
		{"ambiguous content", []string{"replay", "--state", "", ambiguous}, 1, "--input-format packed or --input-format float32"},
		{"bad protocol", []string{"replay", "--state", "", "--protocol", "zigbee"}, 2, "unknown protocol"},
		{"corrupt state", []string{"replay", "--state", badState}, 2, "fix or delete the file"},
		{"corrupt state, networks list", []string{"networks", "list", "--state", badState}, 2, "fix or delete the file"},
		{"corrupt state, networks forget", []string{"networks", "forget", "--all", "--state", badState}, 2, "fix or delete the file"},
		{"unreadable state, networks list", []string{"networks", "list", "--state", dir}, 1, "networks: "},
		{"demod, format unknown", []string{"demod", "--state", "", ambiguous}, 2, "can't tell the sample format from the name: pass --input-format"},
		{"demod, rate unknown", []string{"demod", "--state", "", cu8}, 2, "the sample rate is unknown: pass --rate"},
		{"demod stdin, rate unknown", []string{"demod", "--state", "", "-"}, 2, "the sample rate is unknown: pass --rate"},
		{"grc without a command", []string{"grc"}, 2, "grc: name a command: install or uninstall"},
		{"networks without a command", []string{"networks"}, 2, "networks: name a command: list or forget"},
		{"networks, unknown command", []string{"networks", "lst"}, 2, `networks: unknown command "lst": list or forget`},
		{"unknown flag", []string{"replay", "--frobnicate"}, 2, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gridstream(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || strings.Contains(r.stderr, "panic") {
				t.Fatalf("exit %d (want %d), stderr:\n%s", r.code, tc.code, r.stderr)
			}
		})
	}
}

func TestAllShowsFailedFrames(t *testing.T) {
	bad := "00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9033 04\n"
	if r := gridstream(t, []byte(bad), "frames", "--state", "", "--no-learn"); r.stdout != "" {
		t.Fatalf("a failed frame was printed without --all: %s", r.stdout)
	}
	r := gridstream(t, []byte(bad), "frames", "--state", "", "--no-learn", "--all")
	if !strings.Contains(r.stdout, `"crc_ok":false`) || !strings.Contains(r.stdout, `"crc_init":null`) {
		t.Fatalf("got %s", r.stdout)
	}
}

// A config file sets flags as the command line would, the command line
// wins, and a file that cannot be used is a one-line usage error.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := "00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9033 04\n"
	yml := write("gridstream.yaml", "state: \"\"\nframes:\n  all: true\n  no-learn: true\n")
	r := gridstream(t, []byte(bad), "frames", "--config", yml)
	if r.code != 0 || !strings.Contains(r.stdout, `"crc_ok":false`) {
		t.Fatalf("--all from the file: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}
	tml := write("gridstream.toml", "state = \"\"\n[frames]\nall = true\nno-learn = true\nformat = \"rtl433\"\n")
	r = gridstream(t, []byte(bad), "frames", "--config", tml, "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"crc_ok":false`) {
		t.Fatalf("TOML, --format on the command line over the file's: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}
	// Values reach the flags as written: a local start time stays local
	// (YAML would read it as UTC).
	t.Setenv("TZ", "America/New_York")
	cl := gridstream(t, nil, "replay", "--state", "", "--bit-rate", "9600", "--start-time", "2026-11-23 10:00:00")
	yr := gridstream(t, nil, "replay", "--config", write("start.yaml", "state: \"\"\nreplay:\n  bit-rate: 9600\n  start-time: 2026-11-23 10:00:00\n"))
	if cl.code != 0 || cl.stdout != yr.stdout || !strings.Contains(cl.stdout, `"time":"2026-11-23T15:00:00.036`) {
		t.Errorf("--start-time from the file differs from the command line's:\n%s\n%s\n%s", cl.stdout[:min(300, len(cl.stdout))], yr.stdout[:min(300, len(yr.stdout))], yr.stderr)
	}
	for _, tc := range []struct {
		file, want string
	}{
		{filepath.Join(dir, "missing.yaml"), "config file: open"},
		{write("typo.yaml", "replay:\n  crc-inti: 1234\n"), "unknown key replay.crc-inti (did you mean crc-init?)"},
		{write("scalar.yaml", "demod: 5\n"), `demod must be a section, a mapping of demod's flags to their values, not "5"`},
		{write("other.yaml", "replay: {rate: 2}\n"), "unknown key replay.rate: rate is not a flag of replay (it is a flag of demod"},
		{write("bad.toml", "all = \n"), "config file"},
		{write("range.yaml", "replay:\n  framing-errors: 300\n"), "--framing-errors 300: out of range"},
	} {
		r := gridstream(t, nil, "replay", "--config", tc.file)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 || r.stdout != "" {
			t.Errorf("%s: exit %d, stderr %q, want one line with %q", filepath.Base(tc.file), r.code, r.stderr, tc.want)
		}
	}
}

// frames reads lines as receivers print them: two damaged bytes before 2A,
// or the frame from its CI byte on; a CI-started line no known network
// confirms is reported, not emitted.
func TestFramesDamagedAndCILines(t *testing.T) {
	in := "01FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04\n" +
		"30FFFFFFFFFFFFFE5021D00500AE0003FB9EA4035021D00501000720010DA87E0083E804\n" +
		"29 900000D5 900000FD 5DC008007450050C012B834F815E16EA2400 51AB\n" +
		"29 11223344 66778899 0102030405 ABCD\n"
	r := gridstream(t, []byte(in), "frames", "--state", "", "--no-learn")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d, %d messages:\n%s\n%s", r.code, len(lines), r.stdout, r.stderr)
	}
	for i, want := range []string{`"type":"55"`, `"type":"55"`, `"type":"D5"`} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], `"crc_ok":true`) || !strings.Contains(lines[i], `"version":0`) {
			t.Errorf("line %d: %s", i+1, lines[i])
		}
	}
	if !strings.Contains(r.stderr, "line 4: starts at a CI byte (29)") {
		t.Errorf("the unconfirmed line is not reported:\n%s", r.stderr)
	}
}

// subcommands returns the commands a help text lists (not help itself).
func subcommands(help string) []string {
	_, list, ok := strings.Cut(help, "\nCOMMANDS:\n")
	if !ok {
		return nil
	}
	var out []string
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			break
		}
		if name := strings.TrimSuffix(f[0], ","); name != "help" {
			out = append(out, name)
		}
	}
	return out
}

// The help says how to use a config file: the app's help, and every
// command that runs something lists --config.
func TestHelpMentionsConfig(t *testing.T) {
	r := gridstream(t, nil, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--config FILE") {
		t.Errorf("gridstream --help: exit %d, no --config:\n%s", r.code, r.stdout)
	}
	leaves := 0
	var walk func(path []string, help string)
	walk = func(path []string, help string) {
		for _, name := range subcommands(help) {
			args := append(slices.Clone(path), name, "--help")
			r := gridstream(t, nil, args...)
			if r.code != 0 {
				t.Fatalf("gridstream %s: exit %d", strings.Join(args, " "), r.code)
			}
			if sub := subcommands(r.stdout); len(sub) > 0 {
				walk(append(slices.Clone(path), name), r.stdout)
				continue
			}
			leaves++
			if !strings.Contains(r.stdout, "--config value") {
				t.Errorf("gridstream %s: no --config:\n%s", strings.Join(args, " "), r.stdout)
			}
		}
	}
	walk(nil, r.stdout)
	if leaves < 8 {
		t.Errorf("only %d commands found in the help", leaves)
	}
}

// A bit recording's messages have an offset only when --bit-rate says how
// long a bit is: --start-time without it would be silently ignored (every
// time the wall clock), so it is a one-line usage error. Levels carry their
// rate in --level-rate.
func TestReplayStartTimeNeedsRate(t *testing.T) {
	const want = "--start-time needs --bit-rate for bit inputs"
	for _, args := range [][]string{
		{"replay", "--state", "", "--start-time", "2026-11-23T10:00:00Z"},
		{"replay", "--state", "", "--start-time", "2026-11-23T10:00:00Z", "-F", "rtl433"},
		{"replay", "--state", "", "--start-time", "2026-11-23T10:00:00Z", "--input-format", "packed", "-"},
	} {
		r := gridstream(t, []byte{}, args...)
		if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %.200q, stderr %q; want exit 2 and one line with %q", args, r.code, r.stdout, r.stderr, want)
		}
	}
	r := gridstream(t, []byte{}, "replay", "--state", "", "--start-time", "2026-11-23T10:00:00Z",
		"--input-format", "levels", "--level-rate", "250000", "-")
	if r.code != 0 {
		t.Errorf("levels at --level-rate with --start-time: exit %d, %s", r.code, r.stderr)
	}
}

// A frame line without a prefix that starts as only a frame starts (2A and
// its header, or 30FFFF) but is damaged is reported and counted like a
// prefixed one; prose that begins with "2a" is not.
func TestFramesDamagedUnprefixedLines(t *testing.T) {
	const f55 = "2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032"
	in := "2A 55 00 23 30 FF FF FF FF FF FF FE 50 21 D0 05 00 7C 00 03 FB 20 A4 03 50 21 D0 05 01 00 07 20 01 1E 56 7E 00 9O 32\n" +
		f55[:len(f55)-1] + "\n" +
		f55 + "XX\n" +
		"2a55 added to the list of types\n" +
		"00FF" + f55[:len(f55)-2] + "9O\n"
	r := gridstream(t, []byte(in), "frames", "--state", "", "--no-learn")
	for _, want := range []string{"line 1: not hex at digit 76 (E009O3)", "line 2: odd number of hex digits", "line 3: not hex at digit 79 (9032XX)", "line 5: not hex after the 00FF2A prefix", "count=4"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "line 4") || r.stdout != "" {
		t.Errorf("prose reported, or a frame emitted:\n%s\n%s", r.stdout, r.stderr)
	}
}
