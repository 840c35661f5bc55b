package main

import (
	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/zmqsink"
)

const catZMQOut = "ZeroMQ outputs"

// zmqOutFlags are the ZMQ output flags, part of outputFlags.
func zmqOutFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Category: catZMQOut,
			Usage: "bind a ZMQ PUB socket here and publish msgpack messages, topic frame = protocol (e.g. tcp://127.0.0.1:5560; no host, tcp://:5560, is 127.0.0.1 too; tcp://*:5560 or tcp://0.0.0.0:5560 for every interface; ipc://PATH)"},
		&cli.StringFlag{Name: "out-pmt", Category: catZMQOut,
			Usage: "bind a ZMQ PUB socket here and publish PMT PDUs (metadata dict, u8vector frame) for GNU Radio's ZMQ SUB Message Source (e.g. tcp://127.0.0.1:5561; hosts as for --out: none means 127.0.0.1, * every interface)"},
		cliflags.Ranged(&cli.IntFlag{Name: "out-hwm", Category: catZMQOut, Value: zmqsink.DefaultHWM,
			Usage: "per-subscriber queue length of --out/--out-pmt in messages; a slow subscriber loses (and the stats count) what does not fit"},
			cliflags.Range{Min: 1, Max: 1e6, Unit: "messages"}),
		cliflags.Ranged(&cli.IntFlag{Name: "out-max-subscribers", Category: catZMQOut, Value: zmqsink.DefaultMaxSubscribers,
			Usage: "most peers connected at once to each of --out/--out-pmt (each holds about 160 KiB plus its queue); more are refused and counted (rejected)"},
			cliflags.Range{Min: 1, Max: 4096, Unit: "subscribers"}),
	}
}
