#!/usr/bin/python3
"""The AVX2 builds of the hot loops (models/stats/*_avx2.cc: the Hawkes likelihood, the logistic
fit's matrix products) must define no global symbol that another file may define too: only their
kernels (casewatch::<name>_kernel::...Avx2 and the template instances <1>) and Eigen under the
name it is renamed to there. Any other (an out-of-line copy of a std:: template, or of Eigen under
its usual name) has the same name as the baseline files' copy, and the linker may keep the AVX2
one for every caller: a CPU without AVX2 would then die of an illegal instruction away from the
kernels.

Usage: avx2_kernel_sealed_test.py LIBCASEWATCH_CORE.a
"""
import re
import subprocess
import sys

MEMBERS = ("hawkes_likelihood_avx2.cc.o", "logistic_kernel_avx2.cc.o")
# A kernel's own entry points (...Avx2) and the template instances only its AVX2 file makes (<1>).
OWN = re.compile(r"casewatch::\w+_kernel::\w+(Avx2\(|<1>\()")
RENAMED = "casewatch_avx2_eigen::"
# The exception personality's pointer (data, the same in every object), not code.
DATA = ("DW.ref.__gxx_personality_v0",)


def main():
    library = sys.argv[1]
    out = subprocess.run(["nm", "-A", "-C", "--defined-only", "--extern-only", library],
                         check=True, capture_output=True, text=True).stdout
    failed = False
    for member in MEMBERS:
        mine = [line for line in out.splitlines() if f":{member}:" in line]
        names = [line.split(" ", 2)[-1] for line in mine]
        others = [n for n in names if RENAMED not in n and not OWN.search(n) and n not in DATA]
        if others:
            print(f"FAIL: {member} defines global symbols another file may define too:")
            print("\n".join(others))
            failed = True
        elif not any("Avx2(" in n for n in names):
            print(f"FAIL: {member} defines no kernel entry point (is it in {library}?)")
            failed = True
        else:
            print(f"ok: {member} defines {len(names)} global symbols, each its own")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
