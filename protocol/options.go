package protocol

// Option is one of a protocol's command-line options, as data: the CLI
// turns it into a flag, documents and checks its range, and hands the
// values back to NewDecoder through Settings.
type Option struct {
	Name  string
	Usage string
	// Value is the default; its type is the option's: bool, int, float64,
	// string or []string.
	Value any
	// Min and Max bound a numeric option (inclusive), in Unit; Max 0 means
	// unbounded.
	Min, Max float64
	Unit     string
	// Check, when set, checks the option's value with the others' (one
	// bounded by another, a value that must parse); it returns a one-line
	// error naming the flag.
	Check func(Settings) error
	// Text marks an option that also applies to frames written as text
	// (TextDecoder); the others concern only decoding bit streams.
	Text bool
}

// Settings are the values of options by name; a *cli.Context is one.
type Settings interface {
	Bool(name string) bool
	Int(name string) int
	Float64(name string) float64
	String(name string) string
	StringSlice(name string) []string
}

// Values are Settings from a map, for tests and programs without a
// command line; a missing name reads as the zero value.
type Values map[string]any

// Defaults returns the options' default values.
func Defaults(opts []Option) Values {
	v := Values{}
	for _, o := range opts {
		v[o.Name] = o.Value
	}
	return v
}

// Bool returns the value of a bool option.
func (v Values) Bool(name string) bool { b, _ := v[name].(bool); return b }

// Int returns the value of an int option.
func (v Values) Int(name string) int { i, _ := v[name].(int); return i }

// Float64 returns the value of a float64 option.
func (v Values) Float64(name string) float64 { f, _ := v[name].(float64); return f }

// String returns the value of a string option.
func (v Values) String(name string) string { s, _ := v[name].(string); return s }

// StringSlice returns the value of a []string option.
func (v Values) StringSlice(name string) []string { s, _ := v[name].([]string); return s }
