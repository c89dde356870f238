// SPDX-License-Identifier: GPL-2.0
/*
 * Stall a command at a chosen point: on its N-th entry into a system call,
 * before the call runs, hold it for MS milliseconds, then let it go on
 * untraced.  The stall tests use it to put a delay exactly where a
 * scheduler hiccup or a slow system call could put one.
 *
 *   stopat SYSCALL N MS -- COMMAND [ARG]...
 *
 * SYSCALL is a kind of system call (tests/lib/syscall_trap.h), e.g. bpf:2
 * for BPF_MAP_UPDATE_ELEM.  Prints
 * "stalled at SYSCALL #N" when the stall begins and "resumed" when it ends
 * (flushed at once, so a test can time itself by them), then exits with the
 * command's exit status (128 + signal if it died of one), or 3 with
 * "exited STATUS after K calls" if it finished before its N-th such call.
 * Exit 2: usage or ptrace failure.  The command's own output passes through.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "../lib/syscall_trap.h"

static void sleep_ms(long ms)
{
	struct timespec left = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&left, &left) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct syscall_trap t;
	long n, ms, seen;
	int status;
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: stopat SYSCALL N MS -- COMMAND [ARG]...\n");
		return 2;
	}
	syscall_trap_parse(argv[1], &t);
	n = atol(argv[2]);
	ms = atol(argv[3]);
	pid = syscall_trap_run("stopat", argv + 5, &t, n, &seen, &status);
	if (pid < 0)
		return 2;
	if (pid == 0) {
		printf("exited %d after %ld calls\n",
		       syscall_trap_exit_code(status), seen);
		return 3;
	}
	/* The command sits in its syscall-entry stop: that is the stall. */
	printf("stalled at %s #%ld\n", argv[1], n);
	fflush(stdout);
	sleep_ms(ms);
	printf("resumed\n");
	fflush(stdout);
	if (ptrace(PTRACE_DETACH, pid, NULL, NULL)) {
		perror("stopat: ptrace detach");
		return 2;
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	return syscall_trap_exit_code(status);
}
