using AfterSales.Interfaces.Common;

namespace AfterSales.Grains.Common;

/// <summary>
/// The grain's half of <c>If-Match</c>: checked against the version the grain holds, inside the command (a grain runs
/// one command at a time), after an idempotent replay (a retry gets its first outcome) and before anything is decided.
/// </summary>
public static class Preconditions
{
    /// <summary>
    /// A 412 when this call carries an <c>If-Match</c> for <paramref name="grain"/> that does not name
    /// <paramref name="revision"/> (or names an entity that does not exist); null otherwise. The expectation is taken
    /// out of the call's context, so the grains this command calls in turn never see it.
    /// </summary>
    public static Refusal? Check(IGrainBase grain, long revision, bool exists, string what)
    {
        if (AddressedCallContext.Take(EntityVersions.IfMatchKey, grain.GrainContext.GrainId) is not { } tags)
        {
            return null;
        }

        return exists && EntityVersions.Matches(tags, revision)
            ? null
            : Refusal.PreconditionFailed(exists
                ? $"{what} is at version {EntityVersions.ETag(revision)}, not {tags} (If-Match): it changed since you read it. Nothing was changed; read it again and decide again."
                : $"{what} does not exist, so If-Match {tags} cannot match. Nothing was changed.");
    }
}
