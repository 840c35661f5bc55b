#!/usr/bin/python3
"""Capture what a real GNU Radio ZMQ PUB Sink with pass_tags and a key sends.

Usage: /usr/bin/python3 capture_tags.py PORT  -> prints one hex line per ZMQ frame
("frame <i> <j> <hex>": message i, frame j). Used by header_test.go (live) and
to make testdata/gnuradio_tags.txt (committed golden output).
"""
import sys, time, threading
import zmq, pmt
from gnuradio import gr, blocks, zeromq

port = int(sys.argv[1])
addr = "tcp://127.0.0.1:%d" % port

def tag(off, key, val, src=None):
    t = gr.tag_t()
    t.offset = off
    t.key = pmt.intern(key)
    t.value = val
    t.srcid = pmt.intern(src) if src else pmt.PMT_F
    return t

tags = [
    tag(0, "baud", pmt.from_long(9600), "demod"),
    tag(3, "rx_freq", pmt.from_double(915.3e6)),
    tag(5, "gs_sync", pmt.from_uint64(5)),
    tag(6, "burst", pmt.make_tuple(pmt.intern("a"), pmt.from_long(-2))),
]
data = [1, 0, 1, 0, 1, 1, 0, 0, 1, 1]

tb = gr.top_block()
src = blocks.vector_source_b(data, False, 1, tags)
snk = zeromq.pub_sink(gr.sizeof_char, 1, addr, 100, True, -1, "gs")
tb.connect(src, snk)

ctx = zmq.Context()
pull = ctx.socket(zmq.SUB)
pull.setsockopt(zmq.SUBSCRIBE, b"gs")
pull.connect(addr)
time.sleep(0.5)  # a PUB sink drops what it sends before the subscription arrives
tb.start()
pull.RCVTIMEO = 3000
i = 0
while True:
    try:
        frames = pull.recv_multipart()
    except zmq.Again:
        break
    for j, f in enumerate(frames):
        print("frame", i, j, f.hex())
    i += 1
    if sum(len(f) for f in frames) and i > 0:
        pull.RCVTIMEO = 500
tb.stop()
tb.wait()
