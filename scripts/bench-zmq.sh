#!/usr/bin/env bash
# ZMQ bit ingest benchmarks: unpacked bits over loopback ZeroMQ into
# `gridstream decode` on one core (GOMAXPROCS=1), decoded messages out.
# Targets: >= 100 Mbit/s of unpacked bits with zero loss; p99 latency from a
# frame's last bit to its message < 2 ms.
#
#   1. Go benchmarks: a Go PUSH publisher → gridstream decode (its own
#      process) → msgpack on --out → a subscriber that counts every message
#      (BenchmarkDecodeZMQIngest), and a steady 100 Mbit/s feed measuring
#      per-frame latency (BenchmarkDecodeZMQLatency); plus the hot paths.
#   2. With GNU Radio installed: a GNU Radio ZMQ PUSH Sink at full speed
#      (the built-in bit sample padded with noise, repeated) → gridstream.
#
# Usage: scripts/bench-zmq.sh   (BENCHTIME=5x, GR_ITEMS=300000000 to tune)
# The machine is shared: numbers measured under load are pessimistic.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCHTIME=${BENCHTIME:-5x}

echo "== Go publisher → gridstream decode (GOMAXPROCS=1) → subscriber"
go test -run '^$' -bench 'BenchmarkDecodeZMQ' -benchtime "$BENCHTIME" ./cmd/gridstream | grep -E '^Benchmark|^ok'
echo "== hot paths"
go test -run '^$' -bench . -benchtime 1s ./zmqsource ./zmqsink ./pmt 2>/dev/null | grep -E '^Benchmark|^ok' || true

if ! /usr/bin/python3 -c 'from gnuradio import zeromq' 2>/dev/null; then
	echo "== GNU Radio not installed: skipping the GNU Radio PUSH Sink benchmark (scripts/install-gnuradio.sh)"
	exit 0
fi

echo "== GNU Radio ZMQ PUSH Sink → gridstream decode (GOMAXPROCS=1)"
work=$(mktemp -d)
trap 'kill $dec 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/gridstream" ./cmd/gridstream
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# One period: the built-in sample (GridStream frames) and 300 000 noise bits.
per=$("$work/gridstream" replay --protocol gridstream --no-learn --state "" samples/sample.u8 2>/dev/null | wc -l)
GOMAXPROCS=1 "$work/gridstream" decode --in "pull://127.0.0.1:$port" --protocol gridstream \
	--no-learn --quiet --state "" --stats-interval 100ms 2>"$work/decode.log" &
dec=$!
GR_ITEMS=${GR_ITEMS:-1000000000}
/usr/bin/python3 - "$port" "$GR_ITEMS" samples/sample.u8 >"$work/gr.out" <<'PY'
import sys, time, random
from gnuradio import gr, blocks, zeromq
port, items, sample = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(1)
period = list(open(sample, "rb").read()) + [random.getrandbits(1) for _ in range(300000)]
reps = items // len(period)
tb = gr.top_block()
src = blocks.vector_source_b(period, True)
head = blocks.head(gr.sizeof_char, reps * len(period))
snk = zeromq.push_sink(gr.sizeof_char, 1, "tcp://127.0.0.1:%d" % port, 100, False, -1)
tb.connect(src, head, snk)
t0 = time.time()
tb.run()
dt = time.time() - t0
print(reps, reps * len(period), dt)
PY
read -r reps bits secs <"$work/gr.out"
sleep 1
kill -INT $dec
wait $dec || true
got=$(grep -o 'messages=[0-9]*' "$work/decode.log" | tail -1 | cut -d= -f2)
want=$((reps * per))
python3 - "$bits" "$secs" "$got" "$want" "$work/decode.log" <<'PY'
import sys, re, datetime
bits, secs, got, want = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3] or 0), int(sys.argv[4])
# gridstream's own view: its 100 ms stats ticks, from the last tick before
# any item arrived to the first tick showing all of them (conservative).
ticks = []
for line in open(sys.argv[5]):
    m = re.search(r'time=(\S+) level=INFO msg=input .* items=(\d+)', line)
    if m:
        t = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
        ticks.append((t, int(m.group(2))))
t0 = max([t for t, n in ticks if n == 0], default=ticks[0][0] if ticks else 0)
t1 = min([t for t, n in ticks if n >= bits], default=0)
rate = bits / (t1 - t0) / 1e6 if t1 > t0 else float("nan")
print("GNU Radio PUSH Sink → gridstream decode (GOMAXPROCS=1): %d unpacked bits, gridstream ingest %.0f Mbit/s "
      "(GNU Radio's run took %.2f s); %d of %d frames decoded, lost %d" % (bits, rate, secs, got, want, want - got))
PY
