/* decdump: decodes every packet of a capture with hoplat's decoders and
 * prints the fields tshark prints for
 *   tshark -T fields -e frame.number -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst
 *     -e tcp.srcport -e udp.srcport -e tcp.dstport -e udp.dstport
 *     -e tcp.seq_raw -e tcp.len -e dns.id -e dns.qry.name -e dns.flags.rcode
 * in the same layout (tab-separated, empty when absent), so a test can diff
 * them. DNS fields only for DNS over UDP on port 53, not fragmented; ports
 * and TCP fields not for fragments. A last column is the decode result
 * (dec_reason_key, or "frag"), which tshark does not have.
 *
 *   decdump FILE */
#include <stdio.h>
#include "decode/capfile.h"
#include "decode/layers.h"
#include "decode/dns.h"

static struct dns_msg msg;

static void print_ip(const struct dec_pkt *d, const struct ipaddr *a)
{
	char s[64];
	if (d->ipver == 4)
		printf("\t%s\t", ipaddr_str(a, s, sizeof s));
	else if (d->ipver == 6)
		printf("\t\t%s", ipaddr_str(a, s, sizeof s));
	else
		printf("\t\t");
}

static void print_dns(const struct dec_pkt *d)
{
	struct cur c = d->payload;
	if (d->proto != 17 || (d->sport != 53 && d->dport != 53) || dec_dns(&c, &msg)) {
		printf("\t\t\t");
		return;
	}
	char name[DNS_NAME_TEXT];
	dec_dns_qname_text(&msg, name, sizeof name);
	printf("\t0x%04x\t%s\t", msg.id, name);
	if (msg.qr)		/* tshark shows the rcode of responses only */
		printf("%u", (unsigned)(msg.flags & 0x0f));
}

int main(int argc, char **argv)
{
	char err[CAPFILE_ERRBUF];
	if (argc != 2) {
		fprintf(stderr, "usage: decdump FILE\n");
		return 2;
	}
	struct capfile *cf = capfile_open(argv[1], err);
	if (!cf) {
		fprintf(stderr, "decdump: %s\n", err);
		return 1;
	}
	struct pkt p;
	struct dec_pkt d;
	unsigned long n = 0;
	int rc;
	while ((rc = capfile_next(cf, &p)) == 1) {
		int r = dec_packet(&p, &d);
		int l4 = !d.is_frag && (d.proto == 6 || d.proto == 17) && (r == DEC_OK);
		printf("%lu", ++n);
		print_ip(&d, &d.src);
		print_ip(&d, &d.dst);
		if (l4 && d.proto == 6)
			printf("\t%u\t\t%u\t\t%u\t%u", d.sport, d.dport, d.tcp.seq, d.payload_wire);
		else if (l4)
			printf("\t\t%u\t\t%u\t\t", d.sport, d.dport);
		else
			printf("\t\t\t\t\t\t");
		if (l4)
			print_dns(&d);
		else
			printf("\t\t\t");
		printf("\t%s\n", d.is_frag ? "frag" : dec_reason_key(r));
	}
	if (rc < 0)
		fprintf(stderr, "decdump: %s\n", capfile_error(cf));
	capfile_close(cf);
	return rc < 0;
}
