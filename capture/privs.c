/* Dropping root as tcpdump does (see privs.h).
 *
 * Why a capability and not a directory descriptor opened before the drop:
 * openat() checks the directory's permissions against the caller's
 * credentials at the time of the call, so a descriptor opened by root gives
 * the -Z user no right to create anything in a root-owned directory (and a
 * strftime name may point into several directories). Why not CAP_CHOWN
 * (root creates, then gives the file away): files made after the drop (-G,
 * -C) still need the right to create. CAP_DAC_OVERRIDE alone, used by the
 * -Z user, creates files that user owns. libcap is not a dependency: the
 * capset system call with <linux/capability.h>'s structures is enough. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "capture/privs.h"

#define DAC (1u << CAP_DAC_OVERRIDE)

/* Sets this thread's permitted and effective sets (capabilities 0-31, the
 * only ones kept; 32-63 and the inheritable set are cleared). */
static int caps_set(uint32_t permitted, uint32_t effective)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
		{ .effective = effective, .permitted = permitted },
	};
	return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

/* After setuid() with PR_SET_KEEPCAPS every capability is still permitted:
 * only CAP_DAC_OVERRIDE stays, or none when even that cannot be kept (a
 * container without it); failing both, the process must not go on. */
static int keep_only_dac(struct priv *pv, const char *cmd)
{
	if (caps_set(DAC, 0) == 0) {
		pv->kept = 1;
		return 0;
	}
	if (caps_set(0, 0) == 0)
		return 0;
	fprintf(stderr, "hoplat %s: cannot give up capabilities: %s\n", cmd, strerror(errno));
	return -EPERM;
}

static int switch_user(const struct passwd *pw, const char *cmd)
{
	/* the permitted set survives setuid() only with PR_SET_KEEPCAPS */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0 || initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "hoplat %s: cannot change to user %s: %s\n", cmd, pw->pw_name,
			strerror(errno));
		return -EPERM;
	}
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	return 0;
}

int priv_drop(struct priv *pv, const char *user, const char *cmd)
{
	memset(pv, 0, sizeof *pv);
	if (geteuid() != 0)
		return 0;
	if (!user)
		user = getpwnam("tcpdump") ? "tcpdump" : "nobody";
	if (!strcmp(user, "root"))
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr, "hoplat %s: -Z %s: no such user\n", cmd, user);
		return -EINVAL;
	}
	snprintf(pv->user, sizeof pv->user, "%s", user);
	int rc = switch_user(pw, cmd);
	if (rc == 0)
		rc = keep_only_dac(pv, cmd);
	pv->dropped = rc == 0;
	return rc;
}

void priv_create_begin(const struct priv *pv)
{
	if (pv->kept)
		caps_set(DAC, DAC);
}

void priv_create_end(const struct priv *pv)
{
	if (pv->kept)
		caps_set(DAC, 0);
}

void priv_create_done(struct priv *pv)
{
	if (pv->kept)
		caps_set(0, 0);
	pv->kept = 0;
}
