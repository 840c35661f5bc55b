#!/usr/bin/env bash
# Runs the whole GNU Radio pipeline on an IQ recording:
#
#   recording.cf32 → flowgraphs/gridstream_file.grc (GNU Radio: channel filter,
#   FM demod, symbol sync, slicer, sync-word tags, ZMQ PUSH Sink)
#   → gridstream decode (ZMQ PULL) → JSON lines on stdout
#   (+ msgpack on tcp://127.0.0.1:5560 and PMT PDUs on tcp://127.0.0.1:5561)
#
# Usage: scripts/gnuradio-pipeline.sh [RECORDING.cf32] [-- extra gridstream decode flags]
#   Without a recording, one is made with `gridstream synth` (20 frames).
#   Environment: SAMP_RATE (default 240e3, or from a SigMF meta beside the
#   file), OFFSET (channel offset in Hz, 0), BAUD (9600), DEVIATION (12e3),
#   SPEED (replay speed, 4), PORT (5555), INVERT=1 (swap FSK tones).
#
# Needs GNU Radio (scripts/install-gnuradio.sh) and Go (to build gridstream
# unless `gridstream` is on PATH).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill $dec 2>/dev/null || true; rm -rf "$work"' EXIT

rec=
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	rec=$1
	shift
fi
if [ "${1:-}" = "--" ]; then
	shift
fi

if command -v gridstream >/dev/null 2>&1; then
	gs=$(command -v gridstream)
else
	echo "pipeline: building gridstream" >&2
	(cd "$root" && go build -o "$work/gridstream" ./cmd/gridstream)
	gs=$work/gridstream
fi

SAMP_RATE=${SAMP_RATE:-}
if [ -z "$rec" ]; then
	rec=$work/synth.cf32
	"$gs" synth --count 20 --baud 9600 --rate 240k --interval 0.06 --truth "$work/truth.jsonl" "$rec" 2>/dev/null
	SAMP_RATE=${SAMP_RATE:-240e3}
	echo "pipeline: made $rec with gridstream synth (truth: 20 frames)" >&2
fi
if [ -z "$SAMP_RATE" ]; then
	meta=${rec%.*}.sigmf-meta
	if [ -f "$meta" ]; then
		SAMP_RATE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["global"]["core:sample_rate"])' "$meta")
	else
		SAMP_RATE=240e3
	fi
fi
PORT=${PORT:-5555}
invert=()
[ "${INVERT:-0}" = 1 ] && invert=(--invert)

grcc -o "$work" "$root/flowgraphs/gridstream_file.grc" >/dev/null
# GNU Radio 3.10.5's correlate-access-code block logs every tag at debug level.
export GR_CONF_LOG_LOG_LEVEL=${GR_CONF_LOG_LOG_LEVEL:-warn}

"$gs" decode --in "pull://127.0.0.1:$PORT" --pass-tags --state "" \
	--out tcp://127.0.0.1:5560 --out-pmt tcp://127.0.0.1:5561 "${invert[@]}" "$@" &
dec=$!

echo "pipeline: GNU Radio demodulates $rec at $SAMP_RATE S/s" >&2
/usr/bin/python3 "$work/gridstream_file.py" --file "$rec" --samp-rate "$SAMP_RATE" \
	--offset "${OFFSET:-0}" --baud "${BAUD:-9600}" --deviation "${DEVIATION:-12e3}" \
	--speed "${SPEED:-4}" --address "tcp://127.0.0.1:$PORT" >&2
sleep 0.5
kill -INT $dec
wait $dec
