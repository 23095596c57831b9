#!/usr/bin/env bash
# Installs the Debian 12 packages hoplat builds and tests with, if missing.
set -eu
pkgs=(build-essential pkg-config libpcap-dev libnl-3-dev libnl-route-3-dev zlib1g-dev libcmocka-dev
      tshark tcpdump bind9 bind9-utils dnsperf httperf lighttpd nftables iproute2 procps
      libdpdk-dev valgrind hyperfine clang libclang-rt-14-dev iputils-ping ethtool
      python3 time python3-pandas python3-jsonschema libjson-c-dev chromium gnuplot-nox bsdutils xz-utils strace)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
