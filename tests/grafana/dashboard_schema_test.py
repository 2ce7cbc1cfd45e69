"""Type-checks each dashboard of config/grafana/dashboards/ against Grafana's published schema.

For each board, writes a TypeScript file that declares the board's JSON as `Json<Dashboard>`
(Dashboard from npm @grafana/schema, pinned in scripts/setup) and each panel's `options` as the
options type of its panel plugin (timeseries, stat, bargauge, table: the schema's panelcfg
`Options`), then runs `tsc --noEmit --strict`. Object literals get TypeScript's excess-property
check, so an unknown key is an error as much as a wrong type.

`Json<T>` is T as JSON can hold it: the schema's string enums (ThresholdsMode "absolute", ...)
become their string values, since a JSON file cannot name a TypeScript enum; numeric enums accept
their numbers as they are. Panel options are checked as Partial (Grafana fills in what a board
leaves out).

The check must bite: a board with a misspelt key, and one with a wrong type, are also written,
and tsc must reject each.

Usage: dashboard_schema_test.py <source dir> [<npm dir holding node_modules>]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True

PANEL_OPTIONS = {
    "timeseries": "TimeSeriesPanelCfg_types.gen",
    "stat": "StatPanelCfg_types.gen",
    "bargauge": "BarGaugePanelCfg_types.gen",
    "table": "TablePanelCfg_types.gen",
}

PRELUDE = """\
import type { Dashboard } from '@grafana/schema';
%s
// T as a JSON file can hold it: string enums become their values.
type Json<T> = T extends string ? `${T}` | T
  : T extends number | boolean | null | undefined ? T
  : T extends Array<infer U> ? Array<Json<U>>
  : T extends object ? { [K in keyof T]: Json<T[K]> }
  : T;
"""


def npm_dir_default():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("CASEWATCH_NPM_DIR") or os.path.join(cache, "casewatch", "grafana-schema")


def panels(ps):
    for p in ps:
        yield p
        yield from panels(p.get("panels", []))


def typescript_for(board):
    imports = "\n".join(
        "import type { Options as %sOptions } from "
        "'@grafana/schema/dist/esm/raw/composable/%s/panelcfg/x/%s';" % (t, t, mod)
        for t, mod in PANEL_OPTIONS.items())
    out = [PRELUDE % imports]
    out.append("export const board: Json<Dashboard> = %s;\n" % json.dumps(board, indent=1,
                                                                         ensure_ascii=False))
    for i, p in enumerate(panels(board.get("panels", []))):
        if p.get("type") in PANEL_OPTIONS:
            out.append("export const options%d: Json<Partial<%sOptions>> = %s; // %s\n" % (
                i, p["type"], json.dumps(p.get("options", {}), ensure_ascii=False),
                json.dumps(p.get("title"), ensure_ascii=False)))
    return "".join(out)


def tsc(npm_dir, work, files):
    with open(os.path.join(work, "tsconfig.json"), "w") as f:
        json.dump({"compilerOptions": {
            "strict": True, "noEmit": True, "target": "ES2022", "module": "ESNext",
            "moduleResolution": "bundler", "skipLibCheck": True, "types": []},
            "files": files}, f)
    link = os.path.join(work, "node_modules")
    if not os.path.exists(link):
        os.symlink(os.path.join(npm_dir, "node_modules"), link)
    r = subprocess.run([os.path.join(npm_dir, "node_modules", ".bin", "tsc"), "-p", work],
                       capture_output=True, timeout=300, cwd=work)
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


def main():
    source_dir = sys.argv[1]
    npm_dir = sys.argv[2] if len(sys.argv) > 2 else npm_dir_default()
    if not os.path.exists(os.path.join(npm_dir, "node_modules", ".bin", "tsc")):
        sys.exit("FAIL: no tsc and @grafana/schema in %s (scripts/setup installs them)" % npm_dir)
    boards_dir = os.path.join(source_dir, "config", "grafana", "dashboards")
    names = sorted(n for n in os.listdir(boards_dir) if n.endswith(".json"))
    assert len(names) >= 3, names
    with tempfile.TemporaryDirectory(prefix="cwgrafana-") as work:
        files = []
        n_panels = 0
        for name in names:
            with open(os.path.join(boards_dir, name), encoding="utf-8") as f:
                board = json.load(f)
            n_panels += sum(1 for _ in panels(board.get("panels", [])))
            ts = os.path.join(work, name.replace(".json", ".ts").replace("-", "_"))
            with open(ts, "w", encoding="utf-8") as f:
                f.write(typescript_for(board))
            files.append(os.path.basename(ts))
        rc, out = tsc(npm_dir, work, files)
        if rc != 0:
            sys.exit("FAIL: tsc rejects the dashboards:\n" + out)

        # The check bites: a misspelt key, and a wrong type, each in a copy of the first board
        # (one tsc run: each file's errors are reported).
        broken_files = []
        for what in ("key", "type"):
            with open(os.path.join(boards_dir, names[0]), encoding="utf-8") as f:
                broken = json.load(f)
            if what == "key":
                broken["refreshh"] = "30s"
            else:
                next(p for p in broken["panels"] if "gridPos" in p)["gridPos"]["w"] = "wide"
            broken_files.append("broken_%s.ts" % what)
            with open(os.path.join(work, broken_files[-1]), encoding="utf-8", mode="w") as f:
                f.write(typescript_for(broken))
        rc, out = tsc(npm_dir, work, broken_files)
        if rc == 0 or not re.search(r"broken_key\.ts.*refreshh", out) or \
                not re.search(r"broken_type\.ts.*not assignable to type 'number'", out):
            sys.exit("FAIL: tsc did not reject a misspelt key and a wrong type (rc %d):\n%s" % (
                rc, out))
    version = json.load(open(os.path.join(npm_dir, "node_modules", "@grafana", "schema",
                                          "package.json")))["version"]
    print("PASS: %d dashboards, %d panels type-check against @grafana/schema %s" % (
        len(names), n_panels, version))


if __name__ == "__main__":
    main()
