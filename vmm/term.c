// SPDX-License-Identifier: GPL-2.0
/* Host terminal and pvm's main event loop: console input, signals, VM exit. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "pvm/log.h"
#include "pvm/term.h"
#include "pvm/vm.h"
#include "pvm/vty.h"

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

void term__loop(struct vm *vm, int in_fd, int sig_fd)
{
	bool tty = isatty(in_fd);
	u8 buf[256];
	size_t pend_len = 0, pend_off = 0;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = vm->exit_efd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = in_fd, .events = POLLIN },
		};
		int nfds = in_fd >= 0 && !pend_len ? 3 : 2;
		/* While the guest has not drained its input, poll it every 10 ms. */
		int timeout = pend_len ? 10 : -1;

		if (poll(pfd, nfds, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				pr_info("signal %u: stopping the guest", si.ssi_signo);
				vm__request_exit(vm, VM_EXIT_SIGNAL);
			}
		}
		if (nfds == 3 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(in_fd, buf, sizeof(buf));

			if (n <= 0) {
				/* EOF on a pipe: the guest simply gets no more input. */
				if (n == 0 || (errno != EINTR && errno != EAGAIN))
					in_fd = -1;
				continue;
			}
			pend_len = tty ? filter_escape(vm, buf, n) : (size_t)n;
			pend_off = 0;
		}
		if (pend_len && vm->vty) {
			size_t took = vty__input(vm->vty, buf + pend_off, pend_len);

			pend_off += took;
			pend_len -= took;
		}
	}
}
