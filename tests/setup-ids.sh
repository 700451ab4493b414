# The uids and subordinate ranges of the test users, chosen so they fit a
# machine that already has users (sourced by tests/setup.sh; tested by
# tests/cli/parity.rs against made-up /etc files).
#
#   choose_ids PASSWD GROUP SUBUID SUBGID
#
# prints shell assignments:
#   SANGJATEST_UID SANGJANOSUB_UID SANGJASMALL_UID   the users' uids (= their gids)
#   SANGJATEST_SUBUID                                start of sangjatest's 65536 ids
#   SANGJASMALL_SUBUID                               start of sangjasmall's 1000 ids
# A user that exists keeps its uid; a range already given to the user keeps
# its place. Otherwise the value comes from the environment variable of the
# same name, else the usual one (1001, 1002, 1003; 100000; 300000) when it is
# free, else the first free one above it. A uid is free when no user has it
# and no group has it as gid (setup makes a group of the same number); a
# range is free when it overlaps no other line of SUBUID or SUBGID.

choose_ids() {
  local passwd=$1 group=$2 subuid=$3 subgid=$4
  awk -F: -v env_test="${SANGJATEST_UID:-}" -v env_nosub="${SANGJANOSUB_UID:-}" \
      -v env_small="${SANGJASMALL_UID:-}" -v env_sub="${SANGJATEST_SUBUID:-}" \
      -v env_subsmall="${SANGJASMALL_SUBUID:-}" '
    FILENAME == ARGV[1] { uid_of[$1] = $3; taken[$3] = 1; next }
    FILENAME == ARGV[2] { taken[$3] = 1; next }
    {
      # subuid and subgid lines: NAME:START:COUNT
      if (NF != 3) next
      if ($1 == "sangjatest" && $3 == 65536 && !($1 in have)) { have[$1] = $2; next }
      if ($1 == "sangjasmall" && $3 == 1000 && !("small" in have)) { have["small"] = $2; next }
      if ($1 == "sangjatest" || $1 == "sangjasmall" || $1 == "sangjanosub") next
      n++; rs[n] = $2; rc[n] = $3
    }
    function uid_for(name, want,    u) {
      if (name in uid_of) return uid_of[name]
      u = want
      while (u in taken) u++
      taken[u] = 1
      return u
    }
    # The end of a range that [s, s+c) overlaps, or 0 when none does.
    function overlap_end(s, c,    i) {
      for (i = 1; i <= n; i++) if (s < rs[i] + rc[i] && rs[i] < s + c) return rs[i] + rc[i]
      for (i = 1; i <= m; i++) if (s < ms[i] + mc[i] && ms[i] < s + c) return ms[i] + mc[i]
      return 0
    }
    function range_for(want, count,    s, e) {
      s = want
      # Move past whatever it overlaps, until nothing does.
      while ((e = overlap_end(s, count)) > 0) s = e
      m++; ms[m] = s; mc[m] = count
      return s
    }
    END {
      t = uid_for("sangjatest", env_test != "" ? env_test : 1001)
      ns = uid_for("sangjanosub", env_nosub != "" ? env_nosub : 1002)
      sm = uid_for("sangjasmall", env_small != "" ? env_small : 1003)
      if ("sangjatest" in have) { sub1 = have["sangjatest"]; m++; ms[m] = sub1; mc[m] = 65536 }
      else sub1 = range_for(env_sub != "" ? env_sub : 100000, 65536)
      if ("small" in have) sub2 = have["small"]
      else sub2 = range_for(env_subsmall != "" ? env_subsmall : 300000, 1000)
      printf "SANGJATEST_UID=%d\nSANGJANOSUB_UID=%d\nSANGJASMALL_UID=%d\n", t, ns, sm
      printf "SANGJATEST_SUBUID=%d\nSANGJASMALL_SUBUID=%d\n", sub1, sub2
    }
  ' "$passwd" "$group" "$subuid" "$subgid"
}
