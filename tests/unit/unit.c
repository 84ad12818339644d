/*
 * unit.c: the shared helpers of unit.h, linked into every unit test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNIT_ASAN 1
#endif
#endif

void case_add(struct case_list *l, const char *name, CMUnitTestFunction fn,
	      const void *row)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (l->v == NULL)
			abort();
	}
	l->v[l->n++] = (struct CMUnitTest){
		.name = name,
		.test_func = fn,
		/* cmocka wants a mutable pointer; the rows are never written. */
		.initial_state = (void *)(uintptr_t)row,
	};
}

int case_run(struct case_list *l, const char *group)
{
	int failed = _cmocka_run_group_tests(group, l->v, l->n, NULL, NULL);

	free(l->v);
	*l = (struct case_list){0};
	return failed;
}

uint8_t *buf_dup(const void *src, size_t len)
{
	/* malloc(0) may return NULL; one spare byte keeps the pointer valid
	 * without making the spare byte readable as input. */
	uint8_t *b = malloc(len ? len : 1);

	if (b == NULL)
		abort();
	if (len)
		memcpy(b, src, len);
	return b;
}

size_t heap_in_use(void)
{
#if defined(UNIT_ASAN) || !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 33)
	return 0;
#else
	/*
	 * mallinfo2 counts chunks parked in the per-thread cache as in use, so
	 * the meter is only exact with that cache off; meson's test() sets
	 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0. Run by hand without it,
	 * the meter stays silent rather than report leaks that are not there.
	 */
	const char *t = getenv("GLIBC_TUNABLES");
	struct mallinfo2 mi;

	if (t == NULL || strstr(t, "glibc.malloc.tcache_count=0") == NULL)
		return 0;
	mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
#endif
}
