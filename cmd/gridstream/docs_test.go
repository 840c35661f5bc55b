package main_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoPathRE is a file of the repository the documentation cites in
// backquotes: a relative path with a directory, of a kind the repository
// holds, perhaps with :LINE.
var repoPathRE = regexp.MustCompile("`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+\\.(?:go|sh|py|grc|yml|md|png|jpg|jsonl|json|txt|u8|cu8))(?::[0-9]+)?`")

// The files the README, CONTRIBUTING.md and flowgraphs/README.md cite
// exist (they are moved and renamed in redesigns; the docs must follow).
func TestDocsCiteFilesThatExist(t *testing.T) {
	root := filepath.Join("..", "..")
	n := 0
	for _, doc := range []string{"README.md", "CONTRIBUTING.md", "flowgraphs/README.md"} {
		b, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range repoPathRE.FindAllStringSubmatch(string(b), -1) {
			p := m[1]
			// A path in another project (rtl_433's examples/...) starts
			// with a directory this repository does not have.
			top, _, _ := strings.Cut(p, "/")
			_, err1 := os.Stat(filepath.Join(root, top))
			_, err2 := os.Stat(filepath.Join(root, filepath.Dir(doc), top))
			if err1 != nil && err2 != nil {
				continue
			}
			n++
			_, err1 = os.Stat(filepath.Join(root, p))
			_, err2 = os.Stat(filepath.Join(root, filepath.Dir(doc), p))
			if err1 != nil && err2 != nil {
				t.Errorf("%s cites %s, which is not in the repository", doc, m[0])
			}
		}
	}
	t.Logf("%d citations", n)
	if n < 20 {
		t.Errorf("only %d file citations found: is the pattern still right?", n)
	}
}
