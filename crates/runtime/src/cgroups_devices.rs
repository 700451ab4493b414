//! The device allowlist (spec.linux.resources.devices): which device nodes
//! a container may make (m), read (r) and write (w), by type and numbers.
//! Enforced by the v1 devices controller (devices.deny / devices.allow), or
//! where v2 is the unified hierarchy and has no devices controller, by a
//! BPF_PROG_TYPE_CGROUP_DEVICE program attached to the container's cgroup,
//! as runc, crun and youki do. The program is written here by hand (a few
//! dozen instructions; no compiler or library needed at run time).
//!
//! Rules are applied in order, a later rule overriding an earlier one for
//! the access bits it names (the v1 controller's meaning). A spec without
//! rules gets the OCI default list, so that nothing reaches the runtime
//! with every host device open by accident: a container that should have
//! them says so (`--privileged` writes "allow a").

use crate::error::{Error, Result};
use oci_spec::runtime::{LinuxDeviceCgroup, LinuxDeviceType, Spec};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// One rule, checked: kind b/c or any, numbers or wildcards, access bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub allow: bool,
    /// None: every kind (OCI "a").
    pub kind: Option<Kind>,
    pub major: Option<u32>,
    pub minor: Option<u32>,
    /// ACC_MKNOD | ACC_READ | ACC_WRITE.
    pub access: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Block,
    Char,
}

// The kernel's BPF_DEVCG_* values (include/uapi/linux/bpf.h).
pub const ACC_MKNOD: u32 = 1;
pub const ACC_READ: u32 = 2;
pub const ACC_WRITE: u32 = 4;
const DEV_BLOCK: u32 = 1;
const DEV_CHAR: u32 = 2;

/// The OCI / runc default list: any node may be made (so that images and
/// builds that mknod keep working), only these may be opened. (type,
/// major, minor, access); None is a wildcard.
pub const DEFAULT: [(char, Option<u32>, Option<u32>, &str); 11] = [
    ('c', None, None, "m"),
    ('b', None, None, "m"),
    ('c', Some(1), Some(3), "rwm"), // null
    ('c', Some(1), Some(5), "rwm"), // zero
    ('c', Some(1), Some(7), "rwm"), // full
    ('c', Some(1), Some(8), "rwm"), // random
    ('c', Some(1), Some(9), "rwm"), // urandom
    ('c', Some(5), Some(0), "rwm"), // tty
    ('c', Some(5), Some(1), "rwm"), // console
    ('c', Some(5), Some(2), "rwm"), // ptmx
    ('c', Some(136), None, "rwm"),  // pts/*
];

/// /dev/fuse (c 10 229), read and write: the container's child opens it to
/// mount a FUSE rootfs after it has joined its cgroup. Without CAP_SYS_ADMIN
/// an open /dev/fuse mounts nothing.
pub const FUSE: Rule = Rule { allow: true, kind: Some(Kind::Char), major: Some(10), minor: Some(229), access: ACC_READ | ACC_WRITE };

/// The default list as spec entries, after a "deny all".
pub fn default_spec_rules() -> Vec<LinuxDeviceCgroup> {
    let mut out = vec![spec_rule(false, LinuxDeviceType::A, None, None, "rwm")];
    for (t, major, minor, access) in DEFAULT {
        let typ = if t == 'b' { LinuxDeviceType::B } else { LinuxDeviceType::C };
        out.push(spec_rule(true, typ, major, minor, access));
    }
    out
}

/// One spec entry.
pub fn spec_rule(allow: bool, typ: LinuxDeviceType, major: Option<u32>, minor: Option<u32>, access: &str) -> LinuxDeviceCgroup {
    let mut r = LinuxDeviceCgroup::default();
    r.set_allow(allow);
    r.set_typ(Some(typ));
    r.set_major(major.map(i64::from));
    r.set_minor(minor.map(i64::from));
    r.set_access(Some(access.to_string()));
    r
}

fn access_bits(s: &str) -> Option<u32> {
    let mut bits = 0;
    for c in s.chars() {
        bits |= match c {
            'm' => ACC_MKNOD,
            'r' => ACC_READ,
            'w' => ACC_WRITE,
            _ => return None,
        };
    }
    Some(bits)
}

/// The spec's rules, checked; the default list when it has none. Rules for
/// FIFOs ("p") say nothing about devices and are dropped.
pub fn rules(spec: &Spec) -> Result<Vec<Rule>> {
    let given = spec.linux().as_ref().and_then(|l| l.resources().as_ref()).and_then(|r| r.devices().as_ref());
    let list = match given {
        Some(l) if !l.is_empty() => l.clone(),
        _ => default_spec_rules(),
    };
    let mut out = Vec::new();
    for r in &list {
        let bad = |why: &str| Error::Runtime(format!("invalid spec: device rule {r}: {why}"));
        let kind = match r.typ().unwrap_or_default() {
            LinuxDeviceType::A => None,
            LinuxDeviceType::B => Some(Kind::Block),
            LinuxDeviceType::C | LinuxDeviceType::U => Some(Kind::Char),
            LinuxDeviceType::P => continue,
        };
        let num = |n: Option<i64>| -> Result<Option<u32>> {
            match n {
                None | Some(-1) => Ok(None),
                Some(v) => u32::try_from(v).map(Some).map_err(|_| bad("a number out of range")),
            }
        };
        let access = access_bits(r.access().as_deref().unwrap_or("rwm")).ok_or_else(|| bad("access must be made of r, w and m"))?;
        out.push(Rule { allow: r.allow(), kind, major: num(r.major())?, minor: num(r.minor())?, access });
    }
    Ok(out)
}

/// True when the rules leave every device open (`--privileged`).
pub fn allows_all(rules: &[Rule]) -> bool {
    [Kind::Block, Kind::Char].iter().all(|k| {
        [ACC_MKNOD, ACC_READ, ACC_WRITE].iter().all(|bit| {
            // The last rule that covers every node of the kind for this bit decides.
            rules
                .iter()
                .rev()
                .find(|r| r.access & bit != 0 && r.kind.is_none_or(|x| x == *k) && (!r.allow || (r.major.is_none() && r.minor.is_none())))
                .is_some_and(|r| r.allow)
        })
    })
}

/// The decision the rules make for one access: every bit asked for must be
/// allowed by the last rule that names it and matches the node. The
/// reference the BPF program is tested against.
pub fn permits(rules: &[Rule], kind: Kind, major: u32, minor: u32, access: u32) -> bool {
    [ACC_MKNOD, ACC_READ, ACC_WRITE].iter().filter(|b| access & **b != 0).all(|bit| {
        rules
            .iter()
            .rev()
            .find(|r| {
                r.access & bit != 0
                    && r.kind.is_none_or(|k| k == kind)
                    && r.major.is_none_or(|m| m == major)
                    && r.minor.is_none_or(|m| m == minor)
            })
            .is_some_and(|r| r.allow)
    })
}

/// The v1 controller's lines: (file, line) in order, "devices.deny a" to start
/// from nothing where the first rule is not a deny-all itself.
pub fn v1_lines(rules: &[Rule]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let starts_with_all = rules
        .first()
        .is_some_and(|r| r.kind.is_none() && r.major.is_none() && r.minor.is_none() && r.access == ACC_MKNOD | ACC_READ | ACC_WRITE);
    if !starts_with_all {
        out.push(("devices.deny", "a".to_string()));
    }
    for r in rules {
        let file = if r.allow { "devices.allow" } else { "devices.deny" };
        let t = match r.kind {
            None if r.major.is_none() && r.minor.is_none() && r.access == ACC_MKNOD | ACC_READ | ACC_WRITE => {
                // "a" alone switches the default (allow or deny everything).
                out.push((file, "a".to_string()));
                continue;
            }
            // "a 1:3 r" is not a v1 line: both kinds instead.
            None => vec!['b', 'c'],
            Some(Kind::Block) => vec!['b'],
            Some(Kind::Char) => vec!['c'],
        };
        let n = |v: Option<u32>| v.map_or("*".to_string(), |v| v.to_string());
        let acc: String =
            [(ACC_READ, 'r'), (ACC_WRITE, 'w'), (ACC_MKNOD, 'm')].iter().filter(|(b, _)| r.access & b != 0).map(|(_, c)| *c).collect();
        if acc.is_empty() {
            continue;
        }
        for t in t {
            out.push((file, format!("{t} {}:{} {acc}", n(r.major), n(r.minor))));
        }
    }
    out
}

// ---- the BPF program ----

/// One eBPF instruction (struct bpf_insn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    fn encode(&self) -> u64 {
        (self.code as u64)
            | (((self.dst & 0xf) | ((self.src & 0xf) << 4)) as u64) << 8
            | ((self.off as u16) as u64) << 16
            | ((self.imm as u32) as u64) << 32
    }
}

// Opcodes used (include/uapi/linux/bpf.h, bpf_common.h).
pub const LDX_W: u8 = 0x61; // BPF_LDX | BPF_MEM | BPF_W
pub const AND_K: u8 = 0x57; // BPF_ALU64 | BPF_AND | BPF_K
pub const RSH_K: u8 = 0x77; // BPF_ALU64 | BPF_RSH | BPF_K
pub const MOV_K: u8 = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
pub const MOV_X: u8 = 0xbf; // BPF_ALU64 | BPF_MOV | BPF_X
pub const JA: u8 = 0x05; // BPF_JMP | BPF_JA
pub const JEQ_K: u8 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
pub const JNE_K: u8 = 0x55; // BPF_JMP | BPF_JNE | BPF_K
pub const EXIT: u8 = 0x95; // BPF_JMP | BPF_EXIT

/// A jump whose target is a label, resolved once the program is laid out.
enum Target {
    Section(usize),
    Deny,
    Rule(usize),
}

/// Builds the program: for each access bit asked for (mknod, read, write),
/// walks the rules from the last one back, and the first that names the bit
/// and matches the node decides; no match denies. Registers: r2 the node's
/// kind, r3 the access asked for, r4 major, r5 minor (struct
/// bpf_cgroup_dev_ctx: access_type = access << 16 | kind, major, minor).
///
/// The verifier refuses unreachable instructions, so a rule that matches
/// every node ends its section, and the deny exit is written only if a
/// jump goes there.
pub fn program(rules: &[Rule]) -> Vec<Insn> {
    let i = |code, dst, src, off, imm| Insn { code, dst, src, off, imm };
    let mut code: Vec<Insn> = vec![
        i(LDX_W, 2, 1, 0, 0),
        i(MOV_X, 3, 2, 0, 0),
        i(AND_K, 2, 0, 0, 0xffff),
        i(RSH_K, 3, 0, 0, 16),
        i(LDX_W, 4, 1, 4, 0),
        i(LDX_W, 5, 1, 8, 0),
    ];
    // (instruction index, where it jumps)
    let mut jumps: Vec<(usize, Target)> = Vec::new();
    let bits = [ACC_MKNOD, ACC_READ, ACC_WRITE];
    // Where each section starts; the one after the last is the allow exit.
    let mut section_start = vec![0usize; bits.len() + 1];
    let mut rule_ends: Vec<usize> = Vec::new();
    for (s, bit) in bits.iter().enumerate() {
        section_start[s] = code.len();
        // Not asked for: on to the next bit.
        code.push(i(MOV_X, 0, 3, 0, 0));
        code.push(i(AND_K, 0, 0, 0, *bit as i32));
        jumps.push((code.len(), Target::Section(s + 1)));
        code.push(i(JEQ_K, 0, 0, 0, 0));
        let mut unconditional = false;
        for r in rules.iter().rev().filter(|r| r.access & bit != 0) {
            let end = rule_ends.len();
            rule_ends.push(0);
            let mut conditions = 0;
            let mut cond = |code: &mut Vec<Insn>, reg: u8, value: u32| {
                jumps.push((code.len(), Target::Rule(end)));
                code.push(i(JNE_K, reg, 0, 0, value as i32));
                conditions += 1;
            };
            if let Some(k) = r.kind {
                cond(&mut code, 2, if k == Kind::Block { DEV_BLOCK } else { DEV_CHAR });
            }
            if let Some(m) = r.major {
                cond(&mut code, 4, m);
            }
            if let Some(m) = r.minor {
                cond(&mut code, 5, m);
            }
            jumps.push((code.len(), if r.allow { Target::Section(s + 1) } else { Target::Deny }));
            code.push(i(JA, 0, 0, 0, 0));
            rule_ends[end] = code.len();
            if conditions == 0 {
                unconditional = true;
                break;
            }
        }
        if !unconditional {
            jumps.push((code.len(), Target::Deny));
            code.push(i(JA, 0, 0, 0, 0));
        }
    }
    section_start[bits.len()] = code.len();
    code.push(i(MOV_K, 0, 0, 0, 1));
    code.push(i(EXIT, 0, 0, 0, 0));
    let deny = code.len();
    if jumps.iter().any(|(_, t)| matches!(t, Target::Deny)) {
        code.push(i(MOV_K, 0, 0, 0, 0));
        code.push(i(EXIT, 0, 0, 0, 0));
    }
    for (at, target) in jumps {
        let to = match target {
            Target::Section(s) => section_start[s],
            Target::Deny => deny,
            Target::Rule(r) => rule_ends[r],
        };
        code[at].off = (to as i64 - at as i64 - 1) as i16;
    }
    code
}

const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_PROG_ATTACH: libc::c_long = 8;
const BPF_PROG_TYPE_CGROUP_DEVICE: u32 = 15;
const BPF_CGROUP_DEVICE: u32 = 6;
const BPF_F_ALLOW_MULTI: u32 = 2;

/// union bpf_attr for BPF_PROG_LOAD, up to expected_attach_type.
#[repr(C)]
#[derive(Default)]
struct ProgLoad {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
    prog_ifindex: u32,
    expected_attach_type: u32,
}

/// union bpf_attr for BPF_PROG_ATTACH.
#[repr(C)]
struct ProgAttach {
    target_fd: u32,
    attach_bpf_fd: u32,
    attach_type: u32,
    attach_flags: u32,
    replace_bpf_fd: u32,
}

/// Loads the program; on a refusal, loads it again with the verifier's log
/// so that the error says why.
pub fn load(insns: &[Insn]) -> Result<OwnedFd> {
    let words: Vec<u64> = insns.iter().map(Insn::encode).collect();
    let license = c"Apache-2.0";
    let try_load = |log: Option<&mut Vec<u8>>| -> std::result::Result<OwnedFd, i32> {
        let mut attr = ProgLoad {
            prog_type: BPF_PROG_TYPE_CGROUP_DEVICE,
            insn_cnt: words.len() as u32,
            insns: words.as_ptr() as u64,
            license: license.as_ptr() as u64,
            expected_attach_type: BPF_CGROUP_DEVICE,
            ..Default::default()
        };
        attr.prog_name[..12].copy_from_slice(b"sangja_devic");
        if let Some(buf) = log {
            attr.log_level = 1;
            attr.log_size = buf.len() as u32;
            attr.log_buf = buf.as_mut_ptr() as u64;
        }
        // SAFETY: attr and the buffers it points to outlive the call; its size is passed.
        let fd = unsafe { libc::syscall(libc::SYS_bpf, BPF_PROG_LOAD, &attr as *const ProgLoad, std::mem::size_of::<ProgLoad>()) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
        }
        // SAFETY: a new descriptor the kernel just gave us.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
    };
    match try_load(None) {
        Ok(fd) => Ok(fd),
        Err(errno) => {
            let mut log = vec![0u8; 64 * 1024];
            let _ = try_load(Some(&mut log));
            let end = log.iter().position(|b| *b == 0).unwrap_or(log.len());
            let text = String::from_utf8_lossy(&log[..end]);
            Err(Error::Runtime(format!(
                "load the device allowlist (BPF cgroup device program): {}{}",
                nix::errno::Errno::from_raw(errno).desc(),
                if text.trim().is_empty() { String::new() } else { format!(": {}", text.trim()) }
            )))
        }
    }
}

/// Attaches a loaded program to the cgroup folder open as `cgroup`. It stays
/// attached when our descriptors close, for as long as the cgroup lives.
pub fn attach(prog: &OwnedFd, cgroup: &OwnedFd) -> Result<()> {
    let attr = ProgAttach {
        target_fd: cgroup.as_raw_fd() as u32,
        attach_bpf_fd: prog.as_raw_fd() as u32,
        attach_type: BPF_CGROUP_DEVICE,
        // With a program in a parent cgroup (systemd's DevicePolicy), both run.
        attach_flags: BPF_F_ALLOW_MULTI,
        replace_bpf_fd: 0,
    };
    // SAFETY: attr outlives the call; its size is passed.
    let r = unsafe { libc::syscall(libc::SYS_bpf, BPF_PROG_ATTACH, &attr as *const ProgAttach, std::mem::size_of::<ProgAttach>()) };
    if r < 0 {
        return Err(Error::Runtime(format!("attach the device allowlist to the container's cgroup: {}", std::io::Error::last_os_error())));
    }
    Ok(())
}

#[cfg(test)]
#[path = "cgroups_devices_tests.rs"]
mod tests;
