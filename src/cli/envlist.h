/*
 * envlist.h: the environment an exec asks for, from -e K=V, -e K (our own
 * value of K) and --env-file FILE, in the order given; later wins.
 */
#ifndef SBX_ENVLIST_H
#define SBX_ENVLIST_H

#include <stddef.h>

struct envlist {
	char **v; /* "K=V", NULL-terminated */
	size_t n;
};

/* Both return 0, or -1 with a one-line reason in err. */
int envlist_add(struct envlist *l, const char *spec, char *err, size_t errlen);
int envlist_load(struct envlist *l, const char *path, char *err, size_t errlen);
void envlist_free(struct envlist *l);

#endif
