/* log.h: one-line messages on stderr, prefixed with the program's name. */
#ifndef SBX_LOG_H
#define SBX_LOG_H

void log_init(const char *prog, int verbose);
int log_verbose(void);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
