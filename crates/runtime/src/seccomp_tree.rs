//! A binary search over syscall numbers, in BPF, for the unconditionally
//! allowed calls of a profile: put in front of seccompiler's program, which
//! then handles only the calls with argument conditions and the default.
//!
//! Why: seccompiler compares the number against each rule in turn, and the
//! kernel, when the filter is installed, runs the program for every syscall
//! number to fill its allow-cache: ~1,800 instructions × ~450 numbers cost
//! 1–3 ms of every container start. A tree of ~370 numbers is 9 levels deep.

use seccompiler::{sock_filter, BpfProgram};

const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE_K: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const JA: u16 = 0x05; // BPF_JMP | BPF_JA
const RET_K: u16 = 0x06; // BPF_RET | BPF_K
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const SECCOMP_RET_KILL_PROCESS: u32 = 0x8000_0000;
/// offsetof(struct seccomp_data, nr) and (.., arch).
const NR: u32 = 0;
const ARCH: u32 = 4;

fn insn(code: u16, jt: u8, jf: u8, k: u32) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// An instruction, or a jump to the end of the tree (resolved last).
enum Op {
    I(sock_filter),
    JumpToEnd,
}

fn tree(nrs: &[u32], out: &mut Vec<Op>) {
    if nrs.len() <= 4 {
        for n in nrs {
            out.push(Op::I(insn(JEQ_K, 0, 1, *n)));
            out.push(Op::I(insn(RET_K, 0, 0, SECCOMP_RET_ALLOW)));
        }
        out.push(Op::JumpToEnd);
        return;
    }
    let mid = nrs.len() / 2;
    let mut left = Vec::new();
    tree(&nrs[..mid], &mut left);
    // nr >= pivot: the next instruction jumps over the left half.
    out.push(Op::I(insn(JGE_K, 0, 1, nrs[mid])));
    out.push(Op::I(insn(JA, 0, 0, left.len() as u32)));
    out.extend(left);
    tree(&nrs[mid..], out);
}

/// The prologue: kills another ABI (as seccompiler's own check does),
/// returns ALLOW for `allowed`, and falls through to what follows otherwise.
pub(super) fn prologue(audit_arch: u32, allowed: &[u32]) -> BpfProgram {
    let mut nrs = allowed.to_vec();
    nrs.sort_unstable();
    nrs.dedup();
    let mut ops = vec![
        Op::I(insn(LD_W_ABS, 0, 0, ARCH)),
        Op::I(insn(JEQ_K, 1, 0, audit_arch)),
        Op::I(insn(RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS)),
        Op::I(insn(LD_W_ABS, 0, 0, NR)),
    ];
    tree(&nrs, &mut ops);
    let len = ops.len();
    ops.into_iter()
        .enumerate()
        .map(|(i, op)| match op {
            Op::I(f) => f,
            Op::JumpToEnd => insn(JA, 0, 0, (len - i - 1) as u32),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the prologue: Some(action) if it returned, None if it fell through.
    fn eval(p: &BpfProgram, arch: u32, nr: u32) -> Option<u32> {
        let (mut pc, mut acc) = (0usize, 0u32);
        while pc < p.len() {
            let i = &p[pc];
            pc += 1;
            match i.code {
                LD_W_ABS => acc = if i.k == ARCH { arch } else { nr },
                JEQ_K => pc += if acc == i.k { i.jt } else { i.jf } as usize,
                JGE_K => pc += if acc >= i.k { i.jt } else { i.jf } as usize,
                JA => pc += i.k as usize,
                RET_K => return Some(i.k),
                c => panic!("unexpected code {c:#x}"),
            }
        }
        assert_eq!(pc, p.len(), "jumps land inside or at the end");
        None
    }

    #[test]
    fn finds_exactly_the_allowed() {
        let arch = 0xc000_003e;
        let allowed: Vec<u32> = (0..460).filter(|n| n % 3 != 0 || *n > 440).collect();
        let p = prologue(arch, &allowed);
        for nr in 0..1000 {
            let want = allowed.contains(&nr).then_some(SECCOMP_RET_ALLOW);
            assert_eq!(eval(&p, arch, nr), want, "nr {nr}");
        }
        assert_eq!(eval(&p, arch, 0x4000_0001), None, "x32 numbers fall through");
        assert_eq!(eval(&p, 0x4000_0003, 1), Some(SECCOMP_RET_KILL_PROCESS), "i386 is killed");
        assert_eq!(eval(&prologue(arch, &[]), arch, 5), None);
    }
}
