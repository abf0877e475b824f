namespace KernelDiscipline.Analyzers.Tests.Rules.KD204
{
    /// <summary>A lock type whose try-lock returns false on success (its callers' tests are in KD204Valid and KD204Diagnostics).</summary>
    internal static class InvertedTryLock
    {
        public const string Pool = """
            [assembly: LockClassDeclaration("pool", LockKind.Spinning, 0)]

            [LockClass("pool")]
            sealed class Pool
            {
                private readonly TicketLock gate = new TicketLock(LockClass.Get("pool"));

                /// <summary>True when the lock is busy and was not taken: a try-lock of inverted sense.</summary>
                [TryAcquires(SuccessValue = false)]
                public bool TryLockBusy() => !gate.TryLock();

                [Releases]
                public void Unlock() => gate.Unlock();
            }
            """;
    }
}
