package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	"github.com/gridstream-sdr/gridstream/samples"
	gsynth "github.com/gridstream-sdr/gridstream/synth"
)

// dashProc is a gridstream process run with --http.
type dashProc struct {
	cmd    *exec.Cmd
	url    string
	stdout *lockedBuffer
	stdin  io.WriteCloser
	ended  chan struct{}
	stderr *lockedBuffer
	waited chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var urlRE = regexp.MustCompile(`msg="dashboard: serving" url=(\S+)`)

// startDash starts gridstream with args (which include --http) and waits
// for the dashboard's address on stderr. With pipeStdin the test writes
// the input itself.
func startDash(t *testing.T, pipeStdin bool, args ...string) *dashProc {
	t.Helper()
	cmd := exec.Command(testbin.Path(t), args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	p := &dashProc{cmd: cmd, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, ended: make(chan struct{}), waited: make(chan error, 1)}
	cmd.Stdout = p.stdout
	if pipeStdin {
		w, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		p.stdin = w
	}
	er, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(er)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.Write([]byte(line + "\n"))
			if m := urlRE.FindStringSubmatch(line); m != nil {
				got <- m[1]
			}
			if strings.Contains(line, "the dashboard stays up at") {
				close(p.ended)
			}
		}
		p.waited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.waited
		}
	})
	select {
	case p.url = <-got:
	case <-time.After(20 * time.Second):
		t.Fatalf("no dashboard address on stderr:\n%s", p.stderr.String())
	}
	return p
}

// waitEnded waits for the "input ended" line.
func (p *dashProc) waitEnded(t *testing.T) {
	t.Helper()
	select {
	case <-p.ended:
	case <-time.After(60 * time.Second):
		t.Fatalf("the input did not end:\n%s", p.stderr.String())
	}
}

// stdoutLines waits until stdout holds at least n lines (its copy from the
// pipe may trail the stderr line that says the input ended) and returns
// them.
func (p *dashProc) stdoutLines(t *testing.T, n int) []string {
	t.Helper()
	var lines []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		lines = strings.Split(strings.TrimSpace(p.stdout.String()), "\n")
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
	}
}

// stop sends SIGINT and checks that gridstream exits 0.
func (p *dashProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-p.waited:
		if err != nil {
			t.Errorf("gridstream after SIGINT: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("gridstream did not stop on SIGINT:\n%s", p.stderr.String())
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: %s %s", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// apiDevice is what the tests read of /api/devices.
type apiDevice struct {
	Protocol   string    `json:"protocol"`
	ID         string    `json:"id"`
	FirstHeard time.Time `json:"first_heard"`
	LastHeard  time.Time `json:"last_heard"`
	Frames     int       `json:"frames"`
	NetworkID  *int      `json:"network_id"`
	CRCInit    *string   `json:"crc_init"`
	Utility    *string   `json:"utility"`
	Learned    bool      `json:"learned"`
	UptimeS    *int64    `json:"uptime_s"`
	LastOutage *string   `json:"last_outage"`
	RSSIdB     *float64  `json:"rssi_db"`
	SNRdB      *float64  `json:"snr_db"`
	FreqMinHz  *float64  `json:"freq_min_hz"`
	FreqMaxHz  *float64  `json:"freq_max_hz"`
	Bauds      []int     `json:"bauds"`
	PowerW     *float64  `json:"power_w"`
	EnergyKWh  *float64  `json:"energy_kwh"`
	BatteryOK  *bool     `json:"battery_ok"`
	Channel    int       `json:"channel"`
}

// fullMessage is a stdout line with every field the device table merges.
type fullMessage struct {
	Protocol  string   `json:"protocol"`
	Time      string   `json:"time"`
	CRCOK     bool     `json:"crc_ok"`
	Raw       string   `json:"raw"`
	Src       string   `json:"src"`
	SrcWAN    string   `json:"src_wan"`
	CRCInit   *string  `json:"crc_init"`
	NetworkID *int     `json:"network_id"`
	Utility   *string  `json:"utility"`
	UptimeS   *int64   `json:"uptime_s"`
	ID        int      `json:"id"`
	Channel   int      `json:"channel"`
	PowerW    *float64 `json:"power_w"`
	EnergyKWh *float64 `json:"energy_kwh"`
	BatteryOK *bool    `json:"battery_ok"`
	FreqHz    *float64 `json:"freq_hz"`
	Baud      int      `json:"baud"`
	RSSIdB    *float64 `json:"rssi_db"`
}

func (m fullMessage) key() string {
	if m.Protocol == "nge101" {
		return fmt.Sprintf("nge101/%d-%d", m.Channel, m.ID)
	}
	if m.Src != "" {
		return "gridstream/" + m.Src
	}
	return "gridstream/" + m.SrcWAN
}

func parseFull(t *testing.T, jsonl string) []fullMessage {
	t.Helper()
	var out []fullMessage
	sc := bufio.NewScanner(strings.NewReader(jsonl))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m fullMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// webRecording makes a recording with GridStream meters of three networks
// hopping at every baud, some of them heard more than once, and an NGE101
// transmitter's power and energy packets: both protocols, so no centre
// frequency (frequencies are offsets).
func webRecording(t *testing.T) (string, []gsynth.TruthLine) {
	t.Helper()
	dir := t.TempDir()
	rec := filepath.Join(dir, "web_1M.cu8")
	truth := synth(t, rec, "--count", "16", "--hop", "--crc-init", "5FD6,142A,E623", "--rate", "1M",
		"--interval", "0.02", "--snr", "14:24", "--seed", "11",
		"--frame", "2AD500142290000057900000C7510F07000316A41B109E1F",
		"--frame", "2AD500142290000057900000C7510F07000316A41B109E1F",
		"--nge-power", "810", "--nge-energy", "12345.678", "--nge-id", "117", "--nge-channel", "3")
	return rec, truth
}

// The API lists every device of a synthetic recording, each with the
// fields merged from its messages (stdout of the same run is the reference,
// the truth checks that everything sent came out).
func TestWebAPIDevices(t *testing.T) {
	rec, truth := webRecording(t)
	p := startDash(t, false, "demod", "--state", "", "--http", "127.0.0.1:0", "--waterfall", filepath.Join(t.TempDir(), "wf.png"), rec)
	p.waitEnded(t)
	var ended map[string]any
	getJSON(t, p.url+"api/stats", &ended)
	// "bursts" is one count everywhere: the summary line, the API and the
	// waterfall (the search's candidates are counted apart).
	summary, pic := logAttr(p.stderr.String(), "msg=summary", "bursts"), logAttr(p.stderr.String(), `msg="waterfall written"`, "bursts")
	if b, _ := ended["bursts"].(float64); summary == "" || summary != pic || summary != fmt.Sprint(b) ||
		logAttr(p.stderr.String(), "msg=summary", "candidates") == "" {
		t.Errorf("bursts: summary %q, waterfall %q, /api/stats %v; summary candidates %q", summary, pic, ended["bursts"],
			logAttr(p.stderr.String(), "msg=summary", "candidates"))
	}
	good, _ := ended["crc_good"].(float64)
	msgs := parseFull(t, strings.Join(p.stdoutLines(t, int(good)), "\n"))
	if len(msgs) != len(truth) {
		t.Errorf("%d messages for %d bursts sent", len(msgs), len(truth))
	}
	var devs []apiDevice
	getJSON(t, p.url+"api/devices", &devs)
	byKey := map[string][]fullMessage{}
	for _, m := range msgs {
		byKey[m.key()] = append(byKey[m.key()], m)
	}
	if len(devs) != len(byKey) {
		t.Errorf("/api/devices lists %d devices; the messages name %d", len(devs), len(byKey))
	}
	sawNGE, sawRepeat := false, false
	for _, d := range devs {
		ms := byKey[d.Protocol+"/"+d.ID]
		if len(ms) == 0 {
			t.Errorf("device %s/%s heard in no message", d.Protocol, d.ID)
			continue
		}
		last := ms[len(ms)-1]
		first, _ := time.Parse(time.RFC3339, ms[0].Time)
		lastAt, _ := time.Parse(time.RFC3339, last.Time)
		if d.Frames != len(ms) || !d.FirstHeard.Equal(first) || !d.LastHeard.Equal(lastAt) {
			t.Errorf("%s: frames %d first %v last %v; messages: %d, %v, %v", d.ID, d.Frames, d.FirstHeard, d.LastHeard, len(ms), first, lastAt)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		var bauds []int
		for _, m := range ms {
			lo, hi = min(lo, *m.FreqHz), max(hi, *m.FreqHz)
			if m.Baud > 0 && !slices.Contains(bauds, m.Baud) {
				bauds = append(bauds, m.Baud)
			}
		}
		sort.Ints(bauds)
		if d.FreqMinHz == nil || *d.FreqMinHz != lo || *d.FreqMaxHz != hi || fmt.Sprint(d.Bauds) != fmt.Sprint(bauds) ||
			d.RSSIdB == nil || d.SNRdB == nil {
			t.Errorf("%s: frequency %v-%v bauds %v rssi %v; messages: %.0f-%.0f %v", d.ID, d.FreqMinHz, d.FreqMaxHz, d.Bauds, d.RSSIdB, lo, hi, bauds)
		}
		sawRepeat = sawRepeat || len(ms) > 1
		switch d.Protocol {
		case "gridstream":
			if d.CRCInit == nil || last.CRCInit == nil || *d.CRCInit != *last.CRCInit || *d.NetworkID != *last.NetworkID ||
				fmt.Sprint(d.Utility) != fmt.Sprint(last.Utility) && (d.Utility == nil || *d.Utility != *last.Utility) {
				t.Errorf("%s: network %v/%v/%v, message %v/%v/%v", d.ID, d.CRCInit, d.NetworkID, d.Utility, last.CRCInit, last.NetworkID, last.Utility)
			}
			var up *int64
			for _, m := range ms {
				if m.UptimeS != nil {
					up = m.UptimeS
				}
			}
			if (up == nil) != (d.UptimeS == nil) || up != nil && (*up != *d.UptimeS || d.LastOutage == nil) {
				t.Errorf("%s: uptime %v outage %v; messages say %v", d.ID, d.UptimeS, d.LastOutage, up)
			}
		case "nge101":
			sawNGE = true
			if d.ID != "3-117" || d.Channel != 3 || d.PowerW == nil || math.Abs(*d.PowerW-810) > 1 ||
				d.EnergyKWh == nil || math.Abs(*d.EnergyKWh-12345.678) > 0.001 || d.BatteryOK == nil || !*d.BatteryOK {
				t.Errorf("NGE101 device: %+v", d)
			}
		}
	}
	if !sawNGE || !sawRepeat {
		t.Errorf("the recording should hold an NGE101 device (%v) and a meter heard twice (%v)", sawNGE, sawRepeat)
	}
	var st map[string]any
	getJSON(t, p.url+"api/stats", &st)
	if st["crc_good"] != float64(len(msgs)) || st["devices"] != float64(len(devs)) || st["input_ended"] != true ||
		st["command"] != "demod" || st["bursts"].(float64) < float64(len(truth))*0.8 || st["sample_rate"] != 1e6 {
		t.Errorf("/api/stats: %v", st)
	}
	// Every device is in a decoded burst (a burst may carry several
	// transmissions: the NGE101 packets, two frames on one channel).
	var bursts []struct {
		Decoded bool     `json:"decoded"`
		Devices []string `json:"devices"`
	}
	getJSON(t, p.url+"api/bursts", &bursts)
	inBurst := map[string]bool{}
	for _, b := range bursts {
		for _, d := range b.Devices {
			inBurst[d] = b.Decoded
		}
	}
	for k := range byKey {
		if !inBurst[k] {
			t.Errorf("/api/bursts: device %s in no decoded burst", k)
		}
	}
	if !strings.Contains(p.stderr.String(), "input ended (end of input); the dashboard stays up at "+p.url+" until Ctrl-C") {
		t.Errorf("stderr does not say the dashboard stays up:\n%s", p.stderr.String())
	}
	p.stop(t)
}

// logAttr returns the value of key on the first log line of stderr that
// has mark and key, or "".
func logAttr(stderr, mark, key string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.Contains(line, mark) {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, key+"="); ok {
				return v
			}
		}
	}
	return ""
}

// sseReader reads Server-Sent Events.
type sseReader struct{ r *bufio.Reader }

func (s sseReader) next() (kind, id, data string, err error) {
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return "", "", "", err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "" && kind != "":
			return kind, id, data, nil
		case strings.HasPrefix(line, "event: "):
			kind = line[7:]
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		}
	}
}

// The event stream delivers every message, live, exactly as stdout prints
// it: the recording is written to gridstream's stdin only once the test
// listens. A page that connects later gets them too (the history).
func TestWebEventsEveryMessage(t *testing.T) {
	rec, truth := webRecording(t)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	p := startDash(t, true, "demod", "--state", "", "--rate", "1M", "--http", "0", "-")
	if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Errorf("--http 0 serves on %s, want loopback", p.url)
	}
	resp, err := http.Get(p.url + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan [2]string, 1000)
	go func() {
		s := sseReader{bufio.NewReader(resp.Body)}
		for {
			kind, _, data, err := s.next()
			if err != nil {
				close(events)
				return
			}
			events <- [2]string{kind, data}
		}
	}()
	if _, err := p.stdin.Write(data); err != nil {
		t.Fatal(err)
	}
	p.stdin.Close()
	p.waitEnded(t)
	var got []string
	bursts := 0
	timeout := time.After(10 * time.Second)
collect:
	for {
		select {
		case e, ok := <-events:
			if !ok {
				break collect
			}
			switch e[0] {
			case "message":
				got = append(got, e[1])
			case "burst":
				bursts++
			case "done":
				break collect
			}
		case <-timeout:
			break collect
		}
	}
	want := p.stdoutLines(t, len(got))
	if len(want) != len(truth) {
		t.Errorf("stdout: %d messages for %d bursts", len(want), len(truth))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("event stream: %d messages, stdout %d; they differ:\nevents: %q\nstdout: %q", len(got), len(want), got, want)
	}
	if bursts < len(truth)*8/10 {
		t.Errorf("%d burst events for %d bursts sent", bursts, len(truth))
	}
	// A page opened after the end still gets every message.
	late, err := http.Get(p.url + "events")
	if err != nil {
		t.Fatal(err)
	}
	s := sseReader{bufio.NewReader(late.Body)}
	var again []string
	for len(again) < len(want) {
		kind, _, data, err := s.next()
		if err != nil {
			t.Fatal(err)
		}
		if kind == "message" {
			again = append(again, data)
		}
	}
	late.Body.Close()
	if strings.Join(again, "\n") != strings.Join(want, "\n") {
		t.Error("a late page does not get the same messages")
	}
	p.stop(t)
}

// replay and decode serve the dashboard too.
func TestWebReplay(t *testing.T) {
	p := startDash(t, false, "replay", "--state", "", "-q", "--http", "127.0.0.1:0")
	p.waitEnded(t)
	var devs []apiDevice
	getJSON(t, p.url+"api/devices", &devs)
	ids := map[string]bool{}
	for _, d := range devs {
		ids[d.ID] = true
	}
	// The built-in sample: seed meters of CoServ and a learned network, and
	// an NGE101 transmitter.
	if !ids["40DA952B"] || !ids["1-147"] || len(devs) < 5 {
		t.Errorf("replay's devices: %v", ids)
	}
	p.stop(t)
}

// sockets lists the socket inodes a process holds.
func sockets(t *testing.T, pid int) []string {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var out []string
	for _, fd := range fds {
		l, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(l, "socket:[") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]"))
		}
	}
	return out
}

// listening reports which of the inodes are listening TCP sockets.
func listening(t *testing.T, inodes []string) []string {
	t.Helper()
	var out []string
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) > 9 && fs[3] == "0A" && slices.Contains(inodes, fs[9]) { // 0A: LISTEN
				out = append(out, fs[1])
			}
		}
	}
	return out
}

// goroutineDump makes the running binary print its goroutines (SIGQUIT)
// and returns the dump.
func goroutineDump(t *testing.T, cmd *exec.Cmd, stderr *lockedBuffer, waited chan error) string {
	t.Helper()
	cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("no goroutine dump after SIGQUIT")
	}
	return stderr.String()
}

// Without --http there is no listener and no goroutine of the web server;
// with it there are (so the test can tell).
func TestNoListenerWithoutHTTP(t *testing.T) {
	run := func(http bool) (listeners []string, dump string) {
		args := []string{"demod", "--state", "", "--rate", "1M", "-q"}
		if http {
			args = append(args, "--http", "127.0.0.1:0")
		}
		cmd := exec.Command(testbin.Path(t), append(args, "-")...)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "GOTRACEBACK=all")
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		stderr := &lockedBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		// Samples flow, so the receiver is running, before looking.
		if _, err := in.Write(make([]byte, 200000)); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(stderr.String(), "demodulating") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if http {
			for !strings.Contains(stderr.String(), "dashboard: serving") && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
		}
		time.Sleep(200 * time.Millisecond)
		listeners = listening(t, sockets(t, cmd.Process.Pid))
		return listeners, goroutineDump(t, cmd, stderr, waited)
	}
	l, dump := run(false)
	if len(l) != 0 {
		t.Errorf("without --http: listening on %v", l)
	}
	for _, pkg := range []string{"net/http.", "gridstream/web.", "gridstream/dashboard."} {
		if strings.Contains(dump, pkg) {
			t.Errorf("without --http a goroutine runs %s", pkg)
		}
	}
	if !strings.Contains(dump, "goroutine ") {
		t.Fatalf("no goroutine dump:\n%s", dump)
	}
	l, dump = run(true)
	if len(l) != 1 || !strings.Contains(dump, "net/http.(*Server).Serve") {
		t.Errorf("with --http: listening on %v; the dump shows the server: %v", l, strings.Contains(dump, "net/http.(*Server).Serve"))
	}
}

func TestHTTPFlagErrors(t *testing.T) {
	for _, addr := range []string{"notaport", "99999", "1.2.3.4"} {
		r := gridstream(t, nil, "replay", "--state", "", "--http", addr)
		if r.code != 2 || !strings.Contains(r.stderr, "--http") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("--http %s: exit %d, stderr %q", addr, r.code, r.stderr)
		}
	}
}

// decode serves the dashboard while its GNU Radio input runs: a PUSH peer
// sends the built-in sample's bits and the API lists its meters.
func TestWebDecode(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := startDash(t, false, "decode", "-q", "--state", "", "--in", "pull://"+ln.Addr().String(), "--http", "127.0.0.1:0")
	c := acceptPush(t, ln)
	if _, err := c.Write(zmtp.AppendFrame(nil, samples.Bits, false)); err != nil {
		t.Fatal(err)
	}
	var devs []apiDevice
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		getJSON(t, p.url+"api/devices", &devs)
		if len(devs) >= 5 {
			break
		}
	}
	ids := map[string]bool{}
	for _, d := range devs {
		ids[d.ID] = true
	}
	var st map[string]any
	getJSON(t, p.url+"api/stats", &st)
	if !ids["40DA952B"] || st["command"] != "decode" || st["items"] != float64(len(samples.Bits)) || st["input_ended"] != false ||
		st["lost_items"] != 0.0 || st["out_dropped"] != 0.0 {
		t.Errorf("decode's devices %v, stats %v", ids, st)
	}
	p.stop(t)
}

// With --mqtt the page and the API show the MQTT sink's own device table:
// the devices whose states are retained on the broker, and the --meter
// device pinned as MQTT pins it.
func TestWebSharesMQTTTable(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	p := startDash(t, false, "replay", "-q", "--state", "", "--mqtt", b.URL(), "--meter", "40DA952B", "--http", "127.0.0.1:0")
	p.waitEnded(t)
	var devs []struct {
		Protocol string `json:"protocol"`
		ID       string `json:"id"`
		Pinned   bool   `json:"pinned"`
		Frames   int    `json:"frames"`
	}
	getJSON(t, p.url+"api/devices", &devs)
	retained := mosquitto.Retained(t, b.URL(), "", "", "gridstream/+/+/state", 500*time.Millisecond)
	if len(devs) == 0 || len(devs) != len(retained) {
		t.Errorf("/api/devices lists %d devices, the broker holds %d states", len(devs), len(retained))
	}
	for _, d := range devs {
		st, ok := retained["gridstream/"+d.Protocol+"/"+d.ID+"/state"]
		var v map[string]any
		if !ok || json.Unmarshal(st.Payload, &v) != nil {
			t.Errorf("%s/%s: no state on the broker", d.Protocol, d.ID)
			continue
		}
		n := v["frames"]
		if d.Protocol == "nge101" {
			n = v["packets"]
		}
		if n != float64(d.Frames) {
			t.Errorf("%s: %d frames on the page, %v on the broker", d.ID, d.Frames, n)
		}
		if d.Pinned != (d.ID == "40DA952B") {
			t.Errorf("%s: pinned %v (only the --meter device is)", d.ID, d.Pinned)
		}
	}
	p.stop(t)
}

// With rtl_433's MQTT layout the MQTT sink keeps no device table, so the
// dashboard keeps its own: it lists the same devices, with the same frame
// counts, as with gridstream's layout.
func TestWebWithRTL433MQTT(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	type dev struct {
		Protocol string `json:"protocol"`
		ID       string `json:"id"`
		Frames   int    `json:"frames"`
	}
	list := func(format string) []dev {
		p := startDash(t, false, "replay", "-q", "--state", "", "--mqtt", b.URL(), "--mqtt-format", format, "--http", "127.0.0.1:0")
		p.waitEnded(t)
		var devs []dev
		getJSON(t, p.url+"api/devices", &devs)
		p.stop(t)
		// Replayed messages carry the time they are decoded: the order by
		// last heard differs from run to run.
		slices.SortFunc(devs, func(a, b dev) int { return strings.Compare(a.Protocol+"/"+a.ID, b.Protocol+"/"+b.ID) })
		return devs
	}
	want, got := list("gridstream"), list("rtl433")
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("--mqtt-format rtl433: /api/devices lists\n%v\nwant (as with gridstream's layout)\n%v", got, want)
	}
}
