//! Fds through a unix socket (SCM_RIGHTS): the one copy of the cmsg code.
//!
//! The clone child hands the pty master to its parent (tty.rs), the
//! container's child hands /dev/fuse to the FUSE server (fuse_server.rs),
//! and the API service hands a worker's request and fds to its spawner
//! (engine spawner.rs). Sending is plain system calls on stack buffers (no
//! allocation), so it is safe in a cloned or forked child; received fds
//! are close-on-exec (MSG_CMSG_CLOEXEC) and owned, so none can slip into a
//! program started afterwards.

use nix::errno::Errno;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// The most fds one message carries.
pub const MAX_FDS: usize = 8;

/// Room for a cmsghdr and MAX_FDS fds (u64s for cmsghdr's alignment).
type Space = [u64; 8];

/// Sends one message: `data` (stream sockets need at least one byte for the
/// fds to travel) and `fds`. Retries on EINTR; E2BIG beyond MAX_FDS.
pub fn send(sock: BorrowedFd<'_>, data: &[u8], fds: &[RawFd]) -> nix::Result<()> {
    if fds.len() > MAX_FDS {
        return Err(Errno::E2BIG);
    }
    let mut iov = libc::iovec { iov_base: data.as_ptr() as *mut libc::c_void, iov_len: data.len() };
    let mut space: Space = [0; 8];
    // SAFETY: a msghdr over our buffers; the CMSG macros stay inside `space`,
    // which holds MAX_FDS fds (checked by the test below).
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        if !fds.is_empty() {
            let len = std::mem::size_of_val(fds) as u32;
            msg.msg_control = space.as_mut_ptr().cast();
            msg.msg_controllen = libc::CMSG_SPACE(len) as usize;
            let cmsg = libc::CMSG_FIRSTHDR(&msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(len) as usize;
            std::ptr::copy_nonoverlapping(fds.as_ptr().cast::<u8>(), libc::CMSG_DATA(cmsg), len as usize);
        }
        loop {
            match Errno::result(libc::sendmsg(sock.as_raw_fd(), &msg, libc::MSG_NOSIGNAL)) {
                Err(Errno::EINTR) => continue,
                r => return r.map(drop),
            }
        }
    }
}

/// Receives one message: its bytes into `data` (their count returned; 0
/// when the peer is gone) and the fds it carried, close-on-exec. Retries
/// on EINTR.
pub fn recv(sock: BorrowedFd<'_>, data: &mut [u8]) -> nix::Result<(usize, Vec<OwnedFd>)> {
    let mut iov = libc::iovec { iov_base: data.as_mut_ptr().cast(), iov_len: data.len() };
    let mut space: Space = [0; 8];
    // SAFETY: as in `send`; the fds found in the message are ours to own.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = space.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&space);
        let n = loop {
            match Errno::result(libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC)) {
                Err(Errno::EINTR) => continue,
                r => break r?,
            }
        };
        let mut fds = Vec::new();
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let bytes = (*cmsg).cmsg_len - libc::CMSG_LEN(0) as usize;
                let p = libc::CMSG_DATA(cmsg).cast::<RawFd>();
                for i in 0..bytes / std::mem::size_of::<RawFd>() {
                    fds.push(OwnedFd::from_raw_fd(std::ptr::read_unaligned(p.add(i))));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
        Ok((n as usize, fds))
    }
}

/// Sends one fd, with a one-byte tag.
pub fn send_fd(sock: BorrowedFd<'_>, fd: RawFd, tag: u8) -> nix::Result<()> {
    send(sock, &[tag], &[fd])
}

/// Receives one fd (sent by `send_fd` or any SCM_RIGHTS sender): None when
/// the message carried none; any more it carried are closed.
pub fn recv_fd(sock: BorrowedFd<'_>) -> nix::Result<Option<OwnedFd>> {
    let mut byte = [0u8; 1];
    let (_, fds) = recv(sock, &mut byte)?;
    Ok(fds.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    fn pair(kind: libc::c_int) -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: socketpair fills the two-element array.
        assert_eq!(unsafe { libc::socketpair(libc::AF_UNIX, kind | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) }, 0);
        // SAFETY: two fresh fds we own.
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    fn cloexec(fd: &OwnedFd) -> bool {
        // SAFETY: F_GETFD on our own fd.
        unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) & libc::FD_CLOEXEC != 0 }
    }

    #[test]
    fn several_fds_and_data_travel_in_one_message() {
        let (a, b) = pair(libc::SOCK_SEQPACKET);
        // Eight pipes, their write ends sent (the most a message carries),
        // without close-on-exec on our side.
        let pipes: Vec<(OwnedFd, OwnedFd)> = (0..MAX_FDS).map(|_| nix::unistd::pipe().unwrap()).collect();
        let raw: Vec<RawFd> = pipes.iter().map(|(_, w)| w.as_raw_fd()).collect();
        send(a.as_fd(), b"hello", &raw).unwrap();
        let mut data = [0u8; 16];
        let (n, got) = recv(b.as_fd(), &mut data).unwrap();
        assert_eq!(&data[..n], b"hello");
        assert_eq!(got.len(), MAX_FDS);
        for (i, (fd, (r, _))) in got.iter().zip(&pipes).enumerate() {
            assert!(cloexec(fd), "a received fd is close-on-exec");
            // The received fd is the same pipe: what goes in comes out of our read end.
            nix::unistd::write(fd, &[i as u8]).unwrap();
            let mut one = [0u8; 1];
            assert_eq!(nix::unistd::read(r, &mut one).unwrap(), 1);
            assert_eq!(one[0], i as u8);
        }
        // One more than that is refused before anything is sent.
        let mut too_many = raw.clone();
        too_many.push(raw[0]);
        assert_eq!(send(a.as_fd(), b"x", &too_many), Err(Errno::E2BIG));
    }

    #[test]
    fn one_fd_over_a_stream_socket_and_messages_without_fds() {
        let (a, b) = pair(libc::SOCK_STREAM);
        let (r, w) = nix::unistd::pipe().unwrap();
        send_fd(a.as_fd(), w.as_raw_fd(), b't').unwrap();
        let got = recv_fd(b.as_fd()).unwrap().expect("an fd");
        assert!(cloexec(&got));
        nix::unistd::write(&got, b"z").unwrap();
        let mut one = [0u8; 1];
        nix::unistd::read(&r, &mut one).unwrap();
        assert_eq!(&one, b"z");
        // A message without fds: its data, no fd.
        send(a.as_fd(), b"k", &[]).unwrap();
        assert!(recv_fd(b.as_fd()).unwrap().is_none());
        // The peer gone: 0 bytes, no fd.
        drop(a);
        let mut data = [0u8; 4];
        let (n, fds) = recv(b.as_fd(), &mut data).unwrap();
        assert_eq!((n, fds.len()), (0, 0));
    }
}
