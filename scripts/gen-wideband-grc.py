#!/usr/bin/python3
"""Writes flowgraphs/gridstream_wideband.grc: the whole band from stock GNU Radio
3.10 blocks into the GridStream Decoder block.

    osmosdr source (NCHAN x 100 kHz samples/s: 2.4 MS/s)
    -> Polyphase Channelizer (NCHAN channels on the 100 kHz grid, 1.5x
       oversampled: 150 kS/s each)
    -> Quadrature Demod per channel (gain 1: radians per sample)
    -> Streams to Vector
    -> GridStream Decoder (FM samples, NCHAN channels with their centre
       frequencies)

The channel count is fixed by the file's connections, and so is the sample rate
(NCHAN x 100 kHz); for another rate write another flowgraph:

    /usr/bin/python3 scripts/gen-wideband-grc.py [NCHAN [OUT.grc]]

e.g. 32 channels for 3.2 MS/s, 20 for 2.0 MS/s (an even NCHAN). GRC opens and
saves the result like any flowgraph.
"""

import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
NCHAN = int(sys.argv[1]) if len(sys.argv) > 1 else 24  # channels of 100 kHz
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, '..', 'flowgraphs', 'gridstream_wideband.grc')
if NCHAN < 2 or NCHAN % 2:
    sys.exit('gen-wideband-grc: NCHAN must be even (the channelizer oversamples 1.5x)')
RATE = NCHAN * 100e3

# The RTL-SDR source exactly as gridstream_rtlsdr.grc configures it.
with open(os.path.join(here, '..', 'flowgraphs', 'gridstream_rtlsdr.grc')) as f:
    rtlsdr = yaml.safe_load(f)
osmosdr = next(b for b in rtlsdr['blocks'] if b['id'] == 'osmosdr_source')


def block(name, bid, params, x, y, comment=''):
    b = {'name': name, 'id': bid, 'parameters': dict(params),
         'states': {'coordinate': [x, y], 'rotation': 0, 'state': 'enabled'}}
    if comment:
        b['parameters']['comment'] = comment
    return b


def parameter(name, label, short_id, typ, value, x):
    p = {'label': label, 'type': typ, 'value': value}
    if short_id:
        p['short_id'] = short_id
    return block(name, 'parameter', p, x, 8)


def variable(name, value, x, y, comment=''):
    return block(name, 'variable', {'value': value}, x, y, comment)


blocks = [
    parameter('args', 'osmosdr device arguments (rtl=0, rtl_tcp=host:1234, '
              'file=x.cf32,rate=%g,repeat=false,throttle=false)' % RATE, 'r', 'str', 'rtl=0', 200),
    parameter('samp_rate', 'Sample rate (S/s): %g, the channels times their spacing' % RATE,
              's', 'eng_float', '%g' % RATE, 380),
    parameter('freq', 'Tuner centre frequency (Hz), on the 100 kHz channel grid',
              'c', 'eng_float', '915e6', 560),
    parameter('gain', 'RF gain (dB)', 'g', 'eng_float', '40', 740),
    parameter('ppm', 'Frequency correction (ppm)', 'p', 'eng_float', '0', 860),
    parameter('extra_args', 'More gridstream decode arguments (the GridStream Decoder '
              'block\'s extra_args), e.g. --crc-init 1D65 --all', 'x', 'str', '', 980),
    variable('nchan', str(NCHAN), 8, 100,
             'channels of the Polyphase Channelizer: fixed by its connections '
             '(scripts/gen-wideband-grc.py NCHAN writes this file)'),
    variable('chan_spacing', '100e3', 8, 170, 'GridStream channel grid'),
    variable('band_rate', 'nchan * chan_spacing', 150, 100),
    variable('osr', '1.5', 150, 170, 'channelizer oversampling: 150 kS/s per channel'),
    variable('chan_rate', 'chan_spacing * osr', 300, 100),
    variable('rate_check', "True if int(samp_rate) == int(band_rate) else (_ for _ in ()).throw("
             "ValueError('--samp-rate %g: this flowgraph cuts %g S/s into %d channels of %g Hz; "
             "record at that rate, or write a flowgraph for yours with scripts/gen-wideband-grc.py' "
             "% (samp_rate, band_rate, nchan, chan_spacing)))", 300, 170,
             'a clear error for a sample rate the channelizer does not fit'),
    variable('chan_taps', 'firdes.low_pass(1.0, band_rate, 60e3, 30e3, window.WIN_HAMMING)',
             450, 100, 'passes ±45 kHz (38400-baud bursts), rejects the neighbours (and '
             'what would alias) from ±75 kHz'),
    variable('chan_freqs', '[freq + ((i + nchan // 2) % nchan - nchan // 2) * chan_spacing '
             'for i in range(nchan)]', 450, 170,
             "channel i is centred i*chan_spacing off the tuner (i >= nchan/2: below it)"),
    block('import_math', 'import', {'imports': 'import math'}, 700, 100),
]

src = dict(osmosdr['parameters'])
src.update({'args': 'args', 'sample_rate': 'samp_rate', 'freq0': 'freq', 'gain0': 'gain',
            'corr0': 'ppm'})
blocks.append(block('source', 'osmosdr_source', src, 8, 260))
blocks.append(block('channelizer', 'pfb_channelizer_ccf', {
    'nchans': 'nchan', 'taps': 'chan_taps', 'osr': 'osr', 'atten': '100',
    'samp_delay': '0', 'ch_map': '[]', 'bus_structure_source': '[[0,],]',
}, 230, 260))
for i in range(NCHAN):
    blocks.append(block('fm%d' % i, 'analog_quadrature_demod_cf', {'gain': '1.0'},
                        650, 160 + 40 * i))
blocks.append(block('channels', 'blocks_streams_to_vector', {
    'type': 'float', 'num_streams': 'nchan', 'vlen': '1'}, 850, 260))
blocks.append(block('decoder', 'gridstream_decoder', {
    'item_format': 'fm', 'samp_rate': 'chan_rate', 'vlen': 'nchan', 'freqs': 'chan_freqs',
    'fm_gain': '1.0', 'protocol': '', 'crc_inits': '', 'invert': 'False', 'mqtt': '',
    'quiet': 'False', 'pass_tags': 'False', 'extra_args': 'extra_args',
    'binary': 'gridstream', 'log_level': 'warn',
}, 1050, 260))

connections = [['source', '0', 'channelizer', '0']]
for i in range(NCHAN):
    connections.append(['channelizer', str(i), 'fm%d' % i, '0'])
    connections.append(['fm%d' % i, '0', 'channels', str(i)])
connections.append(['channels', '0', 'decoder', '0'])

fg = {
    'options': {
        'parameters': {
            'author': 'gridstream',
            'category': '[GRC Hier Blocks]',
            'description': 'GridStream over the whole sampled band from stock GNU Radio '
                           'blocks: a Polyphase Channelizer cuts %g MHz into %d channels '
                           'on the 100 kHz grid, a Quadrature Demod per channel, and the '
                           % (RATE / 1e6, NCHAN) +
                           'GridStream Decoder block (gridstream grc install) decodes every '
                           'baud on every channel and prints JSON lines. Replays a recording '
                           'with --args file=x.cf32,rate=%g,repeat=false,throttle=false ' % RATE +
                           'and exits at its end.',
            'generate_options': 'no_gui',
            'id': 'gridstream_wideband',
            'run': 'True',
            'run_options': 'run',
            'title': 'GridStream, the whole band',
        },
        'states': {'coordinate': [8, 8], 'rotation': 0, 'state': 'enabled'},
    },
    'blocks': blocks,
    'connections': connections,
    'metadata': {'file_format': 1, 'grc_version': '3.10.5.1'},
}

class Dumper(yaml.SafeDumper):
    pass


# Lists of scalars inline ([x, y], each connection), the rest as blocks: GRC's
# own layout.
Dumper.add_representer(list, lambda d, v: d.represent_sequence(
    'tag:yaml.org,2002:seq', v,
    flow_style=all(not isinstance(x, (dict, list)) for x in v)))

with open(out, 'w') as f:
    yaml.dump(fg, f, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=1000,
              allow_unicode=True)
print('wrote', os.path.normpath(out), file=sys.stderr)
