//! spec.linux.seccomp compiled to BPF (with `seccompiler`) in the parent and
//! installed by the child just before it execs.
//!
//! seccompiler builds one filter with one action on match and one on
//! mismatch, while an OCI profile gives each rule its own action. The kernel
//! runs every installed filter and keeps the most severe action (ties: the
//! filter installed last), so the profile becomes a stack:
//! - a base filter: every syscall the profile names → ALLOW, the rest → the
//!   default action (podman's default: ENOSYS, so a program probing a newer
//!   system call falls back as it would on an older kernel);
//! - one filter per other action (ERRNO(EPERM), ERRNO(EINVAL), KILL...):
//!   its rules → that action, the rest → ALLOW. Installed after the base, so
//!   its ERRNO wins over the base's default ERRNO.
//!
//! A syscall that has both conditional ALLOW rules and rules with another
//! action is passed by the base unconditionally and decided by the other
//! filter, which is how the containers profile uses such pairs (socket).
//!
//! Other architectures: the filter is built for the machine's native ABI;
//! seccompiler's arch check kills a process that makes a system call through
//! another ABI (i386 binaries through int 0x80 on x86_64) rather than let it
//! reach a syscall table the profile was not checked against. x32 calls carry
//! the native arch with bit 30 set in the number, match no rule and get the
//! default action.

use super::child::{CResult, Stage};
use crate::error::{Error, Result};
use nix::errno::Errno;
use oci_spec::runtime::{LinuxSeccomp, LinuxSeccompAction, LinuxSeccompOperator};
use seccompiler::{BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch};
use std::collections::BTreeMap;

/// The compiled filters, in the order they are installed.
#[derive(Debug, Clone)]
pub(super) struct SeccompPlan {
    programs: Vec<BpfProgram>,
}

/// AUDIT_ARCH_X86_64 (linux/audit.h), what seccomp_data.arch holds here.
const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;

fn arch() -> Result<TargetArch> {
    if cfg!(target_arch = "x86_64") {
        Ok(TargetArch::x86_64)
    } else {
        Err(Error::Runtime("seccomp profiles are supported on x86_64 only for now: run with --security-opt seccomp=unconfined".into()))
    }
}

/// The system call number of `name` on this machine, if it has one.
fn syscall_number(name: &str) -> Option<i64> {
    let table = super::seccomp_syscalls::X86_64;
    table.binary_search_by(|(n, _)| n.cmp(&name)).ok().map(|i| table[i].1)
}

fn action(a: LinuxSeccompAction, errno: Option<u32>, default_errno: u32) -> Result<SeccompAction> {
    Ok(match a {
        LinuxSeccompAction::ScmpActAllow => SeccompAction::Allow,
        LinuxSeccompAction::ScmpActErrno => SeccompAction::Errno(errno.unwrap_or(default_errno)),
        LinuxSeccompAction::ScmpActKill | LinuxSeccompAction::ScmpActKillThread => SeccompAction::KillThread,
        LinuxSeccompAction::ScmpActKillProcess => SeccompAction::KillProcess,
        LinuxSeccompAction::ScmpActTrap => SeccompAction::Trap,
        LinuxSeccompAction::ScmpActLog => SeccompAction::Log,
        LinuxSeccompAction::ScmpActTrace => SeccompAction::Trace(errno.unwrap_or(0)),
        LinuxSeccompAction::ScmpActNotify => return Err(Error::Runtime("seccomp action SCMP_ACT_NOTIFY is not supported".into())),
    })
}

/// A key to group rules by action (SeccompAction is not Ord).
fn action_key(a: &SeccompAction) -> (u8, u32) {
    match a {
        SeccompAction::Allow => (0, 0),
        SeccompAction::Errno(e) => (1, *e),
        SeccompAction::KillThread => (2, 0),
        SeccompAction::KillProcess => (3, 0),
        SeccompAction::Log => (4, 0),
        SeccompAction::Trace(t) => (5, *t),
        SeccompAction::Trap => (6, 0),
    }
}

fn bad(e: impl std::fmt::Display) -> Error {
    Error::Runtime(format!("compile the seccomp profile: {e}"))
}

/// Rules of one syscall for one action: None = unconditional.
type Chains = BTreeMap<i64, Option<Vec<SeccompRule>>>;

fn add(chains: &mut Chains, nr: i64, rule: Option<SeccompRule>) {
    let slot = chains.entry(nr).or_insert_with(|| Some(Vec::new()));
    match (slot.as_mut(), rule) {
        (Some(list), Some(r)) => list.push(r),
        _ => *slot = None,
    }
}

fn rules_map(chains: Chains) -> BTreeMap<i64, Vec<SeccompRule>> {
    chains.into_iter().map(|(nr, r)| (nr, r.unwrap_or_default())).collect()
}

impl SeccompPlan {
    /// Compiles the profile; unknown syscall names are skipped (they belong
    /// to other architectures or newer kernels), as runc and crun do.
    pub fn new(profile: &LinuxSeccomp) -> Result<SeccompPlan> {
        let arch = arch()?;
        // ENOSYS when a profile says ERRNO without a number is what podman's does.
        let default_errno = profile.default_errno_ret().unwrap_or(libc::EPERM as u32);
        let default = action(profile.default_action(), profile.default_errno_ret(), default_errno)?;
        let mut by_action: BTreeMap<(u8, u32), (SeccompAction, Chains)> = BTreeMap::new();
        for sc in profile.syscalls().as_ref().into_iter().flatten() {
            let act = action(sc.action(), sc.errno_ret(), libc::EPERM as u32)?;
            let rule = match sc.args().as_ref().filter(|a| !a.is_empty()) {
                None => None,
                Some(args) => {
                    let mut conds = Vec::new();
                    for a in args {
                        let op = match a.op() {
                            LinuxSeccompOperator::ScmpCmpNe => SeccompCmpOp::Ne,
                            LinuxSeccompOperator::ScmpCmpLt => SeccompCmpOp::Lt,
                            LinuxSeccompOperator::ScmpCmpLe => SeccompCmpOp::Le,
                            LinuxSeccompOperator::ScmpCmpEq => SeccompCmpOp::Eq,
                            LinuxSeccompOperator::ScmpCmpGe => SeccompCmpOp::Ge,
                            LinuxSeccompOperator::ScmpCmpGt => SeccompCmpOp::Gt,
                            LinuxSeccompOperator::ScmpCmpMaskedEq => SeccompCmpOp::MaskedEq(a.value()),
                        };
                        let value = match a.op() {
                            LinuxSeccompOperator::ScmpCmpMaskedEq => a.value_two().unwrap_or(0),
                            _ => a.value(),
                        };
                        let index = u8::try_from(a.index()).map_err(bad)?;
                        conds.push(SeccompCondition::new(index, SeccompCmpArgLen::Qword, op, value).map_err(bad)?);
                    }
                    Some(SeccompRule::new(conds).map_err(bad)?)
                }
            };
            let entry = by_action.entry(action_key(&act)).or_insert_with(|| (act, Chains::new()));
            for name in sc.names() {
                if let Some(nr) = syscall_number(name) {
                    add(&mut entry.1, nr, rule.clone());
                }
            }
        }
        let allow_key = action_key(&SeccompAction::Allow);
        let mut base = by_action.remove(&allow_key).map(|(_, c)| c).unwrap_or_default();
        let mut programs = Vec::new();
        let mut others = Vec::new();
        for (_, (act, chains)) in by_action {
            if act == default {
                // Same as the default: the base already gives it to what it does not name.
                continue;
            }
            for nr in chains.keys() {
                // Let the other filter decide; the base must not override it.
                base.insert(*nr, None);
            }
            others.push((act, chains));
        }
        if default != SeccompAction::Allow {
            // The unconditional allows go into a binary search in front
            // (seccomp_tree.rs); seccompiler's chain keeps the rest.
            let flat: Vec<u32> = base.iter().filter(|(_, r)| r.is_none()).filter_map(|(nr, _)| u32::try_from(*nr).ok()).collect();
            base.retain(|_, r| r.is_some());
            let f = SeccompFilter::new(rules_map(base), default, SeccompAction::Allow, arch).map_err(bad)?;
            let mut program = super::seccomp_tree::prologue(AUDIT_ARCH_X86_64, &flat);
            program.extend(BpfProgram::try_from(f).map_err(bad)?);
            programs.push(program);
        }
        for (act, chains) in others {
            let f = SeccompFilter::new(rules_map(chains), SeccompAction::Allow, act, arch).map_err(bad)?;
            programs.push(BpfProgram::try_from(f).map_err(bad)?);
        }
        Ok(SeccompPlan { programs })
    }

    /// Child side: installs the filters. Without no_new_privs the caller
    /// must still hold CAP_SYS_ADMIN in its user namespace.
    pub fn install(&self) -> CResult<()> {
        for p in &self.programs {
            let prog = libc::sock_fprog {
                len: p.len() as libc::c_ushort,
                // seccompiler's sock_filter has the kernel's layout (linux/filter.h).
                filter: p.as_ptr() as *mut libc::sock_filter,
            };
            // SAFETY: a valid program that outlives the call; the kernel copies it.
            // Not seccompiler::apply_filter: it forces no_new_privs, which the
            // spec may leave off (podman's default).
            let r = unsafe { libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0, &prog as *const libc::sock_fprog) };
            Errno::result(r).stage(|| "install the seccomp filter".to_string())?;
        }
        Ok(())
    }

    /// Total BPF instructions, for tests and diagnostics.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.programs.iter().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_knows_common_calls() {
        let t = super::super::seccomp_syscalls::X86_64;
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(syscall_number("read"), Some(0));
        assert_eq!(syscall_number("keyctl"), Some(250));
        assert_eq!(syscall_number("_llseek"), None);
    }

    #[test]
    fn compiles_stacked_filters() {
        let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[
            {"names":["read","write","_llseek"],"action":"SCMP_ACT_ALLOW"},
            {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
            {"names":["swapon"],"action":"SCMP_ACT_ERRNO","errnoRet":1},
            {"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":22,"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"}]}]}"#;
        let p: LinuxSeccomp = serde_json::from_str(json).unwrap();
        let plan = SeccompPlan::new(&p).unwrap();
        assert_eq!(plan.programs.len(), 3, "base, EPERM, EINVAL");
        let allow_all: LinuxSeccomp =
            serde_json::from_str(r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}"#)
                .unwrap();
        assert_eq!(SeccompPlan::new(&allow_all).unwrap().programs.len(), 1);
    }
}

#[cfg(test)]
#[path = "seccomp_cost_tests.rs"]
mod cost;
