#!/usr/bin/env python3
"""Print the server's version and the caller's tenant. usage: server_info.py [--address host:port] [--key KEY]"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

from coeinsights_client import CoeError, connect  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", default=os.environ.get("COE_GRPC_ADDRESS", "127.0.0.1:5080"))
    parser.add_argument("--key", default=os.environ.get("COE_API_KEY"))
    args = parser.parse_args()
    key = args.key or open(os.path.join(".coe", "admin-key")).read().strip()
    with connect(args.address, key) as coe:
        try:
            info = coe.server_info.GetServerInfo(coe.v1.server_info_service_pb2.GetServerInfoRequest())
        except grpc.RpcError as e:
            print(f"error: {CoeError(e)}", file=sys.stderr)
            return 3 if e.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED) else 2
    print(json_format.MessageToJson(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
