#!/bin/sh
# tree.sh: the merged tree under the current folder, one line per entry, in a
# form that does not depend on the driver (no inode numbers, no times of
# entries this run changed; folders' link counts differ by design).
find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do
	t=$(stat -c '%F' "$p")
	case $t in
	directory) stat -c '%n %F %a %u %g' "$p" ;;
	'regular file' | 'regular empty file') printf '%s %s\n' "$(stat -c '%n file %a %u %g %s %h' "$p")" "$(cksum <"$p" | cut -d' ' -f1)" ;;
	'symbolic link') printf '%s -> %s\n' "$(stat -c '%n %F %u %g' "$p")" "$(readlink "$p")" ;;
	*) stat -c '%n %F %a %u %g' "$p" ;;
	esac
done
