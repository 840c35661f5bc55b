package cliflags

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// testApp is a small app with the kinds of flags gridstream has; run
// returns what its command saw.
type testApp struct {
	app *cli.App
	got map[string]any
}

func newTestApp() *testApp {
	ta := &testApp{got: map[string]any{}}
	record := func(c *cli.Context) error {
		for _, n := range []string{"level", "name", "count", "rate", "wait", "on", "item", "power", "secret"} {
			if lookupFlag(c, n) != nil {
				ta.got[n] = c.Value(n)
				switch n {
				case "item":
					ta.got[n] = c.StringSlice(n)
				case "power":
					ta.got[n] = c.Float64Slice(n)
				}
			}
		}
		return nil
	}
	ta.app = &cli.App{
		Name:           "t",
		Flags:          []cli.Flag{&cli.StringFlag{Name: "level", Value: "info"}},
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{Name: "run", Action: record, Flags: []cli.Flag{
				&cli.StringFlag{Name: "name", Aliases: []string{"n"}},
				Ranged(&cli.IntFlag{Name: "count", Value: 1}, Range{Min: 0, Max: 10}),
				&cli.Float64Flag{Name: "rate"},
				&cli.DurationFlag{Name: "wait", Value: time.Second},
				&cli.BoolFlag{Name: "on"},
				&cli.StringSliceFlag{Name: "item", Value: cli.NewStringSlice("default")},
				&cli.Float64SliceFlag{Name: "power"},
				&cli.StringFlag{Name: "secret", EnvVars: []string{"CLIFLAGS_TEST_SECRET"}},
			}},
			{Name: "other", Action: record, Flags: []cli.Flag{&cli.StringFlag{Name: "only-other"}}},
			{Name: "group", Subcommands: []*cli.Command{
				{Name: "sub", Action: record, Flags: []cli.Flag{&cli.StringFlag{Name: "name"}}},
			}},
		},
	}
	Install(ta.app, Options{ExitUsage: 2})
	return ta
}

func (ta *testApp) run(t *testing.T, args ...string) error {
	t.Helper()
	return ta.app.Run(append([]string{"t"}, args...))
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigSetsFlags(t *testing.T) {
	t.Setenv("CLIFLAGS_TEST_SECRET", "")
	os.Unsetenv("CLIFLAGS_TEST_SECRET")
	yamlFile := writeFile(t, "c.yaml", `
level: debug
name: top          # every command with --name
count: 3
only-other: x      # a flag of another command: ignored here
run:
  rate: 2.5e6
  wait: 1m30s
  on: true
  item: [a, "b,c"] # a list for a repeatable flag; commas split as on the command line
  power: [810, 1.5]
  secret: file
group:
  sub:
    name: nested
`)
	tomlFile := writeFile(t, "c.toml", `
level = "debug"
name = "top"
count = 3
only-other = "x"
[run]
rate = 2.5e6
wait = "1m30s"
on = true
item = ["a", "b,c"]
power = [810, 1.5]
secret = "file"
[group.sub]
name = "nested"
`)
	for _, file := range []string{yamlFile, tomlFile} {
		ta := newTestApp()
		if err := ta.run(t, "run", "--config", file); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		want := map[string]string{"level": "debug", "name": "top", "count": "3", "rate": "2.5e+06", "wait": "1m30s",
			"on": "true", "item": "[a b c]", "power": "[810 1.5]", "secret": "file"}
		for k, v := range want {
			if got := fmtValue(ta.got[k]); got != v {
				t.Errorf("%s: %s = %s, want %s", filepath.Ext(file), k, got, v)
			}
		}
		ta = newTestApp()
		if err := ta.run(t, "group", "sub", "--config", file); err != nil {
			t.Fatal(err)
		}
		if ta.got["name"] != "nested" {
			t.Errorf("%s: the subcommand's section: name = %v", filepath.Ext(file), ta.got["name"])
		}
	}
}

// A YAML scalar reaches the flag as it is written, as the command line
// would give it: YAML's own typing would make meter 00123456 the octal
// number 42798, 1E56 a float and a local time UTC.
func TestConfigYAMLValuesAsWritten(t *testing.T) {
	file := writeFile(t, "c.yaml", `
run:
  item: [00123456, 0123, 1E56, 0xB5E3, 1_000, .inf, 12e3, ~x]
  name: 2026-11-23 10:00:00
  on: True
`)
	ta := newTestApp()
	if err := ta.run(t, "run", "--config", file); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"item": "[00123456 0123 1E56 0xB5E3 1_000 .inf 12e3 ~x]", "name": "2026-11-23 10:00:00", "on": "true"}
	for k, v := range want {
		if got := fmtValue(ta.got[k]); got != v {
			t.Errorf("%s = %s, want %s", k, got, v)
		}
	}
	// TOML's local date-time stays local time at its date.
	ta = newTestApp()
	if err := ta.run(t, "run", "--config", writeFile(t, "c.toml", "[run]\nname = 2026-07-01T10:00:00\n")); err != nil || ta.got["name"] != "2026-07-01 10:00:00" {
		t.Errorf("TOML local date-time: %v, name %v", err, ta.got["name"])
	}
}

// Anchors, aliases and merge keys work as YAML says; aliases cannot
// expand without bound.
func TestConfigYAMLAliases(t *testing.T) {
	for _, tc := range []struct {
		body, name string
		count      int
	}{
		{"name: &n shared\ngroup:\n  sub: &sub {name: *n}\nrun:\n  <<: *sub\n  count: 4\n", "shared", 4},
		{"group:\n  sub: &sub {name: sub}\nrun:\n  <<: [*sub]\n  name: own\n", "own", 1},
	} {
		ta := newTestApp()
		if err := ta.run(t, "run", "--config", writeFile(t, "c.yaml", tc.body)); err != nil || ta.got["name"] != tc.name || ta.got["count"] != tc.count {
			t.Errorf("%s: %v, name %v count %v; want %s %d", tc.body, err, ta.got["name"], ta.got["count"], tc.name, tc.count)
		}
	}
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	if _, err := ParseConfig("c.yaml", []byte(bomb.String())); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("10^12 values from aliases: %v", err)
	}
}

// The command line and the environment win over the file.
func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, "c.yaml", "name: file\nitem: [x, y]\nsecret: file\ncount: 3\n")
	t.Setenv("CLIFLAGS_TEST_SECRET", "env")
	ta := newTestApp()
	if err := ta.run(t, "run", "--config", file, "--name", "flag", "--item", "z"); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"name": "flag", "item": "[z]", "secret": "env", "count": "3"} {
		if got := fmtValue(ta.got[k]); got != v {
			t.Errorf("%s = %s, want %s", k, got, v)
		}
	}
	ta = newTestApp()
	if err := ta.run(t, "run", "--config", file, "-n", "alias"); err != nil || ta.got["name"] != "alias" {
		t.Errorf("an alias on the command line: %v, name %v", err, ta.got["name"])
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, file, body string
		want             string
	}{
		{"missing", "", "", "config file: open"},
		{"directory", ".", "", "is a directory"},
		{"bad yaml", "c.yaml", "name: [unclosed\n", "config file"},
		{"bad toml", "c.toml", "name = \n", "config file"},
		{"a list at the top", "c.yaml", "- name\n", "want keys and values"},
		{"unknown key", "c.yaml", "nme: x\n", `unknown key nme (did you mean name?)`},
		{"unknown key in a section", "c.yaml", "run:\n  only-other: x\n", "unknown key run.only-other"},
		{"unknown section", "c.yaml", "rum:\n  name: x\n", "unknown key rum"},
		{"section not a mapping", "c.yaml", "other: 5\n", `other must be a section, a mapping of other's flags to their values, not "5"`},
		{"subcommand section not a mapping", "c.yaml", "group:\n  sub: x\n", `group.sub must be a section, a mapping of sub's flags`},
		{"flag of another command", "c.yaml", "other:\n  rate: 2\n", "unknown key other.rate: rate is not a flag of other (it is a flag of run)"},
		{"flag of a subcommand", "c.yaml", "other:\n  name: 2\n", "name is not a flag of other (it is a flag of run, group sub)"},
		{"config in config", "c.yaml", "config: other.yaml\n", "cannot name another"},
		{"bool", "c.yaml", "on: yes please\n", `on: want true or false`},
		{"list for one value", "c.yaml", "name: [a, b]\n", "name: want one value, not a list"},
		{"int", "c.yaml", "count: 2.5\n", "count:"},
		{"duration", "c.yaml", "wait: 10\n", "wait:"},
		{"out of range", "c.yaml", "count: 11\n", "--count 11: out of range; want 0 to 10"},
		{"no value", "c.yaml", "name:\n", "name: want a value, not nothing"},
		{"table for a flag", "c.yaml", "name: {a: 1}\n", "name: want a value, not a table"},
		{"key twice", "c.yaml", "run:\n  name: a\n  name: b\n", "line 3: key name given twice"},
		{"bool as text", "c.yaml", "on: \"yes\"\n", `on: want true or false, not "yes"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "nope.yaml")
			switch tc.file {
			case "":
			case ".":
				path = dir
			default:
				path = writeFile(t, tc.file, tc.body)
			}
			ta := newTestApp()
			err := ta.run(t, "run", "--config", path)
			ec, ok := err.(cli.ExitCoder)
			if err == nil || !ok || ec.ExitCode() != 2 || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line with %q, exit 2", err, tc.want)
			}
			if len(ta.got) != 0 {
				t.Errorf("the command ran")
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"mqtt", "mqtt", 0}, {"mqtt-prefx", "mqtt-prefix", 1}, {"rate", "rat", 1}, {"abc", "xyz", 3}, {"nmae", "name", 1}, {"crc-inti", "crc-init", 1}, {"rate", "state", 2}, {"ab", "ba", 1}, {"ca", "abc", 3}} {
		if d := editDistance(tc.a, tc.b); d != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func fmtValue(v any) string { return fmt.Sprint(v) }

// A suggestion is only a near miss: one edit (a swap of neighbours counts
// one) for a short key, two for a long one; a key far from every name, or
// a section that is not a mapping, gets none.
func TestConfigSuggestsNearMissesOnly(t *testing.T) {
	for _, tc := range []struct {
		body, want string
	}{
		{"run:\n  nmae: x\n", "(did you mean name?)"},
		{"run:\n  itme: x\n", "(did you mean item?)"},
		{"run:\n  sekret: x\n", "(did you mean secret?)"},
		{"other:\n  rate: 2\n", ""},
		{"run:\n  state: 2\n", ""},
		{"other: 5\n", ""},
	} {
		ta := newTestApp()
		err := ta.run(t, "run", "--config", writeFile(t, "c.yaml", tc.body))
		if err == nil {
			t.Fatalf("%q: no error", tc.body)
		}
		_, hint, _ := strings.Cut(err.Error(), "(did you mean")
		if got := strings.TrimSpace(hint); (tc.want == "") != (got == "") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want suggestion %q", tc.body, err, tc.want)
		}
	}
}
