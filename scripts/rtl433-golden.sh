#!/usr/bin/env bash
# Records what a real rtl_433 prints and publishes for two recordings that
# `gridstream synth` makes (GridStream 0x55, 0xD5, 0xD5 len 0x47 and an
# encrypted 0xD2 frame; NGE101 power and energy packets), into
# testdata/rtl433/: the golden files TestRTL433Compat compares gridstream's
# --format rtl433 and --mqtt-format rtl433 with.
#
#   scripts/rtl433-golden.sh RTL433_BINARY NAME
#
# RTL433_BINARY is an rtl_433 built from its source (no SDR libraries
# needed: cmake -DENABLE_RTLSDR=OFF -DENABLE_SOAPYSDR=OFF ..; make rtl_433);
# NAME names the files (master, 25.12). Needs mosquitto, mosquitto_sub and
# python3. Only rtl_433's output for our own recordings is kept, never its
# code.
#
# rtl_433 reads files without serving its network connections, so its MQTT
# output never leaves for a file input (-r); the MQTT capture feeds it the
# same recording as a live input from a small rtl_tcp server below (its time
# field is then the date, as for any live input).
set -euo pipefail
rtl433=$(realpath "$1")
name=$2
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/testdata/rtl433
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
(cd "$root" && go build -o "$work/gs" ./cmd/gridstream)

# The recordings (synth is deterministic: the same flags give the same file).
./gs synth --frame 2A55002330FFFFFFFFFFFF50CF8DD9E2C00C0001ECBFA483F0EE36DB0100213204384F7E800896 \
	--frame 2AD5001D29900000D5900000FD5DC008007450050C012B834F815E16EA240051AB \
	--frame 2AD5004751F05A4BCCF03D4CD75A6032F37F0001DA2E00022BE9A483010150D075D9E2E0F03D4CD7000103240403030806080801000000036EE8001F6C0401E9203020818018C229309294 \
	--frame 2AD20452BE06FC --baud 9600 --rate 250k --center-freq 915M --snr 30 --interval 0.05 gs_915M_250k.cu8 2>/dev/null
./gs synth --count 0 --nge-power 810 --nge-energy 1234.5 --nge-low-battery --nge-id 147 --nge-channel 2 \
	--rate 250k --center-freq 433.92M --snr 30 nge_433.92M_250k.cu8 2>/dev/null

# -F json -M level of the files.
for f in gs_915M_250k nge_433.92M_250k; do
	"$rtl433" -r $f.cu8 -F json -M level 2>/dev/null | grep '^{'
done >"$out/json-$name.txt"

# -F mqtt -M level of the same samples through rtl_tcp, into a real broker.
cat >rtltcp.py <<'EOF'
import socket, struct, sys, time, threading
path, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, 'rb').read()
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port)); srv.listen(1)
open(ready, 'w').close()
srv.settimeout(20)
c, _ = srv.accept()
c.sendall(b'RTL0' + struct.pack('>II', 5, 29))  # R820T, 29 gains
threading.Thread(target=lambda: [None for _ in iter(lambda: c.recv(5), b'')], daemon=True).start()
chunk = 2 * 250000 // 10  # 0.1 s of cu8
silence = bytes([128]) * chunk
for _ in range(20): c.sendall(silence); time.sleep(0.1)  # the broker connection first
for i in range(0, len(data), chunk): c.sendall(data[i:i + chunk]); time.sleep(0.1)
for _ in range(30): c.sendall(silence); time.sleep(0.1)
c.close()
EOF
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\npersistence false\nallow_anonymous true\n%s' "$port" "$([ "$(id -u)" = 0 ] && echo 'user root')" >mq.conf
mosquitto -c mq.conf >mq.log 2>&1 &
sleep 0.5
host=$(hostname)
host=${host%%.*}
: >mqtt.txt
n=0
for rec in gs_915M_250k:915M nge_433.92M_250k:433.92M; do
	f=${rec%%:*}
	n=$((n + 1))
	rport=$((port + n))
	timeout 14 mosquitto_sub -h 127.0.0.1 -p "$port" -t 'rtl_433/#' -v -F '%r %t %p' >sub.txt &
	sub=$!
	python3 rtltcp.py $f.cu8 $rport ready.$n &
	srv=$!
	for _ in $(seq 50); do [ -e ready.$n ] && break; sleep 0.1; done
	timeout 10 "$rtl433" -d rtl_tcp:127.0.0.1:$rport -s 250k -f "${rec##*:}" -M level -F "mqtt://127.0.0.1:$port" >/dev/null 2>&1 || true
	wait $srv
	wait $sub || true
	grep -v ' availability ' sub.txt | awk '!seen[$0]++' >>mqtt.txt
done
sed "s#rtl_433/$host/#rtl_433/<host>/#" mqtt.txt >"$out/mqtt-$name.txt"
wc -l "$out/json-$name.txt" "$out/mqtt-$name.txt"
