#!/usr/bin/python3
"""The AVX2 build of the Hawkes likelihood (models/stats/hawkes_likelihood_avx2.cc) must define no
global symbol that another file may define too: only its kernel (casewatch::hawkes_kernel::
pooledLogLikelihood*) and Eigen under the name it is renamed to there. Any other (an out-of-line
copy of a std:: template, or of Eigen under its usual name) has the same name as the baseline
files' copy, and the linker may keep the AVX2 one for every caller: a CPU without AVX2 would then
die of an illegal instruction away from the kernel.

Usage: avx2_kernel_sealed_test.py LIBCASEWATCH_CORE.a
"""
import subprocess
import sys

MEMBER = "hawkes_likelihood_avx2.cc.o"
ALLOWED = ("casewatch::hawkes_kernel::pooledLogLikelihood", "casewatch_avx2_eigen::")


def main():
    library = sys.argv[1]
    out = subprocess.run(["nm", "-A", "-C", "--defined-only", "--extern-only", library],
                         check=True, capture_output=True, text=True).stdout
    mine = [line for line in out.splitlines() if f":{MEMBER}:" in line]
    if not mine:
        print(f"FAIL: {library} has no member {MEMBER} with a global symbol")
        return 1
    others = [line for line in mine if not any(a in line.split(" ", 2)[-1] for a in ALLOWED)]
    if others:
        print("FAIL: the AVX2 object defines global symbols another file may define too:")
        print("\n".join(others))
        return 1
    if not any("pooledLogLikelihoodAvx2(" in line for line in mine):
        print(f"FAIL: {MEMBER} does not define the kernel's entry point")
        return 1
    print(f"ok: {MEMBER} defines {len(mine)} global symbols, each its own")
    return 0


if __name__ == "__main__":
    sys.exit(main())
