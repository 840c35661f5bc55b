#!/usr/bin/env bash
# Runs a real rtl_433 on the recordings of the NGE101 impairment table
# (README, "NGE101 impairments"): every ending × transmitter clock -2/0/+2 %
# × alone / a sensor nearby / a sensor in the gaps, at 250 kS/s and
# 2.4 MS/s, the first PACKETS (default 100) packets of each, the same
# recordings TestNGE101Impairments decodes (TestNGE101Recordings writes
# them as cu8). Prints one table row per ending and interferer: packets
# rtl_433's norgo decoder reported (id, channel, gap or impulses matching
# one sent) out of those sent, all clock errors together and, in brackets,
# the worst one; and any it reported that were not sent.
#
#   scripts/nge-rtl433.sh [RTL433_BINARY]     (default: rtl_433 on PATH;
#                                              Debian: apt-get install rtl-433)
#
# -Y minlevel=-30: rtl_433's default detection floor, -12 dBFS, is above
# these recordings' carriers (noise at -30 dBFS, packets 10 dB over it).
set -euo pipefail
rtl433=${1:-rtl_433}
command -v "$rtl433" >/dev/null || { echo "nge-rtl433.sh: no $rtl433 (apt-get install rtl-433)" >&2; exit 2; }
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$rtl433" -V 2>&1 | head -1 >&2 || true
for rate in 250k 2400k; do
	for ending in high low-open low-pulse; do
		# One rate and ending at a time: 2.4 MS/s recordings are ~50 MB each.
		GRIDSTREAM_NGE_RECORDINGS=$work GRIDSTREAM_NGE_PACKETS=${PACKETS:-100} \
			go test -count=1 -timeout 30m -run "^TestNGE101Recordings\$/^$rate\$/^$ending\$" ./demod >/dev/null
		for f in "$work"/*.cu8; do
			"$rtl433" -r "$f" -s "$rate" -R 139 -Y minlevel=-30 -F json 2>/dev/null >"${f%.cu8}.got" || true
			rm -f "$f"
		done
	done
done
python3 - "$work" <<'PY'
import collections, glob, json, os, sys
found, sent, worst, extra = (collections.defaultdict(int), collections.defaultdict(int),
                             {}, collections.defaultdict(int))
for want_path in sorted(glob.glob(os.path.join(sys.argv[1], "*.want"))):
    rate, ending, clock, interferer = os.path.basename(want_path)[:-5].split("_")
    want = set(l.strip() for l in open(want_path) if l.strip())
    got = set()
    for line in open(want_path[:-5] + ".got"):
        m = json.loads(line)
        kind = "gap" if "gap" in m else "impulses"
        got.add("%d %d %s %d" % (m["id"], m["channel"], kind, m[kind] & 0xFFFFFFFF))
    key = (rate, ending, interferer)
    n = len(got & want)
    found[key] += n
    sent[key] += len(want)
    extra[key] += len(got - want)
    worst[key] = min(worst.get(key, 100.0), 100.0 * n / len(want))
print("| rate | last cell, ending | interferer | rtl_433 decoded (worst clock) | not sent |")
print("|---|---|---|---|---|")
for key in sorted(found, key=lambda k: (k[0] != "250k", k[1], ["alone", "nearby", "gaps"].index(k[2]))):
    print("| %s | %s | %s | %.1f %% (%.0f) | %d |" % (key[0], key[1], key[2],
          100.0 * found[key] / sent[key], worst[key], extra[key]))
PY
