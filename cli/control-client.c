// SPDX-License-Identifier: GPL-2.0
/* Client side of the control socket: one request, one response. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/control.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#define CLIENT_TIMEOUT_MS 10000

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Why the last connect refused the socket directory (control__conn_error). */
static char dir_why[256];

int control__connect(const char *name, struct control_conn *conn)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[108], why[128];
	int ret;

	memset(conn, 0, sizeof(*conn));
	conn->fd = -1;
	ret = control__path(name, sa.sun_path, sizeof(sa.sun_path));
	if (ret)
		return ret;
	/* Only talk to sockets in a directory nobody else controls. */
	control__dir(dir, sizeof(dir));
	ret = control__check_dir(dir, false, why, sizeof(why));
	if (ret == -ENOENT)
		return ret;
	if (ret) {
		snprintf(dir_why, sizeof(dir_why), "%s %s", dir, why);
		return -EACCES;
	}
	conn->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (conn->fd < 0)
		return -errno;
	if (connect(conn->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(conn->fd);
		conn->fd = -1;
		return ret;
	}
	return 0;
}

void control__disconnect(struct control_conn *conn)
{
	if (conn->fd >= 0)
		close(conn->fd);
	conn->fd = -1;
	free(conn->buf);
	conn->buf = NULL;
	conn->len = conn->cap = 0;
}

int control__send(struct control_conn *conn, const char *command, struct json_object *args)
{
	struct json_object *req = json_object_new_object();
	const char *s;
	int ret;

	json_object_object_add(req, "version", json_object_new_int(CONTROL_PROTOCOL_VERSION));
	json_object_object_add(req, "id", json_object_new_int64(++conn->seq));
	json_object_object_add(req, "command", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "args", json_object_get(args));
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	ret = send_all(conn->fd, s, strlen(s));
	if (!ret)
		ret = send_all(conn->fd, "\n", 1);
	json_object_put(req);
	return ret;
}

int control__receive(struct control_conn *conn, struct json_object **response, int timeout_ms)
{
	*response = NULL;
	for (;;) {
		char *nl = conn->len ? memchr(conn->buf, '\n', conn->len) : NULL;
		struct pollfd p = { .fd = conn->fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t line = nl - conn->buf + 1;

			*nl = '\0';
			*response = json_tokener_parse(conn->buf);
			conn->len -= line;
			memmove(conn->buf, conn->buf + line, conn->len);
			return *response ? 0 : -EPROTO;
		}
		n = poll(&p, 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ETIMEDOUT;
		/* A server that never ends its line cannot make us grow without bound. */
		if (conn->len >= CONTROL_MAX_REPLY)
			return -EMSGSIZE;
		if (conn->cap - conn->len < 4096) {
			char *nb = realloc(conn->buf, conn->cap + 65536);

			if (!nb)
				return -ENOMEM;
			conn->buf = nb;
			conn->cap += 65536;
		}
		n = recv(conn->fd, conn->buf + conn->len, conn->cap - conn->len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ECONNRESET;
		conn->len += n;
	}
}

int control__call(struct control_conn *conn, const char *command, struct json_object *args,
		  struct json_object **response)
{
	int ret = control__send(conn, command, args);

	return ret ? ret : control__receive(conn, response, CLIENT_TIMEOUT_MS);
}

int control__request(const char *name, const char *command, struct json_object *args,
		     struct json_object **response)
{
	struct control_conn conn;
	int ret;

	*response = NULL;
	ret = control__connect(name, &conn);
	if (!ret)
		ret = control__call(&conn, command, args, response);
	control__disconnect(&conn);
	return ret;
}

struct json_object *control__get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o)
		json_object_object_get_ex(o, key, &v);
	return v;
}

int control__conn_error(const char *name, int err)
{
	if (err == -ENOENT || err == -ECONNREFUSED) {
		pr_err("no VM named '%s' is running", name);
		return PVM_EXIT_NOINPUT;
	}
	if (err == -EINVAL) {
		pr_err("'%s' is not a VM name", name);
		return PVM_EXIT_USAGE;
	}
	if (err == -EACCES && *dir_why) {
		pr_err("not asking VM '%s': the control socket directory %s", name, dir_why);
		return PVM_EXIT_NOINPUT;
	}
	if (err == -EMSGSIZE) {
		pr_err("VM '%s' answered with a line over %llu bytes: not a pvm", name,
		       (unsigned long long)CONTROL_MAX_REPLY);
		return PVM_EXIT_NOINPUT;
	}
	pr_err("VM '%s' did not answer: %s", name, strerror(-err));
	return PVM_EXIT_NOINPUT;
}
