#!/usr/bin/env python3
"""The peer for ExportBenchmark: the same fact rows written with xlsxwriter (Debian python3-xlsxwriter),
as an Excel table, with the default (in-memory) mode. usage: xlsxwriter_peer.py kpi|evaluation ROWS"""
import datetime
import resource
import sys
import time

import xlsxwriter

kind, rows = sys.argv[1], int(sys.argv[2])
path = f"/tmp/coe-bench-peer-{kind}-{rows}.xlsx"
start = time.perf_counter()
workbook = xlsxwriter.Workbook(path)
sheet = workbook.add_worksheet("FactKpi" if kind == "kpi" else "FactScore")
date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
if kind == "kpi":
    days, metrics = 1096, ["impressions", "engagements", "followers"]
    base = datetime.date(2024, 1, 1)
    r = 0
    p = 0
    while r < rows:
        for m in metrics:
            for d in range(days):
                if r >= rows:
                    break
                sheet.write_datetime(r + 1, 0, datetime.datetime.combine(base + datetime.timedelta(days=d), datetime.time()), date_format)
                sheet.write_string(r + 1, 1, f"p{p}")
                sheet.write_string(r + 1, 2, m)
                sheet.write_number(r + 1, 3, 1000 + d + p)
                r += 1
        p += 1
    sheet.add_table(0, 0, rows, 3, {"name": "FactKpi", "columns": [{"header": h} for h in ["Date", "ProfileId", "Metric", "Value"]]})
else:
    vendors, criteria = 50, 200
    evaluators = max(2, rows // (vendors * criteria))
    r = 0
    for e in range(evaluators):
        for v in range(vendors):
            for c in range(criteria):
                sheet.write_string(r + 1, 0, f"e{e}")
                sheet.write_string(r + 1, 1, f"v{v}")
                sheet.write_string(r + 1, 2, f"c{c}")
                sheet.write_number(r + 1, 3, 1 + (r * 7919) % 5)
                r += 1
    sheet.add_table(0, 0, r, 3, {"name": "FactScore", "columns": [{"header": h} for h in ["EvaluatorId", "VendorId", "CriterionId", "Score"]]})
workbook.close()
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"xlsxwriter {kind} rows={rows} total={elapsed:.2f}s peak_rss={peak:.0f}MB")
