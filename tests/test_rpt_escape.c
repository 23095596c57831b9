/* Reports and text from files or the wire: CSV names valid UTF-8 with
 * invalid bytes and controls as \xNN, quotes doubled, and a name starting
 * with = + - or @ prefixed with a single quote (spreadsheet formulas), while
 * numbers stay numbers; JSON strings pass valid UTF-8, escape controls as
 * \u00XX and invalid bytes as the text \xNN; the text summary and the
 * warning lines print a hostile source escaped and what the input guard
 * kept out; the JSON summary has every point's input counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/report/rpt.h"

/* The start of cell k (from 0) of a CSV line: commas inside quotes do not count. */
static char *cell(char *line, int k)
{
	int quoted = 0;
	for (char *p = line; *p; p++) {
		if (!k)
			return p;
		if (*p == '"')
			quoted = !quoted;
		else if (*p == ',' && !quoted && --k == 0)
			return p + 1;
	}
	return line + strlen(line);
}

static char *csv_name(const char *name)
{
	struct txn t;
	memset(&t, 0, sizeof t);
	t.proto = TXN_DNS;
	t.answered = 1;
	t.status = 0;
	t.total_ns = -5;	/* a number: never quoted, never prefixed */
	txn_clear_attribution(&t);
	snprintf(t.name, sizeof t.name, "%s", name);
	char *buf = NULL;
	size_t len = 0;
	struct rpt_out o = { open_memstream(&buf, &len), 0 };
	rpt_csv_txn(&o, &t);
	fclose(o.f);
	/* the name cell, its quotes taken off (doubled quotes stay doubled) */
	char *q = cell(buf, 6);		/* proto,client_ip,client_port,server_ip,server_port,id,name */
	assert_true(*q == '"');
	char *end = q + 1;
	while (*end && !(end[0] == '"' && end[1] != '"'))
		end += end[0] == '"' ? 2 : 1;
	assert_true(*end == '"');
	assert_non_null(strstr(end, ",-0.005,"));
	memmove(buf, q + 1, (size_t)(end - q - 1));
	buf[end - q - 1] = 0;
	return buf;
}

static void expect_csv(const char *name, const char *cell)
{
	char *got = csv_name(name);
	if (strcmp(got, cell))
		fail_msg("CSV cell of \"%s\": \"%s\", want \"%s\"", name, got, cell);
	free(got);
}

static void test_csv_cells(void **state)
{
	(void)state;
	expect_csv("ok.example", "ok.example");
	expect_csv("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0");
	expect_csv("+1+2.example", "'+1+2.example");
	expect_csv("-2-3.example", "'-2-3.example");
	expect_csv("@SUM(1)", "'@SUM(1)");
	expect_csv("GET /=1+2", "GET /=1+2");		/* only the first character counts */
	expect_csv("a\"b,c", "a\"\"b,c");
	expect_csv("GET /caf\xc3\xa9", "GET /caf\xc3\xa9");
	expect_csv("GET /\xff\xfe\xc3(", "GET /\\xff\\xfe\\xc3(");
	expect_csv("\x1b[2J\r\n", "\\x1b[2J\\x0d\\x0a");
	expect_csv("\t=1", "\\x09=1");
}

static char *json_str(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rpt_json_str(f, s);
	fclose(f);
	return buf;
}

static void expect_json(const char *s, const char *want)
{
	char *got = json_str(s);
	if (strcmp(got, want))
		fail_msg("JSON of \"%s\": %s, want %s", s, got, want);
	free(got);
}

static void test_json_strings(void **state)
{
	(void)state;
	expect_json("a\"b\\c", "\"a\\\"b\\\\c\"");
	expect_json("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	expect_json("\x1b[2J\x7f", "\"\\u001b[2J\\u007f\"");
	expect_json("\xc2\x9b", "\"\\u009b\"");
	expect_json("\xff\xc3(", "\"\\\\xff\\\\xc3(\"");
}

/* ---- summaries ---- */

static struct results *hostile_results(void)
{
	struct results *r = res_new();
	assert_non_null(r);
	r->npoints = 1;
	r->point[PT_CLIENT].present = 1;
	snprintf(r->point[PT_CLIENT].source, sizeof r->point[PT_CLIENT].source,
		 "cap.pcapng#\x1b[2J\x1b]0;owned\x07\xff");
	r->point[PT_CLIENT].counts.packets = 10;
	struct guard_counts *c = &r->point[PT_CLIENT].counts.input;
	c->time_backwards = 89;
	c->time_jumps = 1;
	c->time_jump_max_ns = 3599999000000ull;
	c->duplicates = 3;
	c->appended_copies = 1;
	c->appended_packets = 180;
	c->negative_durations = 2;
	r->read_error = 1;
	snprintf(r->read_error_msg, sizeof r->read_error_msg, "x\x1b[2J: truncated");
	return r;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n')
			return 1;
	return 0;
}

static void test_text_escaped(void **state)
{
	(void)state;
	struct results *r = hostile_results();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rpt_text(f, r);
	rpt_input_warnings(f, "analyze", r);
	fclose(f);
	assert_false(has_control(buf));
	assert_non_null(strstr(buf, "client: cap.pcapng#\\x1b[2J\\x1b]0;owned\\x07\\xff: 10 packets\n"));
	assert_non_null(strstr(buf, "    not analyzed: 89 packets after 1 step back in time (the "
				    "largest 3599.999 s); 3 exact duplicate packets; 180 packets of "
				    "the capture appended to itself (1 time); 2 transactions whose "
				    "time came out negative (not timed)\n"));
	assert_non_null(strstr(buf, "hoplat analyze: warning: cap.pcapng#\\x1b[2J"));
	assert_non_null(strstr(buf, "read error: x\\x1b[2J: truncated"));
	free(buf);
	res_free(r);
}

static void test_json_input(void **state)
{
	(void)state;
	struct results *r = hostile_results();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	rpt_json(f, r);
	fclose(f);
	assert_false(has_control(buf));
	assert_non_null(strstr(buf, "\"input\":{\"time_backwards\":89,\"time_jumps\":1,"
				    "\"time_jump_max_ns\":3599999000000,\"duplicates\":3,"
				    "\"appended_copies\":1,\"appended_packets\":180,"
				    "\"negative_durations\":2}"));
	assert_non_null(strstr(buf, "\"malformed_responses\":0"));
	assert_non_null(strstr(buf, "\"dns_malformed_responses\":0"));
	free(buf);
	res_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cells),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_text_escaped),
		cmocka_unit_test(test_json_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
