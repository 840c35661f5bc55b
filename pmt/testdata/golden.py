#!/usr/bin/python3
"""Print 'name hex' lines: pmt.serialize_str of each case, from real GNU Radio.

Regenerate the committed golden file with:
    /usr/bin/python3 pmt/testdata/golden.py > pmt/testdata/golden.txt
pmt/golden_test.go holds the same cases as Go values and checks both.
"""
import pmt


def dct(*kv):
    d = pmt.make_dict()
    # dict_add prepends, so add in reverse to serialize in the listed order
    for k, v in reversed(kv):
        d = pmt.dict_add(d, pmt.intern(k), v)
    return d


cases = [
    ("true", pmt.PMT_T),
    ("false", pmt.PMT_F),
    ("nil", pmt.PMT_NIL),
    ("symbol", pmt.intern("rx_freq")),
    ("symbol_empty", pmt.intern("")),
    ("long_0", pmt.from_long(0)),
    ("long_-1", pmt.from_long(-1)),
    ("long_2e31", pmt.from_long(2**31)),
    ("long_min", pmt.from_long(-2**63)),
    ("uint64", pmt.from_uint64(2**63 + 1)),
    ("double", pmt.from_double(915.2e6)),
    ("double_neg", pmt.from_double(-0.125)),
    ("complex", pmt.from_complex(1 - 2j)),
    ("pair", pmt.cons(pmt.intern("a"), pmt.from_long(1))),
    ("list", pmt.list3(pmt.from_long(1), pmt.intern("b"), pmt.PMT_T)),
    ("vector", pmt.make_vector(2, pmt.from_double(0.5))),
    ("tuple", pmt.make_tuple(pmt.intern("x"), pmt.from_long(7))),
    ("dict", dct(("n", pmt.from_long(7)), ("snr", pmt.from_double(12.5)))),
    ("dict_empty", pmt.make_dict()),
    ("u8vector", pmt.init_u8vector(3, [0x2A, 0x55, 0xFF])),
    ("u8vector_empty", pmt.init_u8vector(0, [])),
    ("s8vector", pmt.init_s8vector(2, [-1, 5])),
    ("u16vector", pmt.init_u16vector(2, [1, 0xBEEF])),
    ("s16vector", pmt.init_s16vector(2, [1, -2])),
    ("u32vector", pmt.init_u32vector(1, [0xDEADBEEF])),
    ("s32vector", pmt.init_s32vector(1, [-3])),
    ("u64vector", pmt.init_u64vector(1, [2**40])),
    ("s64vector", pmt.init_s64vector(1, [-(2**40)])),
    ("f32vector", pmt.init_f32vector(2, [1.0, -2.5])),
    ("f64vector", pmt.init_f64vector(1, [3.25])),
    ("c32vector", pmt.init_c32vector(1, [1 + 2j])),
    ("c64vector", pmt.init_c64vector(1, [-1 + 0.5j])),
    ("pdu_doc", pmt.cons(dct(("n", pmt.from_long(7)), ("snr", pmt.from_double(12.5))),
                         pmt.init_u8vector(2, [0xDE, 0xAD]))),
    ("pdu_gridstream", pmt.cons(dct(
        ("bit_offset", pmt.from_long(123456)),
        ("crc_init", pmt.intern("142A")),
        ("crc_ok", pmt.PMT_T),
        ("meta", dct(("rx_freq", pmt.from_double(915.3e6)))),
        ("protocol", pmt.intern("gridstream")),
        ("version", pmt.from_long(4)),
    ), pmt.init_u8vector(5, [0x2A, 0xD5, 0x00, 0x14, 0x22]))),
    ("pdu_empty_meta", pmt.cons(pmt.make_dict(), pmt.init_u8vector(1, [1]))),
]

for name, v in cases:
    print(name, pmt.serialize_str(v).hex())
