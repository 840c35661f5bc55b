#!/usr/bin/env bash
# Speed of the pure-Go receiver (package demod) on one core: cu8 recordings
# made by package synth, converted chunk by chunk as a file reader would, the
# whole band searched. x_realtime is seconds of signal per second of CPU;
# bursts_followed is the mean number of bursts being channelized at once.
#   BenchmarkWideband2M4    2.4 MS/s, ~50 bursts/s hopping over ±1 MHz, all bauds
#   BenchmarkModerate2M4    2.4 MS/s, ~10 bursts/s
#   BenchmarkQuiet2M4       2.4 MS/s of noise: the band search alone
#   BenchmarkSingle250k     250 kS/s single channel, a 9600-baud burst every ~0.1 s
set -euo pipefail
cd "$(dirname "$0")/.."
BENCHTIME=${BENCHTIME:-10x}
GOMAXPROCS=1 go test -run '^$' -bench "${BENCH:-Wideband2M4|Moderate2M4|Quiet2M4|Single250k}" \
	-benchtime "$BENCHTIME" -benchmem ./demod
