package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"
)

// leafCommands returns every command that runs something, with its path
// of names ("networks list").
func leafCommands(cmds []*cli.Command, path []string) map[string]*cli.Command {
	out := map[string]*cli.Command{}
	for _, c := range cmds {
		p := append(slices.Clone(path), c.Name)
		if len(c.Subcommands) == 0 {
			out[strings.Join(p, " ")] = c
		}
		for k, v := range leafCommands(c.Subcommands, p) {
			out[k] = v
		}
	}
	return out
}

// sampleValue is a value of flag f other than its default, as command-line
// texts (one per repetition) and as a config file value.
func sampleValue(t *testing.T, f cli.Flag) (texts []string, conf any) {
	name := f.Names()[0]
	r, ranged := cliflags.RangeOf(f)
	pick := func(def float64) float64 {
		if !ranged {
			return def + 1
		}
		if r.Max != def {
			return r.Max
		}
		return r.Min
	}
	switch f := cliflags.Unwrap(f).(type) {
	case *cli.BoolFlag:
		return []string{strconv.FormatBool(!f.Value)}, !f.Value
	case *cli.IntFlag:
		v := int(pick(float64(f.Value)))
		return []string{strconv.Itoa(v)}, v
	case *cli.Uint64Flag:
		return []string{strconv.FormatUint(f.Value+1, 10)}, int64(f.Value + 1)
	case *cli.Float64Flag:
		v := pick(f.Value)
		return []string{strconv.FormatFloat(v, 'g', -1, 64)}, v
	case *cli.DurationFlag:
		v := time.Duration(pick(f.Value.Seconds()) * float64(time.Second))
		return []string{v.String()}, v.String()
	case *cli.StringFlag:
		v := "value-of-" + name
		return []string{v}, v
	case *cli.StringSliceFlag:
		v := []string{"first-" + name, "second-" + name}
		return v, []any{v[0], v[1]}
	case *cli.Float64SliceFlag:
		return []string{"1.5", "2.5"}, []any{1.5, 2.5}
	}
	t.Fatalf("--%s: a flag of type %T the config round trip does not know (add it here)", name, f)
	return nil, nil
}

// seenValues runs app with args, with every command's checks replaced by
// the config file alone, and returns what the command saw of every flag.
func seenValues(t *testing.T, appArgs []string, path string, args []string) map[string]string {
	t.Helper()
	app := newApp()
	app.Before = nil
	got := map[string]string{}
	for _, cmd := range leafCommands(app.Commands, nil) {
		cmd.Before = cliflags.ApplyConfig
		cmd.Action = func(c *cli.Context) error {
			for _, f := range append(slices.Clone(c.Command.Flags), app.Flags...) {
				n := f.Names()[0]
				switch cliflags.Unwrap(f).(type) {
				case *cli.StringSliceFlag:
					got[n] = fmt.Sprint(c.StringSlice(n))
				case *cli.Float64SliceFlag:
					got[n] = fmt.Sprint(c.Float64Slice(n))
				default:
					got[n] = fmt.Sprint(c.Value(n))
				}
			}
			return nil
		}
	}
	argv := append(append([]string{"gridstream"}, appArgs...), strings.Fields(path)...)
	if err := app.Run(append(argv, args...)); err != nil {
		t.Fatalf("%s %v: %v", path, args, err)
	}
	delete(got, "help")
	delete(got, "config")
	delete(got, "version")
	return got
}

// Every flag of every command, the app's own and the protocols' options
// included, can be set from a config file — YAML or TOML, at the top or in
// the command's section — to exactly what the command line sets. The flags
// are enumerated from the app, so a new flag is covered by itself.
func TestConfigRoundTripsEveryFlag(t *testing.T) {
	for _, env := range []string{"GRIDSTREAM_MQTT", "GRIDSTREAM_MQTT_USER", "GRIDSTREAM_MQTT_PASSWORD"} {
		t.Setenv(env, "")
		os.Unsetenv(env)
	}
	app := newApp()
	dir := t.TempDir()
	for path, cmd := range leafCommands(app.Commands, nil) {
		var args, appArgs []string
		var yamlTop, yamlSection, tomlTop, tomlSection strings.Builder
		section := strings.ReplaceAll(path, " ", ".")
		for _, f := range append(slices.Clone(cmd.Flags), app.Flags...) {
			name := f.Names()[0]
			if name == "help" || name == "config" || name == "version" {
				continue
			}
			texts, conf := sampleValue(t, f)
			for _, v := range texts {
				if slices.Contains(app.Flags, f) {
					appArgs = append(appArgs, "--"+name+"="+v)
				} else {
					args = append(args, "--"+name+"="+v)
				}
			}
			y, tm := yamlValue(conf), tomlValue(conf)
			fmt.Fprintf(&yamlTop, "%s: %s\n", name, y)
			fmt.Fprintf(&tomlTop, "%q = %s\n", name, tm)
			if slices.Contains(app.Flags, f) {
				fmt.Fprintf(&yamlSection, "%s: %s\n", name, y) // app flags stay at the top
				fmt.Fprintf(&tomlSection, "%q = %s\n", name, tm)
			}
		}
		fmt.Fprintf(&yamlSection, "%s\n", yamlNest(path, yamlTop.String()))
		fmt.Fprintf(&tomlSection, "[%s]\n%s", section, tomlTop.String())
		want := seenValues(t, appArgs, path, args)
		defaults := seenValues(t, nil, path, nil)
		for n, v := range want {
			if defaults[n] == v {
				t.Errorf("%s --%s: the sample value %s is the default; the test proves nothing", path, n, v)
			}
		}
		for i, body := range []string{yamlTop.String(), yamlSection.String(), tomlTop.String(), tomlSection.String()} {
			ext := []string{".yaml", ".yaml", ".toml", ".toml"}[i]
			file := filepath.Join(dir, strings.ReplaceAll(path, " ", "_")+strconv.Itoa(i)+ext)
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			got := seenValues(t, nil, path, []string{"--config", file})
			for n, v := range want {
				if got[n] != v {
					t.Errorf("%s, %s: --%s is %s from the file, %s from the command line\n%s", path, filepath.Base(file), n, got[n], v, body)
				}
			}
		}
	}
}

func yamlValue(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = yamlValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

func tomlValue(v any) string {
	if f, ok := v.(float64); ok {
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(s, ".en") {
			s += ".0"
		}
		return s
	}
	return yamlValue(v)
}

// yamlNest puts body under the sections of path ("networks list").
func yamlNest(path, body string) string {
	indent := ""
	var b strings.Builder
	for _, p := range strings.Fields(path) {
		fmt.Fprintf(&b, "%s%s:\n", indent, p)
		indent += "  "
	}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		b.WriteString(indent + line + "\n")
	}
	return b.String()
}

// The example config file in deploy/ is valid for the commands it is
// written for, and sets what it says.
func TestExampleConfig(t *testing.T) {
	path := filepath.Join("..", "..", "deploy", "gridstream.yaml")
	for _, tc := range []struct {
		cmd  string
		args []string
		want map[string]string
	}{
		{"demod", []string{"rtl_tcp://127.0.0.1:1234"}, map[string]string{"center-freq": "915M", "reconnect": "true",
			"meter": "[1A2B3C4D]", "quiet": "true", "log-level": "info"}},
		{"decode", nil, map[string]string{"in": "[tcp://127.0.0.1:5555]", "pass-tags": "true", "meter": "[1A2B3C4D]"}},
		{"replay", nil, map[string]string{"quiet": "true"}},
	} {
		app := newApp()
		app.Before = nil
		got := map[string]string{}
		for _, cmd := range app.Commands {
			cmd.Before = cliflags.ApplyConfig
			cmd.Action = func(c *cli.Context) error {
				for n := range tc.want {
					got[n] = fmt.Sprint(c.Value(n))
					if n == "meter" || n == "in" {
						got[n] = fmt.Sprint(c.StringSlice(n))
					}
				}
				return nil
			}
		}
		if err := app.Run(append([]string{"gridstream", tc.cmd, "--config", path}, tc.args...)); err != nil {
			t.Fatalf("%s: %v", tc.cmd, err)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s --%s = %s, want %s", tc.cmd, k, got[k], v)
			}
		}
	}
}
