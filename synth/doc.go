// Package synth generates deterministic complex-baseband recordings of
// GridStream and NGE101 transmissions, with ground truth, for tests,
// benchmarks, the `synth` and `demo` commands and the README's tables.
//
// Everything is seeded: the same Config and bursts give the same samples.
//
// # Signal model
//
// What a protocol sends is the protocol's: synth asks the list
// (protocols.All) for its protocol.Transmitters, which turn a frame into
// the symbols keyed on the air and make random valid frames. How they go
// through the air is synth's. FSK bursts (FSKBurst: GridStream's frames
// by default, or another FSK protocol's) are continuous-phase 2-FSK
// (optionally Gaussian-shaped, GFSK) at the burst's baud, deviation and
// frequency offset; OOK packet bursts (OOKPacketBurst: NGE101 packets by
// default, or another OOK protocol's) are keyed at a frequency offset by the levels of the
// protocol's line coding (its Radio().OOK, through pulse.AppendLevels).
//
// Noise is complex white Gaussian noise of power NoiseDB (dB relative to a
// full-scale amplitude of 1) spread over the whole sample rate. A burst's
// SNRdB is its signal power (the "on" power for OOK) over that complex noise
// power, so its amplitude is 10^((NoiseDB+SNRdB)/20).
//
// # Streaming API (memory stays flat however long the recording)
//
//	src := synth.NewHopper(synth.HopConfig{SampleRate: 2.4e6, Count: 100, Seed: 1, ...})
//	g := synth.New(synth.Config{SampleRate: 2.4e6, NoiseDB: -30, Seed: 1}, src)
//	buf := make([]complex64, 65536)
//	for {
//		n, err := g.Read(buf) // fills buf[:n]; io.EOF after the last sample
//		write(buf[:n])
//		if err != nil { break }
//	}
//	truth := g.Truth() // every burst rendered so far, in start order
//
// A Source hands out bursts in non-decreasing Start order: NewHopper makes a
// random hopping schedule (GridStream frames with valid CRCs for given CRC
// inits, optional NGE101 packets), Bursts(list...) replays a fixed list.
// Config.Samples sets the length; 0 ends the recording Config.Tail samples
// after the last burst. Config.OnTruth, when set, is called as each burst
// starts (use it instead of Truth for endless streams).
//
// Generate(cfg, src) is the one-shot form returning all samples and truth.
//
// # Scenarios and files
//
// Options describe a recording as `gridstream synth`'s options do (explicit
// frames and NGE101 packets, random hopping traffic, rates, SNRs, offsets);
// Options.Plan fills in the defaults and checks them, and Plan.Render writes
// the recording in an iq.Format with its ground truth, one TruthLine per
// burst (WriteTruth and ReadTruth are the .truth.jsonl files), and Plan.Meta
// its SigMF meta.
//
// Helpers: ParseFrameHex and ParseCRCInit read GridStream frames and CRC
// inits as `synth --frame` and `--crc-init` take them (through its
// transmitter); DefaultDeviation gives the deviation used when a burst
// leaves it 0.
package synth
