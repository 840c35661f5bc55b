#!/usr/bin/env bash
# Measures the whole-band GNU Radio flowgraph (flowgraphs/gridstream_wideband.grc:
# osmosdr source → GridStream Wideband Receiver block) beside the pure-Go
# receiver (gridstream demod) on one synthetic hopping recording: frames decoded
# against synth's truth, and CPU (user + system, /usr/bin/time -v; the
# flowgraph's includes its gridstream decode child) per run and per second of
# signal. README, "The whole band", quotes it.
#
#   scripts/bench-wideband.sh [BURSTS [RUNS [RATE]]]   # default 400 bursts, 3 runs, 2.4e6 S/s
#   scripts/bench-wideband.sh 400 3 2.56e6              # resampled to 2.6 MS/s in the receiver
#
# Needs GNU Radio 3.10 with gr-osmosdr (scripts/install-gnuradio.sh) and
# /usr/bin/time. Writes a ~150 MB recording into a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
BURSTS=${1:-400}
RUNS=${2:-3}
RATE=${3:-2.4e6}
PY=${PYTHON:-/usr/bin/python3}
FLOWGRAPH=${FLOWGRAPH:-flowgraphs/gridstream_wideband.grc} # another to compare (same id)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/gridstream" ./cmd/gridstream
export PATH="$work/bin:$PATH"
gridstream grc install --dir "$work/grc" >/dev/null
GRC_BLOCKS_PATH="$work/grc" grcc -o "$work" "$FLOWGRAPH" >/dev/null 2>&1
rec="$work/rec_915M.cf32"
gridstream --log-level warn synth --count "$BURSTS" --hop --snr 10 --rate "$RATE" --random-polarity \
	--clock-ppm 20 --seed 7 --truth "$work/truth.jsonl" "$rec"
head -c 800000 "$rec" >"$work/tiny.cf32" # 100k samples: what starting costs

# score FILE: frames of the truth decoded (CRC-good, once) in FILE's JSON lines.
score() {
	"$PY" - "$work/truth.jsonl" "$1" <<'EOF'
import json, sys
want = {json.loads(l)['raw'] for l in open(sys.argv[1])}
got = set()
for l in open(sys.argv[2]):
    m = json.loads(l)  # stdout is JSON lines, nothing else
    if m.get('crc_ok') and m['raw'] in want:
        got.add(m['raw'])
print('%d/%d frames (%.1f %%)' % (len(got), len(want), 100.0 * len(got) / len(want)))
EOF
}
# cpu FILE: user+system seconds from /usr/bin/time -v's report.
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"; }

seconds=$("$PY" -c 'import os,sys; print(os.path.getsize(sys.argv[1]) / 8 / float(sys.argv[2]))' "$rec" "$RATE")
echo "recording: $BURSTS bursts, ${seconds} s at $RATE S/s, hopping over ±40 % of the rate, all bauds, 10 dB"
for i in $(seq "$RUNS"); do
	/usr/bin/time -v -o "$work/t1" "$PY" "$work/gridstream_wideband.py" \
		--args "file=$rec,rate=$RATE,repeat=false,throttle=false" --samp-rate "$RATE" --extra-args="--state ''" >"$work/fg.out" 2>/dev/null
	/usr/bin/time -v -o "$work/t2" "$PY" "$work/gridstream_wideband.py" \
		--args "file=$work/tiny.cf32,rate=$RATE,repeat=false,throttle=false" --samp-rate "$RATE" --extra-args="--state ''" >/dev/null 2>&1
	/usr/bin/time -v -o "$work/t3" gridstream demod --state '' "$rec" >"$work/demod.out" 2>/dev/null
	fg=$(cpu "$work/t1") start=$(cpu "$work/t2") dm=$(cpu "$work/t3")
	echo "run $i: flowgraph $(score "$work/fg.out"), CPU ${fg} s (starting ${start} s;" \
		"$(awk -v a="$fg" -v b="$start" -v s="$seconds" 'BEGIN {printf "%.3f", (a-b)/s}') s per second of signal)" \
		"| demod $(score "$work/demod.out"), CPU ${dm} s ($(awk -v a="$dm" -v s="$seconds" 'BEGIN {printf "%.3f", a/s}') s per second)"
done
