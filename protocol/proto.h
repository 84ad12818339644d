/*
 * proto.h: the sbx exec protocol v1 as C data. Control messages (JSON in
 * WebSocket text frames) and data frames (binary, fixed header). Encode and
 * decode work on bytes only; no function here touches a socket.
 * PROTOCOL.md beside this file is the normative description.
 */
#ifndef SBX_PROTO_H
#define SBX_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION 1
#define PROTO_SUBPROTOCOL "sbx.v1"

/* Limits, also announced in the agent's hello. */
#define PROTO_MAX_FRAME (1024 * 1024) /* any frame, text or binary */
#define PROTO_MAX_DATA (64 * 1024)    /* payload a sender puts in one data frame */
#define PROTO_MAX_EXECS 256           /* live execs per connection */
#define PROTO_MAX_ARGS 4096           /* args of one exec */
#define PROTO_MAX_ENV 4096            /* env entries of one exec */
#define PROTO_FRAME_HDR 14            /* version, kind, id (4), offset (8) */
#define PROTO_MAX_MOUNTS 16           /* mounts of one exec */
/* Flow control: the stdin bytes a client may send an exec before the agent
 * grants more with `window`. The output window is the client's choice,
 * announced in its hello (0 or absent: no output credit is kept). */
#define PROTO_STDIN_WINDOW (1024 * 1024)
#define PROTO_MAX_WINDOW (64u * 1024 * 1024) /* largest grant in one message */

enum proto_err {
	PERR_OK = 0,
	PERR_BAD_JSON,        /* text frame is not one JSON object */
	PERR_BAD_UTF8,        /* text frame is not valid UTF-8 */
	PERR_BAD_MESSAGE,     /* missing field, wrong type or value out of range */
	PERR_UNKNOWN_TYPE,    /* type unknown, or not sent in this direction */
	PERR_FRAME_TOO_LARGE, /* frame over PROTO_MAX_FRAME */
	PERR_BAD_FRAME,       /* binary frame truncated or of unknown kind */
	PERR_VERSION,         /* peer speaks another major version */
	PERR_HELLO_REQUIRED,  /* first message was not hello */
	PERR_UNKNOWN_EXEC,    /* id names no live exec on this connection */
	PERR_DUPLICATE_ID,    /* exec id already in use */
	PERR_TOO_MANY_EXECS,  /* PROTO_MAX_EXECS reached */
	PERR_STDIN_CLOSED,    /* stdin data for an exec whose stdin is not open */
	PERR_UNAUTHORIZED,    /* token missing or wrong (HTTP 401, never a frame) */
	PERR_TLS,             /* the client could not verify the agent (never a frame) */
	PERR_INTERNAL,        /* the agent could not do it (resources) */
	PERR__COUNT
};

struct proto_error {
	enum proto_err code;
	char message[200];
	uint32_t id; /* exec the bad message named, when it named one validly */
};

const char *proto_err_name(enum proto_err code);
int proto_err_from_name(const char *name); /* -1 if unknown */
void proto_error_set(struct proto_error *e, enum proto_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Control messages. */
enum msg_type {
	MSG_HELLO,       /* both ways, first message */
	MSG_EXEC,        /* client -> agent */
	MSG_STDIN_CLOSE, /* client -> agent */
	MSG_SIGNAL,      /* client -> agent */
	MSG_KILL,        /* client -> agent */
	MSG_STARTED,     /* agent -> client */
	MSG_EXITED,      /* agent -> client */
	MSG_FAILED,      /* agent -> client */
	MSG_ERROR,       /* agent -> client */
	MSG_WINDOW,      /* both ways: credit for more data of one exec */
	MSG_LIST,        /* client -> agent: which execs run here */
	MSG_EXECS,       /* agent -> client: the answer to list */
	MSG_SIGNAL_EXEC, /* client -> agent: signal an exec by its agent-wide number */
	MSG_SIGNALED,    /* agent -> client: the answer to signal_exec */
	MSG_RESIZE,      /* client -> agent: a tty exec's new size */
	MSG_ATTACH,      /* client -> agent: watch (and type into) a session */
	MSG_ATTACHED,    /* agent -> client: the answer to attach */
	MSG_DETACH,      /* client -> agent: leave a session running */
	MSG_DETACHED,    /* agent -> client: the answer to detach */
	MSG_STAMP,       /* agent -> client: when a viewer's next output was read */
	MSG__COUNT
};

enum msg_dir { DIR_TO_AGENT = 1, DIR_TO_CLIENT = 2, DIR_BOTH = 3 };

enum stdin_mode { STDIN_NULL, STDIN_PIPE };

enum fail_kind {
	FAIL_NOT_FOUND,  /* ENOENT at exec */
	FAIL_PERMISSION, /* EACCES/EPERM at exec */
	FAIL_BAD_CWD,    /* working directory missing or unusable */
	FAIL_BAD_USER,   /* user unknown or cannot switch */
	FAIL_SPAWN,      /* any other reason (resources, ENOEXEC...) */
	FAIL_BAD_MOUNT,  /* a disk of "mounts" unknown, its subdir bad, or mounting failed */
	FAIL__COUNT
};

struct msg_hello {
	int version;
	char *software;     /* "sbx/0.1.0", "sbx-agent/0.1.0" */
	uint32_t max_frame; /* agent only; 0 in the client's */
	uint32_t max_execs;
	uint32_t window;    /* client only: output credit per exec; 0: none kept */
	char *instance;     /* agent only: this run of the agent, to tell a restart */
};

struct msg_exec {
	char *cmd;   /* NULL with login */
	char **args; /* args[nargs] == NULL; cmd is not repeated here */
	size_t nargs;
	char *cwd;   /* NULL: the agent's default */
	char *user;  /* NAME, UID, NAME:GROUP or UID:GID; NULL: the agent's */
	int tty;     /* a PTY of rows x cols for stdin, stdout and stderr */
	uint16_t rows, cols;
	char **env;  /* "K=V" strings, env[nenv] == NULL */
	size_t nenv;
	enum stdin_mode stdin_mode;
	struct msg_rlimit {
		int resource;          /* RLIMIT_* */
		int64_t soft, hard;    /* -1: unlimited */
	} rlimits[16];
	size_t nrlimits;
	struct msg_mount {
		char *key;    /* a disk the agent was given (--disk KEY=PATH) */
		char *subdir; /* NULL: the whole disk */
		int ro;
	} *mounts;      /* each at /mnt/archil/KEY, for this exec only */
	size_t nmounts;
	uint64_t output_limit;  /* bytes per stream sent at most; 0: none */
	uint32_t timeout_ms;    /* 0: none; at the deadline TERM, then KILL */
	uint32_t kill_grace_ms; /* between TERM and KILL; 0: PROTO_KILL_GRACE_MS */
	int session;            /* outlives the connection, reattachable */
	int login;              /* cmd is the user's login shell, run with -l */
	uint32_t linger_ms;     /* session: ended this long after its last viewer left; 0: never */
	int stamps;             /* session: its first viewer gets stamp messages */
};

#define PROTO_KILL_GRACE_MS 2000

struct msg_signal {
	int signo;
};

struct msg_started {
	int64_t pid;
	uint32_t exec; /* agent-wide number, for list and signal_exec; 0: none */
};

/* One live exec in an execs message. */
struct msg_exec_info {
	uint32_t exec;
	int64_t pid;
	char *cmd;
	char **args; /* args[nargs] == NULL */
	size_t nargs;
	int64_t started_at_ms; /* wall clock, ms since the epoch */
	int tty;
	char *via;         /* "ws" or "http" */
	/* Sessions only (session set): who watches, and how it ended. */
	int session;
	uint32_t attached; /* clients attached now */
	uint16_t rows, cols;
	int exited;        /* the process is gone; code or signo say how */
	int code, signo;
	int64_t ended_at_ms;
};

struct msg_execs {
	struct msg_exec_info *v;
	size_t n;
};

struct msg_resize {
	uint16_t rows, cols;
};

struct msg_attach {
	uint32_t session;     /* the session's exec number */
	uint16_t rows, cols;  /* this client's terminal; 0: takes the session's */
	int read_only;        /* watch only: no stdin, no say in the size */
	int resume;           /* offset is set: continue from there */
	uint64_t offset;      /* the first output byte this client lacks */
	int stamps;           /* send stamp messages: when the output was read */
};

struct msg_attached {
	uint32_t session;
	int64_t pid;
	uint64_t offset;       /* output from here on follows the screen */
	uint64_t lost;         /* resume: bytes between offset asked and offset */
	uint64_t screen_bytes; /* screen frames that come first (repaint) */
	uint16_t rows, cols;   /* the session's size now; 0 without a terminal */
	/* The stream offsets of the first stdout and stderr frames to come
	 * (offset is their sum: the session's output counts both). */
	uint64_t stdout_offset, stderr_offset;
	/* Stdin the session's command was given, from all its viewers: a
	 * client that lost its connection sends again what came after. */
	uint64_t stdin_offset;
	int stdin_known; /* the agent said stdin_offset (an older one does not) */
};

/* stamp: the output that follows under this id was read at ts_ms. */
struct msg_stamp {
	int64_t ts_ms; /* wall clock, ms since the epoch */
};

struct msg_signal_exec {
	uint32_t exec;
	int signo;
	int64_t pid; /* in signaled: the process group that got it */
};

struct msg_exited {
	int code;   /* -1 when killed by a signal */
	int signo;  /* 0 when exited normally */
	int core_dumped;
	int timed_out;
	double total_ms, queue_ms, execute_ms;
	uint64_t stdout_bytes, stderr_bytes;     /* sent */
	uint64_t stdout_dropped, stderr_dropped; /* past output_limit */
};

struct msg_failed {
	enum fail_kind kind;
	int err;      /* errno */
	char *stage;  /* "chdir", "exec", "fork", ... */
	char *message;
};

struct msg_window {
	uint32_t bytes; /* more data the sender of this message will take */
};

struct msg_err {
	enum proto_err code;
	char *message;
};

struct msg {
	enum msg_type type;
	uint32_t id; /* exec id; 0 when the message names none */
	union {
		struct msg_hello hello;
		struct msg_exec exec;
		struct msg_signal signal;
		struct msg_started started;
		struct msg_exited exited;
		struct msg_failed failed;
		struct msg_err error;
		struct msg_window window;
		struct msg_execs execs;
		struct msg_signal_exec signal_exec; /* signal_exec and signaled */
		struct msg_resize resize;
		struct msg_attach attach;
		struct msg_attached attached;
		struct msg_stamp stamp;
	} u;
};

const char *msg_type_name(enum msg_type t);
enum msg_dir msg_type_dir(enum msg_type t);
const char *fail_kind_name(enum fail_kind k);

/*
 * Decode one text frame sent in direction `dir`. On success fills *m (free
 * with msg_free) and returns 0; otherwise returns -1 with *e set and *m
 * left empty (msg_free on it is harmless).
 */
int msg_decode(const char *buf, size_t len, enum msg_dir dir, struct msg *m,
	       struct proto_error *e);
/* Encode to a NUL-terminated JSON string (malloc'd); *len excludes the NUL. */
char *msg_encode(const struct msg *m, size_t *len);
void msg_free(struct msg *m);
/* Milliseconds rounded to the microsecond, as exited's timings travel. */
double msg_round_ms(double ms);

/* Data frames. */
/* FRAME_SCREEN: the repaint of a session's screen, sent on attach before
 * its output resumes; its offsets count within that repaint. */
enum frame_kind { FRAME_STDIN = 0, FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_SCREEN = 3, FRAME__COUNT };

struct frame {
	enum frame_kind kind;
	uint32_t id;
	uint64_t offset; /* of data[0] within this exec's stream */
	const uint8_t *data; /* points into the decoded buffer */
	size_t len;
};

void frame_encode_header(uint8_t hdr[PROTO_FRAME_HDR], enum frame_kind kind,
			 uint32_t id, uint64_t offset);
int frame_decode(const uint8_t *buf, size_t len, struct frame *f,
		 struct proto_error *e);
const char *frame_kind_name(enum frame_kind k);

/* Resource limits by their short names (cpu, nofile, ...); -1 if unknown. */
int rlimit_from_name(const char *name);
const char *rlimit_name(int resource);
extern const char rlimit_names[]; /* "cpu fsize ... rttime", for messages */

/* Signals by name ("INT", "SIGINT") or number ("2"); -1 if unknown. */
int sig_from_name(const char *name);
const char *sig_name(int signo); /* "INT", or NULL */

/* 1 if buf holds valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int utf8_valid(const uint8_t *buf, size_t len);

#endif
