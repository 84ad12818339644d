/*
 * unit.h: helpers shared by the cmocka unit tests. Tables become one named
 * cmocka case per row, so a bad row fails on its own and says which it is;
 * inputs are copied to exact-size buffers so ASan sees any read past the
 * end; a heap meter lets plain builds check that decode + free leaks nothing.
 */
#ifndef SBX_TEST_UNIT_H
#define SBX_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define nitems(a) (sizeof (a) / sizeof (a)[0])

struct case_list {
	struct CMUnitTest *v;
	size_t n, cap;
};

/* Queue fn as case `name`; fn finds `row` in *state. */
void case_add(struct case_list *l, const char *name, CMUnitTestFunction fn,
	      const void *row);
/* Run and free the list; returns the number of failed cases. */
int case_run(struct case_list *l, const char *group);

/* A malloc'd copy of exactly len bytes (no NUL added). */
uint8_t *buf_dup(const void *src, size_t len);

/*
 * Bytes the allocator has handed out and not had back, or 0 when this
 * process cannot tell (sanitizer builds, where LeakSanitizer does the job).
 */
size_t heap_in_use(void);

#endif
