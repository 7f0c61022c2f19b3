using System.Text;
using System.Text.Json.Nodes;
using AfterSales.Silo.Persistence;

namespace AfterSales.Integration.Tests.Persistence;

/// <summary>The split of a state's JSON into the document to store, its rows and the rows that must be absent (what migration 0007's write_grain_state did in the database).</summary>
public sealed class StateDocumentTests
{
    [Fact]
    public void ADocumentWithoutRows_IsStoredAsItIs_NotCopied()
    {
        var json = Utf8("""{"km":5,"owner":{"name":"李娜","rows":[1]},"outbox":[]}""");

        var split = StateDocument.Split(json);

        Assert.Same(json, split.Payload);
        Assert.Null(split.NewRows);
        Assert.Null(split.AbsentRows);
    }

    [Fact]
    public void EveryNewRowsMember_GoesToTheRows_InOrder_AndAbsentRowsApart_TheRestStaysTheDocument()
    {
        var json = Utf8("""
            {"km":5,"newRows":[{"kind":"key","key":"k1","body":{"a":[1,2]},"unique":true}],"visitCount":2,
             "newRowsVisits":[{"kind":"visit","key":"v1","body":{"seq":0}},{"kind":"visit","key":"v2","body":null}],
             "absentRows":[{"kind":"final","key":"s1"}],"note":"newRows in a value \"quoted\""}
            """);

        var split = StateDocument.Split(json);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"km":5,"visitCount":2,"note":"newRows in a value \"quoted\""}"""), JsonNode.Parse(split.Payload)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            [{"kind":"key","key":"k1","body":{"a":[1,2]},"unique":true},{"kind":"visit","key":"v1","body":{"seq":0}},{"kind":"visit","key":"v2","body":null}]
            """), JsonNode.Parse(split.NewRows!)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"kind":"final","key":"s1"}]"""), JsonNode.Parse(split.AbsentRows!)));
    }

    [Fact]
    public void RowMembersThatAreNotArrays_AreDropped_AndEmptyOnesGiveNoRows()
    {
        var split = StateDocument.Split(Utf8("""{"newRows":[],"newRowsOther":null,"absentRows":{"kind":"x"},"km":1}"""));

        Assert.Equal("""{"km":1}""", Encoding.UTF8.GetString(split.Payload));
        Assert.Null(split.NewRows);
        Assert.Null(split.AbsentRows);
    }

    [Fact]
    public void OnlyTopLevelMembers_AreRows()
    {
        var split = StateDocument.Split(Utf8("""{"inner":{"newRows":[{"kind":"k","key":"1"}]},"km":1}"""));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"inner":{"newRows":[{"kind":"k","key":"1"}]},"km":1}"""), JsonNode.Parse(split.Payload)));
        Assert.Null(split.NewRows);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
