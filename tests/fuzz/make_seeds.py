#!/usr/bin/env python3
"""Writes the seed corpus (corpus/<target>/). The seeds only give the fuzzers
a head start: each is a short program in that target's input format. Run it
again only to change the seeds: python3 tests/fuzz/make_seeds.py"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(bytes(data))


rng = random.Random(20261121)

# ops: [pool bound][first buffer: kind, capacity..., order] then (op, arg, operands...) steps.
# One seed per zone that runs every operation code once with random operands,
# plus a few long random programs.
for zone in range(7):
    program = [2, zone, 0, 40, 0]
    for op in range(32):
        program += [op, rng.randrange(256)] + [rng.randrange(256) for _ in range(12)]
    write("ops", "every_op_zone%d" % zone, program)
for i in range(4):
    write("ops", "random%d" % i, [rng.randrange(256) for _ in range(600)])
# A pool round trip: acquire Direct, drop the other buffer, release, acquire again.
write("ops", "pool_round_trip", [1, 3, 0, 64, 0, 26, 0, 0, 64, 1, 0, 27, 0, 1, 26, 0, 0, 64, 1, 0, 28, 0, 0, 64, 2, 3, 1, 0, 0, 0, 1, 0])

# utf8: [mode/zone/slack] then text (mode 0) or 3-byte scalar values (modes 1, 2).
samples = ["", "hello", "h\u00e9llo w\u00f6rld", "\u20ac\u0800\uffff", "\U0001F600\U0010FFFF", "a\x00b"]
for i, text in enumerate(samples):
    write("utf8", "valid%d" % i, [0] + list(text.encode("utf-8")))
bad = [b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80",
       b"\xe0\x9f\xbf", b"\xf0\x8f\xbf\xbf", b"abc\xff"]
for i, text in enumerate(bad):
    write("utf8", "invalid%d" % i, [3 * (i % 4)] + list(text))
write("utf8", "scalars", [1] + [rng.randrange(256) for _ in range(60)])
write("utf8", "scalars_changed", [2] + [rng.randrange(256) for _ in range(60)])

# allocator: [initial MB][max MB] then steps (op, operands...).
for i in range(4):
    write("allocator", "random%d" % i, [i % 3, i] + [rng.randrange(256) for _ in range(500)])
# Host blocks: allocate, free a live and a bogus offset, adopt, give back.
write("allocator", "host_cycle", [0, 1, 2, 0, 50, 0, 7, 3, 0, 0, 4, 0, 0, 20, 0, 5, 0, 3, 0xE0, 1, 2, 3, 4])

# text: [charset][mode + 6 * zone][offset] then the payload: bytes (modes 0 and 3) or
# 3-byte scalar values (modes 1, 2, 4, 5); see fuzz_text.cpp.
samples = ["", "hello world, plain ASCII long enough for a vector", "h\u00e9llo w\u00f6rld \u20ac \U0001F600 \u65e5\u672c",
           "\ufeffBOM", "\u00ff\u0100", "\U0010FFFF\u0800\u07ff"]
for charset in range(7):
    for mode in range(6):
        head = [charset, mode + 6 * ((charset + mode) % 4), rng.randrange(256)]
        if mode in (0, 3):
            payload = list(samples[(charset + mode) % len(samples)].encode("utf-8" if mode == 0 else "utf-16-be"))
        else:
            payload = [rng.randrange(256) for _ in range(3 * rng.randrange(1, 40))]
        write("text", "charset%d_mode%d" % (charset, mode), head + payload)
# stream: [byte order] then steps (op % 16, operands...): 0-2 append (kind, lead, length, bytes, order),
# 3-7 a primitive (index % 10, how), 8 peekMismatch, 9 indexOf, 10-11 readBuffer, 12 skip, 13 order,
# 14 clear, 15 move. Seeds: 1-byte chunks read back by each primitive, chunks of every kind, random programs.
program = [0]
for i in range(24):
    program += [0, i % 5, i % 4, 1, rng.randrange(256), 0]
for arg in range(0, 40, 3):
    program += [3, arg]
program += [8, 0, 0, 6, 1, 9, 0x41, 1, 10, 3, 12, 0, 5]
write("stream", "one_byte_chunks", program)
program = [1]
for kind in range(5):
    program += [1, kind, 2, 30] + [rng.randrange(256) for _ in range(30)] + [kind & 1]
program += [10, 0x10, 11, 0xA1, 0x03, 4, 77, 9, 7, 0, 13, 1, 5, 61, 15, 14, 0]
write("stream", "every_kind", program)
for i in range(4):
    write("stream", "random%d" % i, [rng.randrange(256) for _ in range(700)])
