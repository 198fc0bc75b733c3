// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's directory and the client's limits: another local user
 * must not be able to sit between pvm and its clients (a directory owned by
 * someone else, open to others, or a symlink is refused; the socket is never
 * created or chmodded through a link), and a fake server cannot make a client
 * grow without bound.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <json-c/json.h>

#include "testvm.h"
#include "cli/control.h"
#include "pvm/event.h"

#include "kselftest_harness.h"

FIXTURE(cdir) {
	char dir[64];
	char target[64];
	struct vm vm;
};

FIXTURE_SETUP(cdir)
{
	struct vm_config cfg = { .name = "dirtest", .ram_size = 64 << 20 };

	snprintf(self->dir, sizeof(self->dir), "/tmp/pvm-cdir-test-%d", getpid());
	snprintf(self->target, sizeof(self->target), "/tmp/pvm-cdir-target-%d", getpid());
	setenv("PVM_SOCKET_DIR", self->dir, 1);
	ASSERT_EQ(0, vm__init(&self->vm, &cfg));
	ASSERT_EQ(0, event__init(&self->vm));
}

FIXTURE_TEARDOWN(cdir)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/dirtest.sock", self->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/dirtest.sock", self->target);
	unlink(p);
	unlink(self->dir);
	rmdir(self->dir);
	rmdir(self->target);
	close(self->vm.epfd);
	vm__exit(&self->vm);
}

static bool exists(const char *dir, const char *file)
{
	char p[160];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return !lstat(p, &st);
}

/* A runtime directory that does not exist is passed over, not fatal. */
TEST(missing_runtime_directory_falls_back)
{
	char dir[108], want[64];

	unsetenv("PVM_SOCKET_DIR");
	setenv("XDG_RUNTIME_DIR", "/nonexistent-pvm-test/run/user/0", 1);
	ASSERT_EQ(0, control__dir(dir, sizeof(dir)));
	if (geteuid() == 0 && !access("/run", W_OK))
		snprintf(want, sizeof(want), "/run/pvm");
	else
		snprintf(want, sizeof(want), "/tmp/pvm-%u", (unsigned int)geteuid());
	EXPECT_STREQ(want, dir);
	setenv("XDG_RUNTIME_DIR", "/tmp", 1);
	ASSERT_EQ(0, control__dir(dir, sizeof(dir)));
	EXPECT_STREQ("/tmp/pvm", dir);
	unsetenv("XDG_RUNTIME_DIR");
}

TEST_F(cdir, private_directory_is_used)
{
	struct stat st;

	ASSERT_EQ(0, control__init(&self->vm));
	ASSERT_EQ(0, stat(self->dir, &st));
	EXPECT_EQ(0700U, st.st_mode & 07777);
	EXPECT_TRUE(exists(self->dir, "dirtest.sock"));
	control__exit(&self->vm);
}

TEST_F(cdir, directory_of_another_user_is_refused)
{
	char why[128];

	if (geteuid())
		SKIP(return, "needs root to give the directory away");
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, chown(self->dir, 12345, 12345));
	EXPECT_EQ(-EPERM, control__check_dir(self->dir, true, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "belongs to uid 12345"));
	EXPECT_GT(0, control__init(&self->vm));
	EXPECT_FALSE(exists(self->dir, "dirtest.sock"));
}

TEST_F(cdir, directory_open_to_others_is_refused)
{
	static const mode_t modes[] = { 0777, 0755, 0770, 0701, 01777 };
	char why[128];
	unsigned int i;

	ASSERT_EQ(0, mkdir(self->dir, 0700));
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ASSERT_EQ(0, chmod(self->dir, modes[i]));
		EXPECT_EQ(-EPERM, control__check_dir(self->dir, true, why, sizeof(why)));
		EXPECT_NE(NULL, strstr(why, "open to other users")) {
			TH_LOG("mode %o: %s", modes[i], why);
		}
		EXPECT_GT(0, control__init(&self->vm));
		EXPECT_FALSE(exists(self->dir, "dirtest.sock"));
	}
}

TEST_F(cdir, symlinked_directory_is_refused_and_never_written_through)
{
	char why[128];

	/* The link points at a perfectly private directory: still refused. */
	ASSERT_EQ(0, mkdir(self->target, 0700));
	ASSERT_EQ(0, symlink(self->target, self->dir));
	EXPECT_EQ(-ELOOP, control__check_dir(self->dir, true, why, sizeof(why)));
	EXPECT_GT(0, control__init(&self->vm));
	EXPECT_FALSE(exists(self->target, "dirtest.sock"));
}

TEST_F(cdir, not_a_directory_is_refused)
{
	char why[128];
	int fd = open(self->dir, O_CREAT | O_WRONLY, 0600);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-ENOTDIR, control__check_dir(self->dir, true, why, sizeof(why)));
	EXPECT_GT(0, control__init(&self->vm));
}

/* A "server" in an open directory: the client must not even connect. */
TEST_F(cdir, client_refuses_an_open_directory)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *r = NULL;
	int fd, c;

	ASSERT_EQ(0, mkdir(self->dir, 0700));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/evil.sock", self->dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(fd, 4));
	ASSERT_EQ(0, chmod(self->dir, 0777));
	EXPECT_EQ(-EACCES, control__request("evil", "query", NULL, &r));
	EXPECT_EQ(NULL, r);
	c = accept(fd, NULL, NULL);
	EXPECT_EQ(-1, c);
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	unlink(sa.sun_path);
}

struct flood {
	int fd;
};

/* Accepts one client, reads its request, answers 4 MiB with no newline. */
static void *flood_server(void *arg)
{
	struct flood *f = arg;
	static char junk[65536];
	char req[4096];
	int c = accept(f->fd, NULL, NULL);
	unsigned int i;

	if (c < 0)
		return NULL;
	if (read(c, req, sizeof(req)) <= 0) {
		close(c);
		return NULL;
	}
	memset(junk, 'x', sizeof(junk));
	for (i = 0; i < 64; i++)
		if (send(c, junk, sizeof(junk), MSG_NOSIGNAL) <= 0)
			break;
	close(c);
	return NULL;
}

TEST_F(cdir, client_reply_is_bounded)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control_conn conn;
	struct json_object *r = NULL;
	struct flood f;
	pthread_t th;

	ASSERT_EQ(0, mkdir(self->dir, 0700));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/flood.sock", self->dir);
	f.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, f.fd);
	ASSERT_EQ(0, bind(f.fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(f.fd, 4));
	ASSERT_EQ(0, pthread_create(&th, NULL, flood_server, &f));
	ASSERT_EQ(0, control__connect("flood", &conn));
	EXPECT_EQ(-EMSGSIZE, control__call(&conn, "query", NULL, &r));
	EXPECT_EQ(NULL, r);
	EXPECT_LE(conn.cap, (size_t)CONTROL_MAX_REPLY + 65536);
	control__disconnect(&conn);
	pthread_join(th, NULL);
	close(f.fd);
	unlink(sa.sun_path);
}

TEST_HARNESS_MAIN
