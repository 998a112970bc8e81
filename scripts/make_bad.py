#!/usr/bin/env python3
"""Writes the malformed trace fixtures of tests/traces/bad/ from the good ones.

Usage: python3 scripts/make_bad.py [TRACES_DIR]     (default: tests/traces of this repo)

Deterministic: the output depends only on the source traces (no randomness).
Sources: TRACES_DIR/sample.trace, blocking.trace and generations.trace.

  empty.trace               0 bytes
  wrong-magic.trace         sample.trace with the header upper-cased ("GO 1.26 TRACE")
  unsupported-version.trace sample.trace body under the header "go 1.99 trace"
  truncated-header.trace    first 8 bytes of sample.trace (cut inside the 16-byte header)
  truncated-gen.trace       generations.trace cut at 60% of its length (the complete
                            generations before the cut stay readable)
  trailing-garbage.trace    blocking.trace followed by 100 bytes of 0xff
"""
import os
import sys

HDR = 16  # "go 1.26 trace" padded with NULs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    traces = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'tests', 'traces')
    bad = os.path.join(traces, 'bad')

    def load(name):
        path = os.path.join(traces, name)
        try:
            with open(path, 'rb') as f:
                data = f.read()
        except OSError as e:
            sys.exit(f'make_bad.py: cannot read source trace: {e}')
        if len(data) <= HDR or not data.startswith(b'go 1.') or b' trace\x00' not in data[:HDR]:
            sys.exit(f'make_bad.py: {path} does not look like a Go trace (header {data[:HDR]!r})')
        return data

    sample = load('sample.trace')
    blocking = load('blocking.trace')
    gen = load('generations.trace')

    cut = len(gen) * 60 // 100
    out = [
        ('empty.trace', b''),
        ('wrong-magic.trace', sample[:HDR].upper() + sample[HDR:]),
        ('unsupported-version.trace', b'go 1.99 trace'.ljust(HDR, b'\x00') + sample[HDR:]),
        ('truncated-header.trace', sample[:8]),
        ('truncated-gen.trace', gen[:cut]),
        ('trailing-garbage.trace', blocking + b'\xff' * 100),
    ]
    os.makedirs(bad, exist_ok=True)
    for name, data in out:
        with open(os.path.join(bad, name), 'wb') as f:
            f.write(data)
        print(f'  bad/{name}: {len(data)} bytes')


if __name__ == '__main__':
    main()
