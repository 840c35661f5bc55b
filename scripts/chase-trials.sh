#!/usr/bin/env bash
# Counts wrong corrections in millions of trials (README, "Soft-decision
# correction"): frames of heard meters through a noncoherent FSK channel at
# Eb/N0 6-14 dB, short and long (TRIALS frames per Eb/N0 and length; default
# 70000: 1.1 million frames), random frames with random soft symbols (10 ×
# TRIALS), frames naming a heard meter with foreign content, FSK symbols
# 8-20 dB (15 × TRIALS), and damaged traffic offered to learning (5 ×
# TRIALS: hard bit errors, a noisy channel, collisions; no network may be
# learned from it); and the expected wrong corrections per foreign frame
# measured from the soft symbols (TestChaseAcceptanceRegion, fixed size).
# One core; about 20 minutes of CPU at the default.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${TRIALS:-70000}
GOMAXPROCS=1 GRIDSTREAM_CHASE_TRIALS=$TRIALS go test -count=1 -timeout 120m -v \
	-run '^Test(Chase(FalseCorrections|RandomFrames|ForeignFrames|AcceptanceRegion)|DamagedTrafficTeachesNothing)$' ./protocol/gridstream |
	grep -E 'trials|frames \(|total|per million|^(---|ok|FAIL)'
