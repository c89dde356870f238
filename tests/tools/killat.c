// SPDX-License-Identifier: GPL-2.0
/*
 * Kill a command with SIGKILL at a chosen point: on its N-th entry into a
 * system call, before the call runs.  The fault tests use it to stop the
 * agent at every step of its work, not only where a timer happens to fall.
 *
 *   killat SYSCALL N -- COMMAND [ARG]...
 *
 * SYSCALL is a kind of system call (tests/lib/syscall_trap.h).  Prints
 * "killed at SYSCALL #N" and exits 0 when it killed the
 * command, or "exited STATUS after K calls" and exits 3 when the command
 * finished first (it made fewer than N such calls).  Exit 2: usage or
 * ptrace failure.  The command's own output passes through.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../lib/syscall_trap.h"

int main(int argc, char **argv)
{
	struct syscall_trap t;
	long n, seen;
	int status;
	pid_t pid;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: killat SYSCALL N -- COMMAND [ARG]...\n");
		return 2;
	}
	syscall_trap_parse(argv[1], &t);
	n = atol(argv[2]);
	pid = syscall_trap_run("killat", argv + 4, &t, n, &seen, &status);
	if (pid < 0)
		return 2;
	if (pid == 0) {
		printf("exited %d after %ld calls\n",
		       syscall_trap_exit_code(status), seen);
		return 3;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("killed at %s #%ld\n", argv[1], n);
	fflush(stdout);
	return 0;
}
