/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The shared headers are compiled in three worlds: BPF programs (types from
 * vmlinux.h), the kernel module and user space (types from linux/types.h).
 */
#ifndef SGATE_TYPES_H
#define SGATE_TYPES_H

#if defined(__bpf__)
/* vmlinux.h, included first by every BPF program, defines __u8 .. __u64. */
#elif defined(__KERNEL__)
#include <linux/types.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#endif

/* BPF needs constant-bound loops unrolled; other compilers decide alone. */
#ifdef __clang__
#define SGATE_UNROLL _Pragma("unroll")
#else
#define SGATE_UNROLL
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#endif /* SGATE_TYPES_H */
