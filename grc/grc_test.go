package grc

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/samples"
)

func TestInstallUninstall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blocks dir's") // a space and a quote
	files, err := Install(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(Files) {
		t.Fatalf("installed %v", files)
	}
	yml, err := os.ReadFile(filepath.Join(dir, "gridstream_decoder.block.yml"))
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	lit := "'" + strings.ReplaceAll(abs, "'", `\'`) + "'"
	if strings.Contains(string(yml), pydirToken) || !strings.Contains(string(yml), "sys.path.insert(0, "+lit+")") {
		t.Errorf("the YAML does not import the module from %s:\n%s", lit, yml)
	}
	py, err := os.ReadFile(filepath.Join(dir, "gridstream_grc.py"))
	if err != nil || !strings.Contains(string(py), "class decoder(gr.hier_block2)") ||
		!strings.Contains(string(py), "class wideband_receiver(gr.hier_block2)") ||
		!strings.Contains(string(py), "SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '"+sampleFile+"')") {
		t.Fatalf("module: %v", err)
	}
	// The block demo's bit sample, where the module says.
	if b, err := os.ReadFile(filepath.Join(dir, sampleFile)); err != nil || !bytes.Equal(b, samples.Bits) {
		t.Errorf("bit sample: %d bytes, %v", len(b), err)
	}
	// Installing again replaces our own files.
	if _, err := Install(dir); err != nil {
		t.Fatalf("second install: %v", err)
	}
	pyc := filepath.Join(dir, "__pycache__", "gridstream_grc.cpython-311.pyc")
	os.MkdirAll(filepath.Dir(pyc), 0o755)
	os.WriteFile(pyc, []byte("x"), 0o644)
	other := filepath.Join(dir, "other.block.yml")
	os.WriteFile(other, []byte("id: other\n"), 0o644)

	removed, err := Uninstall(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != len(Files)+1 {
		t.Errorf("removed %v, want the %d files and the compiled module", removed, len(Files))
	}
	for _, f := range append(Files, "__pycache__/gridstream_grc.cpython-311.pyc") {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s still there", f)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("uninstall removed another block: %v", err)
	}
	if removed, err := Uninstall(dir); err != nil || len(removed) != 0 {
		t.Errorf("second uninstall: %v %v", removed, err)
	}
}

// TestForeignFilesLeftAlone checks that neither install nor uninstall
// touches a file of the same name that gridstream did not write.
func TestForeignFilesLeftAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gridstream_grc.py")
	os.WriteFile(path, []byte("# someone's own module\n"), 0o644)
	if _, err := Install(dir); err == nil || !strings.Contains(err.Error(), "not installed by gridstream") {
		t.Errorf("install over a foreign file: %v", err)
	}
	if _, err := Uninstall(dir); err == nil {
		t.Errorf("uninstall of a foreign file succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "# someone's own module\n" {
		t.Errorf("foreign file changed: %q", b)
	}
	onlyFile(t, dir, "gridstream_grc.py")
	// A file named like the sample, without our module beside it.
	dir = t.TempDir()
	path = filepath.Join(dir, sampleFile)
	os.WriteFile(path, []byte{1, 0, 1}, 0o644)
	if _, err := Install(dir); err == nil || !strings.Contains(err.Error(), "not installed by gridstream") {
		t.Errorf("install over a foreign sample: %v", err)
	}
	if _, err := Uninstall(dir); err == nil {
		t.Errorf("uninstall of a foreign sample succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "\x01\x00\x01" {
		t.Errorf("foreign sample changed: %q", b)
	}
	onlyFile(t, dir, sampleFile)
}

// TestInstallAllOrNothing checks that an install refused for foreign files
// writes nothing, and names every foreign file, whichever of the targets
// they are.
func TestInstallAllOrNothing(t *testing.T) {
	for _, foreign := range [][]string{{Files[len(Files)-1]}, {Files[0]}, {Files[1], moduleFile}} {
		dir := t.TempDir()
		for _, name := range foreign {
			os.WriteFile(filepath.Join(dir, name), []byte("# mine\n"), 0o644)
		}
		_, err := Install(dir)
		if err == nil {
			t.Fatalf("install over %v succeeded", foreign)
		}
		for _, name := range foreign {
			if !strings.Contains(err.Error(), filepath.Join(dir, name)) {
				t.Errorf("install over %v: %q does not name %s", foreign, err, name)
			}
		}
		if !strings.Contains(err.Error(), "nothing installed") || strings.Contains(err.Error(), "\n") {
			t.Errorf("install over %v: %q", foreign, err)
		}
		onlyFile(t, dir, foreign...)
	}
}

// onlyFile fails unless dir holds exactly the files names.
func onlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %v, want only %v", dir, got, want)
	}
}

func TestPythonString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/home/a/.grc_gnuradio", `'/home/a/.grc_gnuradio'`},
		{`/tmp/it's`, `'/tmp/it\'s'`},
		{`C:\grc`, `'C:\\grc'`},
		{"/tmp/blocks ü", `'/tmp/blocks ü'`},
	} {
		got, err := pythonString(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("pythonString(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"/tmp/$HOME", "/tmp/a\nb", "/tmp/\x00", "/tmp/\xff"} {
		if _, err := pythonString(bad); err == nil {
			t.Errorf("pythonString(%q) accepted", bad)
		}
	}
	if _, err := Install(filepath.Join(t.TempDir(), "$x")); err == nil {
		t.Error("install into a directory with a $ accepted")
	}
}

func TestDefaultDirAndFound(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("GRC_HIER_PATH", "")
	t.Setenv("GRC_BLOCKS_PATH", "")
	d, err := DefaultDir()
	if err != nil || d != filepath.Join(home, ".grc_gnuradio") {
		t.Fatalf("DefaultDir = %q, %v", d, err)
	}
	if how, ok := Found(d); !ok || !strings.Contains(how, "~/.grc_gnuradio") {
		t.Errorf("Found(default) = %q, %v", how, ok)
	}
	other := t.TempDir()
	if _, ok := Found(other); ok {
		t.Errorf("Found(%s) without GRC_BLOCKS_PATH", other)
	}
	t.Setenv("GRC_BLOCKS_PATH", "/nowhere"+string(filepath.ListSeparator)+other)
	if how, ok := Found(other); !ok || !strings.Contains(how, "GRC_BLOCKS_PATH") {
		t.Errorf("Found(%s) with GRC_BLOCKS_PATH = %q, %v", other, how, ok)
	}
	t.Setenv("GRC_HIER_PATH", other)
	if d, _ := DefaultDir(); d != other {
		t.Errorf("DefaultDir with GRC_HIER_PATH = %q", d)
	}
	if how, ok := Found(other); !ok || !strings.Contains(how, "GRC_HIER_PATH") {
		t.Errorf("Found(GRC_HIER_PATH) = %q, %v", how, ok)
	}
}

// After an install, the user is told what GRC needs to find the blocks,
// and where the binary must be.
func TestNextSteps(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GRC_HIER_PATH", "")
	t.Setenv("GRC_BLOCKS_PATH", "")
	t.Setenv("PATH", t.TempDir()) // no gridstream on it
	got := NextSteps(dir, "/opt/gs/gridstream")
	for _, want := range []string{"export GRC_BLOCKS_PATH=" + dir, "not on PATH", "(/opt/gs/gridstream)"} {
		if !strings.Contains(got, want) {
			t.Errorf("GRC not reading %s: %q does not say %q", dir, got, want)
		}
	}
	t.Setenv("GRC_BLOCKS_PATH", "/elsewhere"+string(os.PathListSeparator)+dir)
	if got := NextSteps(dir, "x"); !strings.HasPrefix(got, "GRC reads blocks from the directories in $GRC_BLOCKS_PATH: restart") {
		t.Errorf("GRC reading %s: %q", dir, got)
	}
}
