package protocol

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// optioned is a protocol with a name and options, for the list helpers.
type optioned struct {
	named
	opts []Option
}

func (p optioned) Options() []Option { return p.opts }

var list = []Protocol{
	optioned{named{name: "alpha"}, []Option{{Name: "alpha-key", Value: "", Text: true,
		Check: func(s Settings) error {
			if s.String("alpha-key") == "bad" {
				return errors.New("--alpha-key bad")
			}
			return nil
		}}}},
	optioned{named{name: "beta"}, []Option{{Name: "beta-level", Value: 3}}},
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"alpha,beta", []string{"alpha", "beta"}, ""},
		{" Beta ", []string{"beta"}, ""},
		{"alpha,,alpha", []string{"alpha"}, ""},
		{"alpha,gamma", nil, `--protocol: unknown protocol "gamma" (want alpha, beta)`},
		{" , ", nil, "--protocol: name at least one protocol"},
	} {
		got, err := Select(list, tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Select(%q): %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		want := map[string]bool{}
		for _, n := range tc.want {
			want[n] = true
		}
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("Select(%q) = %v, %v; want %v", tc.in, got, err, want)
		}
	}
}

func TestFindAndCheckOptions(t *testing.T) {
	if o, ok := FindOption(list, "beta-level"); !ok || o.Value != 3 {
		t.Errorf("FindOption(beta-level) = %+v, %v", o, ok)
	}
	if _, ok := FindOption(list, "gamma"); ok {
		t.Error("FindOption(gamma) found one")
	}
	if err := CheckOptions(list, Values{"alpha-key": "good"}); err != nil {
		t.Errorf("good values: %v", err)
	}
	if err := CheckOptions(list, Values{"alpha-key": "bad"}); err == nil || !strings.Contains(err.Error(), "--alpha-key") {
		t.Errorf("bad value: %v", err)
	}
}

// A SkipLog logs the first Max skipped lines, says once that it stops,
// and counts them all.
func TestSkipLog(t *testing.T) {
	var logs bytes.Buffer
	s := &SkipLog{Log: slog.New(slog.NewTextHandler(&logs, nil)), Input: "x.txt", Max: 2}
	for range 5 {
		s.Skipped(errors.New("bad hex"))
	}
	out := logs.String()
	if s.Count != 5 || strings.Count(out, `msg="skipped a line" input=x.txt err="bad hex"`) != 2 ||
		strings.Count(out, "further malformed lines are counted") != 1 {
		t.Errorf("count %d, logs:\n%s", s.Count, out)
	}
}

// commanding is a protocol with a command of its own.
type commanding struct{ named }

func (commanding) Commands() []*cli.Command { return []*cli.Command{{Name: "keys"}} }

func TestCommands(t *testing.T) {
	got := Commands([]Protocol{named{name: "a"}, commanding{named{name: "b"}}})
	if len(got) != 1 || got[0].Name != "keys" {
		t.Errorf("Commands = %v", got)
	}
}
