// Package iq reads and writes complex baseband (IQ) sample streams for the
// pure-Go receiver.
//
// Supported sample formats (all interleaved I, Q; see Format):
//
//	cu8   unsigned 8 bit, offset 127.5 (rtl_sdr, rtl_tcp)      2 bytes/sample
//	cs8   signed 8 bit (HackRF; SigMF "ci8")                   2 bytes/sample
//	cs16  signed 16 bit little-endian (SigMF "ci16_le")        4 bytes/sample
//	cf32  float32 little-endian (GNU Radio .cfile; "cf32_le")   8 bytes/sample
//
// Inputs are opened with Open: a plain recording (format and sample rate from
// Options, a SigMF meta file beside it, or an rtl_433-style file name such as
// g001_915M_2400k.cu8, or gqrx's gqrx_DATE_TIME_FREQ_RATE_fc.raw), a two-channel
// IQ WAV file (SDR#, SDR++, GNU Radio), a SigMF recording (.sigmf-meta /
// .sigmf-data), "-" for
// standard input, or a live rtl_tcp server ("rtl_tcp://host:port"). Every
// input is read through a Reader, which converts raw bytes to []complex64
// chunk by chunk without allocating per sample. A Writer does the reverse,
// and WriteSigMF writes the meta file that describes a recording.
//
// Bad input never panics: a truncated recording ends with a *TruncatedError,
// a SigMF meta that contradicts its data file is refused by Open, and an
// rtl_tcp server that hangs up ends the stream with ErrServerClosed. Sample
// rates over MaxSampleRate and centre frequencies over MaxCenterFreq, from
// options, metas, WAV headers or names, are ErrBadValue errors. A file is
// opened once and sniffed through a buffer, so FIFOs and /dev/stdin lose
// nothing.
package iq
