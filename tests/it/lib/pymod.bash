# py_with MODULE: sets PY to a python3 that imports MODULE (Debian's
# /usr/bin/python3 first: python3-pandas and python3-jsonschema install
# there), else exits 77 naming the package. Sourced by the tests.
py_with() {
	PY=
	for p in /usr/bin/python3 python3; do
		$p -c "import $1" 2>/dev/null && { PY=$p; return 0; }
	done
	echo "needs python3-$1 (tests/deps.sh)"
	exit 77
}
