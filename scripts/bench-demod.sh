#!/usr/bin/env bash
# Speed of the pure-Go receiver (package demod), issue 13's rows.
#
# 1. Go benchmarks on one core (GOMAXPROCS=1), cu8 recordings made by package
#    synth, converted chunk by chunk as a file reader would, the whole band
#    searched. x_realtime_cpu is seconds of signal per CPU second of the
#    process (user+sys: on a shared machine wall time measures the
#    neighbours too); x_realtime is the same per wall-clock second;
#    bursts_followed is the mean number of bursts being channelized at once.
#      BenchmarkRow250k   250 kS/s single channel, 9600 Bd at 12 dB, a burst every ~0.1 s
#      BenchmarkRow2M4    2.4 MS/s, ~27 bursts/s hopping over ±1 MHz, all rates, 10–20 dB
#      BenchmarkRow20M    20 MS/s (HackRF-class, 905–925 MHz), ~27 bursts/s over ±9.5 MHz
#    plus the older BenchmarkWideband2M4, Moderate2M4, Quiet2M4, Single250k.
#    COUNT (default 5) repeats each; summarise with benchstat.
# 2. Whole processes: `gridstream demod` on synthetic files of each row
#    (written once to $BENCH_DIR, default /tmp/gridstream-bench-demod), timed
#    by /usr/bin/time: CPU seconds (user+sys), seconds of signal per CPU
#    second, peak RSS; on one core, and with --workers 2 on two (whose
#    messages must be the one-worker run's). The median of REPEAT (3) runs.
#
# 3. ONLY=serial: what of --workers 2 stays serial, which bounds its speed-up
#    on two cores (wall time on a shared machine cannot tell): a CPU profile
#    of iqdecode's BenchmarkRun2M4/Run20M (read, convert, receive, as the
#    demod command does) with two workers on one core, whose goroutines
#    carry the label stage (search, transform, channels, demod, read). The
#    serial part is the search stage's CPU less the frames' transforms it
#    did itself, over all the stages' CPU.
#
#   scripts/bench-demod.sh              # both
#   ONLY=go scripts/bench-demod.sh      # Go benchmarks only
#   ONLY=process scripts/bench-demod.sh # whole processes only
#   ONLY=serial scripts/bench-demod.sh  # the serial part with two workers
#   ONLY=cores scripts/bench-demod.sh   # two cores: --workers 2 against what two whole processes get
#   ONLY=rtl433 scripts/bench-demod.sh  # the 250 kS/s row against rtl_433 on the same file
#
# 4. ONLY=cores: how far --workers 2 gets on two cores, against the most
#    two cores of this machine give: one --workers 1 process alone, two of
#    them at once (each on the whole file: their joint speed-up, 2 × alone /
#    pair, is the ceiling for any parallel code; on a VM whose two vCPUs run
#    at different speeds it is well under 2), and --workers 2. REPEAT (5)
#    interleaved rounds, medians of wall time.
# 5. ONLY=rtl433: rtl_433 (RTL433=path, default the one on PATH) and
#    gridstream, one worker and the default, on the 250 kS/s file,
#    interleaved, REPEAT (9) rounds, median and minimum task-clock (perf
#    stat) or CPU seconds, and the median of each round's own ratio (steadier when
#    the VM's speed drifts within a series).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-5x}
ONLY=${ONLY:-}

if [[ "$ONLY" == serial ]]; then
	dir=${BENCH_DIR:-/tmp/gridstream-bench-demod}
	mkdir -p "$dir"
	go test -c -o "$dir/iqdecode.test" ./iqdecode
	# seconds in a pprof figure ("1.2s", "340ms")
	secs='function secs(v) { return v ~ /ms$/ ? v / 1000 : v ~ /us$/ ? v / 1e6 : v + 0 }'
	for b in Run2M4 Run20M; do
		prof="$dir/$b.prof"
		(cd iqdecode && GOMAXPROCS=1 "$dir/iqdecode.test" -test.run '^$' -test.bench "^Benchmark$b\$/workers=2" \
			-test.benchtime "${SERIAL_BENCHTIME:-100x}" -test.cpuprofile "$prof" | grep Benchmark)
		all=$(go tool pprof -tags "$dir/iqdecode.test" "$prof" 2>/dev/null | awk "$secs"' /stage: Total/ { print secs($3) }')
		go tool pprof -tags "$dir/iqdecode.test" "$prof" 2>/dev/null | grep -E '^ +[0-9.]+m?s '
		serial=$(go tool pprof -top -nodecount=1000000 -tagfocus=stage=search -ignore='searchAhead..work' \
			"$dir/iqdecode.test" "$prof" 2>/dev/null | awk "$secs"' /accounting for/ { sub(",", "", $5); print secs($5) }')
		awk -v b="$b" -v s="$serial" -v a="$all" 'BEGIN { printf "%s: serial %.2f s of %.2f s CPU: %.1f %%, Amdahl on 2 cores: %.2fx\n", b, s, a, 100 * s / a, 1 / (s / a + (1 - s / a) / 2) }'
	done
	exit 0
fi

if [[ "$ONLY" != process && "$ONLY" != cores && "$ONLY" != rtl433 ]]; then
	GOMAXPROCS=1 go test -run '^$' -bench "${BENCH:-Row250k|Row2M4|Row20M}" \
		-benchtime "$BENCHTIME" -count "$COUNT" -benchmem ./demod
fi
[[ "$ONLY" == go ]] && exit 0

dir=${BENCH_DIR:-/tmp/gridstream-bench-demod}
mkdir -p "$dir"
bin="$dir/gridstream"
go build -o "$bin" ./cmd/gridstream

# name rate synth-flags…
rows=(
	"r250_915M_250k 250000 --rate 250k --baud 9600 --snr 12 --interval 0.1 --count 300"
	"r2m4_915M_2400k 2400000 --rate 2.4M --hop --snr 10:20 --interval 0.037 --count 270"
	"r20_915M_20000k 20000000 --rate 20M --hop --max-offset 9.5M --snr 10:20 --interval 0.037 --count 108"
)
for row in "${rows[@]}"; do
	read -r name rate flags <<<"$row"
	if [[ ! -s "$dir/$name.cu8" ]]; then
		# shellcheck disable=SC2086
		"$bin" synth --seed 1 $flags "$dir/$name.cu8" 2>/dev/null
	fi
done

# wall seconds of a command (stdout and its logs dropped)
wall() {
	local s
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { print e - s }'
}
# CPU seconds of a command: perf's task-clock when perf is there (to the
# microsecond), else user + system from /usr/bin/time (to 10 ms)
cpu() {
	if command -v perf >/dev/null; then
		perf stat -x, -e task-clock -o "$dir/t.$$" "$@" >/dev/null 2>&1
		awk -F, '/task-clock/ { print $1 / 1000 }' "$dir/t.$$"
	else
		/usr/bin/time -f '%U %S' -o "$dir/t.$$" "$@" >/dev/null 2>&1
		awk '{ print $1 + $2 }' "$dir/t.$$"
	fi
}
# long FILE: the recording LONG (5) times over, so start-up hardly counts
# (its name keeps the rate and centre the data file has no meta for)
long() {
	local l="$dir/long_$(basename "$1")"
	if [[ ! -s "$l" ]]; then
		for _ in $(seq "${LONG:-5}"); do cat "$1"; done >"$l"
	fi
	echo "$l"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
demod1=(env GOMAXPROCS=1 "$bin" demod --state "" --progress never --workers 1)

if [[ "$ONLY" == cores ]]; then
	REPEAT=${REPEAT:-5}
	printf '%-18s %8s %8s %8s %14s %12s %9s\n' file alone_s pair_s w2_s ceiling_2core workers2 of_ceiling
	for row in "${rows[@]}"; do
		read -r name _ <<<"$row"
		f=$(long "$dir/$name.cu8")
		: >"$dir/alone" && : >"$dir/pair" && : >"$dir/w2"
		for _ in $(seq "$REPEAT"); do
			wall "${demod1[@]}" "$f" >>"$dir/alone"
			wall bash -c '"$@" & "$@"; wait' _ "${demod1[@]}" "$f" >>"$dir/pair"
			wall "$bin" demod --state "" --progress never --workers 2 "$f" >>"$dir/w2"
		done
		a=$(median <"$dir/alone") p=$(median <"$dir/pair") w=$(median <"$dir/w2")
		awk -v n="$name" -v a="$a" -v p="$p" -v w="$w" 'BEGIN { printf "%-18s %8.2f %8.2f %8.2f %13.2fx %11.2fx %8.0f%%\n", n, a, p, w, 2 * a / p, a / w, 100 * (a / w) / (2 * a / p) }'
		# The VM's speed drifts within a series: each round's own ratios
		# (its runs seconds apart) are steadier.
		c=$(paste "$dir/alone" "$dir/pair" | awk '{ print 2 * $1 / $2 }' | median)
		r=$(paste "$dir/alone" "$dir/w2" | awk '{ print $1 / $2 }' | median)
		printf '%-18s medians of the rounds'"'"' own ratios: ceiling %.2fx, workers2 %.2fx\n' "" "$c" "$r"
	done
	exit 0
fi

if [[ "$ONLY" == rtl433 ]]; then
	REPEAT=${REPEAT:-9}
	rtl=${RTL433:-rtl_433}
	f=$(long "$dir/r250_915M_250k.cu8")
	secs=$(awk -v b="$(stat -c %s "$f")" 'BEGIN { print b / 2 / 250000 }')
	: >"$dir/rtl" && : >"$dir/gs1" && : >"$dir/gsdef"
	for _ in $(seq "$REPEAT"); do
		cpu "$rtl" -r "cu8:$f" -s 250k -f 915M -F null >>"$dir/rtl"
		cpu "${demod1[@]}" "$f" >>"$dir/gs1"
		cpu "$bin" demod --state "" --progress never "$f" >>"$dir/gsdef"
	done
	r=$(median <"$dir/rtl")
	for k in rtl gs1 gsdef; do
		m=$(median <"$dir/$k") lo=$(sort -n "$dir/$k" | head -1)
		awk -v k="$k" -v m="$m" -v lo="$lo" -v r="$r" -v sec="$secs" 'BEGIN { printf "%-6s median %.3f CPU-s (min %.3f): %5.0fx real time, %.2fx rtl_433\n", k, m, lo, sec / m, r / m }'
	done
	# The VM's speed drifts within a series: each round's own ratio
	# (rtl_433 and gridstream run seconds apart) is steadier.
	for k in gs1 gsdef; do
		m=$(paste "$dir/rtl" "$dir/$k" | awk '{ print $1 / $2 }' | median)
		printf '%-6s median of the rounds'"'"' own ratios: %.2fx rtl_433\n' "$k" "$m"
	done
	exit 0
fi

REPEAT=${REPEAT:-3}
printf '%-18s %-7s %-5s %9s %9s %11s %8s %8s\n' file workers procs cpu_s wall_s x_rt_cpu rss_MiB messages
for row in "${rows[@]}"; do
	read -r name rate flags <<<"$row"
	f="$dir/$name.cu8"
	secs=$(awk -v b="$(stat -c %s "$f")" -v r="$rate" 'BEGIN { print b / 2 / r }')
	for run in "1 1" "2 2"; do
		read -r workers procs <<<"$run"
		# REPEAT runs; the median CPU time (and its run's wall time and RSS).
		for _ in $(seq "$REPEAT"); do
			GOMAXPROCS=$procs /usr/bin/time -f '%U %S %e %M' "$bin" demod --state "" --progress never \
				--workers "$workers" "$f" 2>&1 >"$dir/$name.w$workers.jsonl" | tail -1
		done | awk '{ print $1 + $2, $3, $4 }' | sort -n >"$dir/times"
		msgs=$(wc -l <"$dir/$name.w$workers.jsonl")
		awk -v n="$name" -v w="$workers" -v p="$procs" -v sec="$secs" -v msgs="$msgs" -v half="$(((REPEAT + 1) / 2))" \
			'NR == half { printf "%-18s %-7s %-5s %9.2f %9.2f %10.1fx %8.1f %8d\n", n, w, p, $1, $2, sec / $1, $3 / 1024, msgs }' "$dir/times"
	done
	if ! cmp -s <(sed 's/"time":"[^"]*",//' "$dir/$name.w1.jsonl") <(sed 's/"time":"[^"]*",//' "$dir/$name.w2.jsonl"); then
		echo "$name: --workers 2 printed different messages from --workers 1" >&2
		exit 1
	fi
done
