// SPDX-License-Identifier: GPL-2.0
/* Client side of the control socket: one request, one response. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "pvm/control.h"

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

int control__request(const char *name, const char *command, struct json_object *args,
		     struct json_object **response)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *req = json_object_new_object();
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *s;
	int fd, ret;

	*response = NULL;
	ret = control__path(name, sa.sun_path, sizeof(sa.sun_path));
	if (ret)
		goto out;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		goto out;
	}
	json_object_object_add(req, "version", json_object_new_int(CONTROL_PROTOCOL_VERSION));
	json_object_object_add(req, "id", json_object_new_int(1));
	json_object_object_add(req, "command", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "args", json_object_get(args));
	s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	ret = send_all(fd, s, strlen(s));
	if (!ret)
		ret = send_all(fd, "\n", 1);
	while (!ret) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&p, 1, CLIENT_TIMEOUT_MS) <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			buf = nb;
			cap += 65536;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0) {
			ret = n ? -errno : -ECONNRESET;
			break;
		}
		len += n;
		buf[len] = '\0';
		nl = strchr(buf, '\n');
		if (nl) {
			*nl = '\0';
			*response = json_tokener_parse(buf);
			ret = *response ? 0 : -EPROTO;
			break;
		}
	}
	close(fd);
out:
	free(buf);
	json_object_put(req);
	return ret;
}
