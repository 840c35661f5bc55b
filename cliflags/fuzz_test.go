package cliflags

import (
	"testing"

	"github.com/urfave/cli/v2"
)

// A config file of any content is parsed and applied without a panic: it
// sets flags or is refused with an error.
func FuzzConfig(f *testing.F) {
	f.Add(false, []byte("name: top\nrun:\n  item: [a, b]\n  count: 3\n"))
	f.Add(true, []byte("name = \"top\"\n[run]\nitem = [\"a\", \"b\"]\ncount = 3\n"))
	f.Add(false, []byte("run: {on: true, power: [1.5, 2e3], wait: 1s}\n"))
	f.Add(true, []byte("[group.sub]\nname = 1979-05-27T07:32:00Z\n"))
	f.Fuzz(func(t *testing.T, asTOML bool, data []byte) {
		name := "c.yaml"
		if asTOML {
			name = "c.toml"
		}
		cfg, err := ParseConfig(name, data)
		if err != nil {
			return
		}
		ta := newTestApp()
		for _, c := range ta.app.Commands {
			c.Before = func(c *cli.Context) error { return cfg.Apply(c) }
			for _, s := range c.Subcommands {
				s.Before = c.Before
			}
		}
		_ = ta.run(t, "run")
		_ = ta.run(t, "group", "sub")
	})
}
