#!/usr/bin/env python3
"""Pull a KPI series with its trend (moving average, period-over-period change) into a CSV file.

usage: kpi_trend_to_csv.py --handle northwind.home --network instagram --metric followers
                           [--granularity week] [--start 2025-01-06] [--end 2026-06-28] [-o trend.csv]
                           [--address 127.0.0.1:5080] [--key KEY]
Writes period_start,value,moving_average,period_over_period_pct (an empty cell is a missing value, never 0)
and prints the trend statistics (Sen's slope, Mann-Kendall) to stderr. The key defaults to $COE_API_KEY,
then .coe/admin-key.
"""
import argparse
import csv
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import grpc  # noqa: E402

from coeinsights_client import CoeError, connect  # noqa: E402


def _date(text, date_pb2):
    d = datetime.date.fromisoformat(text)
    return date_pb2.Date(year=d.year, month=d.month, day=d.day)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handle", required=True, help="the profile's handle, e.g. northwind.home")
    parser.add_argument("--network", required=True, help="linkedin, instagram, facebook, x, tiktok, youtube, …")
    parser.add_argument("--metric", required=True, help="a metric name from ListMetrics, e.g. followers")
    parser.add_argument("--granularity", default="week", choices=["day", "week", "month", "quarter"])
    parser.add_argument("--start", help="first day (YYYY-MM-DD); default: the whole series")
    parser.add_argument("--end", help="last day (YYYY-MM-DD)")
    parser.add_argument("-o", "--output", help="CSV file (default: stdout)")
    parser.add_argument("--address", default=os.environ.get("COE_GRPC_ADDRESS", "127.0.0.1:5080"))
    parser.add_argument("--key", default=os.environ.get("COE_API_KEY"))
    args = parser.parse_args()
    key = args.key or open(os.path.join(".coe", "admin-key")).read().strip()

    with connect(args.address, key) as coe:
        k = coe.v1.kpi_service_pb2
        from google.type import date_pb2

        network = k.Network.Value("NETWORK_" + args.network.upper())
        try:
            profiles = coe.kpis.ListProfiles(k.ListProfilesRequest(network=network, page_size=100)).profiles
            matches = [p for p in profiles if p.handle == args.handle]
            if not matches:
                print(f"error: no {args.network} profile with handle {args.handle}", file=sys.stderr)
                return 2
            selector = k.SeriesSelector(
                profile_id=matches[0].profile_id,
                metric=args.metric,
                granularity=k.Granularity.Value("GRANULARITY_" + args.granularity.upper()),
            )
            if args.start:
                selector.start_date.CopyFrom(_date(args.start, date_pb2))
            if args.end:
                selector.end_date.CopyFrom(_date(args.end, date_pb2))
            trend = coe.kpis.GetTrend(k.GetTrendRequest(series=selector))
        except grpc.RpcError as e:
            print(f"error: {CoeError(e)}", file=sys.stderr)
            return 2

    out = open(args.output, "w", newline="") if args.output else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(["period_start", "value", "moving_average", "period_over_period_pct"])
        for p in trend.points:
            day = datetime.date(p.period_start.year, p.period_start.month, p.period_start.day)
            writer.writerow([
                day.isoformat(),
                repr(p.value) if p.HasField("value") else "",
                repr(p.moving_average) if p.HasField("moving_average") else "",
                repr(p.period_over_period_pct) if p.HasField("period_over_period_pct") else "",
            ])
    finally:
        if out is not sys.stdout:
            out.close()
    print(
        f"# {args.network}/{args.handle} {args.metric}: {trend.observed} of {trend.slots} {args.granularity}s observed; "
        f"Sen's slope {trend.sen_slope.slope:.4g} per {args.granularity}, Mann-Kendall p = {trend.mann_kendall.p_value:.3g}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
