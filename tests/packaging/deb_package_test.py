"""The Debian package: cpack builds it, lintian passes it, it holds what the README says, and its
systemd unit verifies.

1. `cpack -G DEB` over the build tree (a temp output directory, so parallel runs never meet).
2. `lintian --fail-on error,warning`: clean (no overrides).
3. `dpkg -c`: the expected paths, every one owned by root; the Grafana and Prometheus folders
   when the source tree has them. The control archive: the conffile, maintainer scripts that
   `sh -n` accepts, postinst making the casewatch system user.
4. The unit, extracted: `systemd-analyze verify` with the package as its root (the host's own
   targets and /bin/kill copied in, the package's man pages on MANPATH) prints nothing and
   succeeds; `systemd-analyze security --offline=yes` gives an exposure of at most 2.0 (the
   README records the figure).
5. The packaged /etc/casewatch/casewatch.yaml passes `casewatchd check-config`.

Usage: deb_package_test.py --build-dir BUILD --source-dir SRC
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPECTED = [
    "./usr/bin/casewatchd",
    "./usr/bin/casewatch",
    "./etc/casewatch/casewatch.yaml",
    "./lib/systemd/system/casewatch.service",
    "./usr/share/casewatch/casewatch.defaults.yaml",
    "./usr/share/doc/casewatch/copyright",
    "./usr/share/doc/casewatch/changelog.gz",
    "./usr/share/doc/casewatch/README.md",
    "./usr/share/man/man8/casewatchd.8.gz",
    "./usr/share/man/man1/casewatch.1.gz",
]
MAX_EXPOSURE = 2.0


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return r


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build-dir", required=True)
    p.add_argument("--source-dir", required=True)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="cwdeb-")
    ok = False
    try:
        test(args, tmp)
        ok = True
    finally:
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("(temp dir kept: %s)" % tmp, file=sys.stderr)
    print("PASS deb_package_test")


def test(args, tmp):
    out = os.path.join(tmp, "out")
    r = run(["cpack", "-G", "DEB", "-B", out, "--config",
             os.path.join(args.build_dir, "CPackConfig.cmake")])
    check(r.returncode == 0, "cpack failed:\n%s%s" % (r.stdout, r.stderr))
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    check(len(debs) == 1, "want one .deb in %s, got %r" % (out, debs))
    deb = os.path.join(out, debs[0])

    r = run(["lintian", "--fail-on", "error,warning", "--no-tag-display-limit", deb])
    tags = [line for line in r.stdout.splitlines() if re.match(r"^[EW]: ", line)]
    check(r.returncode == 0 and not tags, "lintian:\n%s%s" % (r.stdout, r.stderr))
    print("lintian: clean at error and warning level; %d info tag(s)"
          % sum(1 for line in r.stdout.splitlines() if line.startswith("I: ")))

    r = run(["dpkg", "-c", deb])
    check(r.returncode == 0, "dpkg -c failed: %s" % r.stderr)
    print(r.stdout, end="")
    entries = {}
    for line in r.stdout.splitlines():
        fields = line.split()
        entries[fields[5].rstrip("/") if fields[5] != "./" else "."] = fields
    want = list(EXPECTED)
    for folder in ("grafana", "prometheus"):
        if os.path.isdir(os.path.join(args.source_dir, "config", folder)):
            want.append("./usr/share/casewatch/" + folder)
    missing = [path for path in want if path not in entries]
    check(not missing, "missing from the package: %r" % missing)
    not_root = [path for path, f in entries.items() if f[1] != "root/root"]
    check(not not_root, "not owned by root/root: %r" % not_root)
    check(entries["./usr/bin/casewatchd"][0] == "-rwxr-xr-x", entries["./usr/bin/casewatchd"])

    control = os.path.join(tmp, "control")
    check(run(["dpkg-deb", "-e", deb, control]).returncode == 0, "dpkg-deb -e failed")
    with open(os.path.join(control, "conffiles")) as f:
        check(f.read().split() == ["/etc/casewatch/casewatch.yaml"], "conffiles")
    for script in ("postinst", "prerm", "postrm"):
        path = os.path.join(control, script)
        check(os.access(path, os.X_OK), "%s is not executable" % script)
        r = run(["sh", "-n", path])
        check(r.returncode == 0, "%s: %s" % (script, r.stderr))
    with open(os.path.join(control, "postinst")) as f:
        check("adduser --system" in f.read(), "postinst makes no system user")
    with open(os.path.join(control, "postrm")) as f:
        check("purge" in f.read(), "postrm has no purge")

    root = os.path.join(tmp, "root")
    check(run(["dpkg-deb", "-x", deb, root]).returncode == 0, "dpkg-deb -x failed")
    # The unit's dependencies (sysinit.target, ...) and ExecReload's /bin/kill, from the host.
    units = os.path.join(root, "lib", "systemd", "system")
    for name in os.listdir("/lib/systemd/system"):
        src = os.path.join("/lib/systemd/system", name)
        if not os.path.exists(os.path.join(units, name)) and os.path.isfile(src):
            shutil.copy(src, units, follow_symlinks=False)
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    shutil.copy("/bin/kill", os.path.join(root, "bin", "kill"))
    env = dict(os.environ, MANPATH=os.path.join(root, "usr", "share", "man"))
    r = run(["systemd-analyze", "verify", "--root=" + root, "/lib/systemd/system/casewatch.service"],
            env=env)
    check(r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(),
          "systemd-analyze verify:\n%s%s" % (r.stdout, r.stderr))
    print("systemd-analyze verify: clean")

    r = run(["systemd-analyze", "security", "--offline=yes",
             os.path.join(units, "casewatch.service")])
    m = re.search(r"Overall exposure level for casewatch.service: ([0-9.]+) (\w+)", r.stdout)
    check(m is not None, "no exposure level in:\n%s%s" % (r.stdout, r.stderr))
    exposure = float(m.group(1))
    print("systemd-analyze security --offline=yes: exposure %.1f %s" % (exposure, m.group(2)))
    check(exposure <= MAX_EXPOSURE, "exposure %.1f > %.1f" % (exposure, MAX_EXPOSURE))

    r = run([os.path.join(root, "usr", "bin", "casewatchd"), "check-config", "--config",
             os.path.join(root, "etc", "casewatch", "casewatch.yaml")])
    check(r.returncode == 0, "the packaged configuration: %s%s" % (r.stdout, r.stderr))


if __name__ == "__main__":
    main()
