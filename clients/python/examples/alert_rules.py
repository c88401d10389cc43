#!/usr/bin/env python3
"""Create an alert rule on negative mentions (unless one of that name exists) and print the tenant's rules as JSON.
usage: alert_rules.py --approver EMAIL [--approver EMAIL ...] [--name NAME] [--address host:port] [--key KEY]"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import grpc  # noqa: E402
from google.protobuf import duration_pb2, json_format  # noqa: E402

from coeinsights_client import CoeError, connect  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", default=os.environ.get("COE_GRPC_ADDRESS", "127.0.0.1:5080"))
    parser.add_argument("--key", default=os.environ.get("COE_API_KEY"))
    parser.add_argument("--name", default="Negative mentions spike")
    parser.add_argument("--approver", action="append", required=True)
    args = parser.parse_args()
    key = args.key or open(os.path.join(".coe", "admin-key")).read().strip()
    pb = None
    with connect(args.address, key) as coe:
        pb = coe.v1.alert_service_pb2
        try:
            rules = coe.alerts.ListAlertRules(pb.ListAlertRulesRequest()).rules
            if not any(r.name == args.name for r in rules):
                rule = pb.AlertRule(name=args.name, metric="negative_mentions", direction=1, enabled=True, cooldown_days=3,
                                    approvers=args.approver, escalate_after=duration_pb2.Duration(seconds=1800))
                coe.alerts.CreateAlertRule(pb.CreateAlertRuleRequest(rule=rule, request_id=f"py-{args.name}"))
            listed = coe.alerts.ListAlertRules(pb.ListAlertRulesRequest())
        except grpc.RpcError as e:
            print(f"error: {CoeError(e)}", file=sys.stderr)
            return 3 if e.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED) else 2
    print(json_format.MessageToJson(listed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
