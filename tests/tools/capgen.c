/* capgen: writes a capture of many packets for speed and memory tests,
 * through hoplat's pcapng writer (or as classic pcap).
 *
 *   capgen [-r TEMPLATE]... [-n COUNT] [-F pcapng|pcap|pcap-ns] OUT
 *
 * The packets of the templates (read with hoplat's reader, kept in memory:
 * give small files) are repeated COUNT times in all (default 1000000), one
 * microsecond apart, on their interfaces (one pcapng interface per template
 * interface). Without -r: 100 packets of 60 to 1514 bytes on two interfaces.
 * Prints "packets N bytes B seconds S" on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/pcapng_writer.h"
#include "decode/capfile.h"

#define MAXT 100000	/* template packets */

struct tpkt {
	uint32_t iface, caplen, wirelen;
	uint8_t *data;
};

static struct tpkt tpl[MAXT];
static unsigned ntpl;
static uint32_t tpl_lt[64];
static unsigned tpl_nif;

static int load_template(const char *path)
{
	char err[CAPFILE_ERRBUF];
	struct capfile *cf = capfile_open(path, err);
	if (!cf) {
		fprintf(stderr, "capgen: %s\n", err);
		return -1;
	}
	unsigned base = tpl_nif;
	struct pkt p;
	int rc;
	while ((rc = capfile_next(cf, &p)) == 1 && ntpl < MAXT) {
		if (base + p.iface >= 64)
			continue;
		struct tpkt *t = &tpl[ntpl++];
		t->iface = base + p.iface;
		t->caplen = p.caplen;
		t->wirelen = p.wirelen;
		t->data = malloc(p.caplen ? p.caplen : 1);
		memcpy(t->data, p.data, p.caplen);
		tpl_lt[t->iface] = p.linktype;
		if (t->iface + 1 > tpl_nif)
			tpl_nif = t->iface + 1;
	}
	if (rc < 0)
		fprintf(stderr, "capgen: %s\n", capfile_error(cf));
	capfile_close(cf);
	return rc < 0 ? -1 : 0;
}

static void synth_template(void)
{
	for (unsigned i = 0; i < 100; i++) {
		struct tpkt *t = &tpl[ntpl++];
		t->iface = i % 2;
		t->caplen = t->wirelen = 60 + (i * 397) % 1455;
		t->data = malloc(t->caplen);
		for (uint32_t k = 0; k < t->caplen; k++)
			t->data[k] = (uint8_t)(k + i);
	}
	tpl_lt[0] = tpl_lt[1] = 1;
	tpl_nif = 2;
}

static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }
static void put16(FILE *f, uint16_t v) { fwrite(&v, 2, 1, f); }

/* Classic pcap in host order (one link type: the first template's). */
static int write_pcap(const char *out, unsigned long n, int ns, unsigned long long *bytes)
{
	FILE *f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return -1;
	}
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	put32(f, ns ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, 262144);
	put32(f, tpl_lt[0]);
	uint64_t ts = 1700000000000000000ull;
	for (unsigned long i = 0; i < n; i++, ts += 1000) {
		const struct tpkt *t = &tpl[i % ntpl];
		put32(f, (uint32_t)(ts / 1000000000));
		put32(f, (uint32_t)(ns ? ts % 1000000000 : ts % 1000000000 / 1000));
		put32(f, t->caplen);
		put32(f, t->wirelen);
		fwrite(t->data, 1, t->caplen, f);
		*bytes += 16 + t->caplen;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int write_pcapng(const char *out, unsigned long n, unsigned long long *bytes)
{
	char err[PCAPNG_ERRBUF];
	struct pcapng_w *w = pcapng_w_open(out, "capgen", err);
	if (!w) {
		fprintf(stderr, "capgen: %s\n", err);
		return -1;
	}
	for (unsigned i = 0; i < tpl_nif; i++) {
		char name[16];
		snprintf(name, sizeof name, "gen%u", i);
		struct pcapng_iface ifc = { .name = name, .linktype = tpl_lt[i], .snaplen = 262144 };
		pcapng_w_add_iface(w, &ifc);
	}
	uint64_t ts = 1700000000000000000ull;
	int rc = 0;
	for (unsigned long i = 0; i < n && rc == 0; i++, ts += 1000) {
		const struct tpkt *t = &tpl[i % ntpl];
		rc = pcapng_w_packet(w, t->iface, ts, t->data, t->caplen, t->wirelen);
	}
	if (rc < 0)
		fprintf(stderr, "capgen: %s\n", pcapng_w_error(w));
	*bytes = pcapng_w_bytes(w);
	return pcapng_w_close(w) < 0 || rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000000;
	const char *fmt = "pcapng", *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			if (load_template(argv[++i]) < 0)
				return 1;
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			n = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "-F") == 0 && i + 1 < argc) {
			fmt = argv[++i];
		} else {
			out = argv[i];
		}
	}
	if (!out) {
		fprintf(stderr, "usage: capgen [-r TEMPLATE]... [-n COUNT] [-F pcapng|pcap|pcap-ns] OUT\n");
		return 2;
	}
	if (ntpl == 0)
		synth_template();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned long long bytes = 0;
	int rc = strcmp(fmt, "pcapng") == 0 ? write_pcapng(out, n, &bytes)
		 : write_pcap(out, n, strcmp(fmt, "pcap-ns") == 0, &bytes);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "packets %lu bytes %llu seconds %.3f\n", n, bytes, s);
	return rc < 0;
}
