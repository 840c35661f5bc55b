#!/usr/bin/env bash
# Replay speed on one core: 200 Mbit of unpacked bits (one bit per byte, as
# GNU Radio's file sink writes them), about 1 % of them GridStream and NGE101
# frames, both protocols searched (the default). Target (issue 13): at least
# 1000 Mbit per CPU-second, end to end.
#
#   1. Go benchmarks, -cpu 1, COUNT runs each, summarized by benchstat when
#      it is installed (medians; 6 runs give a confidence interval): each stage (unpacked reader, packing 64 bits to a
#      word, GridStream deframer, NGE101 finder; -benchtime 1s) and the
#      whole replay path in process (BenchmarkReplay: the same 200 Mbit
#      recording held in memory, -benchtime BENCHTIME; Mbit/cpu-s is per
#      CPU-second).
#   2. The whole process: `gridstream replay -q` on the recording written to
#      a file (scripts/genbits), timed with /usr/bin/time -v. Mbit per
#      CPU-second = bits / (user + system seconds); RUNS runs and their
#      median. With BASE=<git ref> the gridstream of that commit is built too
#      and timed on the same file, runs interleaved.
#   3. The peer, when GNU Radio is installed: file_source →
#      correlate_access_code_tag_bb (GridStream's version 4 sync: 16 preamble
#      bits and the 20 framing bits, 2 errors allowed) → null_sink on the same
#      file; the CPU of the flowgraph's run and of the whole python process.
#
# Usage: scripts/bench-replay.sh   (BITS=200000000 RUNS=5 COUNT=6 BENCHTIME=3x BASE=main)
# The machine is shared: CPU seconds are less disturbed by other work than
# wall time, but still pessimistic on a busy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BITS=${BITS:-200000000}
RUNS=${RUNS:-5}
COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-3x}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/gridstream" ./cmd/gridstream
go run ./scripts/genbits -bits "$BITS" -o "$work/replay.u8"
bins=(gridstream)
if [ -n "${BASE:-}" ]; then
	mkdir "$work/base"
	git archive "$BASE" | tar -x -C "$work/base"
	(cd "$work/base" && go build -o "$work/gridstream-base" ./cmd/gridstream)
	bins+=(gridstream-base)
fi

echo "== Go benchmarks, one core, $COUNT runs each"
go test -run '^$' -bench 'BenchmarkReaderUnpacked|BenchmarkPackWords|BenchmarkDeframer|BenchmarkNGEFinder' \
	-benchmem -cpu 1 -count "$COUNT" ./bits/bitio ./protocol/gridstream ./protocol/nge101 >"$work/bench.txt"
go test -run '^$' -bench 'BenchmarkReplay' -benchmem -cpu 1 -count "$COUNT" -benchtime "$BENCHTIME" ./replay >>"$work/bench.txt"
benchstat=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
if [ -x "$benchstat" ]; then
	"$benchstat" "$work/bench.txt"
else
	grep -E '^Benchmark|^ok' "$work/bench.txt"
fi

echo "== gridstream replay -q, whole process (/usr/bin/time -v), $BITS bits"
for i in $(seq "$RUNS"); do
	for bin in "${bins[@]}"; do
		/usr/bin/time -v "$work/$bin" replay -q --state "" "$work/replay.u8" 2>"$work/$bin.$i.log"
	done
done
python3 - "$BITS" "$work" "${bins[@]}" <<'PY'
import re, statistics, sys
bits, work, bins = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
runs = int(__import__("os").environ.get("RUNS", "5"))
for b in bins:
    rates = []
    for i in range(1, runs + 1):
        log = open(f"{work}/{b}.{i}.log").read()
        user = float(re.search(r"User time \(seconds\): ([\d.]+)", log).group(1))
        sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", log).group(1))
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", log).group(1)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1))
        frames = re.search(r"msg=summary .*?frames=(\d+)", log)
        rate = bits / max(user + sys_, 1e-3) / 1e6
        rates.append(rate)
        print(f"{b}: user {user:.2f} s, system {sys_:.2f} s, wall {wall}, max RSS {rss/1024:.0f} MiB, "
              f"frames {frames.group(1) if frames else '?'}: {rate:.0f} Mbit per CPU-second")
    print(f"{b}: median {statistics.median(rates):.0f} Mbit per CPU-second over {runs} runs "
          f"(range {min(rates):.0f}-{max(rates):.0f})")
PY

if ! /usr/bin/python3 -c 'from gnuradio import digital' 2>/dev/null; then
	echo "== GNU Radio not installed: no peer figure (scripts/install-gnuradio.sh)"
	exit 0
fi
echo "== GNU Radio correlate_access_code_tag_bb on the same file (peer)"
cat >"$work/correlate.py" <<'PY'
import sys, time
from gnuradio import gr, blocks, digital
path, bits = sys.argv[1], int(sys.argv[2])
# GridStream version 4 sync as it is sent: 16 preamble bits, then the
# UART bytes 0x00 and 0xFF (start bit, eight data bits, stop bit).
code = "10" * 8 + "0000000001" + "0111111111"
tb = gr.top_block()
src = blocks.file_source(gr.sizeof_char, path, False)
corr = digital.correlate_access_code_tag_bb(code, 2, "sync")
corr.set_log_level("info")  # no debug line per tag
tb.connect(src, corr, blocks.null_sink(gr.sizeof_char))
cpu, wall = time.process_time(), time.time()
tb.run()
cpu, wall = time.process_time() - cpu, time.time() - wall
print("flowgraph: CPU %.2f s (wall %.2f s): %.0f Mbit per CPU-second" % (cpu, wall, bits / cpu / 1e6))
PY
for i in $(seq "$RUNS"); do
	/usr/bin/time -f "%U %S" -o "$work/gr.time" /usr/bin/python3 "$work/correlate.py" "$work/replay.u8" "$BITS" >"$work/gr.log" 2>&1 ||
		{ cat "$work/gr.log" >&2; exit 1; }
	grep '^flowgraph' "$work/gr.log"
	read -r user sys <"$work/gr.time"
	awk -v u="$user" -v s="$sys" -v b="$BITS" 'BEGIN { printf "  whole python process: user %.2f s, system %.2f s: %.0f Mbit per CPU-second\n", u, s, b / (u + s) / 1e6 }'
done
