// SPDX-License-Identifier: GPL-2.0
/*
 * The default console: every byte this payload prints or reads goes through
 * H_PUT_TERM_CHAR / H_GET_TERM_CHAR with unit address 0, as early debug code
 * does before it has read the device tree. If pvm refused unit 0, none of
 * these lines (nor the DONE line) would reach pvm's console. The runner
 * pipes "ping" into pvm's stdin.
 */
#include "rt.h"

const char payload_name[] = "vty0";
const bool console_unit0 = true;

#define INPUT "ping"
#define INPUT_WAIT_MS 20000

static u64 pack(const char *s)
{
	u64 w = 0;
	int i;

	for (i = 0; i < 8 && s[i]; i++)
		w |= (u64)(u8)s[i] << (56 - 8 * i);
	return w;
}

static void output(void)
{
	checkx(vterm, 0, "the console runs on unit address 0 (vty reg never read)");
	console_flush();
	check(HCALL(NULL, H_PUT_TERM_CHAR, 0, 16, pack("VTY0-MAR"), pack("KER-7a3\n")), H_SUCCESS,
	      "H_PUT_TERM_CHAR unit 0, 16 bytes (marker line)");
	puts("\r");
	check(HCALL(NULL, H_PUT_TERM_CHAR, 0, 17, 0, 0), H_PARAMETER,
	      "H_PUT_TERM_CHAR unit 0, 17 bytes -> H_PARAMETER");
	check(HCALL(NULL, H_PUT_TERM_CHAR, 1, 1, pack("x"), 0), H_PARAMETER,
	      "H_PUT_TERM_CHAR unit 1 (no such vty) -> H_PARAMETER");
}

static void input(void)
{
	char got[32];
	unsigned int n = 0, i;
	u64 out[HCALL_NR_OUT], end = mftb() + tb_freq / 1000 * INPUT_WAIT_MS;
	long rc = H_SUCCESS;

	while (n < sizeof(INPUT) - 1 && mftb() < end) {
		rc = HCALL(out, H_GET_TERM_CHAR, 0);
		if (rc != H_SUCCESS)
			break;
		for (i = 0; i < out[0] && i < 16 && n < sizeof(got) - 1; i++)
			got[n++] = (out[1 + i / 8] >> (56 - 8 * (i % 8))) & 0xff;
		if (!out[0])
			delay_ms(10);
	}
	got[n] = 0;
	check(rc, H_SUCCESS, "H_GET_TERM_CHAR unit 0 answers");
	ok(n >= sizeof(INPUT) - 1 && !strncmp(got, INPUT, sizeof(INPUT) - 1),
	   "H_GET_TERM_CHAR unit 0 returns the host's input '%s' (got %u bytes)", INPUT, n);
}

int main(const void *blob)
{
	(void)blob;
	output();
	input();
	return 0;
}
