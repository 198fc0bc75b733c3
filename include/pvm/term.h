/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVM_TERM_H
#define PVM_TERM_H

struct vm;

/* Ctrl-a x leaves pvm; Ctrl-a Ctrl-a sends one Ctrl-a to the guest. */
#define TERM_ESCAPE 0x01

void term__raw(int fd);
void term__restore(void);
/* Serve the console and signals until the VM exits. */
void term__loop(struct vm *vm, int in_fd, int sig_fd);

#endif
