namespace CoeInsights.Exports.Common;

/// <summary>
/// The deck would pass one of Excel's limits that cannot be met by cutting text (1,048,576 rows per sheet): refused
/// before a byte is written to the output, never a corrupt file. The server turns it into FAILED_PRECONDITION
/// <c>EXPORT_TOO_LARGE</c> with what to narrow.
/// </summary>
public sealed class ExcelLimitException(string message) : Exception(message);
