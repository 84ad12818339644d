/*
 * watch.c: fds adopted into the lws loop as raw files; see watch.h.
 * Every child pipe, signalfd and the local terminal goes through here, so
 * one loop serves them all.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "watch.h"
#include "xmalloc.h"

struct watch {
	struct lws *wsi;
	int fd;
	int paused;
	int closing;     /* owner called watch_close */
	int in_writable; /* lws drops on_writable requests made in here */
	const struct watch_ops *ops;
	void *arg;
	lws_sorted_usec_list_t rearm;
};

static void watch_rearm(lws_sorted_usec_list_t *sul)
{
	struct watch *w = lws_container_of(sul, struct watch, rearm);

	if (!w->closing)
		lws_callback_on_writable(w->wsi);
}

int watch_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		   void *in, size_t len)
{
	struct watch *w = lws_get_opaque_user_data(wsi);

	(void)user, (void)in, (void)len;
	if (w == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (!w->closing && w->ops->readable)
			w->ops->readable(w, w->arg);
		return w->closing ? -1 : 0;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		w->in_writable = 1;
		if (!w->closing && w->ops->writable)
			w->ops->writable(w, w->arg);
		w->in_writable = 0;
		return w->closing ? -1 : 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (!w->closing && w->ops->closed)
			w->ops->closed(w, w->arg);
		lws_sul_cancel(&w->rearm);
		lws_set_opaque_user_data(wsi, NULL);
		free(w);
		return 0;
	default:
		return 0;
	}
}

struct watch *watch_new(struct lws_vhost *vh, int fd, const struct watch_ops *ops,
			void *arg)
{
	struct watch *w = xcalloc(1, sizeof *w);
	lws_adopt_desc_t ad = {
		.vh = vh,
		.type = LWS_ADOPT_RAW_FILE_DESC,
		.vh_prot_name = WATCH_PROTOCOL_NAME,
		.opaque = w,
	};

	ad.fd.filefd = fd;
	w->fd = fd;
	w->ops = ops;
	w->arg = arg;
	w->wsi = lws_adopt_descriptor_vhost_via_info(&ad);
	if (w->wsi == NULL) {
		/* lws has closed fd already. */
		free(w);
		return NULL;
	}
	return w;
}

int watch_fd(const struct watch *w)
{
	return w->fd;
}

void watch_pause(struct watch *w, int paused)
{
	if (w->paused == paused || w->closing)
		return;
	w->paused = paused;
	lws_rx_flow_control(w->wsi, !paused);
}

int watch_paused(const struct watch *w)
{
	return w->paused;
}

void watch_want_write(struct watch *w)
{
	if (w->closing)
		return;
	if (w->in_writable)
		lws_sul_schedule(lws_get_context(w->wsi), 0, &w->rearm, watch_rearm, 1);
	else
		lws_callback_on_writable(w->wsi);
}

void watch_close(struct watch *w)
{
	if (w->closing)
		return;
	w->closing = 1;
	/* Inside its own callback the return value closes it; elsewhere ask
	 * lws to close it on the next turn of the loop. */
	lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

struct watch *watch_signals(struct lws_vhost *vh, const sigset_t *set,
			    const struct watch_ops *ops, void *arg)
{
	int fd;

	sigprocmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? NULL : watch_new(vh, fd, ops, arg);
}
