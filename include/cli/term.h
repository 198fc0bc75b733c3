/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TERM_H
#define PVM_TERM_H

struct vm;

/* Ctrl-a x leaves pvm; Ctrl-a Ctrl-a sends one Ctrl-a to the guest. */
#define TERM_ESCAPE 0x01

void term__raw(int fd);
void term__restore(void);
/* Register console input and the signal fd with the event loop. */
int term__init(struct vm *vm, int in_fd, int sig_fd);
/* For event__loop(): flushes held input; the next poll timeout. */
int term__poll_ms(struct vm *vm);

#endif
