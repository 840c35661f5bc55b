#!/usr/bin/env bash
# Prints the pure-Go receiver's frames-decoded-vs-SNR table (README,
# "Pure-Go receiver (demod)"): synthetic recordings from package synth at
# 250 kS/s (one channel, ±3 kHz offsets, each baud) and 2.4 MS/s (bursts at
# every baud hopping over ±1 MHz), FRAMES frames per cell (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${FRAMES:-200}
GRIDSTREAM_SNR_TABLE=$FRAMES go test -count=1 -timeout 60m -v -run '^TestSNRTable$' ./demod | sed -n '/^Frames decoded/,/^$/p;/^|/p'
