/*
 * sig.c: signal names as users type them (INT, SIGINT, 2) and as the
 * protocol and messages print them.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto.h"

static const struct {
	const char *name;
	int signo;
} sigs[] = {
	{"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},
	{"TRAP", SIGTRAP}, {"ABRT", SIGABRT},   {"BUS", SIGBUS},   {"FPE", SIGFPE},
	{"KILL", SIGKILL}, {"USR1", SIGUSR1},   {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
	{"PIPE", SIGPIPE}, {"ALRM", SIGALRM},   {"TERM", SIGTERM}, {"CHLD", SIGCHLD},
	{"CONT", SIGCONT}, {"STOP", SIGSTOP},   {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
	{"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
	{"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
	{"PWR", SIGPWR},   {"SYS", SIGSYS},
};

int sig_from_name(const char *name)
{
	char *end;
	long n;

	if (name == NULL || *name == '\0')
		return -1;
	if (*name >= '0' && *name <= '9') {
		n = strtol(name, &end, 10);
		return (*end == '\0' && n >= 1 && n <= 64) ? (int)n : -1;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (strcasecmp(sigs[i].name, name) == 0)
			return sigs[i].signo;
	return -1;
}

const char *sig_name(int signo)
{
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigs[i].signo == signo)
			return sigs[i].name;
	return NULL;
}
