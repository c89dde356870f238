#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Segments a TCP stack accepts, in shapes a gate may fail to judge.

    craft.py DEV DSTMAC SRC DST PORT CLASS COUNT

Sends COUNT frames of CLASS on DEV, each from a new source port and ISN.
SRC and DST are IPv4 or IPv6 addresses as the class needs.  Scapy builds the
frames, so nothing here shares code with the gate's parser.

CLASS:
  syn-ext5    IPv6 SYN behind 5 destination-options headers
  syn-ext9    IPv6 SYN behind 9 destination-options headers
  syn-frag    IPv4 SYN in fragments of 8 bytes: the first holds the ports
              and the sequence number, the flags come later
  ack-frag    IPv4 ACK (a forged final ACK) fragmented the same way
  syn6-frag   IPv6 SYN in two fragments, the first with 8 bytes of TCP
"""
import random
import sys

from scapy.all import (IP, TCP, Ether, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, Raw, fragment, raw, sendp)


def tcp(flags, port):
    return TCP(sport=random.randint(1024, 65535), dport=port, flags=flags,
               seq=random.getrandbits(32),
               ack=random.getrandbits(32) if "A" in flags else 0,
               options=[("MSS", 1460)] if "S" in flags else [])


def frames(cls, src, dst, port):
    if cls in ("syn-ext5", "syn-ext9"):
        chain = IPv6(src=src, dst=dst)
        for _ in range(int(cls[-1])):
            chain = chain / IPv6ExtHdrDestOpt()
        return [chain / tcp("S", port)]
    if cls in ("syn-frag", "ack-frag"):
        seg = IP(src=src, dst=dst, id=random.getrandbits(16)) / \
            tcp("S" if cls == "syn-frag" else "A", port)
        return fragment(seg, fragsize=8)
    if cls == "syn6-frag":
        whole = raw(IPv6(src=src, dst=dst) / tcp("S", port))[40:]
        ident = random.getrandbits(32)
        head = IPv6(src=src, dst=dst) / IPv6ExtHdrFragment(
            nh=6, offset=0, m=1, id=ident) / Raw(whole[:8])
        tail = IPv6(src=src, dst=dst) / IPv6ExtHdrFragment(
            nh=6, offset=1, m=0, id=ident) / Raw(whole[8:])
        return [head, tail]
    sys.exit(f"craft.py: unknown class {cls}")


def main():
    if len(sys.argv) != 8:
        sys.exit(__doc__)
    dev, dmac, src, dst, port, cls, count = sys.argv[1:]
    out = []
    for _ in range(int(count)):
        out += [Ether(dst=dmac) / f for f in frames(cls, src, dst, int(port))]
    sendp(out, iface=dev, verbose=False)


if __name__ == "__main__":
    main()
