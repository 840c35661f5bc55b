#!/usr/bin/env bash
# Installs GNU Radio 3.10 with gr-osmosdr (RTL-SDR and other radios) and the
# Python ZeroMQ bindings from Debian's packages: everything flowgraphs/ and
# the GNU Radio end-to-end tests need. Idempotent: does nothing when the
# packages are installed; runs apt-get update at most once. About a minute.
#
# gridstream itself does not need GNU Radio: `gridstream decode` only speaks
# ZeroMQ, and `gridstream demod` is a pure-Go receiver.
set -euo pipefail

PACKAGES=(gnuradio gr-osmosdr python3-zmq)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-gnuradio: $(gnuradio-config-info --version 2>/dev/null || echo GNU Radio) already installed"
	exit 0
fi
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
echo "install-gnuradio: installing ${missing[*]}"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-gnuradio: $(gnuradio-config-info --version) installed; the Python modules are in /usr/bin/python3"
