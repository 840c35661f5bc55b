#!/usr/bin/env bash
# Regenerates the IQ recordings that `gridstream demo` decodes (embedded in
# the binary by package samples) with `gridstream synth`:
#
#   samples/demo_915M_800k.cu8     GridStream: two real Puget Sound Energy
#                                  frames, then 18 random frames of three
#                                  utility networks (Oncor, PSE, Evergy),
#                                  hopping over a 100 kHz grid, 9.6/19.2/38.4k
#                                  baud, sync versions 4 and 5, both FSK
#                                  polarities, ±40 ppm clocks, 10-22 dB SNR
#   samples/demo_433.92M_250k.cu8  NGE101: power packets for 810 W and 1780 W,
#                                  an energy packet for 12345.678 kWh
#
# each with its SigMF meta (.sigmf-meta) and ground truth (.truth.jsonl).
# The output is deterministic: the same binary architecture gives the same
# bytes (the committed files were made on amd64; scripts/test.sh checks it).
#
# Usage: scripts/make-samples.sh [OUTDIR]     (default: samples)
#        GRIDSTREAM=/path/to/gridstream scripts/make-samples.sh   (skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-samples}
mkdir -p "$out"
gs=${GRIDSTREAM:-}
if [ -z "$gs" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	gs=$tmp/gridstream
	go build -o "$gs" ./cmd/gridstream
fi

# Two frames from a Puget Sound Energy capture (CRC init 142A).
pse1=2AD5001D29900000D5900000FD5DC008007450050C012B834F815E16EA240051AB
pse2=2AD500142290000057900000C7510F07000316A41B109E1F

"$gs" --log-level warn synth \
	--frame "$pse1" --frame "$pse2" \
	--count 18 --interval 0.012 --hop --crc-init 5FD6,142A,E623 \
	--random-polarity --clock-ppm 40 \
	--rate 800k --center-freq 915M --noise -38 --snr 10:22 --seed 7 \
	--truth "$out/demo_915M_800k.truth.jsonl" "$out/demo_915M_800k.cu8"

"$gs" --log-level warn synth \
	--nge-power 810 --nge-power 1780 --nge-energy 12345.678 --nge-id 117 --nge-channel 3 \
	--rate 250k --center-freq 433.92M --noise -38 --snr 20 --seed 7 \
	--truth "$out/demo_433.92M_250k.truth.jsonl" "$out/demo_433.92M_250k.cu8"

ls -l "$out"/demo_*
