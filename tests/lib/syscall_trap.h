/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hold a command at a chosen point: its N-th entry into a kind of system
 * call, before the call runs (tests/tools/killat.c and stopat.c act there).
 *
 * A kind is bpf, bpf:CMD (a bpf() call with that command, e.g. bpf:6 for
 * BPF_OBJ_PIN), sendmsg, sendto, mkdir (or mkdirat), write, any (every
 * system call) or a number.
 */
#ifndef SGATE_TEST_SYSCALL_TRAP_H
#define SGATE_TEST_SYSCALL_TRAP_H

#include <sys/types.h>

struct syscall_trap {
	long nr;	/* -1: any */
	long bpf_cmd;	/* -1: any */
};

void syscall_trap_parse(const char *kind, struct syscall_trap *t);

/*
 * Runs argv[0] with argv under ptrace until its n-th matching entry.
 * Returns its pid, stopped at that entry; 0 when it ended first, with
 * *status its wait status and *seen the matching calls it made; -1 when
 * ptrace failed (said on stderr, prefixed by @tool).
 */
pid_t syscall_trap_run(const char *tool, char **argv,
		       const struct syscall_trap *t, long n, long *seen,
		       int *status);

/* A wait status as a shell would report it: 128 + signal for a signal. */
int syscall_trap_exit_code(int status);

#endif
