// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio/console.c) behind the virtio-pci transport, on the
 * real pseries machine with the fake accelerator: guest output reaches the
 * console fd with the vty's backpressure, host input goes into the receive
 * buffers the driver posted and is held while there are none, and a reset
 * forgets both. The control "stats" counters come along.
 */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>

#include <json-c/json.h>

#include "pvm/command.h"
#include "pvm/console.h"
#include "pvm/event.h"
#include "testvm.h"
#include "virtio/console.h"
#include "virtq-ring.h"

#include "kselftest_harness.h"

#include "fake-pci.h"
#include "virtio-driver.h"

const struct control_command *control__find_command(struct vm *vm, const char *name);

#define QSIZE 8
#define RXBUF 0x8000ULL
#define TXBUF 0x9000ULL
#define STATUS_OK (STATUS_UP | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK)

/* Queue q on r's rings with MSI-X vector q + 1, enabled. */
static void setup_queue(struct pci_dev *d, unsigned int q, const struct test_ring *r)
{
	wr(d, VIRTIO_PCI_Q_SELECT, q, 2);
	wr(d, VIRTIO_PCI_Q_SIZE, r->size, 2);
	wr(d, VIRTIO_PCI_Q_DESCLO, r->desc, 8);
	wr(d, VIRTIO_PCI_Q_AVAILLO, r->avail, 8);
	wr(d, VIRTIO_PCI_Q_USEDLO, r->used, 8);
	wr(d, VIRTIO_PCI_Q_MSIX, q + 1, 2);
	wr(d, VIRTIO_PCI_Q_ENABLE, 1, 2);
}

/* The transmit ring away from the receive ring (ring__setup's places). */
static void tx_ring_setup(struct test_ring *r, u8 *ram)
{
	*r = (struct test_ring){ .ram = ram, .size = QSIZE, .desc = 0x10000, .avail = 0x11000,
				 .used = 0x12000 };
	memset(ram + 0x10000, 0, 0x3000);
}

/* Guest output: a readable buffer with s as chain head i, made available. */
static void tx_add(struct test_ring *r, u16 i, const char *s)
{
	size_t len = strlen(s);

	memcpy(r->ram + TXBUF + 0x100 * i, s, len);
	ring__desc(r, i, TXBUF + 0x100 * i, len, 0, 0);
	ring__avail(r, i);
}

/* A receive buffer of len bytes as chain head i. */
static void rx_add(struct test_ring *r, u16 i, u32 len)
{
	memset(r->ram + RXBUF + 0x100 * i, 0, 0x100);
	ring__desc(r, i, RXBUF + 0x100 * i, len, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(r, i);
}

static size_t input(struct vm *vm, const char *s)
{
	return console__input(vm, (const u8 *)s, strlen(s));
}

static ssize_t read_console(struct testvm *t, char *buf, size_t size)
{
	ssize_t n = read(t->cons[0], buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

FIXTURE(vc) {
	struct testvm t;
	struct pci_dev *d;
	struct test_ring rx, tx;
};

FIXTURE_VARIANT(vc) {
	bool eventfds;
};

FIXTURE_VARIANT_ADD(vc, exits) { .eventfds = false };
FIXTURE_VARIANT_ADD(vc, eventfds) { .eventfds = true };

FIXTURE_SETUP(vc)
{
	struct testvm_opts o = { .virtio_console = true, .xics = true,
				 .ioeventfd = variant->eventfds, .irqfd = variant->eventfds };

	fake_pci__reset();
	ASSERT_EQ(0, testvm__setup(&self->t, &o));
	self->d = fake_pci.dev;
	ASSERT_NE(NULL, self->d);
	ring__setup(&self->rx, self->t.ram, QSIZE);
	tx_ring_setup(&self->tx, self->t.ram);
}

FIXTURE_TEARDOWN(vc)
{
	testvm__teardown(&self->t);
}

/* The driver's bring-up: features, both queues, DRIVER_OK if ok. */
static void bring_up(FIXTURE_DATA(vc) *self, bool driver_ok)
{
	negotiate(self->d, F_VERSION_1);
	setup_queue(self->d, VIRTIO_CONSOLE_RX, &self->rx);
	setup_queue(self->d, VIRTIO_CONSOLE_TX, &self->tx);
	if (driver_ok)
		wr(self->d, VIRTIO_PCI_STATUS, STATUS_OK, 1);
}

TEST_F(vc, identity)
{
	struct pci_dev *d = self->d;

	EXPECT_EQ(0x1043, d->device_id);
	EXPECT_EQ(3, d->subsys_id);
	EXPECT_EQ(0x078000U, d->class_code);
	EXPECT_EQ(3U, d->msix_vectors);	/* two queues and config */
	EXPECT_EQ(2U, rd(d, VIRTIO_PCI_NUM_QUEUES, 2));
	/* No device features: one port, no MULTIPORT, no SIZE, no EMERG_WRITE. */
	wr(d, VIRTIO_PCI_DFSELECT, 0, 4);
	EXPECT_EQ(F_EVENT_IDX | F_INDIRECT, rd(d, VIRTIO_PCI_DF, 4));
	EXPECT_EQ(STATUS_UP | VIRTIO_STATUS_FEATURES_OK, negotiate(d, F_VERSION_1));
	/* The config (cols, rows, max_nr_ports, emerg_wr) reads zeroes. */
	EXPECT_EQ(0U, rd(d, VIRTIO_DEVCFG_OFF + 4, 4));
}

TEST_F(vc, output_reaches_the_console_fd)
{
	char buf[256];

	bring_up(self, true);
	tx_add(&self->tx, 0, "hello, ");
	tx_add(&self->tx, 1, "world\n");
	wr(self->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	ASSERT_EQ(13, read_console(&self->t, buf, sizeof(buf)));
	EXPECT_STREQ("hello, world\n", buf);
	/* Both chains back, in order, nothing written into them. */
	EXPECT_EQ(2U, ring__used_idx(&self->tx));
	EXPECT_EQ(0U, ring__used_id(&self->tx, 0));
	EXPECT_EQ(1U, ring__used_id(&self->tx, 1));
	EXPECT_EQ(0U, ring__used_len(&self->tx, 0));
	/* Each hand-back announced on the queue's vector. */
	EXPECT_LE(1U, fake_pci.notifies);
	EXPECT_EQ(2U, fake_pci.last_vector);
}

TEST_F(vc, output_waits_for_driver_ok_and_only_exits)
{
	char buf[64];

	bring_up(self, false);
	tx_add(&self->tx, 0, "early");
	wr(self->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	EXPECT_GT(0, read_console(&self->t, buf, sizeof(buf)));
	EXPECT_EQ(0U, ring__used_idx(&self->tx));
	/* DRIVER_OK serves what waited, on the vCPU that set it. */
	wr(self->d, VIRTIO_PCI_STATUS, STATUS_OK, 1);
	EXPECT_EQ(5, read_console(&self->t, buf, sizeof(buf)));
	EXPECT_STREQ("early", buf);
	EXPECT_EQ(1U, ring__used_idx(&self->tx));
}

TEST_F(vc, a_two_buffer_chain_and_a_bad_chain)
{
	char buf[64];

	bring_up(self, true);
	memcpy(self->t.ram + TXBUF, "ab", 2);
	memcpy(self->t.ram + TXBUF + 0x100, "cd", 2);
	ring__desc(&self->tx, 0, TXBUF, 2, VIRTQ_DESC_F_NEXT, 1);
	ring__desc(&self->tx, 1, TXBUF + 0x100, 2, 0, 0);
	ring__avail(&self->tx, 0);
	ring__desc(&self->tx, 2, 1ULL << 40, 4, 0, 0);	/* outside RAM */
	ring__avail(&self->tx, 2);
	tx_add(&self->tx, 3, "ef");
	wr(self->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	EXPECT_EQ(6, read_console(&self->t, buf, sizeof(buf)));
	EXPECT_STREQ("abcdef", buf);
	EXPECT_EQ(3U, ring__used_idx(&self->tx));
	EXPECT_EQ(2U, ring__used_id(&self->tx, 1));
	EXPECT_EQ(0U, rd(self->d, VIRTIO_PCI_STATUS, 1) & VIRTIO_STATUS_NEEDS_RESET);
}

TEST_F(vc, input_goes_into_posted_buffers)
{
	bring_up(self, true);
	rx_add(&self->rx, 0, 8);
	rx_add(&self->rx, 1, 8);
	fake_pci.notifies = 0;
	EXPECT_EQ(10U, input(&self->t.vm, "0123456789"));
	EXPECT_EQ(2U, ring__used_idx(&self->rx));
	EXPECT_EQ(8U, ring__used_len(&self->rx, 0));
	EXPECT_EQ(2U, ring__used_len(&self->rx, 1));
	EXPECT_EQ(0, memcmp(self->t.ram + RXBUF, "01234567", 8));
	EXPECT_EQ(0, memcmp(self->t.ram + RXBUF + 0x100, "89", 2));
	EXPECT_EQ(1U, fake_pci.notifies);
	EXPECT_EQ(1U, fake_pci.last_vector);
	/* More than the buffers hold: the rest is the terminal's to keep. */
	rx_add(&self->rx, 2, 4);
	EXPECT_EQ(4U, input(&self->t.vm, "abcdefgh"));
	EXPECT_EQ(3U, ring__used_idx(&self->rx));
}

TEST_F(vc, input_held_while_no_buffer_is_posted)
{
	bring_up(self, false);
	rx_add(&self->rx, 0, 16);
	/* Not before DRIVER_OK, even with a buffer there. */
	EXPECT_EQ(0U, input(&self->t.vm, "abc"));
	wr(self->d, VIRTIO_PCI_STATUS, STATUS_OK, 1);
	EXPECT_EQ(3U, input(&self->t.vm, "abc"));
	/* The guest has not posted another one: nothing taken. */
	EXPECT_EQ(0U, input(&self->t.vm, "def"));
	EXPECT_EQ(1U, ring__used_idx(&self->rx));
	rx_add(&self->rx, 1, 16);
	EXPECT_EQ(3U, input(&self->t.vm, "def"));
	EXPECT_EQ(0, memcmp(self->t.ram + RXBUF + 0x100, "def", 3));
}

TEST_F(vc, reset_forgets_the_rings)
{
	char buf[64];

	bring_up(self, true);
	rx_add(&self->rx, 0, 16);
	wr(self->d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0U, rd(self->d, VIRTIO_PCI_STATUS, 1));
	EXPECT_EQ(0U, input(&self->t.vm, "abc"));
	tx_add(&self->tx, 0, "lost");
	wr(self->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	EXPECT_GT(0, read_console(&self->t, buf, sizeof(buf)));
	/* A new driver on new rings works as before. */
	ring__setup(&self->rx, self->t.ram, QSIZE);
	tx_ring_setup(&self->tx, self->t.ram);
	bring_up(self, true);
	rx_add(&self->rx, 0, 16);
	EXPECT_EQ(3U, input(&self->t.vm, "abc"));
	tx_add(&self->tx, 0, "back");
	wr(self->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	EXPECT_EQ(4, read_console(&self->t, buf, sizeof(buf)));
}

/* With ioeventfds, only the receive queue has one: output never runs on the main loop. */
TEST_F(vc, transmitq_has_no_ioeventfd)
{
	if (!variant->eventfds)
		SKIP(return, "notifications by MMIO exit only");
	ASSERT_EQ(0, event__init(&self->t.vm));
	ASSERT_EQ(0, modules__start(&self->t.vm));
	bring_up(self, true);
	self->d->ops->bar_mapped(self->d, VIRTIO_BAR, 0x200000000ULL, true);
	ASSERT_EQ(1U, fake_accel.nr_ioeventfds);
	EXPECT_EQ(0x200000000ULL + VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_RX,
		  fake_accel.ioeventfds[0].addr);
}

/* A vCPU kicking the transmitq, as from an MMIO exit. */
struct kicker {
	struct pci_dev *d;
	bool done;		/* atomic */
};

static void *kick_tx(void *arg)
{
	struct kicker *k = arg;

	wr(k->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	__atomic_store_n(&k->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static bool wait_done(struct kicker *k, int ms)
{
	while (!__atomic_load_n(&k->done, __ATOMIC_ACQUIRE) && ms-- > 0)
		usleep(1000);
	return __atomic_load_n(&k->done, __ATOMIC_ACQUIRE);
}

/* Fill the console pipe (its write end made non-blocking for good). */
static void fill_console(struct testvm *t)
{
	static const char junk[4096];

	fcntl(t->cons[1], F_SETFL, fcntl(t->cons[1], F_GETFL) | O_NONBLOCK);
	while (write(t->cons[1], junk, sizeof(junk)) > 0)
		;
}

/*
 * A stalled console fd holds the writing vCPU and the chain (the guest
 * waits for it), but not the device: input, a reset and other queues go
 * on. Draining lets the output through; the VM's end frees the writer.
 */
TEST_F(vc, stalled_output_holds_the_chain_not_the_device)
{
	struct kicker k = { .d = self->d };
	char buf[4096];
	size_t got = 0;
	pthread_t th;
	ssize_t n;

	bring_up(self, true);
	fill_console(&self->t);
	tx_add(&self->tx, 0, "held");
	ASSERT_EQ(0, pthread_create(&th, NULL, kick_tx, &k));
	usleep(100000);
	EXPECT_FALSE(__atomic_load_n(&k.done, __ATOMIC_ACQUIRE));
	EXPECT_EQ(0U, ring__used_idx(&self->tx));
	/* The main loop's input path is not held. */
	rx_add(&self->rx, 0, 16);
	EXPECT_EQ(2U, input(&self->t.vm, "in"));
	/* Someone reads: the output arrives, whole, and the chain comes back. */
	while (!wait_done(&k, 10))
		while ((n = read(self->t.cons[0], buf, sizeof(buf))) > 0)
			got += n;
	while ((n = read(self->t.cons[0], buf, sizeof(buf))) > 0)
		got += n;
	pthread_join(th, NULL);
	EXPECT_EQ(4U, got % 4096);	/* the filler came in whole pipe pages */
	EXPECT_EQ(1U, ring__used_idx(&self->tx));
}

TEST_F(vc, stalled_output_ends_with_the_vm)
{
	struct kicker k = { .d = self->d };
	pthread_t th;

	bring_up(self, true);
	fill_console(&self->t);
	tx_add(&self->tx, 0, "never");
	ASSERT_EQ(0, pthread_create(&th, NULL, kick_tx, &k));
	usleep(100000);
	EXPECT_FALSE(__atomic_load_n(&k.done, __ATOMIC_ACQUIRE));
	/* A reset meanwhile does not wait for the writer... */
	wr(self->d, VIRTIO_PCI_STATUS, 0, 1);
	EXPECT_EQ(0U, rd(self->d, VIRTIO_PCI_STATUS, 1));
	/* ...and the VM's end frees it (the exit eventfd, the fd being non-blocking). */
	vm__request_exit(&self->t.vm, VM_EXIT_SIGNAL);
	EXPECT_TRUE(wait_done(&k, 5000));
	pthread_join(th, NULL);
	/* The chain belonged to the rings before the reset: not handed back. */
	EXPECT_EQ(0U, ring__used_idx(&self->tx));
}

static struct json_object *stats_of(struct vm *vm)
{
	const struct control_command *cmd = control__find_command(vm, "stats");
	struct json_object *res = json_object_new_object();
	struct control_error err;

	if (!cmd || cmd->run(vm, NULL, res, &err, NULL)) {
		json_object_put(res);
		return NULL;
	}
	return res;
}

static s64 counter(struct json_object *dev, const char *key)
{
	struct json_object *o;

	return json_object_object_get_ex(dev, key, &o) ? json_object_get_int64(o) : -1;
}

TEST_F(vc, stats_count_requests_bytes_notifications_interrupts)
{
	struct json_object *res, *devs, *dev = NULL, *vcpu;
	char buf[64];
	size_t i;

	bring_up(self, true);
	tx_add(&self->tx, 0, "12345");
	wr(self->d, VIRTIO_NOTIFY_OFF + 4 * VIRTIO_CONSOLE_TX, 0, 2);
	EXPECT_EQ(5, read_console(&self->t, buf, sizeof(buf)));
	rx_add(&self->rx, 0, 2);
	EXPECT_EQ(2U, input(&self->t.vm, "ab"));
	ring__desc(&self->rx, 1, 1ULL << 40, 4, VIRTQ_DESC_F_WRITE, 0);
	ring__avail(&self->rx, 1);
	EXPECT_EQ(0U, input(&self->t.vm, "c"));

	res = stats_of(&self->t.vm);
	ASSERT_NE(NULL, res);
	ASSERT_TRUE(json_object_object_get_ex(res, "devices", &devs));
	for (i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *o = json_object_array_get_idx(devs, i), *type;

		if (json_object_object_get_ex(o, "type", &type) &&
		    !strcmp(json_object_get_string(type), "virtio-console"))
			dev = o;
	}
	ASSERT_NE(NULL, dev);
	EXPECT_EQ(1, counter(dev, "notify_mmio"));
	EXPECT_EQ(0, counter(dev, "notify_ioeventfd"));
	EXPECT_EQ(3, counter(dev, "requests"));	/* one out, two in (one bad) */
	EXPECT_EQ(7, counter(dev, "bytes"));
	EXPECT_EQ(1, counter(dev, "errors"));
	/* No irqfd assigned (MSI-X not allocated): every interrupt via the core. */
	EXPECT_EQ(0, counter(dev, "irq_irqfd"));
	EXPECT_EQ((s64)fake_pci.notifies, counter(dev, "irq_pci"));
	EXPECT_LE(2, counter(dev, "irq_pci"));
	/* Each vCPU has its exits by kind. */
	ASSERT_TRUE(json_object_object_get_ex(res, "vcpus", &devs));
	vcpu = json_object_array_get_idx(devs, 0);
	ASSERT_NE(NULL, vcpu);
	EXPECT_EQ(0, counter(vcpu, "mmio"));
	EXPECT_EQ(0, counter(vcpu, "intr"));
	EXPECT_EQ(0, counter(vcpu, "fail"));
	json_object_put(res);
}

/* Without --console virtio, terminal input goes to the vty. */
TEST(vty_is_the_default_console)
{
	struct testvm_opts o = { 0 };
	struct testvm t;

	ASSERT_EQ(0, testvm__setup(&t, &o));
	EXPECT_EQ(4096U, vty__input_room(vty__get(&t.vm)));
	EXPECT_EQ(3U, console__input(&t.vm, (const u8 *)"abc", 3));
	EXPECT_EQ(4093U, vty__input_room(vty__get(&t.vm)));
	testvm__teardown(&t);
}

/* With it, the vty gets none (it still prints early boot output). */
TEST(virtio_console_takes_the_input)
{
	struct testvm_opts o = { .virtio_console = true };
	struct testvm t;

	fake_pci__reset();
	ASSERT_EQ(0, testvm__setup(&t, &o));
	EXPECT_EQ(0U, console__input(&t.vm, (const u8 *)"abc", 3));
	EXPECT_EQ(4096U, vty__input_room(vty__get(&t.vm)));
	testvm__teardown(&t);
	EXPECT_EQ(NULL, t.vm.console_ops);
}

TEST_HARNESS_MAIN
