// Package buildinfo says which gridstream a binary is: its version, the
// commit it was built from and the Go toolchain. It reads the build
// information the Go toolchain embeds (debug.ReadBuildInfo: the module
// version `go install …@v1.2.0` records, the vcs.* settings of a build in a
// git clone) and the values scripts/release.sh stamps with -ldflags -X.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by scripts/release.sh with -ldflags "-X <this package>.version=…"
// (and .commit, .modified); empty in other builds. A stamped version wins
// over the module version; the commit is stamped for trees where Go cannot
// read it itself (a git worktree, whose .git is a file).
var (
	version  string
	commit   string
	modified string
)

// DevVersion is the version of a build that records none (go run, a build
// outside a git clone without scripts/release.sh).
const DevVersion = "dev"

// Info describes a build.
type Info struct {
	// Version is the stamped version, else the module version (v1.2.0 from
	// go install …@v1.2.0; a pseudo-version from go build in a git clone),
	// else DevVersion.
	Version string
	// Commit is the git commit hash (12 digits when only a pseudo-version
	// names it), empty when unknown.
	Commit string
	// Modified reports uncommitted changes in the tree that was built.
	Modified bool
	// CommitTime is the commit's time (RFC 3339), empty when unknown.
	CommitTime string
	// GoVersion is the toolchain that built the binary, e.g. go1.26.8.
	GoVersion string
	// Platform is GOOS/GOARCH, with the ARM level for 32-bit ARM
	// (linux/arm/v7).
	Platform string
}

// Read returns the running binary's Info.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuild(bi, stamp{version, commit, modified})
}

// Version returns the running binary's version (Info.Version).
func Version() string { return Read().Version }

// stamp holds the -X values.
type stamp struct{ version, commit, modified string }

func fromBuild(bi *debug.BuildInfo, s stamp) Info {
	in := Info{Version: DevVersion, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	settings := map[string]string{}
	if bi != nil {
		for _, kv := range bi.Settings {
			settings[kv.Key] = kv.Value
		}
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
	}
	if arm := settings["GOARM"]; arm != "" && runtime.GOARCH == "arm" {
		in.Platform += "/v" + arm
	}
	switch {
	case settings["vcs.revision"] != "":
		in.Commit = settings["vcs.revision"]
		in.Modified = settings["vcs.modified"] == "true"
		in.CommitTime = settings["vcs.time"]
	case s.commit != "":
		in.Commit = s.commit
		in.Modified = s.modified == "true"
	default:
		in.Commit = pseudoVersionRev(in.Version)
		in.Modified = strings.HasSuffix(in.Version, "+dirty")
	}
	if s.version != "" {
		in.Version = s.version
	}
	return in
}

// pseudoVersionRev returns the commit prefix a Go pseudo-version ends with
// (v0.0.0-20251206053500-2ed864d1e04d, v1.2.1-0.20251206053500-2ed864d1e04d),
// or "" when v is no pseudo-version.
func pseudoVersionRev(v string) string {
	v, _, _ = strings.Cut(v, "+")
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 || !isHex(v[i+1:]) {
		return ""
	}
	head := v[:i]
	if len(head) < 14 || !isDigits(head[len(head)-14:]) {
		return ""
	}
	return v[i+1:]
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String is what gridstream --version prints: the version, then the commit
// (and its time), then the toolchain and platform, one per line.
func (in Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gridstream %s\n", in.Version)
	c := in.Commit
	if c == "" {
		c = "unknown"
	}
	if in.Modified {
		c += " (modified)"
	}
	fmt.Fprintf(&b, "commit: %s\n", c)
	if in.CommitTime != "" {
		fmt.Fprintf(&b, "commit time: %s\n", in.CommitTime)
	}
	fmt.Fprintf(&b, "go: %s %s\n", in.GoVersion, in.Platform)
	return b.String()
}
