/* Privileges of a capture run, handled as Debian's tcpdump (built with
 * libcap-ng) handles them: root opens the interfaces, becomes the -Z user,
 * and keeps one capability, CAP_DAC_OVERRIDE, only to create its output
 * files. The files are created after the switch, so they belong to that
 * user; the capability is raised around each creation and leaves the
 * permitted set once no file can be needed any more (at once without
 * rotation; with -G/-C it stays permitted, never effective, for the files
 * to come). Capabilities belong to a thread: the capture loop runs in one. */
#ifndef HOPLAT_PRIVS_H
#define HOPLAT_PRIVS_H

struct priv {
	int dropped;		/* root became another user */
	int kept;		/* CAP_DAC_OVERRIDE still permitted */
	char user[64];
};

/* Root becomes user (NULL: "tcpdump" if it exists, else "nobody"; "root"
 * stays root), keeping CAP_DAC_OVERRIDE permitted, not effective. Not root:
 * nothing to do. 0, or -errno with one line on stderr naming cmd. */
int priv_drop(struct priv *pv, const char *user, const char *cmd);
/* Around the creation of an output file. */
void priv_create_begin(const struct priv *pv);
void priv_create_end(const struct priv *pv);
/* No file will be created any more: nothing is left permitted. */
void priv_create_done(struct priv *pv);

#endif
