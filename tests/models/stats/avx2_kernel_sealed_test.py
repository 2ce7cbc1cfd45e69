#!/usr/bin/python3
"""The AVX2 build of the Hawkes likelihood (models/stats/hawkes_likelihood_avx2.cc) must define one
global symbol, its entry point. Any other (an out-of-line copy of an Eigen template, say) has the
same name as the baseline file's copy, and the linker may keep the AVX2 one for every caller:
a CPU without AVX2 would then die of an illegal instruction in the baseline path.

Usage: avx2_kernel_sealed_test.py LIBCASEWATCH_CORE.a
"""
import subprocess
import sys

MEMBER = "hawkes_likelihood_avx2.cc.o"
ENTRY = "casewatch::hawkes_kernel::pooledLogLikelihoodAvx2("


def main():
    library = sys.argv[1]
    out = subprocess.run(["nm", "-A", "-C", "--defined-only", "--extern-only", library],
                         check=True, capture_output=True, text=True).stdout
    mine = [line for line in out.splitlines() if f":{MEMBER}:" in line]
    if not mine:
        print(f"FAIL: {library} has no member {MEMBER} with a global symbol")
        return 1
    others = [line for line in mine if ENTRY not in line]
    if others:
        print("FAIL: the AVX2 object defines global symbols besides its entry point:")
        print("\n".join(others))
        return 1
    print(f"ok: {MEMBER} defines only {ENTRY.rstrip('(')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
