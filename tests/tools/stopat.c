// SPDX-License-Identifier: GPL-2.0
/*
 * Stall a command at a chosen point: on its N-th entry into a system call,
 * before the call runs, hold it for MS milliseconds, then let it go on
 * untraced.  The stall tests use it to put a delay exactly where a
 * scheduler hiccup or a slow system call could put one.
 *
 *   stopat SYSCALL N MS -- COMMAND [ARG]...
 *
 * SYSCALL is bpf, bpf:CMD (a bpf() call with that command, e.g. bpf:2 for
 * BPF_MAP_UPDATE_ELEM), any (every system call) or a number.  Prints
 * "stalled at SYSCALL #N" when the stall begins and "resumed" when it ends
 * (flushed at once, so a test can time itself by them), then exits with the
 * command's exit status (128 + signal if it died of one), or 3 with
 * "exited STATUS after K calls" if it finished before its N-th such call.
 * Exit 2: usage or ptrace failure.  The command's own output passes through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long bpf_cmd = -1;	/* bpf:CMD: only this command */

static long syscall_of(const char *name)
{
	if (!strncmp(name, "bpf:", 4)) {
		bpf_cmd = strtol(name + 4, NULL, 0);
		return SYS_bpf;
	}
	if (!strcmp(name, "bpf"))
		return SYS_bpf;
	if (!strcmp(name, "any"))
		return -1;
	return strtol(name, NULL, 0);
}

static void sleep_ms(long ms)
{
	struct timespec left = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&left, &left) && errno == EINTR)
		;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct __ptrace_syscall_info info;
	long want, n, ms, seen = 0;
	int status, deliver = 0;
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: stopat SYSCALL N MS -- COMMAND [ARG]...\n");
		return 2;
	}
	want = syscall_of(argv[1]);
	n = atol(argv[2]);
	ms = atol(argv[3]);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[5], argv + 5);
		perror("stopat: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))) {
		perror("stopat: ptrace");
		return 2;
	}
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)deliver) ||
		    waitpid(pid, &status, 0) < 0) {
			perror("stopat: ptrace");
			return 2;
		}
		deliver = 0;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			printf("exited %d after %ld calls\n", exit_code(status), seen);
			return 3;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			/* A signal for the command: deliver it on resume. */
			if (WSTOPSIG(status) != SIGTRAP)
				deliver = WSTOPSIG(status);
			continue;
		}
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
			continue;
		if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
			continue;
		if (want >= 0 && (long)info.entry.nr != want)
			continue;
		if (bpf_cmd >= 0 && (long)info.entry.args[0] != bpf_cmd)
			continue;
		if (++seen == n)
			break;
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
	return exit_code(status);
}
