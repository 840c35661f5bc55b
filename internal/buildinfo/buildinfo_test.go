package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuild(t *testing.T) {
	vcs := func(rev, mod, when string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: mod}}
	}
	const rev = "2ed864d1e04d5c3f0a1b2c3d4e5f60718293a4b5"
	for _, tc := range []struct {
		name  string
		bi    *debug.BuildInfo
		stamp stamp
		want  Info
	}{
		{"go install @v1.2.0 (module zip, no VCS)",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, stamp{},
			Info{Version: "v1.2.0", GoVersion: "go1.26.8"}},
		{"go install @main (pseudo-version)",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20251206053500-2ed864d1e04d"}}, stamp{},
			Info{Version: "v0.0.0-20251206053500-2ed864d1e04d", Commit: "2ed864d1e04d", GoVersion: "go1.26.8"}},
		{"pseudo-version after a tag",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.1-0.20251206053500-2ed864d1e04d"}}, stamp{},
			Info{Version: "v1.2.1-0.20251206053500-2ed864d1e04d", Commit: "2ed864d1e04d", GoVersion: "go1.26.8"}},
		{"go build in a modified clone",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20251206053500-2ed864d1e04d+dirty"},
				Settings: vcs(rev, "true", "2025-12-06T05:35:00Z")}, stamp{},
			Info{Version: "v0.0.0-20251206053500-2ed864d1e04d+dirty", Commit: rev, Modified: true, CommitTime: "2025-12-06T05:35:00Z", GoVersion: "go1.26.8"}},
		{"release.sh in a clone: the stamped version, the commit from Go",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.3.0"}, Settings: vcs(rev, "false", "2025-12-06T05:35:00Z")},
			stamp{version: "v1.3.0-rc1", commit: "ffffffffffffffffffffffffffffffffffffffff", modified: "true"},
			Info{Version: "v1.3.0-rc1", Commit: rev, CommitTime: "2025-12-06T05:35:00Z", GoVersion: "go1.26.8"}},
		{"release.sh in a worktree (no VCS settings)",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			stamp{version: "2ed864d-dirty", commit: rev, modified: "true"},
			Info{Version: "2ed864d-dirty", Commit: rev, Modified: true, GoVersion: "go1.26.8"}},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, stamp{},
			Info{Version: DevVersion, GoVersion: "go1.26.8"}},
		{"no build info", nil, stamp{}, Info{Version: DevVersion, GoVersion: runtime.Version()}},
		{"a tag that looks like a pseudo-version but is not",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.0.0-beta-abcdefabcdef"}}, stamp{},
			Info{Version: "v1.0.0-beta-abcdefabcdef", GoVersion: "go1.26.8"}},
	} {
		tc.want.Platform = runtime.GOOS + "/" + runtime.GOARCH
		if got := fromBuild(tc.bi, tc.stamp); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	in := Info{Version: "v1.2.0", Commit: "2ed864d1e04d5c3f0a1b2c3d4e5f60718293a4b5", Modified: true,
		CommitTime: "2025-12-06T05:35:00Z", GoVersion: "go1.26.8", Platform: "linux/arm/v7"}
	want := "gridstream v1.2.0\ncommit: 2ed864d1e04d5c3f0a1b2c3d4e5f60718293a4b5 (modified)\ncommit time: 2025-12-06T05:35:00Z\ngo: go1.26.8 linux/arm/v7\n"
	if got := in.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := (Info{Version: "v1.2.0", GoVersion: "go1.26.8", Platform: "linux/amd64"}).String(); !strings.Contains(got, "commit: unknown\n") || strings.Contains(got, "commit time") {
		t.Errorf("unknown commit:\n%s", got)
	}
}

// The test binary itself has build information: Read never comes back empty.
func TestRead(t *testing.T) {
	in := Read()
	if in.Version == "" || in.GoVersion != runtime.Version() || !strings.HasPrefix(in.Platform, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("Read() = %+v", in)
	}
}
