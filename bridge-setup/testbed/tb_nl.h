/* libnl-route-3 helpers for building the testbed, all acting in the network
 * namespace the calling thread is in when the socket is opened. */
#ifndef HOPLAT_TB_NL_H
#define HOPLAT_TB_NL_H

struct nl_sock;

struct nl_sock *tb_nl_open(void);	/* NULL on failure */
void tb_nl_close(struct nl_sock *sk);
/* veth pair a<->b; b is created in the namespace of peer_ns_fd (-1: here).
 * mac_a / mac_b may be NULL (kernel picks). 0 or -errno. */
int tb_nl_veth(struct nl_sock *sk, const char *a, const char *mac_a, const char *b,
	       const char *mac_b, int peer_ns_fd);
int tb_nl_bridge(struct nl_sock *sk, const char *name);
int tb_nl_enslave(struct nl_sock *sk, const char *master, const char *port);
int tb_nl_up(struct nl_sock *sk, const char *name);
int tb_nl_addr(struct nl_sock *sk, const char *name, const char *cidr);
/* Turns off checksum, scatter-gather and segmentation offloads so every
 * frame a packet socket reads is a complete, checksummed wire frame. */
int tb_nl_offloads_off(const char *name);

#endif
