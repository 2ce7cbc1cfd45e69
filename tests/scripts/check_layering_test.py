#!/usr/bin/env python3
"""scripts/check-layering fails on an include up the flow and on a sibling's private header, and
passes a tree that follows the flow."""
import os
import subprocess
import sys
import tempfile

script = sys.argv[1]


def tree(files):
    root = tempfile.mkdtemp(prefix="layering-")
    for path, text in files.items():
        os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(root, path), "w") as f:
            f.write(text)
    return root


def run(root):
    p = subprocess.run([script, root], capture_output=True, text=True)
    return p.returncode, p.stdout


clean = tree({
    "base/time.h": "#pragma once\n#include <cstdint>\n",
    "state/case.h": '#include "base/time.h"\n#include "connectors/decode/case_event.h"\n',
    "models/overdue/overdue_model.cc": '#include "models/stats/ears.h"\n#include "state/case.h"\n',
    "daemon/components.cc": '#include "models/overdue/overdue_model.h"\n',
})
rc, out = run(clean)
assert rc == 0, out

up = tree({"base/time.h": '#include "state/case.h"\n'})
rc, out = run(up)
assert rc == 1 and "base/time.h:1" in out and "up the flow" in out, out

sibling = tree({
    "models/key_case/key_case_model.cc": '#include "models/overdue/overdue_model.h"\n',
    "models/overdue/overdue_model.h": "#pragma once\n",
})
rc, out = run(sibling)
assert rc == 1 and "private to the component models/overdue/" in out, out

shared_into_component = tree({"models/past_contacts.cc": '#include "models/repeat_visit/x.h"\n',
                              "models/repeat_visit/x.h": ""})
rc, out = run(shared_into_component)
assert rc == 1, out
print("check-layering: 4 trees judged as expected")
