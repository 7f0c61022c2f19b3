namespace AfterSales.Domain.Parts;

/// <summary>One line of a shipment as the notice's detail list (配件发运明细表) has it: the part and how many shipped.</summary>
public sealed record ShippedLine(string PartNo, int Quantity);

/// <summary>What the receiving station counted for one part of a shipment: accepted into its stock, rejected (with why).</summary>
public sealed record InspectedLine(string PartNo, int Accepted, int Rejected, string? Reason);

/// <summary>
/// Receipt inspection at the station (seed 001 §5.4.3: parts are counted and inspected on arrival, and only those that
/// pass are taken into stock). Pure: the errors by field, none when the inspection may be recorded.
/// </summary>
public static class ReceiptInspection
{
    /// <summary>
    /// Every shipped part is inspected exactly once; per line accepted and rejected are whole numbers from 0 and add up
    /// to what shipped; a rejected quantity says why. Errors name the field (<c>lines[i].accepted</c>, …).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Check(IReadOnlyList<ShippedLine> shipped, IReadOnlyList<InspectedLine> lines)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var shippedByPart = shipped.GroupBy(l => l.PartNo, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!shippedByPart.TryGetValue(line.PartNo, out var quantity))
            {
                errors[$"lines[{i}].partNo"] = [$"part {line.PartNo} is not on this shipment's detail list."];
                continue;
            }

            if (!seen.Add(line.PartNo))
            {
                errors[$"lines[{i}].partNo"] = [$"part {line.PartNo} is inspected twice; give one line per part."];
                continue;
            }

            if (line.Accepted < 0)
            {
                errors[$"lines[{i}].accepted"] = ["accepted must be 0 or more."];
            }

            if (line.Rejected < 0)
            {
                errors[$"lines[{i}].rejected"] = ["rejected must be 0 or more."];
            }

            if (line.Accepted >= 0 && line.Rejected >= 0 && line.Accepted + line.Rejected != quantity)
            {
                errors[$"lines[{i}]"] = [$"accepted ({line.Accepted}) and rejected ({line.Rejected}) must add up to the {quantity} shipped of part {line.PartNo}."];
            }

            if (line.Rejected > 0 && string.IsNullOrWhiteSpace(line.Reason))
            {
                errors[$"lines[{i}].reason"] = ["a rejected quantity needs its reason (damaged, wrong part, …)."];
            }
        }

        var missing = shippedByPart.Keys.Where(p => !seen.Contains(p)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            errors["lines"] = [$"every shipped part is inspected; missing: {string.Join(", ", missing)}."];
        }

        return errors;
    }
}
