#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bridge-setup/testbed/tb_ns.h"
#include "bridge-setup/testbed/tb_ping.h"

uint16_t tb_inet_csum(const uint8_t *b, unsigned len)
{
	uint32_t sum = 0;
	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int tb_ping_open(struct tb_ping *p, const char *ns, const char *ip)
{
	memset(p, 0, sizeof *p);
	p->fd = -1;
	int rc = tb_ns_enter(ns);
	if (rc < 0)
		return rc;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	rc = fd < 0 ? -errno : 0;
	tb_ns_enter(NULL);
	if (rc < 0)
		return rc;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	inet_pton(AF_INET, ip, &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	p->fd = fd;
	p->id = (uint16_t)getpid();
	return 0;
}

int tb_ping_send(struct tb_ping *p)
{
	uint8_t m[16] = { 8, 0, 0, 0, (uint8_t)(p->id >> 8), (uint8_t)p->id, (uint8_t)(p->seq >> 8),
			  (uint8_t)p->seq, 'h', 'o', 'p', 'l', 'a', 't', 0, 0 };
	uint16_t c = tb_inet_csum(m, sizeof m);
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	if (send(p->fd, m, sizeof m, 0) < 0)
		return -errno;
	p->seq++;
	p->sent++;
	return 0;
}

/* A raw ICMP socket reads the IP header too: skip it, then type 0 (echo
 * reply) with our identifier. */
int tb_ping_collect(struct tb_ping *p)
{
	uint8_t b[1500];
	int n = 0;
	ssize_t len;
	while ((len = recv(p->fd, b, sizeof b, MSG_DONTWAIT)) > 0) {
		unsigned ihl = (unsigned)(b[0] & 0x0f) * 4;
		if ((size_t)len < ihl + 8 || b[ihl] != 0)
			continue;
		if ((uint16_t)(b[ihl + 4] << 8 | b[ihl + 5]) == p->id)
			n++;
	}
	p->answered += n;
	return n;
}

void tb_ping_close(struct tb_ping *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}
