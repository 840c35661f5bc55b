#!/usr/bin/env bash
# Prints frames decoded vs SNR with and without soft-decision correction
# through the pure-Go receiver (README, "Soft-decision correction"): synth
# recordings of 12 meters of one network, short (0x55) and long (0xD5 0xFD)
# frames, 250 kS/s and 2.4 MS/s hopping, FRAMES frames per cell (default 300),
# and the gain in dB at 50 % and 90 % of frames.
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES=${FRAMES:-300}
GRIDSTREAM_CHASE_GAIN=$FRAMES go test -count=1 -timeout 120m -v -run '^TestChaseGain$' ./demod |
	sed -n '/^Frames decoded/,/^$/p;/^|/p;/^gain/p'
