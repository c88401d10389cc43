"""Channel with the bearer key on every call, and readable errors from google.rpc.Status details."""
from types import SimpleNamespace

import grpc
from google.rpc import error_details_pb2, status_pb2

from coeinsights.v1 import (
    admin_service_pb2,
    admin_service_pb2_grpc,
    alert_service_pb2,
    alert_service_pb2_grpc,
    alert_delivery_service_pb2,
    alert_delivery_service_pb2_grpc,
    connector_service_pb2,
    connector_service_pb2_grpc,
    evaluation_service_pb2,
    evaluation_service_pb2_grpc,
    kpi_service_pb2,
    kpi_service_pb2_grpc,
    report_service_pb2,
    report_service_pb2_grpc,
    survey_service_pb2,
    survey_service_pb2_grpc,
    scoring_pb2,
    scoring_service_pb2,
    scoring_service_pb2_grpc,
    server_info_service_pb2,
    server_info_service_pb2_grpc,
)


class CoeError(Exception):
    """A refused call: the gRPC status, the reason (ErrorInfo) and the field violations (BadRequest).

    try: ...
    except grpc.RpcError as e: raise CoeError(e)
    """

    def __init__(self, error: grpc.RpcError):
        self.code = error.code()
        self.message = error.details()
        self.reason = None
        self.field_violations = []
        for key, value in error.trailing_metadata() or ():
            if key != "grpc-status-details-bin":
                continue
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    self.reason = info.reason
                elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad = error_details_pb2.BadRequest()
                    detail.Unpack(bad)
                    self.field_violations = [(v.field, v.description) for v in bad.field_violations]
        violations = "; ".join(f"{f}: {d}" for f, d in self.field_violations)
        super().__init__(f"{self.code.name}: {violations or self.message}")


class _BearerKey(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds `authorization: Bearer <key>` to every call."""

    def __init__(self, api_key: str):
        self._metadata = (("authorization", f"Bearer {api_key}"),)

    def _details(self, details):
        # grpc passes a namedtuple: _replace keeps every other field.
        return details._replace(metadata=tuple(details.metadata or ()) + self._metadata)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return continuation(self._details(details), request_iterator)

    def intercept_stream_stream(self, continuation, details, request_iterator):
        return continuation(self._details(details), request_iterator)


class Client:
    """Service stubs over one authenticated channel. Use as a context manager."""

    v1 = SimpleNamespace(
        admin_service_pb2=admin_service_pb2,
        alert_service_pb2=alert_service_pb2,
        alert_delivery_service_pb2=alert_delivery_service_pb2,
        connector_service_pb2=connector_service_pb2,
        evaluation_service_pb2=evaluation_service_pb2,
        kpi_service_pb2=kpi_service_pb2,
        report_service_pb2=report_service_pb2,
        survey_service_pb2=survey_service_pb2,
        scoring_pb2=scoring_pb2,
        scoring_service_pb2=scoring_service_pb2,
        server_info_service_pb2=server_info_service_pb2,
    )

    def __init__(self, address: str, api_key: str):
        self._channel = grpc.intercept_channel(grpc.insecure_channel(address), _BearerKey(api_key))
        self.server_info = server_info_service_pb2_grpc.ServerInfoServiceStub(self._channel)
        self.admin = admin_service_pb2_grpc.AdminServiceStub(self._channel)
        self.scoring = scoring_service_pb2_grpc.ScoringServiceStub(self._channel)
        self.evaluations = evaluation_service_pb2_grpc.EvaluationServiceStub(self._channel)
        self.kpis = kpi_service_pb2_grpc.KpiServiceStub(self._channel)
        self.surveys = survey_service_pb2_grpc.SurveyServiceStub(self._channel)
        self.reports = report_service_pb2_grpc.ReportServiceStub(self._channel)
        self.connectors = connector_service_pb2_grpc.ConnectorServiceStub(self._channel)
        self.alerts = alert_service_pb2_grpc.AlertServiceStub(self._channel)
        self.alert_delivery = alert_delivery_service_pb2_grpc.AlertDeliveryServiceStub(self._channel)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def connect(address: str, api_key: str) -> Client:
    """address: host:port of the gRPC endpoint (default server: 127.0.0.1:5080)."""
    return Client(address, api_key)
