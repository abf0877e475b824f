using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.CrossCutting
{
    /// <summary>
    /// Monitor.Enter and TryEnter on a [LockClass] monitor, in every overload: a try-entered monitor is held on its success
    /// edge (KD204 when it is left held), a taken flag says on which paths it is held however often it is tested, a
    /// callee's balanced try-entry leaves its caller's monitor alone, and a callee that re-enters its caller's monitors
    /// takes nothing new (no KD201 at the call).
    /// </summary>
    public class MonitorTryEnterTests
    {
        [Fact]
        public Task EnterOrTryEnterChosenByABranchThenAnyBranch() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;

            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)]

            sealed class Cache
            {
                [LockClass("cache_lock")]
                private readonly object gate = new object();
                private int count;

                public void ChosenThenBranch(bool wait, bool more)
                {
                    bool taken = false;
                    if (wait)
                        Monitor.Enter(gate, ref taken);
                    else
                        Monitor.TryEnter(gate, ref taken);
                    if (more)
                        count++;
                    if (taken)
                        Monitor.Exit(gate);
                }

                public void ChosenInATry(bool wait, bool more)
                {
                    bool taken = false;
                    try
                    {
                        if (wait)
                            Monitor.Enter(gate, ref taken);
                        else
                            Monitor.TryEnter(gate, 10, ref taken);
                        if (more)
                            count++;
                    }
                    finally
                    {
                        if (taken)
                            Monitor.Exit(gate);
                    }
                }

                // The flag tested in the try and again in the finally: the finally's test goes the same way.
                public void TestedInTheTryAndTheFinally()
                {
                    bool taken = false;
                    try
                    {
                        Monitor.TryEnter(gate, System.TimeSpan.FromMilliseconds(5), ref taken);
                        if (taken)
                            count++;
                    }
                    finally
                    {
                        if (taken)
                            Monitor.Exit(gate);
                    }
                }

                public void ChosenWithoutAFlag(bool wait, bool more)
                {
                    if (wait)
                        Monitor.Enter(gate);
                    else if (!Monitor.TryEnter(gate, 10))
                        return;
                    if (more)
                        count++;
                    Monitor.Exit(gate);
                }

                public void GiveUpWhenNotTaken(bool wait, bool more)
                {
                    bool taken = false;
                    if (wait)
                        Monitor.Enter(gate, ref taken);
                    else
                        Monitor.TryEnter(gate, 0, ref taken);
                    if (!taken)
                        return;
                    if (more)
                        count++;
                    Monitor.Exit(gate);
                }

                // The result kept in a local says whether it was taken, however often it is tested.
                public void StoredResult(bool more)
                {
                    bool entered = Monitor.TryEnter(gate, 10);
                    if (entered)
                        count++;
                    if (more)
                        count--;
                    if (entered)
                        Monitor.Exit(gate);
                }

                public void StoredResultInATry()
                {
                    bool entered = Monitor.TryEnter(gate, System.TimeSpan.FromMilliseconds(10));
                    try
                    {
                        if (!entered)
                            return;
                        count++;
                    }
                    finally
                    {
                        if (entered)
                            Monitor.Exit(gate);
                    }
                }

                public void AssignedInTheCondition()
                {
                    bool entered;
                    if (entered = Monitor.TryEnter(gate))
                    {
                        count++;
                        Monitor.Exit(gate);
                    }
                }

                // A try-lock wrapper hands its flag to its caller, as `return Monitor.TryEnter(gate);` would.
                public bool TryTake()
                {
                    bool entered = Monitor.TryEnter(gate);
                    return entered;
                }
            }
            """);

        [Fact]
        public Task BalancedTryEnterInACalleeLeavesTheCallersMonitorHeld() => Verify.VerifyAnalyzerAsync("""
            using System.Threading;

            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)]

            sealed class Cache
            {
                [LockClass("cache_lock")]
                private readonly object gate = new object();
                private int count;

                public void UnderALockStatement()
                {
                    lock (gate)
                    {
                        Poll();
                        PollWithAFlag();
                        PollStored();
                        count++;
                    }
                }

                public void UnderMonitorEnter()
                {
                    Monitor.Enter(gate);
                    PollWithAFlag();
                    count++;
                    Monitor.Exit(gate);
                }

                private void Poll()
                {
                    if (Monitor.TryEnter(gate))
                    {
                        count++;
                        Monitor.Exit(gate);
                    }
                }

                private void PollWithAFlag()
                {
                    bool taken = false;
                    try
                    {
                        Monitor.TryEnter(gate, 1, ref taken);
                        if (taken)
                            count++;
                    }
                    finally
                    {
                        if (taken)
                            Monitor.Exit(gate);
                    }
                }

                private void PollStored()
                {
                    bool entered = Monitor.TryEnter(gate, System.TimeSpan.Zero);
                    if (!entered)
                        return;
                    count++;
                    Monitor.Exit(gate);
                }

                // A callee that gives back its caller's monitor does release it: the caller's own Exit is one too many.
                public void HelperExitsTheCallersMonitor()
                {
                    Monitor.Enter(gate);
                    ExitGate();
                    {|KD204:Monitor.Exit(gate)|};
                }

                private void ExitGate() => Monitor.Exit(gate);
            }
            """);

        [Fact]
        public Task TryEnteredMonitorLeftHeldAtReturnInEveryOverload() => Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading;

            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)]

            sealed class Cache
            {
                [LockClass("cache_lock")]
                private readonly object gate = new object();
                private int count;

                public void Plain()
                {
                    if ({|KD204:Monitor.TryEnter(gate)|})
                        count++;
                }

                public void Milliseconds()
                {
                    if ({|KD204:Monitor.TryEnter(gate, 100)|})
                        count++;
                }

                public void Timeout()
                {
                    if ({|KD204:Monitor.TryEnter(gate, TimeSpan.FromSeconds(1))|})
                        count++;
                }

                public void RefTaken()
                {
                    bool taken = false;
                    {|KD204:Monitor.TryEnter(gate, ref taken)|};
                    if (taken)
                        count++;
                }

                public void MillisecondsRefTaken()
                {
                    bool taken = false;
                    {|KD204:Monitor.TryEnter(gate, 5, ref taken)|};
                    count++;
                }

                public void TimeoutRefTaken()
                {
                    bool taken = false;
                    {|KD204:Monitor.TryEnter(gate, TimeSpan.FromMilliseconds(5), ref taken)|};
                    if (!taken)
                        return;
                    count++;
                }

                public void Stored()
                {
                    bool entered = {|KD204:Monitor.TryEnter(gate, 10)|};
                    if (entered)
                        count++;
                }

                // Released on every path where it was taken: nothing to report.
                public void Released()
                {
                    if (Monitor.TryEnter(gate, TimeSpan.FromSeconds(1)))
                    {
                        count++;
                        Monitor.Exit(gate);
                    }

                    bool taken = false;
                    Monitor.TryEnter(gate, 5, ref taken);
                    if (taken)
                        Monitor.Exit(gate);
                }
            }
            """);

        [Fact]
        public Task CalleeReenteringTheCallersMonitorsIsNoOrderViolation() => Verify.VerifyAnalyzerAsync("""
            [assembly: LockClassDeclaration("cache_lock", LockKind.Sleeping, 150)]
            [assembly: LockClassDeclaration("table_lock", LockKind.Sleeping, 160)]

            sealed class Cache
            {
                [LockClass("cache_lock")]
                private readonly object gate = new object();
                [LockClass("table_lock")]
                private readonly object table = new object();
                private int count;

                public void HoldsBoth()
                {
                    lock (gate)
                    {
                        lock (table)
                        {
                            TakesBoth();
                            Forwards();
                            Poke(this);
                        }
                    }
                }

                // Re-enters what its callers hold: takes nothing new.
                private void TakesBoth()
                {
                    lock (gate)
                    {
                        lock (table)
                        {
                            count++;
                        }
                    }
                }

                // Two levels down, through a helper that holds nothing itself.
                private void Forwards() => TakesBoth();

                // Named through a parameter: the caller's argument is the caller's own object.
                private static void Poke(Cache cache)
                {
                    lock (cache.gate)
                    {
                        cache.count++;
                    }
                }

                // The caller holds table_lock only: the callee's cache_lock is a new lock, out of order.
                public void HoldsTableOnly()
                {
                    lock (table)
                    {
                        {|KD201:TakesGate()|};
                    }
                }

                private void TakesGate()
                {
                    lock (gate)
                    {
                        count++;
                    }
                }

                // Another object's monitor of the same class is not a re-entry either.
                public void OtherObject(Cache other)
                {
                    lock (table)
                    {
                        {|KD201:Poke(other)|};
                    }
                }
            }
            """);
    }
}
