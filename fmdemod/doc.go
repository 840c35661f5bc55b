// Package fmdemod turns FM-discriminator samples (instantaneous frequency,
// e.g. GNU Radio's Quadrature Demod output) of one channel into bit streams
// of 2-FSK protocols: it recovers the symbol timing and the tone threshold
// itself, at every symbol rate it is given at once (the rates the FSK
// protocols declare, e.g. GridStream's 9600, 19200 and 38400 baud), and
// hands each rate's bits, in both tone polarities, to a BitSink (a
// pipeline.Channel, whose deframer finds the sync words).
//
// # Design
//
// Per channel, one prefix sum of the samples serves every rate. Per rate:
//
//  1. Matched filter: the mean of the last round(rate/baud) samples (a
//     boxcar one symbol long, two loads and a subtraction per sample).
//  2. Timing: a tick every rate/baud samples (fractional, interpolated
//     between samples) and a mid-symbol sample half a symbol earlier. At a
//     transition (consecutive ticks far apart) the mid sample's distance
//     from the two ticks' mean, divided by their difference, is the timing
//     error in symbols; it needs no threshold, so it works at any carrier
//     offset. The loop gain is high until a preamble is found (lock within
//     a few symbols) and low while locked.
//  3. Threshold: the preamble alternates 1010…, so the mean of eight
//     consecutive ticks that alternate with a steady swing is the carrier
//     (the DC of the FM samples, i.e. the carrier offset) and their mean
//     distance from it the tone deviation. Finding such a run "snaps" the
//     threshold; while locked it follows the two tone levels slowly
//     (decision directed), and ticks that stray from both levels (noise
//     after the burst) drop the lock. Without a lock the threshold is the
//     mean of the eight ticks around each one.
//  4. Decisions are made 16 ticks late, so the preamble bits before the
//     snap are decided with the snapped threshold too: a 16-bit preamble is
//     enough.
//
// Everything is allocation-free per sample and per tick; state carries
// across Feed calls of any size. Noise between bursts costs the same as
// signal and yields random bits, which the deframer's sync correlator and
// the CRC reject.
//
// The input's scale does not matter for decoding (radians per sample, Hz,
// or Quadrature Demod's gain-scaled output all decode); Carrier reports the
// carrier offset in the input's units.
package fmdemod
