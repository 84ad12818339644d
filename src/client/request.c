/*
 * request.c: questions to an agent that are about no exec of ours: which
 * execs run there (list), and a signal to one of them by its agent-wide
 * number (signal_exec), as `sbx ps` and `sbx kill` ask them. Each waits
 * for its answer under an id of the connection's, like an exec's.
 */
#include <stdlib.h>

#include "client.h"
#include "xmalloc.h"

struct sbx_request {
	struct sbx_request *next;
	uint32_t id;
	const struct sbx_request_ops *ops;
	void *arg;
};

int request_id_in_use(const struct sbx_conn *c, uint32_t id)
{
	for (const struct sbx_request *r = c->reqs; r; r = r->next)
		if (r->id == id)
			return 1;
	return 0;
}

static void request_send(struct sbx_conn *c, struct msg *m, const struct sbx_request_ops *ops,
			 void *arg)
{
	struct sbx_request *r = xcalloc(1, sizeof *r);

	r->id = conn_new_id(c);
	r->ops = ops;
	r->arg = arg;
	r->next = c->reqs;
	c->reqs = r;
	m->id = r->id;
	conn_push(c, m);
}

void sbx_conn_list(struct sbx_conn *c, const struct sbx_request_ops *ops, void *arg)
{
	struct msg m = {.type = MSG_LIST};

	request_send(c, &m, ops, arg);
}

void sbx_conn_signal_exec(struct sbx_conn *c, uint32_t exec, int signo,
			  const struct sbx_request_ops *ops, void *arg)
{
	struct msg m = {.type = MSG_SIGNAL_EXEC};

	m.u.signal_exec.exec = exec;
	m.u.signal_exec.signo = signo;
	request_send(c, &m, ops, arg);
}

static struct sbx_request *request_take(struct sbx_conn *c, uint32_t id)
{
	struct sbx_request **p, *r;

	for (p = &c->reqs; (r = *p); p = &r->next)
		if (r->id == id) {
			*p = r->next;
			return r;
		}
	return NULL;
}

/* 1 when m answered one of our requests (it is then done with). */
int request_on_message(struct sbx_conn *c, const struct msg *m)
{
	struct sbx_request *r;

	if (m->id == 0 || (m->type != MSG_EXECS && m->type != MSG_SIGNALED && m->type != MSG_ERROR))
		return 0;
	if ((r = request_take(c, m->id)) == NULL)
		return 0;
	if (m->type == MSG_EXECS && r->ops->execs)
		r->ops->execs(c, r->arg, &m->u.execs);
	else if (m->type == MSG_SIGNALED && r->ops->signaled)
		r->ops->signaled(c, r->arg, m->u.signal_exec.exec, m->u.signal_exec.pid);
	else if (m->type == MSG_ERROR && r->ops->error)
		r->ops->error(c, r->arg, m->u.error.code, m->u.error.message);
	free(r);
	return 1;
}

void request_abandon_all(struct sbx_conn *c)
{
	struct sbx_request *r, *next;

	for (r = c->reqs; r; r = next) {
		next = r->next;
		free(r);
	}
	c->reqs = NULL;
}
