// Package grc holds gridstream's GNU Radio Companion blocks (YAML block
// definitions and the Python they run, in blocks/: the GridStream Decoder
// and the GridStream Wideband Receiver) and installs them where GRC 3.10
// and grcc find them. Nothing is compiled: the blocks are stock GNU Radio
// blocks in Python around `gridstream decode`, run as a child process.
package grc

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/gridstream-sdr/gridstream/samples"
)

//go:embed blocks
var blocks embed.FS

// Files are the installed files' names: the blocks, the bit sample the
// block demo reads unless given a file (Python: gridstream_grc.SAMPLE),
// and the module. The sample is installed before the module and removed
// before it: it carries no marker, and is ours when the module beside it
// is.
var Files = []string{"gridstream_decoder.block.yml", "gridstream_wideband_receiver.block.yml", sampleFile, moduleFile}

const (
	sampleFile = "gridstream_sample.u8"
	moduleFile = "gridstream_grc.py"
)

// marker is on the first line of every installed file; Uninstall removes
// only files that carry it.
const marker = "Installed by `gridstream grc install`"

// pydirToken is where the block's YAML gets the Python module's directory.
const pydirToken = "@GRIDSTREAM_PYDIR@"

// DefaultDir returns GRC's per-user block directory: $GRC_HIER_PATH, else
// ~/.grc_gnuradio. GNU Radio 3.10 always reads block definitions from it
// (it is also where GRC puts hier blocks), without any configuration.
func DefaultDir() (string, error) {
	if d := os.Getenv("GRC_HIER_PATH"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory for GRC's block directory (~/.grc_gnuradio): %w; use --dir", err)
	}
	return filepath.Join(home, ".grc_gnuradio"), nil
}

// Install writes the blocks into dir, creating it if needed, and returns
// the paths written. The YAML imports the Python module from dir, so the
// generated flowgraph finds it wherever it runs. A file of the same name
// that Install did not write is not overwritten: every target is checked
// first, and if any is foreign nothing is written.
func Install(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	lit, err := pythonString(abs)
	if err != nil {
		return nil, err
	}
	contents := make([][]byte, len(Files))
	var foreign []string
	for i, name := range Files {
		b := samples.Bits
		if name != sampleFile {
			if b, err = blocks.ReadFile("blocks/" + name); err != nil {
				return nil, err
			}
			b = bytes.ReplaceAll(b, []byte(pydirToken), []byte(lit))
		}
		contents[i] = b
		path := filepath.Join(abs, name)
		old, err := os.ReadFile(path)
		switch {
		case err == nil && !ours(abs, name, old):
			foreign = append(foreign, path)
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%w; nothing installed", err)
		}
	}
	switch len(foreign) {
	case 0:
	case 1:
		return nil, fmt.Errorf("%s exists and was not installed by gridstream: move it away first; nothing installed", foreign[0])
	default:
		return nil, fmt.Errorf("%s exist and were not installed by gridstream: move them away first; nothing installed", strings.Join(foreign, ", "))
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for i, name := range Files {
		path := filepath.Join(abs, name)
		if err := writeFile(path, contents[i]); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// writeFile replaces path atomically.
func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Uninstall removes from dir the files Install wrote (and the module's
// compiled Python) and returns the paths removed.
func Uninstall(dir string) ([]string, error) {
	var removed []string
	for _, name := range Files {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, err
		}
		if !ours(dir, name, b) {
			return removed, fmt.Errorf("%s was not installed by gridstream: left alone", path)
		}
		if err := os.Remove(path); err != nil {
			return removed, err
		}
		removed = append(removed, path)
	}
	pyc, _ := filepath.Glob(filepath.Join(dir, "__pycache__", "gridstream_grc.*.pyc"))
	for _, p := range pyc {
		if os.Remove(p) == nil {
			removed = append(removed, p)
		}
	}
	return removed, nil
}

// ours reports whether the file name in dir, holding b, was installed by
// gridstream: it carries the marker; the sample is this binary's, or lies
// beside a module of ours.
func ours(dir, name string, b []byte) bool {
	if name == sampleFile {
		if bytes.Equal(b, samples.Bits) {
			return true
		}
		mod, err := os.ReadFile(filepath.Join(dir, moduleFile))
		return err == nil && ours(dir, moduleFile, mod)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return bytes.Contains(line, []byte(marker))
}

// pythonString quotes s as a Python string literal that survives GRC's Mako
// templates (no "$", no "%" at a line start: no newlines).
func pythonString(s string) (string, error) {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '$':
			return "", fmt.Errorf("directory %q: GRC's templates cannot hold a '$'; choose another --dir", s)
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == unicode.ReplacementChar || !unicode.IsPrint(r):
			return "", fmt.Errorf("directory %q: unprintable characters; choose another --dir", s)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// Found says how GNU Radio Companion finds blocks in dir, or that it does
// not ("" and false).
func Found(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	same := func(p string) bool {
		if strings.HasPrefix(p, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				p = filepath.Join(home, p[2:])
			}
		}
		q, err := filepath.Abs(p)
		return err == nil && q == abs
	}
	if def, err := DefaultDir(); err == nil && same(def) {
		if os.Getenv("GRC_HIER_PATH") != "" {
			return "GRC reads blocks from $GRC_HIER_PATH", true
		}
		return "GRC reads blocks from ~/.grc_gnuradio, its per-user block directory", true
	}
	for _, p := range filepath.SplitList(os.Getenv("GRC_BLOCKS_PATH")) {
		if p != "" && same(p) {
			return "GRC reads blocks from the directories in $GRC_BLOCKS_PATH", true
		}
	}
	return "", false
}

// NextSteps says what to do after installing into dir: restart GNU Radio
// Companion when it reads blocks from dir (Found), else how to point it
// there; and, when no gridstream is on PATH, that the blocks need one
// there or its path (exe, this program) in their "gridstream Binary"
// parameter.
func NextSteps(dir, exe string) string {
	var b strings.Builder
	if how, ok := Found(dir); ok {
		fmt.Fprintf(&b, "%s: restart GNU Radio Companion (or press Reload Blocks)\n"+
			"and find \"GridStream Decoder\" and \"GridStream Wideband Receiver\" in the\n"+
			"[gridstream] category; grcc finds them too.\n", how)
	} else {
		fmt.Fprintf(&b, "GRC does not read blocks from this directory by itself: before starting\n"+
			"gnuradio-companion or grcc,\n  export GRC_BLOCKS_PATH=%s\n"+
			"(or add it to local_blocks_path in the [grc] section of ~/.gnuradio/config.conf).\n", dir)
	}
	if _, err := exec.LookPath("gridstream"); err != nil {
		fmt.Fprintf(&b, "Note: gridstream is not on PATH; put it there, or set the blocks'\n"+
			"\"gridstream Binary\" parameter to its path (%s).\n", exe)
	}
	return b.String()
}
