# Installed by `gridstream grc install`; `gridstream grc uninstall` removes it.
"""GNU Radio 3.10 blocks for gridstream (https://github.com/gridstream-sdr/gridstream).

decoder: the GridStream Decoder block. It takes a stream (bits, soft
symbols, OOK levels or FM-discriminator samples, one channel or a vector of
channels), runs `gridstream decode` as a child process on private endpoints,
and publishes every decoded message as a PDU on its `pdus` message port:
(metadata dict . u8vector of the frame), exactly what `--out-pmt` publishes.
The child inherits the flowgraph's stdout and stderr, so its JSON lines
appear where the flowgraph runs.
"""

import atexit
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
from gnuradio import blocks, gr, zeromq

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

# SAMPLE is gridstream's bit sample (one 0/1 per byte), installed beside
# this module: what flowgraphs/block_demo.grc reads unless given --file.
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'gridstream_sample.u8')


def _log(msg):
    print('GridStream Decoder: ' + msg, file=sys.stderr, flush=True)


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
    """Consumes the stream beside the ZMQ PUSH Sink; when the stream ends
    (GNU Radio stops the block), tells the child how many items there were."""

    def __init__(self, dtype, vlen, child):
        sig = [(dtype, vlen)] if vlen > 1 else [dtype]
        gr.sync_block.__init__(self, name='gridstream_end_of_stream', in_sig=sig, out_sig=None)
        self.child = child

    def work(self, input_items, output_items):
        return len(input_items[0])

    def stop(self):
        self.child.end_of_stream(self.nitems_read(0))
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
        self.end = _EndOfStream(dtype, vlen, self.child)
        self.pdu_source = zeromq.sub_msg_source(pdu_ep, 100)  # connects (3.10.0 has no bind flag)
        self.forward = _Forwarder(self.child)
        # A copy with a large output buffer lets the end-of-stream counter
        # take big chunks: few Python calls.
        self.buffer = blocks.copy(itemsize * vlen)
        self.buffer.set_min_output_buffer(max(8192, BUFFER_BYTES // (itemsize * vlen)))
        self.end.set_min_noutput_items(4096)  # the rest comes at the end anyway
        self.connect(self, self.buffer)
        self.connect(self.buffer, self.push)
        self.connect(self.buffer, self.end)
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
