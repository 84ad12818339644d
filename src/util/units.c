/* units.c: see units.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

int duration_parse(const char *s, uint32_t *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ms", 1}, {"s", 1e3}, {"", 1e3}, {"m", 60e3}, {"h", 3600e3}};
	char *end;
	double v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtod(s, &end);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		v *= units[i].ms;
		if (v > UINT32_MAX)
			return -1;
		*ms = (uint32_t)(v + 0.5);
		return 0;
	}
	return -1;
}

int size_parse(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	char *end;
	unsigned long long v;
	const char *u;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end == '\0') {
		*bytes = v;
		return 0;
	}
	if ((u = strchr(units, *end)) == NULL || !(end[1] == '\0' || strcmp(end + 1, "iB") == 0 ||
						   strcmp(end + 1, "B") == 0))
		return -1;
	for (const char *p = units; p <= u; p++) {
		if (v > UINT64_MAX / 1024)
			return -1;
		v *= 1024;
	}
	*bytes = v;
	return 0;
}

int number_parse(const char *s, long min, long max, long *v)
{
	char *end;
	long n;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

void age_format(char *buf, size_t len, long long s)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%lldm", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, len, "%lldh", s / 3600);
	else
		snprintf(buf, len, "%lldd", s / 86400);
}

void size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return;
	}
	while (v >= 1024 && u < 5)
		v /= 1024, u++;
	snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}
