// SPDX-License-Identifier: GPL-2.0
/*
 * Control socket server. Each client line is one JSON request:
 *   {"version": 1, "id": <any>, "command": "query", "args": {...}}
 * answered by one line:
 *   {"version": 1, "id": <same>, "ok": true, "result": {...}}
 *   {"version": 1, "id": <same>, "ok": false, "error": {"code": "...", "message": "..."}}
 * Served from the main-thread event loop: a slow or hostile client costs
 * the vCPUs nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/control.h"
#include "pvm/command.h"
#include "pvm/event.h"
#include "pvm/log.h"
#include "pvm/vm.h"

#include "control-priv.h"

static int listen_fd = -1;
static char sock_path[108];
static unsigned int nr_clients;
static struct client *clients;
struct client *control_pumping;
/* Written by control__wake(): open calls get their ready() from the loop. */
static int wake_fd = -1;

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * The first usable of: $PVM_SOCKET_DIR (asked for by name: used as given),
 * $XDG_RUNTIME_DIR/pvm while that runtime directory exists, /run/pvm for
 * root while /run exists and is writable, /tmp/pvm-UID. A candidate whose
 * parent is missing (a minimal root without /run, an XDG_RUNTIME_DIR kept
 * across sudo or chroot) is passed over, so server and client, which both
 * decide here, land on the same directory.
 */
int control__dir(char *buf, size_t size)
{
	const char *d = getenv("PVM_SOCKET_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (d && *d)
		n = snprintf(buf, size, "%s", d);
	else if (xdg && *xdg && is_dir(xdg))
		n = snprintf(buf, size, "%s/pvm", xdg);
	else if (geteuid() == 0 && is_dir("/run") && !access("/run", W_OK))
		n = snprintf(buf, size, "/run/pvm");
	else
		n = snprintf(buf, size, "/tmp/pvm-%u", (unsigned int)geteuid());
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int control__check_dir(const char *dir, bool create, char *why, size_t size)
{
	struct stat st;

	if (create && mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(why, size, "cannot be created: %s", strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st)) {
		snprintf(why, size, "%s", strerror(errno));
		return -errno;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, size, "is a symbolic link");
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, size, "is not a directory");
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		snprintf(why, size, "belongs to uid %u, not to you (uid %u)",
			 (unsigned int)st.st_uid, (unsigned int)geteuid());
		return -EPERM;
	}
	if (st.st_mode & 077) {
		snprintf(why, size, "is open to other users (mode %04o; chmod 700 it)",
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int control__path(const char *name, char *buf, size_t size)
{
	char dir[108];
	int n;

	if (!name || !*name || strchr(name, '/') || strlen(name) > 64)
		return -EINVAL;
	if (control__dir(dir, sizeof(dir)))
		return -ENAMETOOLONG;
	n = snprintf(buf, size, "%s/%s.sock", dir, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static void client_close(struct vm *vm, struct client *c)
{
	struct client **pp;

	for (pp = &clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	control__call_cancel(vm, &c->call);
	event__del(vm, c->fd);
	close(c->fd);
	free(c->out);
	free(c);
	nr_clients--;
}

/* Sends what it can; false if the client is gone. */
static bool flush_out(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += n;
	}
	c->out_off = c->out_len = 0;
	return true;
}

static void overlong(struct client *c)
{
	static const char msg[] = "{\"version\":1,\"ok\":false,\"error\":{\"code\":\"too-long\","
				  "\"message\":\"request line over 64 KiB\"}}";

	control__queue_out(c, msg, sizeof(msg) - 1);
}

/* Answers complete lines until the output backlog says to wait. */
static bool serve_lines(struct vm *vm, struct client *c)
{
	char *nl;

	while (!c->call.open && c->out_len < OUT_PAUSE && (nl = memchr(c->buf, '\n', c->len))) {
		struct json_object *resp;
		bool queued = true;

		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		resp = control__handle_line(vm, c, c->buf);
		if (resp) {
			queued = control__queue_json(c, resp);
			json_object_put(resp);
		}
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len);
		c->buf[c->len] = '\0';
		if (!queued || c->broken)
			return false;
	}
	return true;
}

/*
 * Let an open call answer while the client keeps up: -1 the client must go,
 * 0 nothing more for now, 1 stopped because the client is not reading.
 */
static int pump_call(struct vm *vm, struct client *c)
{
	struct control_call *call = &c->call;

	while (call->open) {
		unsigned long answers = call->answers;

		if (c->out_len >= OUT_PAUSE)
			return 1;
		call->ops->ready(vm, call);
		if (c->broken)
			return -1;
		if (call->answers == answers)
			return 0;
	}
	return 0;
}

/* Serve the open call and request lines, sending in turns; false if the client must go. */
static bool client_pump(struct vm *vm, struct client *c)
{
	bool ok = true;
	int more;

	control_pumping = c;
	c->kicked = false;
	do {
		bool was_open = c->call.open;

		more = c->call.open ? pump_call(vm, c) : 0;
		if (more < 0 || c->broken || !serve_lines(vm, c) || !flush_out(c)) {
			ok = false;
			break;
		}
		/* A request just deferred: what it waits for may be there already. */
		if (!was_open && c->call.open)
			more = 1;
	} while (!c->out_len && (more > 0 || (!c->call.open && memchr(c->buf, '\n', c->len))));
	control_pumping = NULL;
	return ok;
}

static void client_event(struct vm *vm, int fd, u32 events, void *data)
{
	struct client *c = data;
	bool too_long = false;

	if (events & EPOLLIN) {
		ssize_t n = recv(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_close(vm, c);
			return;
		}
		if (n > 0) {
			c->len += n;
			c->buf[c->len] = '\0';
		}
	} else if (events & (EPOLLERR | EPOLLHUP)) {
		client_close(vm, c);
		return;
	}
	/* Serve and send in turns while the client keeps taking the answers. */
	if (!client_pump(vm, c)) {
		client_close(vm, c);
		return;
	}
	if (c->len == sizeof(c->buf) - 1 && !memchr(c->buf, '\n', c->len)) {
		overlong(c);
		too_long = true;
		if (!flush_out(c) || !c->out_len) {
			client_close(vm, c);
			return;
		}
	}
	if (too_long) {
		/* Say why, then hang up once the answer is out. */
		c->len = 0;
		event__mod(vm, fd, EPOLLOUT);
		c->buf[0] = '\0';
		return;
	}
	/* Backlog: wait until the client reads; else take more requests. */
	event__mod(vm, fd, c->out_len ? EPOLLOUT : EPOLLIN);
}

static void accept_client(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct client *c;

	if (cfd < 0)
		return;
	if (nr_clients >= CONTROL_MAX_CLIENTS) {
		static const char busy[] = "{\"version\":1,\"ok\":false,\"error\":{\"code\":\"busy\","
					   "\"message\":\"too many control clients\"}}\n";
		ssize_t n __unused = send(cfd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);

		close(cfd);
		return;
	}
	c = malloc(sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	memset(c, 0, offsetof(struct client, buf));
	c->fd = cfd;
	if (event__add(vm, cfd, EPOLLIN, client_event, c)) {
		close(cfd);
		free(c);
		return;
	}
	c->next = clients;
	clients = c;
	nr_clients++;
}

/* Open calls may answer, and clients answered outside their turn are served. */
static void wake_event(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	struct client *c, *next;
	u64 v;
	ssize_t n __unused = read(fd, &v, sizeof(v));

	for (c = clients; c; c = next) {
		next = c->next;
		if (!c->call.open && !c->kicked && !c->broken)
			continue;
		if (c->broken || !client_pump(vm, c))
			client_close(vm, c);
		else
			event__mod(vm, c->fd, c->out_len ? EPOLLOUT : EPOLLIN);
	}
}

void control__wake(struct vm *vm __unused)
{
	int fd = __atomic_load_n(&wake_fd, __ATOMIC_ACQUIRE);
	u64 one = 1;

	if (fd >= 0) {
		ssize_t n __unused = write(fd, &one, sizeof(one));
	}
}

int control__init(struct vm *vm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[108], why[128];
	mode_t mask;
	int fd, ret;

	if (control__dir(dir, sizeof(dir)) ||
	    control__path(vm->cfg.name, sock_path, sizeof(sock_path))) {
		pr_err("--name %s: not usable as a control socket name (letters, no '/', at most 64)",
		       vm->cfg.name);
		return -EINVAL;
	}
	/*
	 * Only a private directory of ours: in someone else's (or an open one),
	 * another local user could swap the socket and answer our clients.
	 */
	ret = control__check_dir(dir, true, why, sizeof(why));
	if (ret) {
		pr_err("control socket directory %s %s: refusing it (remove it, or set "
		       "PVM_SOCKET_DIR to a directory only you can use)", dir, why);
		return ret;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		pr_err("control socket %s: %s", sock_path, strerror(-ret));
		return ret;
	}
	/* A socket file nobody answers on is left from a crashed pvm: reuse the name. */
	if (!access(sock_path, F_OK)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
			close(probe);
			close(fd);
			pr_err("a VM named '%s' is already running (%s)", vm->cfg.name, sock_path);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
		unlink(sock_path);
	}
	/* Created 0600 by bind itself: no chmod by path afterwards. */
	mask = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (!ret)
		ret = listen(fd, 64);
	if (ret) {
		pr_err("control socket %s: %m", sock_path);
		close(fd);
		return -errno;
	}
	ret = event__add(vm, fd, EPOLLIN, accept_client, NULL);
	if (ret) {
		close(fd);
		unlink(sock_path);
		return ret;
	}
	listen_fd = fd;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = fd < 0 ? -errno : event__add(vm, fd, EPOLLIN, wake_event, NULL);
	if (ret) {
		pr_err("control socket %s: no wake-up eventfd: %s", sock_path, strerror(-ret));
		if (fd >= 0)
			close(fd);
		control__exit(vm);
		return ret;
	}
	__atomic_store_n(&wake_fd, fd, __ATOMIC_RELEASE);
	pr_info("control socket %s", sock_path);
	return 0;
}

void control__exit(struct vm *vm)
{
	int fd = __atomic_exchange_n(&wake_fd, -1, __ATOMIC_ACQ_REL);

	/* Open calls are cancelled here, before the modules they belong to go. */
	while (clients)
		client_close(vm, clients);
	if (fd >= 0) {
		event__del(vm, fd);
		close(fd);
	}
	if (listen_fd >= 0) {
		event__del(vm, listen_fd);
		close(listen_fd);
		unlink(sock_path);
		listen_fd = -1;
	}
}
