#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the ids of the links on a device's tcx ingress hook, one a line,
in the caller's network namespace (BPF_PROG_QUERY; this bpftool predates
tcx).  Exit 1 if the kernel will not say.

    tcx_links.py DEV
"""
import ctypes
import socket
import struct
import sys

SYS_BPF = 321  # x86_64
BPF_PROG_QUERY = 16
BPF_TCX_INGRESS = 46


def main():
    ifindex = socket.if_nametoindex(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    prog_ids = (ctypes.c_uint32 * 64)()
    link_ids = (ctypes.c_uint32 * 64)()
    attr = ctypes.create_string_buffer(struct.pack(
        "=IIIIQIIQQQQ", ifindex, BPF_TCX_INGRESS, 0, 0, ctypes.addressof(prog_ids), 64, 0,
        0, ctypes.addressof(link_ids), 0, 0), 128)
    if libc.syscall(SYS_BPF, BPF_PROG_QUERY, attr, 64) != 0:
        print("BPF_PROG_QUERY: errno %d" % ctypes.get_errno(), file=sys.stderr)
        return 1
    count = struct.unpack_from("=I", attr, 24)[0]
    for i in range(count):
        print(link_ids[i])
    return 0


if __name__ == "__main__":
    sys.exit(main())
