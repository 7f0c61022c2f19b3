using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AfterSales.Silo.Persistence;

/// <summary>
/// A grain's state JSON taken apart the way <c>write_grain_states_split</c> (migration 0016) takes it: the document
/// to store, the rows written with it (every top-level "newRows…" array, concatenated) and the rows that must be absent
/// ("absentRows"). The database did this with jsonb operations on every write; a single forward pass here is cheaper
/// and leaves PostgreSQL set-based statements. A document with neither member is stored as it is, not copied.
/// </summary>
public readonly record struct StateDocument(byte[] Payload, string? NewRows, string? AbsentRows)
{
    private const string NewRowsPrefix = "newRows";
    private const string AbsentRowsName = "absentRows";

    private static readonly byte[] NewRowsUtf8 = Encoding.UTF8.GetBytes(NewRowsPrefix);
    private static readonly byte[] NewRowsMarker = Encoding.UTF8.GetBytes("\"" + NewRowsPrefix);
    private static readonly byte[] AbsentRowsMarker = Encoding.UTF8.GetBytes("\"" + AbsentRowsName + "\"");

    private enum Member
    {
        Document,
        Rows,
        Absent,
    }

    public static StateDocument Split(byte[] json)
    {
        var span = json.AsSpan();
        if (span.IndexOf(NewRowsMarker) < 0 && span.IndexOf(AbsentRowsMarker) < 0)
        {
            return new StateDocument(json, null, null);
        }

        var reader = new Utf8JsonReader(span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new StateDocument(json, null, null);
        }

        var document = new ArrayBufferWriter<byte>(json.Length);
        var rows = new ArrayBufferWriter<byte>();
        string? absent = null;
        var rowCount = 0;
        using (var documentWriter = new Utf8JsonWriter(document))
        using (var rowsWriter = new Utf8JsonWriter(rows))
        {
            documentWriter.WriteStartObject();
            rowsWriter.WriteStartArray();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = reader.ValueTextEquals(AbsentRowsName) ? Member.Absent : IsRowsMember(ref reader) ? Member.Rows : Member.Document;
                var name = member == Member.Document ? reader.GetString()! : null;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isArray = reader.TokenType == JsonTokenType.StartArray;
                if (member == Member.Rows && isArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var elementStart = (int)reader.TokenStartIndex;
                        reader.Skip();
                        rowsWriter.WriteRawValue(span[elementStart..(int)reader.BytesConsumed], skipInputValidation: true);
                        rowCount++;
                    }

                    continue;
                }

                reader.Skip();
                var raw = span[start..(int)reader.BytesConsumed];
                if (member == Member.Document)
                {
                    documentWriter.WritePropertyName(name!);
                    documentWriter.WriteRawValue(raw, skipInputValidation: true);
                }
                else if (member == Member.Absent && isArray)
                {
                    absent = Encoding.UTF8.GetString(raw);
                }

                // Any other "newRows…" or "absentRows" value (not an array) is dropped, as the database dropped it.
            }

            documentWriter.WriteEndObject();
            rowsWriter.WriteEndArray();
        }

        return new StateDocument(document.WrittenSpan.ToArray(), rowCount > 0 ? Encoding.UTF8.GetString(rows.WrittenSpan) : null, absent);
    }

    private static bool IsRowsMember(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence
            ? reader.GetString()!.StartsWith(NewRowsPrefix, StringComparison.Ordinal)
            : reader.ValueSpan.StartsWith(NewRowsUtf8);
}
