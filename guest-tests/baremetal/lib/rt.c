// SPDX-License-Identifier: GPL-2.0
/* Runtime core: start-up, console, printf, strings, timing, TAP, exit. */
#include "rt.h"

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)

const void *fdt;
u64 vterm = 0x30000000;
u64 tb_freq = 512000000;
unsigned int tap_pass, tap_fail;

/* ---- strings ---- */

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

/* ---- hcalls ---- */

long hcall_v(u64 *out, u64 nr, const u64 *in)
{
	u64 scratch[HCALL_NR_OUT];

	return pvm_hcall(nr, in, out ? out : scratch);
}

void pvm_exit(unsigned int status)
{
	console_flush();
	for (;;)
		HCALL(NULL, H_PVM_EXIT, status);
}

/* ---- console ---- */

/* One line buffer per CPU would be nicer; only CPU 0 prints in practice. */
static char con_buf[16];
static unsigned int con_len;

void console_flush(void)
{
	u64 w[2] = { 0, 0 };
	unsigned int i;

	if (!con_len)
		return;
	for (i = 0; i < con_len; i++)
		w[i / 8] |= (u64)(u8)con_buf[i] << (56 - 8 * (i % 8));
	/* H_BUSY-style retries are not needed: pvm writes synchronously */
	HCALL(NULL, H_PUT_TERM_CHAR, vterm, con_len, w[0], w[1]);
	con_len = 0;
}

void putchar(int c)
{
	if (c == '\n')
		putchar('\r');
	con_buf[con_len++] = c;
	if (con_len == sizeof(con_buf) || c == '\n')
		console_flush();
}

void puts(const char *s)
{
	while (*s)
		putchar(*s++);
}

/* ---- printf: %d %i %u %x %X %p %s %c %%, l/ll, width, '0' and '-' ---- */

struct sink {
	char *buf;	/* NULL: console */
	size_t size, len;
};

static void emit(struct sink *s, char c)
{
	if (!s->buf)
		putchar(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_num(struct sink *s, u64 v, unsigned int base, bool neg,
		     int width, bool zero, bool left, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	pad = width > n ? width - n : 0;
	if (!left && !zero)
		while (pad-- > 0)
			emit(s, ' ');
	if (zero && neg)
		emit(s, tmp[--n]);
	if (!left && zero)
		while (pad-- > 0)
			emit(s, '0');
	while (n)
		emit(s, tmp[--n]);
	if (left)
		while (pad-- > 0)
			emit(s, ' ');
}

static void vformat(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool zero = false, left = false;
		int width = 0, lng = 0;
		u64 v;

		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 sv = lng ? va_arg(ap, s64) : va_arg(ap, int);

			emit_num(s, sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0, width,
				 zero, left, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			emit_num(s, v, *fmt == 'u' ? 10 : 16, false, width, zero, left,
				 *fmt == 'X');
			break;
		case 'p':
			emit(s, '0');
			emit(s, 'x');
			emit_num(s, (u64)va_arg(ap, void *), 16, false, width, zero,
				 left, false);
			break;
		case 'c':
			emit(s, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n;

			if (!str)
				str = "(null)";
			n = strlen(str);
			while (!left && width-- > n)
				emit(s, ' ');
			while (*str)
				emit(s, *str++);
			while (left && width-- > n)
				emit(s, ' ');
			break;
		}
		case '%':
			emit(s, '%');
			break;
		case '\0':
			return;
		default:
			emit(s, '%');
			emit(s, *fmt);
		}
	}
}

int printf(const char *fmt, ...)
{
	struct sink s = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vformat(&s, fmt, ap);
	va_end(ap);
	return s.len;
}

static int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };

	vformat(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- timing ---- */

bool wait_u32(volatile u32 *flag, u32 want, unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	while (*flag != want)
		if (mftb() > end)
			return *flag == want;
	return true;
}

void delay_ms(unsigned int ms)
{
	u64 end = mftb() + tb_freq / 1000 * ms;

	while (mftb() < end)
		barrier();
}

/* ---- TAP ---- */

static char desc[160];

static void report(bool pass, const char *extra)
{
	if (pass)
		tap_pass++;
	else
		tap_fail++;
	printf("%sok %u - %s%s\n", pass ? "" : "not ", tap_pass + tap_fail, desc,
	       extra);
}

bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	report(cond, "");
	return cond;
}

bool check(s64 got, s64 want, const char *fmt, ...)
{
	char extra[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	extra[0] = '\0';
	if (got != want)
		snprintf(extra, sizeof(extra), " (got %ld, want %ld)", got, want);
	report(got == want, extra);
	return got == want;
}

bool checkx(u64 got, u64 want, const char *fmt, ...)
{
	char extra[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	extra[0] = '\0';
	if (got != want)
		snprintf(extra, sizeof(extra), " (got 0x%lx, want 0x%lx)", got, want);
	report(got == want, extra);
	return got == want;
}

void done(void)
{
	printf("PAYLOAD %s DONE pass=%u fail=%u\n", payload_name, tap_pass, tap_fail);
	pvm_exit(tap_fail || !tap_pass ? 1 : 0);
}

/* ---- start-up ---- */

u32 cpu_servers[MAX_CPUS];
unsigned int nr_cpus;

static void find_cpus(void)
{
	int cpus = fdt_path(fdt, "/cpus"), node, i, len, t;
	const void *p;
	u32 tb;

	if (cpus < 0)
		return;
	for (i = 0; (node = fdt_child(fdt, cpus, i)) >= 0; i++) {
		p = fdt_prop(fdt, node, "device_type", &len);
		if (!p || strcmp(p, "cpu"))
			continue;
		if (fdt_prop_u32(fdt, node, "timebase-frequency", &tb) && tb)
			tb_freq = tb;
		p = fdt_prop(fdt, node, "ibm,ppc-interrupt-server#s", &len);
		for (t = 0; p && t < len / 4 && nr_cpus < MAX_CPUS; t++)
			cpu_servers[nr_cpus++] = be32((const u8 *)p + 4 * t);
	}
}

void rt_start(const void *blob);
void rt_start(const void *blob)
{
	int node;
	u32 v;

	fdt = blob;
	if (fdt_valid(blob)) {
		node = fdt_path(blob, "/vdevice/vty");
		if (node >= 0 && fdt_prop_u32(blob, node, "reg", &v))
			vterm = v;
		find_cpus();
	}
	/* Payloads that test the default console never learn the vty's reg. */
	if (&console_unit0 && console_unit0)
		vterm = 0;
	main(blob);
	done();
}
