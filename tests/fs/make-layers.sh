#!/bin/sh
# make-layers.sh OPAQUE_XATTR L1 L2: two lower layers (L1 on top) that exercise
# overlay merging: shadowed files, a whiteout, an opaque folder, hard links,
# a symlink, a fifo, xattrs, set-ID modes and a folder of many entries.
# OPAQUE_XATTR is trusted.overlay.opaque (root) or user.overlay.opaque (rootless).
set -eu
key=$1 L1=$2 L2=$3
mkdir -p "$L1/dir" "$L1/opq" "$L2/dir/sub/deep" "$L2/gone" "$L2/opq" "$L2/many" "$L2/tree/a/b"
echo base >"$L2/dir/base"
echo low >"$L2/dir/shadow"
echo top >"$L1/dir/shadow"
echo sub >"$L2/dir/sub/f"
echo deep >"$L2/dir/sub/deep/f"
echo g >"$L2/gone/g"
echo hidden >"$L2/opq/hidden"
echo shown >"$L1/opq/shown"
echo wh >"$L2/dir/whited"
mknod "$L1/dir/whited" c 0 0
python3 -c 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], b"y")' "$L1/opq" "$key"
echo linked >"$L2/hard1"
ln "$L2/hard1" "$L2/hard2"
ln -s dir/base "$L2/sym"
mkfifo "$L2/fifo"
echo x >"$L2/xattrs"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.test", b"value")' "$L2/xattrs"
echo suid >"$L2/suid"
chmod 4755 "$L2/suid"
echo private >"$L2/private"
chmod 0640 "$L2/private"
i=0
while [ $i -lt 300 ]; do echo $i >"$L2/many/f$i"; i=$((i + 1)); done
echo t >"$L2/tree/a/b/t"
head -c 3000000 /dev/zero | tr '\0' 'z' >"$L2/big"
# Fixed times everywhere: two runs of this script must give equal layers.
find "$L1" "$L2" -exec touch -h -d '2001-02-03 04:05:06' {} +
