# shellcheck shell=sh
# Helpers shared by mkinitramfs.sh and run.sh (sourced, not run).

# Exit status meaning "skipped" (automake / kselftest runner convention).
VM_SKIP=77

skip() {
	echo "SKIP: $*"
	exit "$VM_SKIP"
}

# kernel_version IMAGE: the release string (uname -r) of an x86 bzImage, read
# from its setup header: "HdrS" at 0x202, and at 0x20e a pointer (minus 0x200)
# to the version string.  Falls back to file(1).  Prints nothing on failure.
kernel_version() {
	_img=$1
	_magic=$(dd if="$_img" bs=1 skip=514 count=4 2>/dev/null) || _magic=
	if [ "$_magic" = HdrS ]; then
		_off=$(od -An -tu2 -j 526 -N 2 "$_img" 2>/dev/null | tr -d ' ')
		if [ -n "$_off" ] && [ "$_off" -gt 0 ]; then
			dd if="$_img" bs=1 skip=$((_off + 512)) count=128 2>/dev/null |
				tr '\0' '\n' | head -n 1 | cut -d ' ' -f 1
			return 0
		fi
	fi
	if command -v file >/dev/null 2>&1; then
		file -b "$_img" | sed -n 's/.*, version \([^ ,]*\).*/\1/p'
	fi
}

# default_kernel: $SGATE_VM_KERNEL, else the newest /boot/vmlinuz-*.
default_kernel() {
	if [ -n "${SGATE_VM_KERNEL:-}" ]; then
		echo "$SGATE_VM_KERNEL"
		return 0
	fi
	# shellcheck disable=SC2012  # names are plain version strings
	ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1
}

# find_busybox: a statically linked busybox ($SGATE_VM_BUSYBOX, or
# busybox-static's /bin/busybox).  Prints nothing when there is none.
find_busybox() {
	for _bb in ${SGATE_VM_BUSYBOX:-} /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null)"; do
		if [ -z "$_bb" ] || [ ! -x "$_bb" ]; then continue; fi
		if command -v file >/dev/null 2>&1; then
			case $(file -bL "$_bb") in
			*"statically linked"* | *"static-pie linked"*) ;;
			*) continue ;;
			esac
		elif command -v ldd >/dev/null 2>&1 && ldd "$_bb" >/dev/null 2>&1; then
			continue # ldd succeeds only on dynamic executables
		fi
		echo "$_bb"
		return 0
	done
}
