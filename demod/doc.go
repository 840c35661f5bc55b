// Package demod is gridstream's pure-Go receiver: it turns complex baseband
// samples (any rate from about 250 kS/s single-channel to multi-MS/s
// wideband captures) into the messages of the protocols it is given
// (Config.Decoders): FSK ones such as GridStream, OOK ones such as NGE101.
//
// # Design
//
//  1. Search: a Hann-windowed FFT (about 4 kHz bins) of one frame every
//     ~1.2 ms. Bin powers are summed over ±10 kHz and compared with a
//     per-bin noise floor that follows the quiet bins. Peaks over the
//     threshold (7 dB by default) seen in two frames in a row start a
//     burst, wherever it is in the band; a burst ends after 2 ms without
//     energy (longer when an OOK protocol is searched: the silence it
//     declares inside a transmission, 8 ms for NGE101), or, as a
//     carrier or interference, after twice the longest transmission at the
//     slowest rate (its band then joins the noise floor). At most MaxActive
//     bursts are followed at once.
//  2. Channel: each burst gets its own mixer and half-band decimators
//     (keeping ±60 kHz, down to 240–480 kS/s), fed from a short lookback
//     ring so the preamble before the detection is kept, then the burst's
//     samples as they arrive. Memory per burst is bounded (Config.MaxBurst).
//  3. Measure: the burst filtered to ±50 kHz gives its active span, RSSI
//     and SNR per 0.25 ms block; gaps of 1 ms or more split it into
//     separate transmissions.
//  4. FSK (GridStream), per transmission: the head is FM-discriminated once and
//     sliced at every symbol rate; rates whose head holds a sync word are
//     demodulated first, then (if needed) the others, until the CRC-good
//     frames fill the transmission. Per rate: a channel filter and
//     decimation to about 6 samples per symbol (9600 and 19200 baud from
//     the ±50 kHz burst channel at half the rate), an FM discriminator whose
//     one-symbol average gives the carrier offset and deviation (means of
//     its lowest and highest fifths), two noncoherent tone correlators one symbol
//     long whose tones are refined decision-directed, timing from the
//     symbol-rate line of the correlator output per 32-symbol block, and the
//     correlator energy difference at each symbol as the soft symbol. Both
//     polarities go to their own pipeline.Channel (Soft), so either
//     tone mapping decodes.
//  5. OOK (NGE101): the burst on the power channel turned to 0 Hz (its
//     offset from the peak of its periodogram) and averaged coherently
//     to about 16 kS/s (a ±7 kHz filter), each transmission in it sliced
//     midway in amplitude between the noise and its own on level, to a
//     pipeline.Channel (Levels), whose slicer follows the protocol's line
//     coding. While OOK is searched a burst whose channel carried energy
//     since the last detector frame is not counted as silent: the
//     detector's short frames can all fall into an OOK packet's off times.
//
// The files follow the stages: search in detect.go and fft.go, channel in
// channel.go and fir.go, measure (with the choice of symbol rates) in
// measure.go, FSK in fsk.go and fsksymbols.go, OOK in ook.go.
// receiver.go holds the configuration and the sample loop, bursts.go the
// bursts' lifecycle, deliver.go the hand-off to the decode pipeline and the
// suppression of duplicates, report.go the optional report of each burst
// (Config.OnBurst), numeric.go small numeric helpers, and
// protocols.go gathers the protocols' radio facts (protocol.Radio: band,
// rates, deviation, sync words, timing), the one place the stages read
// them from.
//
// Messages carry Radio fields: FreqHz (absolute when Config.CenterFreq is
// set, else the offset), Baud, RSSIdB (burst power, dBFS) and SNRdB (burst
// power over the complex noise power of the whole band). BitOffset is the
// frame's start as a bit count at the burst's rate from the start of the
// input (BitOffset/Baud is the time in seconds). They are set as each
// frame is decoded, so a frame that waits for its network to be learned
// keeps its own. The same frame decoded twice (a burst seen twice, or
// demodulated again in the overlap of a burst cut for length) is emitted
// once. An NGE101 packet waits until every burst that may hold it again
// was demodulated (bursts tuned beside its carrier see it through their
// filter's skirt, measured off its carrier): it goes out placed at its
// earliest transmission with the radio fields of its strongest copy.
//
// Usage:
//
//	decs, err := protocol.NewDecoders(protocols.All(), protocol.DecoderConfig{})
//	rx, err := demod.New(demod.Config{SampleRate: 2.4e6, CenterFreq: 915e6, Decoders: decs}, emit)
//	for chunk := range chunks { rx.Process(chunk) }
//	rx.Flush()
//
// Input read as bytes (iq.Source.ReadRaw) goes to ProcessRaw instead,
// which converts it straight into the receiver's ring.
package demod
