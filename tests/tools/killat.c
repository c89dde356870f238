// SPDX-License-Identifier: GPL-2.0
/*
 * Kill a command with SIGKILL at a chosen point: on its N-th entry into a
 * system call, before the call runs.  The fault tests use it to stop the
 * agent at every step of its work, not only where a timer happens to fall.
 *
 *   killat SYSCALL N -- COMMAND [ARG]...
 *
 * SYSCALL is bpf, bpf:CMD (a bpf() call with that command, e.g. bpf:6 for
 * BPF_OBJ_PIN), sendmsg, sendto, mkdir (or mkdirat), write, any (every
 * system call) or a number.  Prints "killed at SYSCALL #N" and exits 0 when it killed the
 * command, or "exited STATUS after K calls" and exits 3 when the command
 * finished first (it made fewer than N such calls).  Exit 2: usage or
 * ptrace failure.  The command's own output passes through.
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
	if (!strcmp(name, "mkdir"))
		return SYS_mkdir;
	if (!strcmp(name, "sendmsg"))
		return SYS_sendmsg;
	if (!strcmp(name, "sendto"))
		return SYS_sendto;
	if (!strcmp(name, "write"))
		return SYS_write;
	if (!strcmp(name, "any"))
		return -1;
	return strtol(name, NULL, 0);
}

int main(int argc, char **argv)
{
	struct __ptrace_syscall_info info;
	long want, n, seen = 0;
	int status, deliver = 0;
	pid_t pid;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: killat SYSCALL N -- COMMAND [ARG]...\n");
		return 2;
	}
	want = syscall_of(argv[1]);
	n = atol(argv[2]);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[4], argv + 4);
		perror("killat: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))) {
		perror("killat: ptrace");
		return 2;
	}
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)deliver) ||
		    waitpid(pid, &status, 0) < 0) {
			perror("killat: ptrace");
			return 2;
		}
		deliver = 0;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			printf("exited %d after %ld calls\n",
			       WIFEXITED(status) ? WEXITSTATUS(status) :
						   128 + WTERMSIG(status),
			       seen);
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
		if (want == SYS_mkdir && info.entry.nr == SYS_mkdirat)
			info.entry.nr = SYS_mkdir;
		if (want >= 0 && (long)info.entry.nr != want)
			continue;
		if (bpf_cmd >= 0 && (long)info.entry.args[0] != bpf_cmd)
			continue;
		if (++seen == n) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			printf("killed at %s #%ld\n", argv[1], n);
			fflush(stdout);
			return 0;
		}
	}
}
