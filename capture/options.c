/* Options shared by `hoplat capture` and `hoplat live` (tcpdump's -w -s -c
 * -G -C -W -Z -B, --tstamp-type, --dpdk-args, -q), parsed into the capture
 * loop's configuration. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "capture/capture.h"
#include "common/dur.h"

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "hoplat capture: %s: invalid value '%s'\n", opt, val);
	return 2;
}

int capture_common_opt(int c, const char *arg, struct capture_cfg *cfg, struct cap_opts *proto)
{
	uint64_t v;
	double d;
	int64_t ns;
	char *end;

	switch (c) {
	case 'w': cfg->out = arg; return 0;
	case 's':
		if (parse_u64(arg, &v) || v > 262144)
			return bad("-s", arg);
		proto->snaplen = (uint32_t)v;
		return 0;
	case 'c':
		if (parse_u64(arg, &v) || v == 0)
			return bad("-c", arg);
		cfg->count = v;
		return 0;
	case 'G':
		if (dur_parse(arg, &ns) || ns < 1000000000LL)
			return bad("-G", arg);
		cfg->rotate_ns = ns;
		return 0;
	case 'C':
		d = strtod(arg, &end);
		if (end == arg || *end || !(d > 0) || !isfinite(d))
			return bad("-C", arg);
		cfg->rotate_bytes = (uint64_t)(d * 1e6);
		return 0;
	case 'W':
		if (parse_u64(arg, &v) || v == 0 || v > 100000)
			return bad("-W", arg);
		cfg->max_files = (unsigned)v;
		return 0;
	case 'Z': cfg->user = arg; return 0;
	case 'B':
		if (parse_u64(arg, &v) || v == 0 || v > 2047)
			return bad("-B", arg);
		proto->buffer_mb = (uint32_t)v;
		return 0;
	case 'T':
		if (cap_parse_tstamp(arg) < 0)
			return bad("--tstamp-type", arg);
		proto->tstamp = cap_parse_tstamp(arg);
		return 0;
	case 'E': proto->eal_args = arg; return 0;
	case 'q': cfg->status = 0; return 0;
	default: return 1;
	}
}

/* Every source gets the shared options; the filter applies to each. */
void capture_fill_sources(struct capture_cfg *cfg, const struct cap_opts *proto, const char *filter)
{
	const char *eal = proto->eal_args ? proto->eal_args : getenv("HOPLAT_DPDK_EAL");

	for (unsigned i = 0; i < cfg->n_src; i++) {
		const char *name = cfg->src[i].name;
		const struct cap_ops *ops = cfg->src[i].ops;
		double speed = cfg->src[i].speed;
		cfg->src[i] = *proto;
		cfg->src[i].name = name;
		cfg->src[i].ops = ops;
		cfg->src[i].speed = speed;
		cfg->src[i].filter = filter;
		cfg->src[i].eal_args = eal;
	}
}

