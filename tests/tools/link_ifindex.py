#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the ifindex a pinned XDP or tcx link holds: 0 once it is detached
or its device is gone (this bpftool does not show it).  Exit 1 if the pin
cannot be opened.

    link_ifindex.py PIN
"""
import ctypes
import os
import struct
import sys

SYS_BPF = 321  # x86_64
BPF_OBJ_GET = 7
BPF_OBJ_GET_INFO_BY_FD = 15


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    path = ctypes.create_string_buffer(sys.argv[1].encode())
    attr = ctypes.create_string_buffer(struct.pack("=QII", ctypes.addressof(path), 0, 0), 128)
    fd = libc.syscall(SYS_BPF, BPF_OBJ_GET, attr, 16)
    if fd < 0:
        print("%s: errno %d" % (sys.argv[1], ctypes.get_errno()), file=sys.stderr)
        return 1
    info = ctypes.create_string_buffer(64)
    attr = ctypes.create_string_buffer(struct.pack("=IIQ", fd, 64, ctypes.addressof(info)), 128)
    err = libc.syscall(SYS_BPF, BPF_OBJ_GET_INFO_BY_FD, attr, 16)
    os.close(fd)
    if err:
        print("link info: errno %d" % ctypes.get_errno(), file=sys.stderr)
        return 1
    # struct bpf_link_info: type, id, prog_id, then the per-type union at
    # offset 16, where XDP and tcx both keep the ifindex first.
    print(struct.unpack_from("=I", info, 16)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
