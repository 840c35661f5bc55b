package cliflags

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/urfave/cli/v2"
)

// MaxConfigSize bounds a config file: a real one is a few hundred bytes.
const MaxConfigSize = 1 << 20

// Config is a parsed config file: flag names and their values, at the top
// (for every command that has the flag) and in sections named after
// commands (for that command only, over the top's).
type Config struct {
	path string
	top  map[string]any
}

// LoadConfig reads a YAML file (.yaml, .yml, .json or any other name) or a
// TOML file (.toml). The error is one line naming the file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %s", oneLine(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("config file %s: is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %s", path, oneLine(err))
	}
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("config file %s: larger than %d bytes", path, MaxConfigSize)
	}
	return ParseConfig(path, data)
}

// ParseConfig parses the contents of the config file named path (its
// extension picks TOML or YAML).
func ParseConfig(path string, data []byte) (*Config, error) {
	top := map[string]any{}
	var err error
	if strings.EqualFold(filepath.Ext(path), ".toml") {
		_, err = toml.NewDecoder(bytes.NewReader(data)).Decode(&top)
	} else {
		top, err = yamlValues(data)
	}
	if err != nil {
		return nil, fmt.Errorf("config file %s: %s", path, oneLine(err))
	}
	return &Config{path: path, top: top}, nil
}

// Apply sets the flags of c's command (and the app's) that the file gives
// and that were not set on the command line or by an environment
// variable: command line over environment over file over defaults. Every
// key of the file must name a flag of some command, or a command's section
// (a key in a section, a flag of that command); the error names the first
// that does not, or a value the flag refuses.
func (cf *Config) Apply(c *cli.Context) error {
	path := commandPath(c)
	if err := cf.check(c.App); err != nil {
		return err
	}
	vals := map[string]any{}
	var keys []string // in the order values apply
	take := func(m map[string]any, only func(string) bool) {
		for _, k := range sortedKeys(m) {
			if _, section := m[k].(map[string]any); section && isCommandPath(c.App, k) {
				continue
			}
			if only(k) {
				name := canonical(c, k)
				if _, seen := vals[name]; !seen {
					keys = append(keys, name)
				}
				vals[name] = m[k]
			}
		}
	}
	has := func(k string) bool { return lookupFlag(c, k) != nil }
	take(cf.top, has)
	m := cf.top
	for _, name := range path {
		sub, ok := m[name].(map[string]any)
		if !ok {
			break
		}
		take(sub, has)
		m = sub
	}
	for _, name := range keys {
		if c.IsSet(name) {
			continue // the command line or the environment says otherwise
		}
		texts, err := valueTexts(lookupFlag(c, name), vals[name])
		if err == nil {
			for _, t := range texts {
				if err = c.Set(name, t); err != nil {
					break
				}
			}
		}
		if err != nil {
			return fmt.Errorf("config file %s: %s: %s", cf.path, name, oneLine(err))
		}
	}
	return nil
}

// check refuses keys that name no flag or command anywhere.
func (cf *Config) check(app *cli.App) error {
	var walk func(m map[string]any, where string, flags map[string]bool, cmds []*cli.Command) error
	walk = func(m map[string]any, where string, flags map[string]bool, cmds []*cli.Command) error {
		for _, k := range sortedKeys(m) {
			if sub, ok := m[k].(map[string]any); ok {
				if cmd := findCommand(cmds, k); cmd != nil {
					own := flagNames(append(slices.Clone(cmd.Flags), app.Flags...))
					if err := walk(sub, where+k+".", own, cmd.Subcommands); err != nil {
						return err
					}
					continue
				}
			}
			if k == configFlag {
				return fmt.Errorf("config file %s: %s%s: a config file cannot name another", cf.path, where, k)
			}
			if cmd := findCommand(cmds, k); cmd != nil && !flags[k] {
				return fmt.Errorf("config file %s: %s%s must be a section, a mapping of %s's flags to their values, not %s", cf.path, where, k, cmd.Name, describe(m[k]))
			}
			if !flags[k] {
				msg := fmt.Sprintf("config file %s: unknown key %s%s", cf.path, where, k)
				if where != "" {
					if owners := flagOwners(app.Commands, k, ""); len(owners) > 0 {
						msg += fmt.Sprintf(": %s is not a flag of %s (it is a flag of %s)", k, strings.TrimSuffix(where, "."), strings.Join(owners, ", "))
					}
				}
				if s := suggest(k, flags, cmds); s != "" {
					msg += " (did you mean " + s + "?)"
				}
				return errors.New(msg)
			}
		}
		return nil
	}
	// At the top: the app's flags and every command's.
	all := flagNames(app.Flags)
	var add func(cmds []*cli.Command)
	add = func(cmds []*cli.Command) {
		for _, cmd := range cmds {
			for n := range flagNames(cmd.Flags) {
				all[n] = true
			}
			add(cmd.Subcommands)
		}
	}
	add(app.Commands)
	return walk(cf.top, "", all, app.Commands)
}

// valueTexts turns a config value into the text(s) the flag's Set takes:
// one per element of a list for a repeatable flag.
func valueTexts(f cli.Flag, v any) ([]string, error) {
	list, isList := v.([]any)
	switch Unwrap(f).(type) {
	case *cli.StringSliceFlag, *cli.Float64SliceFlag, *cli.IntSliceFlag, *cli.Int64SliceFlag, *cli.UintSliceFlag, *cli.Uint64SliceFlag:
		if !isList {
			list = []any{v}
		}
		out := make([]string, 0, len(list))
		for _, e := range list {
			t, err := scalarText(e)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	case *cli.BoolFlag:
		if s, ok := v.(string); ok {
			if _, err := strconv.ParseBool(s); err == nil {
				return []string{s}, nil
			}
		}
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("want true or false, not %s", describe(v))
		}
	}
	if isList {
		return nil, errors.New("want one value, not a list (the flag is not repeatable)")
	}
	t, err := scalarText(v)
	if err != nil {
		return nil, err
	}
	return []string{t}, nil
}

// scalarText writes one value as a command line would give it.
func scalarText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatFloat(v, 'f', -1, 64), nil
		}
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case time.Time:
		if v.Location().String() == "datetime-local" {
			// TOML's local date-time: local time at that date, as
			// ParseTime reads it (not the offset of today).
			return v.Format("2006-01-02 15:04:05.999999999"), nil
		}
		return v.Format(time.RFC3339Nano), nil
	}
	return "", fmt.Errorf("want a value, not %s", describe(v))
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case map[string]any:
		return "a table of keys"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// commandPath is the names of c's command and its parents, outermost
// first ("networks", "list").
func commandPath(c *cli.Context) []string {
	var path []string
	for _, x := range c.Lineage() {
		if x.Command != nil && x.Command.Name != "" {
			path = append(path, x.Command.Name)
		}
	}
	slices.Reverse(path)
	// The app's own context carries a root command named after the app.
	if len(path) > 0 && c.App != nil && path[0] == c.App.Name {
		path = path[1:]
	}
	return path
}

// lookupFlag returns the flag called name (or an alias) of c's command, of
// a command above it, or of the app.
func lookupFlag(c *cli.Context, name string) cli.Flag {
	var sets [][]cli.Flag
	for _, x := range c.Lineage() {
		if x.Command != nil {
			sets = append(sets, x.Command.Flags)
		}
	}
	if c.App != nil {
		sets = append(sets, c.App.Flags)
	}
	for _, flags := range sets {
		for _, f := range flags {
			if slices.Contains(f.Names(), name) && !isHelp(f) {
				return f
			}
		}
	}
	return nil
}

// canonical returns the flag's first name for a key that may be an alias.
func canonical(c *cli.Context, k string) string {
	if f := lookupFlag(c, k); f != nil {
		return f.Names()[0]
	}
	return k
}

// isHelp reports whether f is --help or --version, which a file does not set.
func isHelp(f cli.Flag) bool {
	return slices.Contains(f.Names(), "help") || slices.Contains(f.Names(), "version")
}

// flagNames returns every name and alias of flags, but help and --config.
func flagNames(flags []cli.Flag) map[string]bool {
	out := map[string]bool{}
	for _, f := range flags {
		if isHelp(f) {
			continue
		}
		for _, n := range f.Names() {
			if n != configFlag {
				out[n] = true
			}
		}
	}
	return out
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.Name == name || slices.Contains(c.Aliases, name) {
			return c
		}
	}
	return nil
}

// isCommandPath reports whether name is one of app's commands.
func isCommandPath(app *cli.App, name string) bool { return findCommand(app.Commands, name) != nil }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// flagOwners returns the commands (as "parent child" paths) that have a
// flag named k.
func flagOwners(cmds []*cli.Command, k, parent string) []string {
	var out []string
	for _, c := range cmds {
		name := strings.TrimSpace(parent + " " + c.Name)
		if flagNames(c.Flags)[k] {
			out = append(out, name)
		}
		out = append(out, flagOwners(c.Subcommands, k, name)...)
	}
	return out
}

// suggest returns the flag or command name closest to a mistyped key, if
// one is close: one edit away, or two for a key of six or more characters
// (crc-inti for crc-init), so a short key is not matched to an unrelated
// name (rate is not state).
func suggest(k string, flags map[string]bool, cmds []*cli.Command) string {
	bestD := 2
	if len(k) >= 6 {
		bestD = 3
	}
	best := ""
	try := func(n string) {
		if d := editDistance(k, n); d < bestD {
			best, bestD = n, d
		}
	}
	for _, n := range slices.Sorted(maps.Keys(flags)) {
		try(n)
	}
	for _, c := range cmds {
		try(c.Name)
	}
	return best
}

// editDistance is the edit distance of a and b: insertions, deletions,
// substitutions and swaps of two neighbours (optimal string alignment).
func editDistance(a, b string) int {
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev2, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	return rows[1][len(b)]
}

// oneLine flattens an error to one line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
