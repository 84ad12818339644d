/* xmalloc.h: allocation that cannot fail; out of memory aborts, as in tmux. */
#ifndef SBX_XMALLOC_H
#define SBX_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
