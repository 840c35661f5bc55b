# Installed by `gridstream grc install`; `gridstream grc uninstall` removes it.
"""GNU Radio 3.10 blocks for gridstream (https://github.com/gridstream-sdr/gridstream).

decoder: the GridStream Decoder block. It takes a stream (bits, soft
symbols, OOK levels or FM-discriminator samples, one channel or a vector of
channels), runs `gridstream decode` as a child process on private endpoints,
and publishes every decoded message as a PDU on its `pdus` message port:
(metadata dict . u8vector of the frame), exactly what `--out-pmt` publishes.
The child inherits the flowgraph's stdout and stderr, so its JSON lines
appear where the flowgraph runs.

wideband_receiver: the GridStream Wideband Receiver block. It takes the
complex samples of a band at any rate, cuts them into the 100 kHz channel
grid with a Polyphase Channelizer (resampling first when the rate is not a
multiple of the grid), FM-demodulates every channel, and decodes them all
with a decoder child: every baud, every channel, PDUs out.
"""

import atexit
import fractions
import math
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import numpy as np
import pmt
from gnuradio import blocks, fft, filter, gr, zeromq

# Item formats: numpy type, item size, and whether a sample rate is needed.
FORMATS = {
    'bits': (np.uint8, 1, False),  # Binary Slicer output, one 0/1 per byte
    'soft': (np.float32, 4, False),  # soft symbols, > 0 is a 1
    'levels': (np.uint8, 1, True),  # NGE101 OOK levels, 0/1 per byte
    'fm': (np.float32, 4, True),  # FM discriminator output (Quadrature Demod)
}

START_TIMEOUT = 10.0  # seconds for the child to start
END_TIMEOUT = 60.0  # seconds for it to decode what it was sent at the end
QUIET = 0.5  # seconds without a PDU after the child ended: none is in flight
BUFFER_BYTES = 4 << 20  # the stream buffer before the ZMQ PUSH Sink
THIN = 4096  # items per item the end-of-stream block sees
MAX_CHANNELS = 1024  # channels of FM samples gridstream decode takes
MAX_FREQ = 10e9  # the highest channel frequency it takes, Hz

# SAMPLE is gridstream's bit sample (one 0/1 per byte), installed beside
# this module: what flowgraphs/block_demo.grc reads unless given --file.
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'gridstream_sample.u8')


def _log(msg, who='GridStream Decoder'):
    print(who + ': ' + msg, file=sys.stderr, flush=True)


def find_binary(binary):
    """Returns the path of the gridstream executable, or raises a clear error."""
    if os.sep in binary or (os.altsep and os.altsep in binary):
        path = os.path.expanduser(binary)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
        raise RuntimeError(
            'GridStream Decoder: the gridstream binary %r does not exist or is not '
            'executable (set the block\'s "gridstream binary" parameter)' % binary)
    path = shutil.which(binary)
    if path is None:
        raise RuntimeError(
            'GridStream Decoder: %r is not on PATH (%s). Install gridstream '
            '(go install github.com/gridstream-sdr/gridstream/cmd/gridstream@latest, '
            'or a release binary) or set the block\'s "gridstream binary" parameter '
            'to its full path' % (binary, os.environ.get('PATH', '')))
    return path


def _free_tcp_endpoint():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return 'tcp://127.0.0.1:%d' % port


class _Child(object):
    """The `gridstream decode` process and its life: start, end of stream,
    stop."""

    def __init__(self, args, ready_path, tmpdir):
        self.args = args
        self.ready_path = ready_path  # the PDU socket file, once it is bound
        self.tmpdir = tmpdir
        self.proc = None
        self.expected_exit = False
        self.on_finished = None  # called once everything was decoded at the end
        self.last_pdu = time.monotonic()
        self.lock = threading.Lock()
        # A flowgraph that fails after this block was made never stops it;
        # the private directory goes when the process does.
        atexit.register(self.cleanup)

    def cmdline(self):
        return ' '.join(shlex.quote(a) for a in self.args)

    def spawn(self):
        """Starts the child and waits until it listens, or raises."""
        with self.lock:
            if self.proc is not None and self.proc.poll() is None:
                return
            self.expected_exit = False
            kw = {}
            if os.name == 'posix':
                # Ctrl-C goes to the flowgraph, which stops the child itself.
                kw['start_new_session'] = True
            self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, **kw)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            rc = self.proc.poll()
            if rc is not None:
                raise RuntimeError(
                    'GridStream Decoder: `%s` exited with status %d at start '
                    '(its message is above)' % (self.cmdline(), rc))
            if self.ready_path is None or os.path.exists(self.ready_path):
                break
            if time.monotonic() > deadline:
                self.terminate()
                raise RuntimeError('GridStream Decoder: `%s` did not start within %g s'
                                   % (self.cmdline(), START_TIMEOUT))
            time.sleep(0.01)
        threading.Thread(target=self._watch, args=(self.proc,), daemon=True).start()

    def _watch(self, proc):
        rc = proc.wait()
        if self.expected_exit or proc is not self.proc:
            return
        _log('`gridstream decode` exited unexpectedly (status %d); stopping the '
             'flowgraph' % rc)
        os.kill(os.getpid(), signal.SIGINT)

    def end_of_stream(self, items):
        """The flowgraph's stream ended after items items: the child decodes
        them all, then exits; then on_finished runs."""
        with self.lock:
            proc = self.proc
            if proc is None or self.expected_exit:
                return
            self.expected_exit = True
        try:
            proc.stdin.write(b'%d\n' % items)
            proc.stdin.close()
        except OSError:
            pass
        threading.Thread(target=self._finish, args=(proc,), daemon=True).start()

    def _finish(self, proc):
        try:
            proc.wait(END_TIMEOUT)
        except subprocess.TimeoutExpired:
            _log('`gridstream decode` still busy %g s after the end of the stream; '
                 'stopping it' % END_TIMEOUT)
            self.terminate()
        # PDUs published just before the child ended may still be on their
        # way to the ZMQ SUB Message Source.
        while time.monotonic() - self.last_pdu < QUIET:
            time.sleep(0.05)
        time.sleep(QUIET)
        if self.on_finished is not None:
            self.on_finished()

    def cleanup(self):
        """Stops the child and removes the private directory."""
        self.terminate()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def terminate(self):
        """Stops the child (SIGTERM: it finishes its frames)."""
        with self.lock:
            self.expected_exit = True
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None and proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass


class _EndOfStream(gr.sync_block):
    """Consumes a thinned copy of the stream (one item in THIN: few Python
    calls); when the stream ends (GNU Radio stops the block, after every block
    before it), tells the child how many items counter wrote."""

    def __init__(self, dtype, vlen, child, counter):
        sig = [(dtype, vlen)] if vlen > 1 else [dtype]
        gr.sync_block.__init__(self, name='gridstream_end_of_stream', in_sig=sig, out_sig=None)
        self.child = child
        self.counter = counter

    def work(self, input_items, output_items):
        return len(input_items[0])

    def stop(self):
        self.child.end_of_stream(self.counter.nitems_written(0))
        return True


class _Forwarder(gr.basic_block):
    """Passes the PDUs from the ZMQ SUB Message Source to the block's output
    and stops the child with the flowgraph."""

    def __init__(self, child):
        gr.basic_block.__init__(self, name='gridstream_pdus', in_sig=None, out_sig=None)
        self.child = child
        self.message_port_register_in(pmt.intern('in'))
        self.message_port_register_out(pmt.intern('out'))
        self.set_msg_handler(pmt.intern('in'), self.handle)

    def handle(self, msg):
        self.child.last_pdu = time.monotonic()
        self.message_port_pub(pmt.intern('out'), msg)

    def start(self):
        try:
            self.child.spawn()  # again, if the flowgraph runs a second time
        except RuntimeError as e:
            _log(str(e))
            os.kill(os.getpid(), signal.SIGINT)
        return True

    def stop(self):
        self.child.terminate()
        return True


class decoder(gr.hier_block2):
    """GridStream Decoder: stream in, PDUs of decoded messages out.

    item_format: 'bits', 'soft', 'levels' or 'fm' (see FORMATS).
    vlen: channels per item ('fm' only): a vector of FM samples, one per channel.
    samp_rate: sample rate of 'levels' and 'fm' items (per channel).
    freqs: 'fm': the channels' centre frequencies in Hz (messages get the
        carrier's frequency in freq_hz); empty: freq_hz is the offset.
    fm_gain: 'fm': the Quadrature Demod gain (1: radians per sample).
    protocol, crc_inits, invert, mqtt, quiet: gridstream decode's --protocol,
        --crc-init, --invert, --mqtt, --quiet.
    pass_tags: send stream tags along (they end up in the PDUs' meta).
    extra_args: more `gridstream decode` arguments, shell-quoted.
    binary: the gridstream executable (a name on PATH or a path).
    log_level: the child's stderr log level.
    name: the messages' input field.
    """

    def __init__(self, item_format='bits', vlen=1, samp_rate=0.0, freqs=(), fm_gain=1.0,
                 protocol='', crc_inits='', invert=False, mqtt='', quiet=False,
                 pass_tags=False, extra_args='', binary='gridstream', log_level='warn',
                 name='gridstream'):
        if item_format not in FORMATS:
            raise ValueError('GridStream Decoder: item format %r: want one of %s'
                             % (item_format, ', '.join(FORMATS)))
        dtype, itemsize, needs_rate = FORMATS[item_format]
        vlen = int(vlen)
        if vlen < 1 or (vlen > 1 and item_format != 'fm'):
            raise ValueError('GridStream Decoder: vector length %d: channels (> 1) are for '
                             'FM samples only' % vlen)
        if needs_rate and not float(samp_rate) > 0:
            raise ValueError('GridStream Decoder: %s items need a sample rate' % item_format)
        freqs = [float(f) for f in (freqs or [])]
        if freqs and len(freqs) != vlen:
            raise ValueError('GridStream Decoder: %d channel frequencies for %d channels'
                             % (len(freqs), vlen))
        gr.hier_block2.__init__(self, 'GridStream Decoder',
                                gr.io_signature(1, 1, itemsize * vlen),
                                gr.io_signature(0, 0, 0))
        self.message_port_register_hier_out('pdus')

        path = find_binary(binary)
        tmpdir, ready = None, None
        if os.name == 'posix':
            tmpdir = tempfile.mkdtemp(prefix='gridstream-')
            if len(tmpdir) > 80:  # Unix socket paths are short
                shutil.rmtree(tmpdir)
                tmpdir = tempfile.mkdtemp(prefix='gridstream-', dir='/tmp')
            data_ep = 'ipc://' + os.path.join(tmpdir, 'in')
            pdu_ep = 'ipc://' + os.path.join(tmpdir, 'pdus')
            ready = os.path.join(tmpdir, 'pdus')
        else:
            data_ep, pdu_ep = _free_tcp_endpoint(), _free_tcp_endpoint()

        query = [('pull', '1'), ('format', item_format), ('name', name)]
        if needs_rate:
            query.append(('rate', repr(float(samp_rate))))
        if item_format == 'fm':
            query.append(('vlen', str(vlen)))
            if freqs:
                query.append(('freqs', ','.join('%.3f' % f for f in freqs)))
            if float(fm_gain) != 1.0:
                query.append(('fm_gain', repr(float(fm_gain))))
        if pass_tags:
            query.append(('tags', '1'))
        args = [path, '--log-level', log_level, 'decode',
                '--in', data_ep + '?' + urllib.parse.urlencode(query),
                '--out-pmt', pdu_ep, '--stats-interval', '0',
                '--stdin-eos', '--wait-subscribers', '10s']
        if protocol:
            args += ['--protocol', protocol]
        for init in str(crc_inits).replace(',', ' ').split():
            args += ['--crc-init', init]
        if invert:
            args.append('--invert')
        if mqtt:
            args += ['--mqtt', mqtt]
        if quiet:
            args.append('--quiet')
        args += shlex.split(extra_args or '')

        # The child starts now, so a missing binary or a bad argument stops the
        # flowgraph before it runs; it listens, and reads nothing until the
        # PDU source below has subscribed and the flowgraph pushes items.
        self.child = _Child(args, ready, tmpdir)
        self.child.spawn()

        self.push = zeromq.push_sink(itemsize, vlen, data_ep, 100, bool(pass_tags), -1)
        self.pdu_source = zeromq.sub_msg_source(pdu_ep, 100)  # connects (3.10.0 has no bind flag)
        self.forward = _Forwarder(self.child)
        # A copy with a large output buffer between the flowgraph and the
        # child; the end-of-stream block counts what it wrote.
        self.buffer = blocks.copy(itemsize * vlen)
        # The per-port setter: the all-ports one logs at info level, and
        # Debian's GNU Radio logs to stdout, among the JSON lines.
        self.buffer.set_min_output_buffer(0, max(8192, BUFFER_BYTES // (itemsize * vlen)))
        self.thin = blocks.keep_one_in_n(itemsize * vlen, THIN)
        self.end = _EndOfStream(dtype, vlen, self.child, self.buffer)
        self.connect(self, self.buffer)
        self.connect(self.buffer, self.push)
        self.connect(self.buffer, self.thin, self.end)
        self.msg_connect(self.pdu_source, 'out', self.forward, 'in')
        self.msg_connect(self.forward, 'out', self, 'pdus')

        def finished():
            # Ends the message side: the PDU source, then everything after it.
            self.pdu_source.to_basic_block()._post(
                pmt.intern('system'), pmt.cons(pmt.intern('done'), pmt.from_long(1)))
        self.child.on_finished = finished

    def command_line(self):
        """Returns the child's command line."""
        return self.child.cmdline()


# The GridStream Wideband Receiver's channel plan.
CHANNEL_PASS = 0.45  # of the spacing: the channel filter passes ±45 kHz (38400-baud bursts)
CHANNEL_STOP = 0.75  # and rejects the neighbours (and what would alias) from ~±80 kHz
MIN_OSR = 1.5  # channel sample rate / spacing, at least
MAX_RATIO = 1000  # largest resampling decimation (the ratio is approximated beyond)
RESAMPLER_ATTEN = 50  # dB, the resampler's stopband: an 8-bit RTL-SDR's dynamic range


class WidebandError(ValueError):
    """A sample rate or channel spacing the wideband receiver cannot handle."""


class WidebandPlan(object):
    """How wideband_receiver cuts a band into channels (see wideband_plan)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return 'WidebandPlan(%s)' % ', '.join('%s=%r' % kv for kv in sorted(self.__dict__.items()))

    def describe(self):
        """One line for people."""
        s = '%g S/s' % self.samp_rate
        if self.interp != self.decim:
            s += ' resampled by %d/%d to %g S/s' % (self.interp, self.decim, self.band_rate)
        lo, hi = min(self.freqs), max(self.freqs)
        return ('%s: %d channels of %g Hz from %.6g to %.6g MHz (of %d), %g S/s each'
                % (s, len(self.freqs), self.spacing, lo / 1e6, hi / 1e6, self.nchan,
                   self.chan_rate))


def wideband_plan(samp_rate, center_freq=915e6, spacing=100e3):
    """Returns the WidebandPlan for complex samples at samp_rate centred on
    center_freq, or raises WidebandError.

    The Polyphase Channelizer needs a band of nchan whole channels: a rate
    that is a multiple of the spacing is used as it is (every channel,
    including the one at the band's edge when nchan is even); any other rate
    is resampled (rationally) up to the next multiple, and only the channels
    that lie wholly inside the sampled band are kept. Each channel comes out
    at band_rate / decim_chan (>= 1.5 x the spacing).
    """
    try:
        samp_rate, center_freq, spacing = float(samp_rate), float(center_freq), float(spacing)
    except (TypeError, ValueError):
        raise WidebandError('sample rate %r, centre %r, spacing %r: want numbers'
                            % (samp_rate, center_freq, spacing))
    if not (math.isfinite(spacing) and spacing > 0):
        raise WidebandError('channel spacing %g Hz: want a positive number' % spacing)
    if not math.isfinite(center_freq):
        raise WidebandError('centre frequency %g Hz: want a number' % center_freq)
    if not (math.isfinite(samp_rate) and samp_rate >= spacing * (1 - 1e-9)):
        raise WidebandError('sample rate %g S/s does not cover a whole %g kHz channel: want at '
                            'least %g S/s' % (samp_rate, spacing / 1e3, spacing))
    nchan = max(2, int(math.ceil(samp_rate / spacing - 1e-6)))
    if nchan > MAX_CHANNELS:
        raise WidebandError('sample rate %g S/s is %d channels of %g kHz: want at most %d '
                            '(%g S/s)' % (samp_rate, nchan, spacing / 1e3, MAX_CHANNELS,
                                          MAX_CHANNELS * spacing))
    if abs(nchan * spacing - samp_rate) <= 1e-6 * samp_rate:
        interp = decim = 1
        band_rate = samp_rate
    else:
        ratio = fractions.Fraction(nchan * spacing / samp_rate).limit_denominator(MAX_RATIO)
        interp, decim = ratio.numerator, ratio.denominator
        band_rate = samp_rate * interp / decim
    spacing = band_rate / nchan
    decim_chan = max(1, int(nchan / MIN_OSR + 1e-9))
    if interp == decim:
        half = nchan // 2
        ks = list(range(-half, nchan - half))
    else:
        # Whole channels inside the sampled band only.
        kmax = int((samp_rate / 2 - spacing / 2) / spacing * (1 + 1e-9))
        ks = list(range(-kmax, kmax + 1))
    freqs = [center_freq + k * spacing for k in ks]
    if freqs[0] < 0 or freqs[-1] > MAX_FREQ:
        raise WidebandError('centre frequency %g Hz puts channels at %g to %g Hz: want 0 to %g Hz '
                            '(the tuner\'s frequency)' % (center_freq, freqs[0], freqs[-1], MAX_FREQ))
    return WidebandPlan(
        samp_rate=samp_rate, center_freq=center_freq, spacing=spacing,
        interp=interp, decim=decim, band_rate=band_rate, nchan=nchan,
        decim_chan=decim_chan, osr=nchan / decim_chan, chan_rate=band_rate / decim_chan,
        offsets=[k * spacing for k in ks], chan_map=[k % nchan for k in ks],
        freqs=freqs)


def resampler_taps(plan):
    """Returns the taps of plan's rational resampler (at interp x samp_rate,
    gain interp). It passes the kept channels (plus what the channel filter
    passes of the outermost ones) and stops from band_rate - passband: what
    lies between folds onto the channels that are not kept."""
    passband = max(abs(o) for o in plan.offsets) + CHANNEL_PASS * plan.spacing
    stop = plan.band_rate - passband
    # A Kaiser window for RESAMPLER_ATTEN; firdes makes its transition about
    # 40 % wider than asked, hence 0.7 (checked by TestWidebandPlan).
    return filter.firdes.low_pass(plan.interp, plan.interp * plan.samp_rate,
                                  (passband + stop) / 2, 0.7 * (stop - passband),
                                  fft.window.WIN_KAISER, 0.1102 * (RESAMPLER_ATTEN - 8.7))


def channel_taps(plan):
    """Returns the Polyphase Channelizer's prototype filter (at band_rate):
    passes ±CHANNEL_PASS channel spacings (±45 kHz) and stops (> 45 dB) from
    a little beyond ±CHANNEL_STOP, so nothing folds into the passband at the
    channel rate (>= 1.5 spacings)."""
    return filter.firdes.low_pass(1.0, plan.band_rate,
                                  (CHANNEL_PASS + CHANNEL_STOP) / 2 * plan.spacing,
                                  (CHANNEL_STOP - CHANNEL_PASS) * plan.spacing,
                                  fft.window.WIN_HAMMING)


class wideband_receiver(gr.hier_block2):
    """GridStream Wideband Receiver: complex samples of a band in, PDUs of
    every decoded message of every channel out.

    Polyphase Channelizer on the channel grid (after a rational resampler when
    the rate is not a multiple of the spacing) -> FM discriminator per channel
    (one conjugate product and one arctangent over all channels at once) ->
    GridStream Decoder in FM format, which finds every baud and polarity on
    every channel.

    samp_rate: the input's sample rate: any rate covering a whole channel.
    center_freq: the frequency of the input's centre (Hz), for freq_hz.
    spacing: the channel grid (Hz).
    The other parameters are the GridStream Decoder's. An unusable rate is a
    one-line error and exit status 2 (wideband_plan raises WidebandError).
    """

    def __init__(self, samp_rate, center_freq=915e6, spacing=100e3, protocol='', crc_inits='',
                 mqtt='', quiet=False, extra_args='', binary='gridstream', log_level='warn',
                 name='gridstream'):
        try:
            plan = wideband_plan(samp_rate, center_freq, spacing)
        except WidebandError as e:
            print('GridStream Wideband Receiver: %s' % e, file=sys.stderr, flush=True)
            raise SystemExit(2)
        self.plan = plan
        gr.hier_block2.__init__(self, 'GridStream Wideband Receiver',
                                gr.io_signature(1, 1, gr.sizeof_gr_complex),
                                gr.io_signature(0, 0, 0))
        self.message_port_register_hier_out('pdus')
        if log_level in ('info', 'debug'):
            _log(plan.describe(), 'GridStream Wideband Receiver')

        nout = len(plan.chan_map)
        # Decoder first: a missing binary fails before anything else is built.
        self.decoder = decoder(item_format='fm', vlen=nout, samp_rate=plan.chan_rate,
                               freqs=plan.freqs, fm_gain=1.0, protocol=protocol,
                               crc_inits=crc_inits, mqtt=mqtt, quiet=quiet,
                               extra_args=extra_args, binary=binary, log_level=log_level,
                               name=name)
        head = self
        if plan.interp != plan.decim:
            self.resampler = filter.rational_resampler_ccf(plan.interp, plan.decim,
                                                           resampler_taps(plan))
            self.connect(self, self.resampler)
            head = self.resampler
        self.channelizer = filter.pfb_channelizer_ccf(plan.nchan, channel_taps(plan), plan.osr)
        self.channelizer.set_channel_map(plan.chan_map)
        # Fewer outputs than inputs when channels are left out: ONE_TO_ONE
        # (the default) would stop the block; the decoder passes no tags.
        self.channelizer.set_tag_propagation_policy(gr.TPP_DONT)
        # The channelizer takes its input deinterleaved, one stream per filter.
        self.deinterleave = blocks.stream_to_streams(gr.sizeof_gr_complex, plan.nchan)
        self.connect(head, self.deinterleave)
        for i in range(plan.nchan):
            self.connect((self.deinterleave, i), (self.channelizer, i))
        size = gr.sizeof_gr_complex * nout
        self.channels = blocks.streams_to_vector(gr.sizeof_gr_complex, nout)
        for i in range(nout):
            self.connect((self.channelizer, i), (self.channels, i))
        # FM discriminator, every channel at once: arg(x[n] conj(x[n-1])),
        # radians per sample (Quadrature Demod with gain 1).
        self.previous = blocks.delay(size, 1)
        self.product = blocks.multiply_conjugate_cc(nout)
        self.phase = blocks.complex_to_arg(nout)
        self.connect(self.channels, (self.product, 0))
        self.connect(self.channels, self.previous, (self.product, 1))
        self.connect(self.product, self.phase, self.decoder)
        self.msg_connect(self.decoder, 'pdus', self, 'pdus')

    def command_line(self):
        """Returns the decoder child's command line."""
        return self.decoder.command_line()
