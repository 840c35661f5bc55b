#!/usr/bin/env bash
# Prints the pure-Go receiver's impairment table (README, "Impairments"):
# every scenario of package synth (synth.Scenarios, also `gridstream synth
# --scenario NAME`) at 250 kS/s (one channel, every baud) and 2.4 MS/s
# (bursts hopping over ±1 MHz), FRAMES wanted frames per cell (default
# 200), wanted bursts at 10 dB unless the scenario says otherwise. ONLY
# limits it to the scenarios named (comma-separated). Also prints the
# sensitivity curves (frames decoded against SNR per baud beside the
# noncoherent 2-FSK limit) with CURVES=frames per cell.
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${FRAMES:-200}
GRIDSTREAM_IMPAIR_TABLE=$FRAMES GRIDSTREAM_IMPAIR_ONLY=${ONLY:-} \
	go test -count=1 -timeout 60m -v -run '^TestImpairmentTable$' ./demod | sed -n '/^Impairments:/,/^$/p;/^|/p'
if [ -n "${CURVES:-}" ]; then
	GRIDSTREAM_SNR_CURVES=$CURVES go test -count=1 -timeout 60m -v -run '^TestSensitivityCurves$' ./demod |
		sed -n '/^Frames decoded at/,/^$/p;/^|/p'
fi
