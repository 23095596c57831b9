/* ICMP echo from a testbed namespace (no ping binary needed): guest-hang
 * shows the guest stops answering pings too. */
#ifndef HOPLAT_TB_PING_H
#define HOPLAT_TB_PING_H

#include <stdint.h>

struct tb_ping {
	int fd;
	uint16_t id, seq;
	int sent, answered;
};

int tb_ping_open(struct tb_ping *p, const char *ns, const char *ip);	/* 0 or -errno */
int tb_ping_send(struct tb_ping *p);	/* 0 or -errno */
int tb_ping_collect(struct tb_ping *p);	/* replies read now (non-blocking) */
void tb_ping_close(struct tb_ping *p);
/* The Internet checksum of len bytes (RFC 1071). */
uint16_t tb_inet_csum(const uint8_t *b, unsigned len);

#endif
