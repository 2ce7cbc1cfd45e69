"""The alert store on PostgreSQL (issue 15 item 1): the real casewatchd with store.kind: postgresql
against a real PostgreSQL server started here.

The daemon, on event time, takes two cases from a JSON Lines feed; the first misses its
procedural-reply deadline, so an overdue alert fires. It is acknowledged through the API (200), the
daemon is SIGKILLed as soon as the answer is read, and started again on the same data dir without
the feed. Its API shows the alert acknowledged with the note and the history; the rows are in
PostgreSQL (as the test's superuser sees them), no casewatch.db was made in the data dir, and no raw
person id is anywhere in the database.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwtest  # noqa: E402
from test_durable_ack import DUTY, VIEWER, acknowledged_after_restart, call, overdue_alert  # noqa: E402,E501


def test(args, tmp):
    pg = cwtest.Postgres(log_copy=os.path.join(tmp, "postgres.log")).start()
    conninfo = pg.create_database("casewatch")
    store_sets = ["store.kind=postgresql", 'store.postgresql.conninfo="%s"' % conninfo,
                  "store.postgresql.password_file=" + pg.password_file]

    feed = os.path.join(tmp, "feed.jsonl")
    with open(feed, "w") as f:
        f.write(cwtest.dumps(cwtest.registered("e1", "2026-03-01T09:00:00+08:00", "C-1", ["id:p1"])) + "\n")
        f.write(cwtest.dumps(cwtest.registered("e2", "2026-04-01T09:00:00+08:00", "C-2", ["id:p2"])) + "\n")
    data = os.path.join(tmp, "data")
    first = cwtest.Daemon(args, data, os.path.join(tmp, "first.log"), publish=False,
                          extra_sets=["demo=true",
                                      'feeds=[{name: f1, kind: jsonl, endpoint: "%s"}]' % feed]
                          + store_sets)
    first.start()
    base = first.http_base()
    alert = cwtest.wait_until(lambda: overdue_alert(base), message="the overdue alert of C-1")
    alert_id = alert["alert_id"]
    st, body = call(base, "POST", "/api/v1/alerts/%s/ack" % alert_id, DUTY,
                    {"note": "calling the agency"})
    if st != 200:
        cwtest.fail("ack answered %d %s" % (st, body))
    first.kill()  # SIGKILL at once: the 200 promised the ack is committed in PostgreSQL

    if os.path.exists(os.path.join(data, "casewatch.db")):
        cwtest.fail("store.kind: postgresql, yet a casewatch.db was made in the data dir")
    rows = pg.sql("casewatch", "SELECT action, actor, note FROM alert_history WHERE alert_id = '%s' "
                               "ORDER BY id" % alert_id)
    if ["acknowledged", "demo-duty", "calling the agency"] not in rows:
        cwtest.fail("PostgreSQL's alert_history for %s holds %r" % (alert_id, rows))
    if pg.sql("casewatch", "SELECT value FROM meta WHERE key = 'schema_version'") != [["5"]]:
        cwtest.fail("the schema version in PostgreSQL is not 5")

    second = cwtest.Daemon(args, data, os.path.join(tmp, "second.log"), publish=False,
                           extra_sets=["demo=true", "feeds=[]"] + store_sets)
    second.start()
    base = second.http_base()
    body = acknowledged_after_restart(base, alert_id)
    changes = [h["change"] for h in body["history"]]
    if changes.count("acknowledged") != 1 or changes[0] != "fired":
        cwtest.fail("after the restart the history is %r" % changes)
    second.terminate()

    # Privacy: the store gets pseudonymised data only.
    dump = pg.sql("casewatch", "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM alerts) t")
    dump += pg.sql("casewatch", "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM alert_history) t")
    dump += pg.sql("casewatch", "SELECT string_agg(encode(data, 'escape'), ' ') FROM snapshots")
    text = repr(dump)
    for raw in ("id:p1", "id:p2"):
        if raw in text:
            cwtest.fail("the raw person id %s is in PostgreSQL" % raw)
    pg.stop()


if __name__ == "__main__":
    cwtest.main(test)
