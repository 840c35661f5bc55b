package main_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium (scripts/install-deps.sh installs it).
// Without it the browser test is skipped, or fails under CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (scripts/install-deps.sh installs it)")
	}
	t.Skip("chromium is not installed (scripts/install-deps.sh installs it)")
	return ""
}

// artifactDir is where tests leave screenshots and pictures for a person to
// look at: $GRIDSTREAM_ARTIFACTS, else the test's temporary directory.
func artifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("GRIDSTREAM_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// A real headless Chromium renders the dashboard of a demodulated
// recording: the device ids in the rendered table are those of the API,
// the counters and the band view show, sorting and filtering work, and a
// screenshot is saved.
func TestWebBrowser(t *testing.T) {
	exe := chromium(t)
	rec, _ := webRecording(t)
	p := startDash(t, false, "demod", "--state", "", "-q", "--http", "127.0.0.1:0", rec)
	p.waitEnded(t)
	var devs []apiDevice
	getJSON(t, p.url+"api/devices", &devs)
	var want []string
	for _, d := range devs {
		want = append(want, d.ID)
	}
	sort.Strings(want)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers with a small /dev/shm
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1300),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first call starts the browser and must not carry a timeout.
	if err := chromedp.Do(bctx, chromedp.Navigate(p.url)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, p.stderr.String())
		}
	}
	eval := func(expr string, v any) {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		b, _ := json.Marshal(r)
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}
	// The table fills from /api/devices, the messages from /events.
	run("the page renders", chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`#devices tbody tr`)),
		chromedp.Steps(chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[chromedp.Void](`document.querySelectorAll('#devices tbody tr').length === `+strconv.Itoa(len(devs))+
				` && document.querySelectorAll('#messages tbody tr').length > 0 && document.querySelector('#counters .counter') !== null`,
				chromedp.WithPollingTimeout(30*time.Second))(ctx, tg)
			return chromedp.Void{}, err
		})),
		chromedp.Sleep(500*time.Millisecond), // the band view's next frame
	))
	var ids, msgIDs []string
	var counters, status string
	var bandHidden bool
	eval(`[...document.querySelectorAll('#devices tbody td.id')].map(td => td.textContent)`, &ids)
	eval(`[...document.querySelectorAll('#messages tbody td.id')].map(td => td.textContent)`, &msgIDs)
	eval(`document.querySelector('#counters').innerText`, &counters)
	eval(`document.querySelector('#status').textContent`, &status)
	eval(`document.querySelector('#band-section').hidden`, &bandHidden)
	// The band view's tooltip names the burst under the pointer.
	var tip string
	eval(`(() => { const d = drawn.find(r => r[4].decoded); if (!d) return "";
		const c = document.querySelector('#band').getBoundingClientRect();
		document.querySelector('#band').dispatchEvent(new MouseEvent('mousemove',
			{clientX: c.left + (d[0] + d[2]) / 2, clientY: c.top + (d[1] + d[3]) / 2}));
		return document.querySelector('#band').title; })()`, &tip)
	if !strings.Contains(tip, "(decoded)") || !strings.Contains(tip, "SNR") {
		t.Errorf("band view tooltip %q", tip)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(ids)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rendered device ids %v, the API lists %v", got, want)
	}
	if len(msgIDs) != 20 {
		t.Errorf("the messages table shows %d messages, want 20", len(msgIDs))
	}
	if !strings.Contains(counters, "frames (CRC good)") || !strings.Contains(counters, "20") || !strings.Contains(counters, "devices") {
		t.Errorf("counters: %q", counters)
	}
	if !strings.Contains(status, "input ended") || bandHidden {
		t.Errorf("status %q, band view hidden %v", status, bandHidden)
	}
	out := filepath.Join(artifactDir(t), "dashboard.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)

	// Sort by ID (a click), then filter to the NGE101 transmitter.
	var sorted bool
	var filtered []string
	run("sort by id", chromedp.Click(chromedp.CSS(`#devices th[data-key="id"]`)))
	eval(`(() => { const v = [...document.querySelectorAll('#devices tbody td.id')].map(td => td.textContent);
		return v.length > 1 && v.every((x, i) => i === 0 || v[i-1].localeCompare(x, undefined, {numeric: true}) <= 0); })()`, &sorted)
	run("filter", chromedp.SendKeys(chromedp.CSS(`#filter`), "3-117"))
	eval(`[...document.querySelectorAll('#devices tbody td.id')].map(td => td.textContent)`, &filtered)
	if !sorted {
		t.Error("after a click on ID the rows are not in ascending order")
	}
	if len(filtered) != 1 || filtered[0] != "3-117" {
		t.Errorf("filter 3-117 shows %v", filtered)
	}
	p.stop(t)
}

// scripts/test.sh (CI's run) keeps what the tests draw: it sets
// GRIDSTREAM_ARTIFACTS to a folder inside the checkout that git ignores,
// so the dashboard's screenshot survives the run instead of going with
// the test's temporary directory.
func TestTestScriptKeepsArtifacts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "scripts", "test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Split(string(script), "\n"), ". scripts/test-env.sh") {
		t.Fatal("scripts/test.sh does not source scripts/test-env.sh")
	}
	existed := false
	if _, err := os.Stat(filepath.Join(root, "artifacts")); err == nil {
		existed = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GRIDSTREAM_ARTIFACTS=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command("bash", "-c", `. scripts/test-env.sh && printf %s "$GRIDSTREAM_ARTIFACTS"`)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/test-env.sh: %v", err)
	}
	dir := string(out)
	if !existed {
		t.Cleanup(func() { os.Remove(dir) })
	}
	if rel, err := filepath.Rel(root, dir); err != nil || !filepath.IsAbs(dir) || rel == "." || strings.HasPrefix(rel, "..") {
		t.Fatalf("GRIDSTREAM_ARTIFACTS=%q: want an absolute folder inside the checkout %s", dir, root)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("GRIDSTREAM_ARTIFACTS=%q was not made: %v", dir, err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: cannot check that the folder is ignored")
	}
	if err := exec.Command("git", "-C", root, "rev-parse", "--git-dir").Run(); err != nil {
		t.Skip("not a git checkout: cannot check that the folder is ignored")
	}
	if err := exec.Command("git", "-C", root, "check-ignore", "-q", filepath.Join(dir, "dashboard.png")).Run(); err != nil {
		t.Errorf("git does not ignore %s: the screenshots would show as untracked files", dir)
	}
}
