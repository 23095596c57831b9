/* udpgen: UDP datagrams to an address at a fixed rate, for the capture
 * benchmark (run inside a test namespace; never aimed outside).
 *   udpgen DST_IP PORT RATE_PPS SECONDS [PAYLOAD_BYTES]
 * Paces in 1 ms ticks with sendmmsg batches; prints "sent N" at the end. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Sends n datagrams, each carrying its sequence number; returns how many went. */
static uint64_t send_n(int fd, uint8_t payload[BATCH][1500], unsigned size, uint64_t seq, uint64_t n)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint64_t sent = 0;

	while (sent < n) {
		unsigned k = n - sent > BATCH ? BATCH : (unsigned)(n - sent);
		for (unsigned i = 0; i < k; i++) {
			uint64_t s = seq + sent + i;
			memcpy(payload[i], &s, sizeof s);
			iov[i] = (struct iovec){ .iov_base = payload[i], .iov_len = size };
			memset(&msg[i], 0, sizeof msg[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		int r = sendmmsg(fd, msg, k, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED)
				break;	/* the pacing loop tries again */
			perror("udpgen: sendmmsg");
			break;
		}
		sent += (unsigned)r;
	}
	return sent;
}

int main(int argc, char **argv)
{
	static uint8_t payload[BATCH][1500];
	struct sockaddr_in dst = { .sin_family = AF_INET };

	if (argc < 5) {
		fprintf(stderr, "usage: udpgen DST_IP PORT RATE_PPS SECONDS [PAYLOAD_BYTES]\n");
		return 2;
	}
	unsigned size = argc > 5 ? (unsigned)atoi(argv[5]) : 64;
	double rate = atof(argv[3]), secs = atof(argv[4]);
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || size < 8 || size > 1472 || rate <= 0) {
		fprintf(stderr, "udpgen: bad arguments\n");
		return 2;
	}
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0) {
		perror("udpgen: socket");
		return 1;
	}
	uint64_t t0 = now_ns(), total = (uint64_t)(rate * secs), sent = 0;
	uint64_t deadline = t0 + (uint64_t)(secs * 2e9) + 1000000000u;
	while (sent < total && now_ns() < deadline) {
		/* how many should have gone by now */
		double el = (double)(now_ns() - t0) / 1e9;
		uint64_t due = (uint64_t)(el * rate);
		if (due > total)
			due = total;
		uint64_t k = due > sent ? send_n(fd, payload, size, sent, due - sent) : 0;
		sent += k;
		if (!k) {
			struct timespec ts = { 0, 200000 };
			nanosleep(&ts, NULL);
		}
	}
	double el = (double)(now_ns() - t0) / 1e9;
	printf("sent %llu in %.3f s (%.0f pps)\n", (unsigned long long)sent, el, (double)sent / el);
	close(fd);
	return 0;
}
