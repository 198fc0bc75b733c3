// SPDX-License-Identifier: GPL-2.0
/* Host terminal: console input (with backpressure), the escape key, signals. */
#include <errno.h>
#include <sys/epoll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "pvm/console.h"
#include "pvm/event.h"
#include "pvm/log.h"
#include "cli/term.h"
#include "pvm/vm.h"

static struct termios saved;
static int saved_fd = -1;

void term__restore(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved);
	saved_fd = -1;
}

void term__raw(int fd)
{
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, &saved))
		return;
	saved_fd = fd;
	atexit(term__restore);
	t = saved;
	/* Keys go to the guest as typed (Ctrl-C included); output processing stays on. */
	t.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(ICRNL | IXON | INLCR | IGNCR);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSANOW, &t);
}

/* Filters the escape sequence; returns how many bytes of buf are for the guest. */
static size_t filter_escape(struct vm *vm, u8 *buf, size_t n)
{
	static bool escaped;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (escaped) {
			escaped = false;
			if (buf[i] == 'x') {
				pr_info("Ctrl-a x: stopping the guest");
				vm__request_exit(vm, VM_EXIT_SIGNAL);
				return o;
			}
			if (buf[i] != TERM_ESCAPE)
				buf[o++] = TERM_ESCAPE;
			buf[o++] = buf[i];
		} else if (buf[i] == TERM_ESCAPE) {
			escaped = true;
		} else {
			buf[o++] = buf[i];
		}
	}
	return o;
}

/* Console input the guest has not taken yet (its buffer was full, or none posted). */
static u8 pend_buf[256];
static size_t pend_len, pend_off;
static int term_fd = -1;

static void term_flush(struct vm *vm)
{
	size_t took;

	if (!pend_len)
		return;
	/* Whichever device is the console (vty, virtio-console) takes it. */
	took = console__input(vm, pend_buf + pend_off, pend_len);
	pend_off += took;
	pend_len -= took;
	/* Drained: take more input from the terminal again. */
	if (!pend_len && term_fd >= 0)
		event__mod(vm, term_fd, EPOLLIN);
}

static void term_input(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	ssize_t n;

	/* A hangup is reported even while reading is paused: keep what is held. */
	if (pend_len)
		return;
	n = read(fd, pend_buf, sizeof(pend_buf));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			/* EOF on a pipe: the guest simply gets no more input. */
			event__del(vm, fd);
			term_fd = -1;
		}
		return;
	}
	pend_len = isatty(fd) ? filter_escape(vm, pend_buf, n) : (size_t)n;
	pend_off = 0;
	term_flush(vm);
	/* Backpressure: stop reading until the guest drains its buffer. */
	if (pend_len && term_fd >= 0)
		event__mod(vm, fd, 0);
}

static void term_signal(struct vm *vm, int fd, u32 events __unused, void *data __unused)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si)) {
		pr_info("signal %u: stopping the guest", si.ssi_signo);
		vm__request_exit(vm, VM_EXIT_SIGNAL);
	}
}

int term__poll_ms(struct vm *vm)
{
	term_flush(vm);
	/* While the guest has not drained its input, look again in 10 ms. */
	return pend_len ? 10 : -1;
}

int term__init(struct vm *vm, int in_fd, int sig_fd)
{
	int ret = event__add(vm, sig_fd, EPOLLIN, term_signal, NULL);

	if (ret)
		return ret;
	/* /dev/null and regular files cannot be polled: no console input then. */
	if (in_fd >= 0 && !event__add(vm, in_fd, EPOLLIN, term_input, NULL))
		term_fd = in_fd;
	return 0;
}
