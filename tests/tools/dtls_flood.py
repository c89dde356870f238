#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A bounded flood of spoofed DTLS 1.2 ClientHellos (tests/e2e/test_dtls.sh).

    dtls_flood.py DEV DSTMAC DST PORT COUNT

Sends COUNT ClientHellos on DEV to DST:PORT, each from a new random source
address (198.18.0.0/15, or fd99::/64 for an IPv6 DST) and port, without a
cookie or with a random one.  Prints the bytes of the frames sent.  The
records are written here byte by byte, so nothing is shared with the gate.
"""
import os
import random
import sys

from scapy.all import IP, UDP, Ether, IPv6, Raw, sendp


def client_hello(cookie):
    body = b"\xfe\xfd" + os.urandom(32) + b"\x00"            # version, random, no session
    body += bytes([len(cookie)]) + cookie
    body += b"\x00\x04\xc0\x2b\xc0\x2f" + b"\x01\x00"        # two suites, null compression
    hs = b"\x01" + len(body).to_bytes(3, "big") + b"\x00\x00" + \
        b"\x00\x00\x00" + len(body).to_bytes(3, "big") + body
    return b"\x16\xfe\xff\x00\x00" + os.urandom(6) + len(hs).to_bytes(2, "big") + hs


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    dev, dmac, dst, port, count = sys.argv[1:]
    out = []
    for i in range(int(count)):
        cookie = b"" if i % 2 == 0 else os.urandom(9)
        if ":" in dst:
            ip = IPv6(src="fd99::%x:%x" % (random.getrandbits(16), random.getrandbits(16)), dst=dst)
        else:
            ip = IP(src="198.%d.%d.%d" % (18 + random.getrandbits(1), random.getrandbits(8),
                                          random.randint(1, 254)), dst=dst)
        out.append(Ether(dst=dmac) / ip / UDP(sport=random.randint(1024, 65535), dport=int(port)) /
                   Raw(client_hello(cookie)))
    sendp(out, iface=dev, verbose=False)
    print(sum(len(bytes(f)) for f in out))


if __name__ == "__main__":
    main()
