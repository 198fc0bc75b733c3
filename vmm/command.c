// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of the control-command interface every command uses: errors and
 * checked arguments. Answering later is the server's (cli/control.c).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "pvm/command.h"

int control__error(struct control_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

bool control__int_arg(struct json_object *args, const char *key, s64 min, s64 max, s64 *out)
{
	struct json_object *o;
	s64 v;

	if (!args || !json_object_object_get_ex(args, key, &o) ||
	    !json_object_is_type(o, json_type_int))
		return false;
	v = json_object_get_int64(o);
	if (v == INT64_MIN || v == INT64_MAX || v < min || v > max)
		return false;
	*out = v;
	return true;
}
