using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MlopsFlows.Api.Http;

/// <summary>RFC 7807 problem+json answers, each with a message a caller can act on.</summary>
public static class Problems
{
    public static IResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.", detail: string.Join(" ", errors.SelectMany(e => e.Value)));

    public static IResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "Not found.", detail);

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status409Conflict, "Conflict.", detail, extensions);

    public static IResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large.", $"The body must not exceed {limit / 1024} KiB.");

    public static IResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", detail);

    public static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
            Extensions = extensions ?? new Dictionary<string, object?>(),
        });
}
