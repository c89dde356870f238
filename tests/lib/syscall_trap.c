// SPDX-License-Identifier: GPL-2.0
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

#include "syscall_trap.h"

void syscall_trap_parse(const char *kind, struct syscall_trap *t)
{
	static const struct {
		const char *name;
		long nr;
	} names[] = {
		{ "bpf", SYS_bpf }, { "mkdir", SYS_mkdir },
		{ "sendmsg", SYS_sendmsg }, { "sendto", SYS_sendto },
		{ "write", SYS_write }, { "any", -1 },
	};
	unsigned i;

	t->bpf_cmd = -1;
	if (!strncmp(kind, "bpf:", 4)) {
		t->nr = SYS_bpf;
		t->bpf_cmd = strtol(kind + 4, NULL, 0);
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(kind, names[i].name)) {
			t->nr = names[i].nr;
			return;
		}
	t->nr = strtol(kind, NULL, 0);
}

int syscall_trap_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int matches(pid_t pid, const struct syscall_trap *t)
{
	struct __ptrace_syscall_info info;
	long nr;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_ENTRY)
		return 0;
	nr = (long)info.entry.nr;
	if (t->nr == SYS_mkdir && nr == SYS_mkdirat)
		nr = SYS_mkdir;
	return (t->nr < 0 || nr == t->nr) &&
	       (t->bpf_cmd < 0 || (long)info.entry.args[0] == t->bpf_cmd);
}

pid_t syscall_trap_run(const char *tool, char **argv,
		       const struct syscall_trap *t, long n, long *seen,
		       int *status)
{
	int deliver = 0;
	pid_t pid;

	*seen = 0;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: exec %s: %s\n", tool, argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, status, 0) < 0 || !WIFSTOPPED(*status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL))) {
		fprintf(stderr, "%s: ptrace: %s\n", tool, strerror(errno));
		return -1;
	}
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)deliver) ||
		    waitpid(pid, status, 0) < 0) {
			fprintf(stderr, "%s: ptrace: %s\n", tool, strerror(errno));
			return -1;
		}
		deliver = 0;
		if (WIFEXITED(*status) || WIFSIGNALED(*status))
			return 0;
		if (!WIFSTOPPED(*status))
			continue;
		if (WSTOPSIG(*status) != (SIGTRAP | 0x80)) {
			/* A signal for the command: deliver it on resume. */
			if (WSTOPSIG(*status) != SIGTRAP)
				deliver = WSTOPSIG(*status);
			continue;
		}
		if (matches(pid, t) && ++*seen == n)
			return pid;
	}
}
