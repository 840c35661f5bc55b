package demod

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// runOptions renders a synth recording through the receiver chunk by chunk
// and scores it against the truth: found counts the wanted (not
// Interferer) GridStream bursts whose frame came out CRC-good; extra counts
// CRC-good messages that are no frame sent (a wrong frame: the whole raw,
// type and length included, must match one).
func runOptions(t testing.TB, o synth.Options, cfg Config) result {
	t.Helper()
	res, _ := runPlan(t, o, cfg)
	return res
}

// runOptionsRx renders a synth recording through a receiver with the
// default configuration and returns the receiver.
func runOptionsRx(t testing.TB, o synth.Options) *Receiver {
	t.Helper()
	_, rx := runPlan(t, o, Config{})
	return rx
}

// runPlan is runOptions, returning the receiver too.
func runPlan(t testing.TB, o synth.Options, cfg Config) (result, *Receiver) {
	t.Helper()
	p, err := o.Plan()
	if err != nil {
		t.Fatal(err)
	}
	var res result
	cfg.SampleRate, cfg.CenterFreq = p.SampleRate, p.CenterFreq
	cfg.Decoders = testDecoders(gridstream.Config{NoLearn: true})
	rx, err := New(cfg, func(m *frames.Message) { res.msgs = append(res.msgs, m) })
	if err != nil {
		t.Fatal(err)
	}
	g := synth.New(p.Config, p.Source)
	buf := make([]complex64, 40000)
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if err != nil {
			break
		}
	}
	rx.Flush()
	res.truth = g.Truth()
	res.stats = rx.Stats()
	want := map[string]int{}
	sent := map[string]bool{}
	for _, tr := range res.truth {
		if tr.Protocol != gridstream.Name {
			continue
		}
		raw := hexUpper(tr.Frame)
		sent[raw] = true
		if !tr.Interferer {
			want[raw]++
			res.sent++
		}
	}
	for _, m := range res.msgs {
		if m.Protocol != gridstream.Name || !m.CRCOK {
			continue
		}
		switch {
		case want[m.Raw] > 0:
			want[m.Raw]--
			res.found++
		case !sent[m.Raw]:
			res.extra++
			t.Logf("wrong frame: %s", m.Raw)
		}
	}
	return res, rx
}

// impairmentGoal is the share of wanted frames each scenario must decode:
// issue 9's goals (99 % where the issue sets none: what the clean
// recording gives at 10 dB); fading is held to what the clean curve allows
// (fadingExpectation).
var impairmentGoal = map[string]float64{
	"clean": 0.99, "offset-high": 0.99, "offset-low": 0.99, "clock": 0.99, "drift": 0.99,
	"gfsk-wide": 0.95, "gfsk-low": 0.95, "long": 0.99, "long-4db": 0.95, "dc-iq": 0.99,
	"adjacent": 0.99, "co-channel": 0.99, "fsk-interferer": 0.99, "fsk-clip": 0.99, "ook-interferer": 0.99,
	"clip": 0.99, "lsb": 0.99, "near-far": 0.95,
}

// belowGoal holds the cells that miss their issue-9 goal, at what they
// reach (so a regression still fails): none at present (GFSK h 2–3 at
// 2.4 MS/s, the last, reaches its 95 % on the table's 200 frames).
var belowGoal = map[string]float64{}

// TestImpairments runs every scenario of the impairment table at both
// rates on 40 frames: each must reach its goal (less a binomial margin:
// 2 misses more than the goal allows, which a receiver that meets a 99 %
// goal exceeds less than once in a hundred) and never emit a wrong frame.
// The README's figures are TestImpairmentTable's, on 200 frames.
func TestImpairments(t *testing.T) {
	const n = 40
	for _, sc := range synth.Scenarios {
		for i, fs := range tableRates {
			t.Run(sc.Name+"/"+rateName(fs), func(t *testing.T) {
				res := runOptions(t, scenarioOptions(sc, fs, n, uint64(500+i)), Config{})
				goal, ok := impairmentGoal[sc.Name]
				if g, below := belowGoal[sc.Name+"/"+rateName(fs)]; below {
					goal = g
				}
				if sc.Name == "fading" {
					goal, ok = fadingExpectation(t, fs, 8, 20)-0.05, true
				}
				if !ok {
					t.Fatalf("no goal for %s", sc.Name)
				}
				allowed := int(math.Floor((1-goal)*float64(res.sent))) + 2
				t.Logf("%d of %d wanted frames (goal %.0f %%, %d misses allowed), %d wrong", res.found, res.sent, 100*goal, allowed, res.extra)
				if res.sent < n || res.sent-res.found > allowed || res.extra > 0 {
					t.Errorf("%d of %d wanted frames (goal %.0f %%, at most %d missed); %d wrong frames", res.found, res.sent, 100*goal, allowed, res.extra)
				}
			})
		}
	}
}

// fadingExpectation is the share of frames of the table's recording at rate
// fs that log-normal fading of spread sigma dB around 10 dB leaves
// decodable, by the clean recording's frames decoded against SNR (measured
// on n frames every 2 dB) averaged over the fading's SNR distribution.
func fadingExpectation(t testing.TB, fs, sigma float64, n int) float64 {
	t.Helper()
	var snrs, got []float64
	for snr := -14.0; snr <= 12; snr += 2 {
		o := synth.TableOptions(fs, snr, n, uint64(7000+snr))
		res := runOptions(t, o, Config{})
		snrs = append(snrs, snr)
		got = append(got, float64(res.found)/float64(max(1, res.sent)))
	}
	// P(SNR) linear between the points, 0 below and 1 above; integrated
	// against the normal density in 0.05 dB steps.
	p := func(s float64) float64 {
		switch {
		case s <= snrs[0]:
			return got[0] * 0
		case s >= snrs[len(snrs)-1]:
			return 1
		}
		k := int((s - snrs[0]) / 2)
		f := (s - snrs[k]) / 2
		return got[k] + f*(got[k+1]-got[k])
	}
	var e, w float64
	for x := -5 * sigma; x <= 5*sigma; x += 0.05 {
		d := math.Exp(-x * x / (2 * sigma * sigma))
		e += d * p(10+x)
		w += d
	}
	return e / w
}

// tableRates are the two recordings of the impairment table.
var tableRates = []float64{250e3, 2.4e6}

func rateName(fs float64) string {
	if fs > 1e6 {
		return "2.4 MS/s"
	}
	return "250 kS/s"
}

// scenarioOptions are the table's options for a scenario at rate fs.
func scenarioOptions(sc synth.Scenario, fs float64, count int, seed uint64) synth.Options {
	o := synth.TableOptions(fs, 10, count, seed)
	sc.Apply(&o)
	return o
}

// TestImpairmentTable prints the impairment table for the README. It runs
// only with GRIDSTREAM_IMPAIR_TABLE set to the frames per cell (e.g. 200):
// scripts/impairment-table.sh. GRIDSTREAM_IMPAIR_ONLY limits it to the
// scenarios named (comma-separated).
func TestImpairmentTable(t *testing.T) {
	env := os.Getenv("GRIDSTREAM_IMPAIR_TABLE")
	if env == "" {
		t.Skip("set GRIDSTREAM_IMPAIR_TABLE=frames per cell (scripts/impairment-table.sh)")
	}
	n, err := strconv.Atoi(env)
	if err != nil || n <= 0 {
		n = 200
	}
	only := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("GRIDSTREAM_IMPAIR_ONLY"), ",") {
		if s != "" {
			only[s] = true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nImpairments: wanted frames decoded, %d per cell, wanted bursts at 10 dB unless stated.\n\n", n)
	b.WriteString("| scenario | what | 250 kS/s | 2.4 MS/s | wrong frames |\n|---|---|---|---|---|\n")
	for _, sc := range synth.Scenarios {
		if len(only) > 0 && !only[sc.Name] {
			continue
		}
		fmt.Fprintf(&b, "| %s | %s |", sc.Name, sc.Summary)
		wrong := 0
		for i, fs := range tableRates {
			res := runOptions(t, scenarioOptions(sc, fs, n, uint64(100+i)), Config{})
			fmt.Fprintf(&b, " %.1f %%", 100*float64(res.found)/float64(max(1, res.sent)))
			if sc.Name == "fading" {
				fmt.Fprintf(&b, " (SNR allows %.1f %%)", 100*fadingExpectation(t, fs, 8, 40))
			}
			b.WriteString(" |")
			wrong += res.extra
			t.Logf("%s %s: %d/%d, %d wrong, %d bursts", sc.Name, rateName(fs), res.found, res.sent, res.extra, res.stats.Bursts)
		}
		fmt.Fprintf(&b, " %d |\n", wrong)
		if wrong > 0 {
			t.Errorf("%s: %d wrong frames", sc.Name, wrong)
		}
	}
	t.Log(b.String())
	fmt.Println(b.String())
}
