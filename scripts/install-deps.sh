#!/usr/bin/env bash
# Installs the Debian packages gridstream's tests and tools need. Idempotent:
# packages already installed are skipped, and apt-get update runs at most once.
#
#   mosquitto, mosquitto-clients  real MQTT broker for the mqttsink and e2e tests
#                                 (the tests start their own on a loopback port)
#   gnuradio, gr-osmosdr,         GNU Radio 3.10 (grcc, gr-zeromq, Python pmt) and
#   python3-zmq                   the osmosdr source: the GNU Radio e2e tests
#                                 (e2e/gnuradio), the live PMT/tag-header tests
#                                 (pmt, zmqsource) and flowgraphs/ (~1 min;
#                                 scripts/install-gnuradio.sh installs only these)
#   chromium                      a real headless browser for the dashboard test
#                                 (cmd/gridstream TestWebBrowser, driven by chromedp)
#   qemu-user                     qemu-aarch64 and qemu-arm: the deploy test runs the
#                                 arm64 and armv7 release binaries (scripts/release.sh)
#   systemd                       systemd-analyze verify: the deploy test checks the
#                                 units in deploy/systemd (no running systemd needed)
#   rtl-sdr                       rtl_tcp, the ExecStart of deploy/systemd/rtl_tcp.service,
#                                 which systemd-analyze verify requires to exist
#
# Add a package to PACKAGES with a line above saying who needs it.
set -euo pipefail

PACKAGES=(
	mosquitto
	mosquitto-clients
	gnuradio
	gr-osmosdr
	python3-zmq
	chromium
	qemu-user
	systemd
	rtl-sdr
)

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg -s "$p" >/dev/null 2>&1; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
# The tests start their own brokers; the packaged service is not needed.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
	$SUDO systemctl disable --now mosquitto >/dev/null 2>&1 || true
fi
