/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TESTS_CTL_CLIENT_H
#define PVM_TESTS_CTL_CLIENT_H

/* A raw control-socket client for the unit tests: lines out, parsed lines in. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

static inline int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One response line, parsed; NULL on EOF or when nothing came within ms (< 0: wait). */
static inline struct json_object *read_resp(int fd, int ms)
{
	static char buf[16384];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;

	if (poll(&pfd, 1, ms) != 1)
		return NULL;
	while (len < sizeof(buf) - 1) {
		ssize_t n = recv(fd, buf + len, 1, 0);

		if (n <= 0)
			return NULL;
		if (buf[len] == '\n') {
			buf[len] = '\0';
			return json_tokener_parse(buf);
		}
		len++;
	}
	return NULL;
}

static inline bool send_line(int fd, const char *line)
{
	size_t len = strlen(line);

	return send(fd, line, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static inline struct json_object *ask(int fd, const char *line)
{
	return send_line(fd, line) ? read_resp(fd, 10000) : NULL;
}

static inline struct json_object *jget(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return v;
}

/* A member (a, or a.b) as a string, "<none>" when missing (safe for EXPECT_STREQ). */
static inline const char *field(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = jget(o, a, b);

	return v ? json_object_get_string(v) : "<none>";
}

#endif
