package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/iq"
)

// A SigMF recording whose meta has no core:sample_rate (optional in SigMF)
// decodes when --rate is given; without it demod says to pass --rate
// (exit 2).
func TestDemodSigMFWithoutRate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rec.sigmf-data")
	truth := synth(t, p, "--count", "4", "--rate", "250k", "--baud", "9600", "--seed", "21")
	metaPath := iq.MetaPath(p)
	b, err := os.ReadFile(metaPath)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	global, _ := meta["global"].(map[string]any)
	if global["core:sample_rate"] != 250e3 {
		t.Fatalf("synth wrote %s", b)
	}
	delete(global, "core:sample_rate")
	if b, err = json.Marshal(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(metaPath, b, 0o644); err != nil {
		t.Fatal(err)
	}

	r := gridstream(t, nil, "demod", metaPath)
	if r.code != 2 || !strings.Contains(r.stderr, "no core:sample_rate: pass --rate") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("without --rate: exit %d, stderr %q; want exit 2 and one line saying to pass --rate", r.code, r.stderr)
	}
	r = gridstream(t, nil, "demod", "--rate", "250k", metaPath)
	if r.code != 0 {
		t.Fatalf("demod --rate 250k: exit %d\n%s", r.code, r.stderr)
	}
	matchTruth(t, truth, parseMessages(t, r.stdout))
}
