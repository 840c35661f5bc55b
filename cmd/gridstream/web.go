package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/dashboard"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/sink"
)

// httpFlag is --http, the live dashboard (replay, decode, demod).
func httpFlag() cli.Flag {
	return &cli.StringFlag{Name: "http", Category: catOutput,
		Usage: "serve the live dashboard (devices, counters, bursts) and its JSON API on `ADDR`: a port alone (8080) is 127.0.0.1:8080, 0.0.0.0:8080 serves every interface; with a file input it stays up after the input ends, until Ctrl-C"}
}

// startDashboard starts the dashboard when --http is set (nil otherwise:
// no listener, no goroutine).
func startDashboard(c *cli.Context, decs []protocol.Decoder, out *sink.Fanout, live *dashboard.Live) (*dashboard.Dashboard, error) {
	addr := c.String("http")
	if addr == "" {
		return nil, nil
	}
	d, err := dashboard.Start(addr, decs, out, live)
	if err != nil {
		return nil, cli.Exit(err.Error(), exitUsage)
	}
	slog.Info("dashboard: serving", "url", d.URL())
	return d, nil
}

// inputEnded tells the page the input ended and keeps serving until
// SIGINT/SIGTERM, so a recording can be browsed.
func inputEnded(d *dashboard.Dashboard, reason string) {
	d.InputEnded(reason)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(os.Stderr, "gridstream: input ended (%s); the dashboard stays up at %s until Ctrl-C\n", reason, d.URL())
	d.Wait(ctx)
}
