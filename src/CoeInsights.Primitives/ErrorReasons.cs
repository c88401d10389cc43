namespace CoeInsights.Primitives;

/// <summary>
/// Every google.rpc.ErrorInfo reason the API sets, in one place (values never change: clients match on them).
/// NOT_FOUND and ALREADY_EXISTS reasons are made from the resource type (<c>EVALUATION_NOT_FOUND</c>, <c>VENDOR_ALREADY_EXISTS</c>);
/// see <see cref="NotFoundException"/>. docs/errors.md explains each one; a test fails when one is missing there.
/// </summary>
public static class ErrorReasons
{
    // Bad input, keys and roles, concurrency, the store (set by the error interceptor and the base exceptions).
    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string PermissionDenied = "PERMISSION_DENIED";
    public const string StaleEtag = "STALE_ETAG";
    public const string ConcurrentChange = "CONCURRENT_CHANGE";
    public const string Cancelled = "CANCELLED";
    public const string StoreUnavailable = "STORE_UNAVAILABLE";
    public const string WorkBudgetExceeded = "WORK_BUDGET_EXCEEDED";
    public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
    /// <summary>UNAVAILABLE: the replica is shutting down (drain); reconnect and resume, another replica answers.</summary>
    public const string ServerDraining = "SERVER_DRAINING";

    // The edge (API key interceptor, error interceptor, request-shape checks).
    /// <summary>UNAUTHENTICATED: no <c>authorization: Bearer</c> header.</summary>
    public const string ApiKeyMissing = "API_KEY_MISSING";
    /// <summary>UNAUTHENTICATED: malformed, unknown, or wrong secret.</summary>
    public const string ApiKeyInvalid = "API_KEY_INVALID";
    /// <summary>UNAUTHENTICATED: the key was revoked (also ends streams opened before the revocation).</summary>
    public const string ApiKeyRevoked = "API_KEY_REVOKED";
    /// <summary>PERMISSION_DENIED: the method needs a role the key lacks; metadata <c>roles</c> lists the accepted ones.</summary>
    public const string RoleRequired = "ROLE_REQUIRED";
    /// <summary>INTERNAL: an unexpected failure; metadata <c>error_id</c> finds it in the server log.</summary>
    public const string Internal = "INTERNAL";
    /// <summary>DEADLINE_EXCEEDED: the call's deadline passed while the server worked.</summary>
    public const string DeadlineExceeded = "DEADLINE_EXCEEDED";
    /// <summary>INVALID_ARGUMENT: the request bytes are not a valid protobuf message, or the JSON body does not parse.</summary>
    public const string MalformedRequest = "MALFORMED_REQUEST";

    // Limits and operations.
    public const string ExportTooLarge = "EXPORT_TOO_LARGE";
    public const string CannotRevokeOwnKey = "CANNOT_REVOKE_OWN_KEY";
    public const string ConnectorBusy = "CONNECTOR_BUSY";
    public const string NoObservations = "NO_OBSERVATIONS";
    public const string NothingToCorrect = "NOTHING_TO_CORRECT";
    /// <summary>FAILED_PRECONDITION: RetryDelivery on a delivery that is pending or delivered (only dead letters are sent again).</summary>
    public const string DeliveryNotDeadLettered = "DELIVERY_NOT_DEAD_LETTERED";

    // Business rules (FAILED_PRECONDITION): evaluations and surveys.
    public const string AlertAlreadyAcknowledged = "ALERT_ALREADY_ACKNOWLEDGED";
    public const string AlertResolved = "ALERT_RESOLVED";
    public const string AlreadyVoted = "ALREADY_VOTED";
    public const string ConfigurationAfterClose = "CONFIGURATION_AFTER_CLOSE";
    public const string CriteriaLockedAfterScoring = "CRITERIA_LOCKED_AFTER_SCORING";
    public const string CriteriaRequired = "CRITERIA_REQUIRED";
    public const string EvaluationAlreadyOpen = "EVALUATION_ALREADY_OPEN";
    public const string EvaluationApproved = "EVALUATION_APPROVED";
    public const string EvaluationNotOpen = "EVALUATION_NOT_OPEN";
    public const string EvaluatorsRequired = "EVALUATORS_REQUIRED";
    public const string EvaluatorCannotApprove = "EVALUATOR_CANNOT_APPROVE";
    public const string FactsMissing = "FACTS_MISSING";
    public const string InvitationRevoked = "INVITATION_REVOKED";
    public const string NotAnInvitedEvaluator = "NOT_AN_INVITED_EVALUATOR";
    public const string NotACommitteeMember = "NOT_A_COMMITTEE_MEMBER";
    /// <summary>PERMISSION_DENIED: only a designated approver of the alert's rule may acknowledge or resolve it.</summary>
    public const string NotAnApprover = "NOT_AN_APPROVER";
    public const string NoRecommendationPending = "NO_RECOMMENDATION_PENDING";
    public const string NoVisibleScores = "NO_VISIBLE_SCORES";
    public const string RecommendationAlreadyProposed = "RECOMMENDATION_ALREADY_PROPOSED";
    public const string RecommendationRequiresClose = "RECOMMENDATION_REQUIRES_CLOSE";
    public const string ScoresAfterClose = "SCORES_AFTER_CLOSE";
    public const string ScoresRequired = "SCORES_REQUIRED";
    public const string SurveyAudienceFull = "SURVEY_AUDIENCE_FULL";
    public const string SurveyClosed = "SURVEY_CLOSED";
    public const string SurveyNotLinked = "SURVEY_NOT_LINKED";
    public const string VendorsRequired = "VENDORS_REQUIRED";
    public const string WeightsInconsistent = "WEIGHTS_INCONSISTENT";
    public const string WeightsInvalid = "WEIGHTS_INVALID";
    public const string WeightsLockedAfterClose = "WEIGHTS_LOCKED_AFTER_CLOSE";
}
