// SPDX-License-Identifier: GPL-2.0
/*
 * The console's host side shared by the console devices (include/pvm/console.h):
 * which device takes terminal input, and the output backpressure policy.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "pvm/boot-trace.h"
#include "pvm/console.h"
#include "pvm/vm.h"

/*
 * Registered during module init and cleared by the module's exit, both on
 * the main thread before or after the event loop runs: the loop only reads.
 */
void console__register(struct vm *vm, const struct console_ops *ops, void *opaque)
{
	vm->console_ops = ops;
	vm->console_opaque = opaque;
}

size_t console__input(struct vm *vm, const u8 *buf, size_t len)
{
	if (!vm->console_ops || !vm->console_ops->input || !len)
		return 0;
	return vm->console_ops->input(vm->console_opaque, buf, len);
}

void console__write(struct vm *vm, const u8 *buf, size_t len)
{
	int fd = vm->cfg.console_fd;

	boot_trace__console(buf, len);
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd p[2] = {
				{ .fd = fd, .events = POLLOUT },
				{ .fd = vm->exit_efd, .events = POLLIN },
			};

			if (vm__exiting(vm))
				return;
			if (errno == EAGAIN && poll(p, 2, -1) > 0 && p[1].revents)
				return;
			continue;
		}
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}
