#!/usr/bin/env bash
# Byte-for-byte comparison of `gridstream synth` between two revisions, for
# refactorings that must not change the recordings: builds gridstream at REV
# (default main) and from the work tree, runs the same synth commands with
# both (random traffic, hopping, explicit frames, every NGE101 ending, clock
# errors and interferers, collisions, front-end impairments, scenarios,
# stdout) and compares every sample file, SigMF meta and truth file.
#
#   scripts/synth-compare.sh [REV]
#
# Exit 0 when all are identical; otherwise it names the files that differ.
set -euo pipefail
rev=${1:-main}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive --prefix=old/ "$rev" | tar -x -C "$tmp"
(cd "$tmp/old" && go build -o "$tmp/gridstream-old" ./cmd/gridstream)
(cd "$root" && go build -o "$tmp/gridstream-new" ./cmd/gridstream)

render() { # BIN DIR
	local bin=$1 dir=$2
	mkdir -p "$dir"
	cd "$dir"
	run() { local n=$1; shift; "$bin" synth "$@" --truth "$n.truth.jsonl" "$n.cu8" 2>/dev/null || echo "exit $?" >"$n.err"; }
	run a --count 30 --seed 3
	run b --count 40 --hop --seed 7 --rate 2.4M
	run c --count 20 --scenario near-far --rate 250k --snr 10
	run d --count 20 --scenario adjacent --hop --seed 5
	run e --count 0 --nge-power 810 --nge-energy 1234.5 --rate 250k --nge-ending pulse
	run f --count 0 --nge-power 810,50 --nge-energy 1 --nge-ending mixed --nge-clock-error -2:3 --nge-interferer gaps --rate 1M
	run g --count 30 --hop --nge-every 3 --nge-ending mixed --nge-clock-error 1 --seed 9
	run h --frame 2AD500142290000057900000C7510F07000316A41B109E1F --baud 38400 --snr 12 --sync 5
	run i --count 10 --length FD --scenario long --crc-init 1234,B5E3
	run j --count 15 --broadcast --scenario gfsk-wide --rx-ppm 20 --dc 0.01,0.01 --iq-imbalance 1,3 --adc-bits 8 --interferer fsk:300k:20
	run k --count 0 --nge-energy 5 --nge-interferer nearby --nge-repeats 3 --nge-low-battery --rate 250k
	run l --count 25 --scenario fading --collide co-channel --clock-ppm 100 --jitter 2k --random-polarity --invert --deviation 15k --seed 11
	run m --count 12 --scenario drift --bt 0.3:0.6 --mod-index 0.5:1 --duration 0.5 --preamble-bits 24 --offset 50k
	run n --scenario ook-interferer --hop --count 20
	"$bin" synth --count 5 --seed 4 - 2>/dev/null >o.stdout
	for s in $("$bin" synth --help | sed -n '/^ *Impairments/,/^OPTIONS/p' | awk '/^     [a-z]/{print $1}'); do
		run "sc-$s" --scenario "$s" --count 8 --seed 2
	done
	"$bin" synth --help >help.txt
}
(render "$tmp/gridstream-old" "$tmp/out-old")
(render "$tmp/gridstream-new" "$tmp/out-new")
n=$(find "$tmp/out-old" -type f | wc -l)
if diff -rq "$tmp/out-old" "$tmp/out-new"; then
	echo "synth-compare: $n files identical ($rev vs the work tree)"
else
	echo "synth-compare: the files above differ ($rev vs the work tree)" >&2
	exit 1
fi
