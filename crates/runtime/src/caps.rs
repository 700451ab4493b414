//! spec.process.capabilities: bounding set dropped before the user change,
//! the other sets applied after it (with keep-caps across setuid).

use super::child::{CResult, Stage};
use crate::error::Result;
use nix::errno::Errno;
use oci_spec::runtime::{Capabilities, Capability, LinuxCapabilities};

/// The capability sets as bit masks, computed in the parent.
#[derive(Debug, Clone)]
pub(super) struct CapPlan {
    /// None: leave the bounding set as it is.
    bounding: Option<u64>,
    effective: u64,
    permitted: u64,
    inheritable: u64,
    ambient: u64,
    last_cap: u32,
}

impl CapPlan {
    pub fn new(c: &LinuxCapabilities) -> Result<CapPlan> {
        let last_cap = std::fs::read_to_string("/proc/sys/kernel/cap_last_cap").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(40);
        Ok(CapPlan {
            bounding: c.bounding().as_ref().map(mask),
            effective: c.effective().as_ref().map(mask).unwrap_or(0),
            permitted: c.permitted().as_ref().map(mask).unwrap_or(0),
            inheritable: c.inheritable().as_ref().map(mask).unwrap_or(0),
            ambient: c.ambient().as_ref().map(mask).unwrap_or(0),
            last_cap,
        })
    }

    /// Before setuid: drops from the bounding set what the spec leaves out,
    /// and keeps the permitted set across a change to a non-root uid.
    pub fn before_user_change(&self, uid: u32) -> CResult<()> {
        if let Some(bounding) = self.bounding {
            for cap in 0..=self.last_cap.min(63) {
                if bounding & (1 << cap) == 0 {
                    // SAFETY: prctl with integer arguments.
                    let r = unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) };
                    match Errno::result(r) {
                        Ok(_) | Err(Errno::EINVAL) => {}
                        Err(e) => return Err(e).stage(|| format!("drop capability {cap} from the bounding set")),
                    }
                }
            }
        }
        if uid != 0 {
            keep_caps(true)?;
        }
        Ok(())
    }

    /// After setuid: sets effective, permitted, inheritable and ambient.
    pub fn after_user_change(&self, uid: u32) -> CResult<()> {
        if uid != 0 {
            keep_caps(false)?;
        }
        #[repr(C)]
        struct Header {
            version: u32,
            pid: i32,
        }
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct Data {
            effective: u32,
            permitted: u32,
            inheritable: u32,
        }
        const VERSION_3: u32 = 0x2008_0522;
        let header = Header { version: VERSION_3, pid: 0 };
        let part = |shift: u32| Data {
            effective: (self.effective >> shift) as u32,
            permitted: (self.permitted >> shift) as u32,
            inheritable: (self.inheritable >> shift) as u32,
        };
        let data = [part(0), part(32)];
        // SAFETY: a v3 header and the two data words it requires.
        let r = unsafe { libc::syscall(libc::SYS_capset, &header as *const Header, data.as_ptr()) };
        Errno::result(r).stage(|| "set the capabilities".to_string())?;
        for cap in 0..=self.last_cap.min(63) {
            if self.ambient & (1 << cap) != 0 {
                // SAFETY: prctl with integer arguments.
                let r =
                    unsafe { libc::prctl(libc::PR_CAP_AMBIENT, libc::PR_CAP_AMBIENT_RAISE as libc::c_ulong, cap as libc::c_ulong, 0, 0) };
                Errno::result(r).stage(|| format!("raise ambient capability {cap}"))?;
            }
        }
        Ok(())
    }
}

fn keep_caps(on: bool) -> CResult<()> {
    // SAFETY: prctl with integer arguments.
    let r = unsafe { libc::prctl(libc::PR_SET_KEEPCAPS, on as libc::c_ulong, 0, 0, 0) };
    Errno::result(r).map(drop).stage(|| "set keep-caps".to_string())
}

fn mask(caps: &Capabilities) -> u64 {
    caps.iter().fold(0u64, |m, c| m | (1u64 << number(*c)))
}

/// The kernel's number of a capability (linux/capability.h).
fn number(c: Capability) -> u32 {
    use Capability::*;
    match c {
        Chown => 0,
        DacOverride => 1,
        DacReadSearch => 2,
        Fowner => 3,
        Fsetid => 4,
        Kill => 5,
        Setgid => 6,
        Setuid => 7,
        Setpcap => 8,
        LinuxImmutable => 9,
        NetBindService => 10,
        NetBroadcast => 11,
        NetAdmin => 12,
        NetRaw => 13,
        IpcLock => 14,
        IpcOwner => 15,
        SysModule => 16,
        SysRawio => 17,
        SysChroot => 18,
        SysPtrace => 19,
        SysPacct => 20,
        SysAdmin => 21,
        SysBoot => 22,
        SysNice => 23,
        SysResource => 24,
        SysTime => 25,
        SysTtyConfig => 26,
        Mknod => 27,
        Lease => 28,
        AuditWrite => 29,
        AuditControl => 30,
        Setfcap => 31,
        MacOverride => 32,
        MacAdmin => 33,
        Syslog => 34,
        WakeAlarm => 35,
        BlockSuspend => 36,
        AuditRead => 37,
        Perfmon => 38,
        Bpf => 39,
        CheckpointRestore => 40,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        let caps: Capabilities = [Capability::Chown, Capability::Kill, Capability::CheckpointRestore].into_iter().collect();
        assert_eq!(mask(&caps), 1 | (1 << 5) | (1 << 40));
    }
}
