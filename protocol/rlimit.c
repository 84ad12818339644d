/*
 * rlimit.c: the 16 resource limits by the names ulimit and the protocol
 * use (cpu, nofile, ...).
 */
#include <string.h>
#include <sys/resource.h>

#include "proto.h"

static const struct {
	const char *name;
	int resource;
} limits[] = {
	{"cpu", RLIMIT_CPU},         {"fsize", RLIMIT_FSIZE},
	{"data", RLIMIT_DATA},       {"stack", RLIMIT_STACK},
	{"core", RLIMIT_CORE},       {"rss", RLIMIT_RSS},
	{"nproc", RLIMIT_NPROC},     {"nofile", RLIMIT_NOFILE},
	{"memlock", RLIMIT_MEMLOCK}, {"as", RLIMIT_AS},
	{"locks", RLIMIT_LOCKS},     {"sigpending", RLIMIT_SIGPENDING},
	{"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
	{"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},
};

const char rlimit_names[] = "cpu fsize data stack core rss nproc nofile memlock as "
			    "locks sigpending msgqueue nice rtprio rttime";

int rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (strcmp(limits[i].name, name) == 0)
			return limits[i].resource;
	return -1;
}

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (limits[i].resource == resource)
			return limits[i].name;
	return NULL;
}
