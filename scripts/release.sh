#!/usr/bin/env bash
# Builds gridstream's release binaries:
#
#   gridstream-VERSION-linux-amd64   PCs and servers
#   gridstream-VERSION-linux-arm64   64-bit ARM: Raspberry Pi 3/4/5 with a 64-bit OS
#   gridstream-VERSION-linux-armv7   32-bit ARMv7 (GOARM=7): Raspberry Pi 2/3/4 with a 32-bit OS
#   SHA256SUMS                       their checksums (sha256sum -c SHA256SUMS)
#
# Static (CGO_ENABLED=0: they need no libc and run on any Linux of the
# architecture), -trimpath, stripped of the symbol table (stack traces keep
# function names), and version-stamped: `gridstream --version` prints
# VERSION, the commit and the Go toolchain, and Home Assistant shows VERSION
# as the software version.
#
#   scripts/release.sh [-o DIR] [VERSION]
#
# VERSION defaults to `git describe --tags --always --dirty` (v1.2.0 on a tag,
# v1.2.0-3-g2ed864d after it, 2ed864d before any tag, -dirty with uncommitted
# changes). DIR defaults to dist/ (ignored by git). The builds share Go's
# build cache: a second run after a small change takes seconds.
set -euo pipefail

usage() {
	echo "usage: scripts/release.sh [-o DIR] [VERSION]" >&2
	exit 2
}

out=
while getopts "o:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
version=${1:-}

root=$(cd "$(dirname "$0")/.." && pwd)
out=${out:-$root/dist}
case $out in
/*) ;;
*) out=$PWD/$out ;;
esac
cd "$root"

# Go stamps vcs.revision and vcs.modified itself in a git clone. It cannot
# in a linked worktree (its .git is a file, golang/go#58218; walking up it
# could even stamp an enclosing repository's commit), so there the commit is
# stamped with -X only.
commit= modified=false buildvcs=false
if git rev-parse --git-dir >/dev/null 2>&1; then
	commit=$(git rev-parse HEAD)
	if [ -n "$(git status --porcelain)" ]; then
		modified=true
	fi
	if [ "$(git rev-parse --path-format=absolute --git-dir)" = "$(git rev-parse --path-format=absolute --git-common-dir)" ]; then
		buildvcs=true
	fi
	version=${version:-$(git describe --tags --always --dirty)}
elif [ -z "$version" ]; then
	echo "release: not a git checkout: pass the version (scripts/release.sh v1.2.0)" >&2
	exit 2
fi
if ! [[ $version =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
	echo "release: version \"$version\": want letters, digits and . _ + - (v1.2.0)" >&2
	exit 2
fi

# Only now that the arguments are good: nothing is created for a bad one.
mkdir -p "$out"
out=$(cd "$out" && pwd)

pkg=github.com/gridstream-sdr/gridstream/internal/buildinfo
ldflags="-s -w -X $pkg.version=$version -X $pkg.commit=$commit -X $pkg.modified=$modified"

stage=$(mktemp -d "$out/.release.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# GOOS/GOARCH/GOARM label; the levels are fixed so that a GOAMD64 or GOFLAGS
# in the caller's environment cannot change what is released.
for target in linux/amd64/amd64 linux/arm64/arm64 linux/arm/armv7; do
	IFS=/ read -r goos goarch label <<<"$target"
	name=gridstream-$version-$goos-$label
	echo "release: building $name" >&2
	env CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" GOARM=7 GOAMD64=v1 GOARM64=v8.0 GOFLAGS=-mod=readonly \
		go build -trimpath -buildvcs="$buildvcs" -ldflags="$ldflags" -o "$stage/$name" ./cmd/gridstream
done

(cd "$stage" && sha256sum gridstream-* >SHA256SUMS)
for f in "$stage"/*; do
	mv -f "$f" "$out/"
done
echo "release: $version ($commit${commit:+, }modified=$modified) in $out:" >&2
(cd "$out" && ls -l $(sed 's/.*  //' SHA256SUMS) SHA256SUMS) >&2
