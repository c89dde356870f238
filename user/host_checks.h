// The preconditions attach checks before it changes anything, each failing
// with its own exit status and a message that says how to fix it.
#pragma once

#include <string>

namespace sgate {

void require_root();

// The ifindex of @device in this network namespace (Exit::no_device if none).
unsigned device_index(const std::string &device);

unsigned device_mtu(const std::string &device);

// BTF and bpf_sk_assign_tcp_reqsk() (Exit::kernel_unsupported).
void require_kernel_support();

// net.ipv4.tcp_syncookies != 0 (Exit::syncookies_off).
void require_syncookies();

// No XDP program in any mode on the device (Exit::xdp_busy).
void require_no_xdp_program(unsigned ifindex, const std::string &device);

} // namespace sgate
