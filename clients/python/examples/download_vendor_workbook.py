#!/usr/bin/env python3
"""Download the scored vendor workbook (.xlsx) of an evaluation.

usage: download_vendor_workbook.py [EVALUATION_ID] [-o workbook.xlsx] [--link] [--address 127.0.0.1:5080] [--key KEY]
Without an id: the most recent evaluation (after ./run.sh, the sample's). By default the workbook is streamed over
gRPC (ExportEvaluationWorkbook); with --link the script asks for a signed download link (CreateDownloadLink) and
fetches it with urllib, as a browser would, without the key. The key defaults to $COE_API_KEY, then .coe/admin-key.
"""
import argparse
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import grpc  # noqa: E402

from coeinsights_client import CoeError, connect  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("evaluation_id", nargs="?")
    parser.add_argument("-o", "--output", help="file to write (default: the server's file name)")
    parser.add_argument("--link", action="store_true", help="download through a signed link instead of the gRPC stream")
    parser.add_argument("--address", default=os.environ.get("COE_GRPC_ADDRESS", "127.0.0.1:5080"))
    parser.add_argument("--key", default=os.environ.get("COE_API_KEY"))
    args = parser.parse_args()
    key = args.key or open(os.path.join(".coe", "admin-key")).read().strip()

    with connect(args.address, key) as coe:
        e, r = coe.v1.evaluation_service_pb2, coe.v1.report_service_pb2
        try:
            evaluation_id = args.evaluation_id
            if not evaluation_id:
                listed = coe.evaluations.ListEvaluations(e.ListEvaluationsRequest(page_size=1)).evaluations
                if not listed:
                    print("error: there is no evaluation yet", file=sys.stderr)
                    return 2
                evaluation_id = listed[0].evaluation_id
            if args.link:
                link = coe.reports.CreateDownloadLink(r.CreateDownloadLinkRequest(
                    kind=r.EXPORT_KIND_EVALUATION_WORKBOOK, resource_id=evaluation_id))
                with urllib.request.urlopen(link.url) as response:
                    name = args.output or _file_name(response.headers.get("Content-Disposition")) or f"{evaluation_id}.xlsx"
                    data = response.read()
                with open(name, "wb") as f:
                    f.write(data)
                size = len(data)
            else:
                name, size, expected = None, 0, None
                f = None
                try:
                    for chunk in coe.reports.ExportEvaluationWorkbook(r.ExportEvaluationWorkbookRequest(evaluation_id=evaluation_id)):
                        if chunk.WhichOneof("part") == "metadata":
                            name = args.output or chunk.metadata.file_name
                            expected = chunk.metadata.size_bytes
                            f = open(name, "wb")
                        else:
                            f.write(chunk.data)
                            size += len(chunk.data)
                finally:
                    if f:
                        f.close()
                if name is None or size != expected:
                    print(f"error: incomplete download ({size} of {expected} bytes)", file=sys.stderr)
                    return 4
        except grpc.RpcError as err:
            print(f"error: {CoeError(err)}", file=sys.stderr)
            return 2
    print(f"saved {os.path.abspath(name)} ({size} bytes)")
    return 0


def _file_name(disposition):
    # attachment; filename=x.xlsx; filename*=UTF-8''x.xlsx
    for part in (disposition or "").split(";"):
        part = part.strip()
        if part.startswith("filename="):
            return os.path.basename(part[len("filename="):].strip('"'))
    return None


if __name__ == "__main__":
    sys.exit(main())
