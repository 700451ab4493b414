#!/bin/sh
# check.sh: exercises an overlay mount (the current folder, prepared by
# make-layers.sh) and prints what it sees. Run on kernel overlay and on the
# FUSE overlay, the output must be identical. POSIX sh, coreutils, python3.
cd "${1:-.}" || exit 1
py() { /usr/bin/python3 -c "$@"; }
say() { printf '%s\n' "$*"; }
try() { if "$@" 2>/dev/null; then say "ok: $*"; else say "fail: $*"; fi; }

say '== merged view'
sh "$(dirname "$0")/tree.sh" | grep -v '^./many/'
ls many | wc -l
cat dir/shadow opq/shown
test -e dir/whited || say 'whiteout hides dir/whited'
test -e opq/hidden || say 'opaque folder hides opq/hidden'
stat -c '%Y' dir/base big

say '== inode numbers are stable'
a=$(stat -c %i dir/base); ls -R >/dev/null; b=$(stat -c %i dir/base)
[ "$a" = "$b" ] && say same || say "changed $a $b"
# (Lower-layer hard links are not compared: kernel overlay without index
# shows them with one st_ino although copy-up separates them; ours does not.)
[ "$(stat -c %d dir/base)" = "$(stat -c %d many/f1)" ] && say 'one st_dev' || say 'several st_dev'

say '== copy-up on write keeps mode, owner, times, xattrs'
echo more >>private
stat -c '%a %u %g %s' private; cat private
py 'import os; print(os.getxattr("xattrs", "user.test"))'
echo y >>xattrs
py 'import os; print(os.getxattr("xattrs", "user.test"))'
a=$(stat -c %i big); echo tail >>big; b=$(stat -c %i big)
[ "$a" = "$b" ] && say 'copy-up keeps the inode number' || say 'copy-up changed the inode number'
stat -c '%s' big; tail -c 10 big
touch -d '2010-01-01 00:00:00' dir/sub/f; stat -c '%Y %a' dir/sub/f dir/sub
cat dir/sub/deep/f
stat -c '%a' suid

say '== truncate, chmod, chown, utimens'
truncate -s 2 dir/base; cat dir/base; echo
truncate -s 5 dir/base; od -c dir/base | head -2
chmod 600 dir/shadow; stat -c '%a' dir/shadow
try chown 0:0 dir/shadow
try chown 1:1 dir/shadow
stat -c '%u %g' dir/shadow
touch -m -d '1999-12-31 23:59:59' dir/shadow; stat -c '%Y' dir/shadow
chmod 4711 dir/shadow; stat -c '%a' dir/shadow

say '== unlink and rmdir leave whiteouts'
rm dir/shadow; test -e dir/shadow || say 'dir/shadow gone'
echo again >dir/shadow; cat dir/shadow
rm gone/g; rmdir gone; test -e gone || say 'gone gone'
mkdir gone; ls -A gone | wc -l
try rmdir opq
rm opq/shown; try rmdir opq; test -e opq || say 'opq gone'
try rmdir dir
ls many | head -3; rm many/f1 many/f2; ls many | wc -l

say '== create, mkdir, symlink, hard link, fifo, socket'
mkdir -p new/a/b; echo n >new/a/b/n; cat new/a/b/n
ln -s ../dir/base new/s; readlink new/s; cat new/s; echo
ln hard1 hard3; stat -c '%h' hard1 hard3; cat hard3
a=$(stat -c %i hard1); b=$(stat -c %i hard3)
[ "$a" = "$b" ] && say 'hard links share an inode' || say 'hard links differ'
ln dir/sub/f dir/f-link; stat -c '%h' dir/f-link
mkfifo new/fifo; test -p new/fifo && say 'fifo'
test -p fifo && say 'lower fifo'
py 'import socket; s=socket.socket(socket.AF_UNIX); s.bind("new/sock")'
test -S new/sock && say 'socket'
try mknod new/null c 1 3
mkdir -m 2775 sgid; stat -c '%a' sgid; mkdir sgid/in; stat -c '%a' sgid/in

say '== rename'
mv dir/base dir/base2; cat dir/base2; echo; test -e dir/base || say 'old name gone'
echo r >dir/r; mv dir/r dir/r2; cat dir/r2
echo over >over; mv over hard2; cat hard2; cat hard1
mv new/a new/a2; cat new/a2/b/n
mv tree tree2; cat tree2/a/b/t; test -e tree || say 'tree moved'
mv dir/sub dir/sub2; cat dir/sub2/deep/f dir/sub2/f
mkdir emptyd; mv new/a2 emptyd; ls emptyd
mkdir -p x/y; mv x/y dir/sub2/deep 2>/dev/null || say 'cannot replace a full folder'

say '== rename exchange'
# renameat2(RENAME_EXCHANGE) through ctypes (coreutils has no exchange).
xchg() { py 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.renameat2(-100, os.fsencode(sys.argv[1]), -100, os.fsencode(sys.argv[2]), 2)
print("exchange", sys.argv[1], sys.argv[2] + ":", "ok" if rc == 0 else "errno %d" % ctypes.get_errno())' "$1" "$2"; }
a=$(stat -c %i many/f20); b=$(stat -c %i many/f21)
xchg many/f20 many/f21; cat many/f20 many/f21; ls many | grep -c -x -e f20 -e f21
[ "$(stat -c %i many/f20)" = "$b" ] && [ "$(stat -c %i many/f21)" = "$a" ] && say 'inode numbers go with the files'
echo fresh >xnew; xchg suid xnew; cat suid xnew; stat -c '%a' suid xnew
mkdir xd; echo in >xd/in; xchg xnew xd; cat xnew/in xd
# A folder landing where a lower layer has a folder must hide it (opaque),
# whichever side of the exchange it comes from.
echo f >tree; xchg tree xnew; ls -A tree; test -e tree/a || say 'lower tree/a stays hidden'; cat xnew
echo f >dir/sub; mkdir dir/xd2; echo in2 >dir/xd2/in2; xchg dir/xd2 dir/sub; ls -A dir/sub; cat dir/xd2
test -e dir/sub/deep || say 'lower dir/sub/deep stays hidden'
# Folders move with what is below them, also what the kernel looked up before.
mkdir -p e1/s e2; echo 1 >e1/s/f; echo 2 >e2/f; cat e1/s/f e2/f
xchg e1 e2; cat e2/s/f e1/f; echo 3 >e2/s/g; ls e2/s; cat e2/s/g; test -e e1/s || say 'e1/s moved'
xchg e1/f e2/s; cat e1/f/g e2/s
xchg suid nosuch; xchg nosuch suid
xchg dir xd; xchg xd dir
xchg suid suid; xchg hard1 hard3; cat suid hard3

say '== xattrs'
py 'import os; os.setxattr("dir/base2", "user.k", b"v"); print(os.getxattr("dir/base2", "user.k"))'
py 'import os; print(sorted(x for x in os.listxattr("dir/base2")))'
py 'import os; os.removexattr("dir/base2", "user.k"); print(sorted(os.listxattr("dir/base2")))'
py 'import os; print([x for x in os.listxattr("gone") if "overlay" in x])'
py 'import os
try:
    os.getxattr("gone", "user.missing")
except OSError as e:
    print("errno", e.errno)'

say '== open files survive unlink'
echo kept >keep; exec 3<keep; rm keep; cat <&3; exec 3<&-
py 'import os
fd = os.open("w", os.O_CREAT | os.O_RDWR, 0o644)
os.unlink("w")
os.write(fd, b"still writable")
os.lseek(fd, 0, 0)
print(os.read(fd, 100).decode(), os.fstat(fd).st_nlink)
os.fsync(fd)
os.close(fd)'
py 'import os; fd=os.open("hard1", os.O_RDONLY); os.unlink("hard1"); print(os.read(fd, 100)); os.close(fd)'
py 'import os
fd = os.open("w2", os.O_CREAT | os.O_RDWR, 0o644)
os.unlink("w2")
os.fchmod(fd, 0o600)
print("unlinked fchmod", oct(os.fstat(fd).st_mode & 0o777))
try:
    os.fchown(fd, 1, 1)  # uid 1 is unmapped in a rootless test: EINVAL on both
    print("unlinked fchown", os.fstat(fd).st_uid, os.fstat(fd).st_gid)
except OSError as e:
    print("unlinked fchown errno", e.errno)
os.close(fd)'
# Lower-layer files: written after their last name is gone (copied up
# to an unnamed file), read to the end after it, and a read-only fd that sees
# what a later writer put in (as kernel overlay since 4.19).
py 'import os
fd = os.open("many/f10", os.O_RDWR); os.unlink("many/f10")
os.write(fd, b"XY"); os.lseek(fd, 0, 0)
print("unlinked lower", os.read(fd, 100), os.fstat(fd).st_size)
os.ftruncate(fd, 1); print(os.fstat(fd).st_size); os.close(fd)'
py 'import os
fd = os.open("big", os.O_RDONLY); n = len(os.read(fd, 10)); os.unlink("big")
while True:
    b = os.read(fd, 1 << 20)
    if not b:
        break
    n += len(b)
print("unlinked big", n); os.close(fd)'
py 'import os
r = os.open("many/f11", os.O_RDONLY); print(os.read(r, 10))
w = os.open("many/f11", os.O_WRONLY); os.write(w, b"new"); os.close(w)
print(os.pread(r, 10, 0)); os.close(r)'
echo trunc >many/f12; cat many/f12; : >many/f13; stat -c %s many/f13

say '== readdir offsets are stable'
py 'import os
d = os.scandir("many"); first = [next(d).name for _ in range(10)]; rest = [e.name for e in d]
print(len(first) + len(rest), len(set(first + rest)))'

say '== fsync, statfs, large files'
py 'import os; fd=os.open("dir/base2", os.O_WRONLY); os.fsync(fd); os.fdatasync(fd); os.close(fd); print("fsync ok")'
stat -f -c '%S' . >/dev/null && say 'statfs ok'
seq 1 700000 >rand; cp rand rand2; cmp rand rand2 && say 'big copy ok'
dd if=/dev/zero of=zero bs=1M count=3 2>/dev/null; stat -c %s zero

say '== final tree'
sh "$(dirname "$0")/tree.sh" | grep -v -e '^./many/' -e '^./rand' -e '^./new/sock'
