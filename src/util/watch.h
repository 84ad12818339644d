/*
 * watch.h: a file descriptor (pipe, PTY master, signalfd, stdin) joined to
 * the lws event loop. The watch owns the fd. After watch_close the owner
 * gets no more callbacks and must forget the watch.
 */
#ifndef SBX_WATCH_H
#define SBX_WATCH_H

#include <signal.h>

#include <libwebsockets.h>

struct watch;

struct watch_ops {
	void (*readable)(struct watch *w, void *arg);
	void (*writable)(struct watch *w, void *arg);
	void (*closed)(struct watch *w, void *arg); /* lws closed it, not us */
};

#define WATCH_PROTOCOL_NAME "sbx-watch"
/* The lws protocol every watch runs under; list it in the context's or
 * vhost's protocols. */
int watch_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		   void *in, size_t len);
#define WATCH_PROTOCOL {.name = WATCH_PROTOCOL_NAME, .callback = watch_callback}

struct watch *watch_new(struct lws_vhost *vh, int fd, const struct watch_ops *ops,
			void *arg);
int watch_fd(const struct watch *w);
void watch_pause(struct watch *w, int paused);
int watch_paused(const struct watch *w);
void watch_want_write(struct watch *w);
void watch_close(struct watch *w);
/* The signals of set blocked, and a watch on a signalfd of them: its
 * readable reads struct signalfd_siginfo. SIGPIPE ignored. NULL (errno)
 * if that failed. */
struct watch *watch_signals(struct lws_vhost *vh, const sigset_t *set,
			    const struct watch_ops *ops, void *arg);

#endif
