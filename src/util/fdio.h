/* fdio.h: small fd helpers shared by agent and client. */
#ifndef SBX_FDIO_H
#define SBX_FDIO_H

#include <stddef.h>

/* Writes all of buf, retrying on EINTR and short writes; blocking fds only.
 * Returns 0 or -1 with errno. */
int fd_write_all(int fd, const void *buf, size_t len);
int fd_set_nonblock(int fd, int on);

#endif
