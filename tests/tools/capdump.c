/* capdump: reads capture files with hoplat's reader and prints one line per
 * packet: ts_ns, interface index, interface name ("-" if unnamed), link type,
 * captured length, wire length (tab-separated). For tests and debugging.
 *
 *   capdump [-q | -H] FILE...
 *     -q   no packet lines: one summary line on stderr (packets, bytes,
 *          seconds, packets per second, peak RSS) for speed and memory checks
 *     -H   each line also ends with a hash of the packet's bytes (readers
 *          compared byte for byte: tests/it/reader_ahead.sh)
 *
 * Exit status: 0, or 1 when a file could not be opened or read to its end
 * (the packets before the error are printed, the error goes to stderr). */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/hash.h"
#include "decode/capfile.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static volatile unsigned touch;

enum { SHOW_LINES, SHOW_NONE, SHOW_HASH };

static int dump(const char *path, int quiet, unsigned long long *npkt, unsigned long long *nbytes)
{
	char err[CAPFILE_ERRBUF];
	struct capfile *cf = capfile_open(path, err);
	if (!cf) {
		fprintf(stderr, "capdump: %s\n", err);
		return 1;
	}
	struct pkt p;
	int rc;
	while ((rc = capfile_next(cf, &p)) == 1) {
		++*npkt;
		*nbytes += p.caplen;
		if (quiet == SHOW_NONE) {
			/* touch the bytes, as a consumer would: speed is measured honestly */
			if (p.caplen)
				touch += p.data[0] ^ p.data[p.caplen - 1];
			continue;
		}
		const char *name = capfile_iface_name(cf, p.iface);
		printf("%llu\t%u\t%s\t%u\t%u\t%u", (unsigned long long)p.ts_ns, p.iface,
		       name ? name : "-", p.linktype, p.caplen, p.wirelen);
		if (quiet == SHOW_HASH)
			printf("\t%016llx", (unsigned long long)hash_end(hash_bytes(HASH_SEED,
				p.caplen ? p.data : (const uint8_t *)"", p.caplen)));
		printf("\n");
	}
	if (rc < 0)
		fprintf(stderr, "capdump: %s\n", capfile_error(cf));
	capfile_close(cf);
	return rc < 0;
}

int main(int argc, char **argv)
{
	int quiet = 0, status = 0, first = 1;
	if (argc > 1 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "-H") == 0)) {
		quiet = argv[1][1] == 'q' ? SHOW_NONE : SHOW_HASH;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: capdump [-q | -H] FILE...\n");
		return 2;
	}
	unsigned long long npkt = 0, nbytes = 0;
	double t0 = now_s();
	for (int i = first; i < argc; i++)
		status |= dump(argv[i], quiet, &npkt, &nbytes);
	double secs = now_s() - t0;
	if (quiet == SHOW_NONE) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "packets %llu bytes %llu seconds %.3f pps %.0f maxrss_kb %ld\n",
			npkt, nbytes, secs, secs > 0 ? (double)npkt / secs : 0.0, ru.ru_maxrss);
	}
	return status;
}
