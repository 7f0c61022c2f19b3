namespace AfterSales.Api.Http;

/// <summary>Collects field errors of one request; field names are the JSON names of the contract.</summary>
public sealed class RequestErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public T Require<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, $"{field} is required.");
        }

        return value.GetValueOrDefault();
    }

    public string Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"{field} is required.");
            }

            return "";
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
        else if (trimmed.Any(char.IsControl))
        {
            Add(field, $"{field} must not contain control characters.");
        }

        return trimmed;
    }

    /// <summary>
    /// Text that becomes part of a report's keys (model, batch, fault code): the report joins them with
    /// <see cref="Interfaces.Reports.QualityCounters.Separator"/>, so a value holding it would land in the wrong rows.
    /// </summary>
    public string Code(string field, string? value, int maxLength, bool required = true)
    {
        var text = Text(field, value, maxLength, required);
        if (text.Contains(Interfaces.Reports.QualityCounters.Separator, StringComparison.Ordinal))
        {
            Add(field, $"{field} must not contain '{Interfaces.Reports.QualityCounters.Separator}'.");
        }

        return text;
    }

    public string? OptionalText(string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(field, value, maxLength);

    public int Range(string field, int? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"{field} is required.");
            }

            return 0;
        }

        if (value < min || value > max)
        {
            Add(field, $"{field} must be between {min} and {max} (was {value}).");
        }

        return value.Value;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public IResult ToResult() => OutcomeResults.Invalid(ToDictionary());
}
