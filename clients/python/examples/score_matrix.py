#!/usr/bin/env python3
"""Score a CSV matrix (alternative,<criterion>,…) with TOPSIS and print the ranking as CSV.

usage: score_matrix.py matrix.csv --weights 0.7 0.3 [--cost annual_cost] [--address 127.0.0.1:5080] [--key KEY]
The key defaults to $COE_API_KEY, then .coe/admin-key.
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import grpc  # noqa: E402

from coeinsights_client import CoeError, connect  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("matrix")
    parser.add_argument("--weights", type=float, nargs="+", required=True)
    parser.add_argument("--cost", nargs="*", default=[])
    parser.add_argument("--address", default=os.environ.get("COE_GRPC_ADDRESS", "127.0.0.1:5080"))
    parser.add_argument("--key", default=os.environ.get("COE_API_KEY"))
    args = parser.parse_args()
    key = args.key or open(os.path.join(".coe", "admin-key")).read().strip()

    with open(args.matrix, newline="") as f:
        rows = list(csv.reader(f))
    criteria, body = rows[0][1:], rows[1:]

    with connect(args.address, key) as coe:
        s = coe.v1.scoring_pb2
        request = coe.v1.scoring_service_pb2.ScoreMatrixRequest(
            alternative_ids=[r[0] for r in body],
            criteria=[
                s.CriterionSpec(
                    criterion_id=c,
                    direction=s.CRITERION_DIRECTION_COST if c in args.cost else s.CRITERION_DIRECTION_BENEFIT,
                )
                for c in criteria
            ],
            matrix=[s.Row(values=[float(v) for v in r[1:]]) for r in body],
            weights=args.weights,
            options=s.ScoringOptions(primary_method=s.SCORING_METHOD_TOPSIS),
        )
        try:
            result = coe.scoring.ScoreMatrix(request)
        except grpc.RpcError as e:
            print(f"error: {CoeError(e)}", file=sys.stderr)
            return 2

    topsis = result.methods[0]
    out = csv.writer(sys.stdout)
    out.writerow(["rank", "alternative", "closeness"])
    for i in sorted(range(len(result.vendor_ids)), key=lambda i: topsis.ranks[i]):
        out.writerow([topsis.ranks[i], result.vendor_ids[i], repr(topsis.scores[i])])
    print(f"# recommendation: {result.recommendation.winner_id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
