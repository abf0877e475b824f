using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD301
{
    /// <summary>KD301 (Warn and recover instead of crashing where an error can be returned): code the rule flags, and where.</summary>
    public class KD301Diagnostics
    {
        private const string CalleeResults = """
            class C
            {
                static int Fill(ShmemInode file, long index, out Folio? page) { page = null; return file.SizePages > index ? 0 : -Errno.ENOSPC; }

                // Seed 001's exact shape: the crash tests what a callee handed back.
                int Mcopy(ShmemInode file, long index)
                {
                    Folio? page;
                    int err = Fill(file, index, out page);
                    {|#0:Kernel.BugOn(page != null)|};
                    {|#1:Kernel.BugOn(Fill(file, index + 1, out _) > 0)|};
                    int copied = err;
                    {|#2:Kernel.BugOn(copied > 0)|};
                    {|#3:Kernel.BugOn(file.SizePages < 0)|};                              // no callee: the rule's own severity
                    return err;
                }
            }
            """;

        [Fact]
        public Task BugOnWhereAnErrorCanBeReturned() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // Seed 001's shape: the folio must have been consumed — but a retry can fail with -ENOMEM.
                int Mcopy(ShmemInode file, long index, Folio? page)
                {
                    int err = file.AcctBlocks(1);
                    {|#0:Kernel.BugOn(page != null)|};
                    return err;
                }

                VmFault Fault(Folio folio) { {|KD301:Kernel.BugOn(folio.IsFreed)|}; return VmFault.None; }

                bool TryInstall(Folio folio) { {|KD301:Kernel.BugOn(folio.MapCount < 0)|}; return true; }
            }
            """,
            Verify.Diagnostic("KD301").WithLocation(0).WithArguments("Kernel.BugOn(page != null)", "-Errno.EINVAL"));

        [Fact]
        public Task LockInvariantsAreExemptButNotWhatTheyAreJoinedWith() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Update(TicketLock ptl, PteMap pte, Folio folio)
                {
                    Kernel.BugOn(!ptl.IsHeldByCurrentThread);                           // lockdep_assert_held: KD2xx's business
                    Kernel.BugOn(!(pte.IsLocked && ptl.IsLocked));
                    {|KD301:Kernel.BugOn(!ptl.IsHeldByCurrentThread || folio.IsFreed)|};  // the folio's state is not a lock invariant
                    return 0;
                }
            }
            """);

        [Fact]
        public async Task CalleeResultsTakeTheConfiguredSeverity()
        {
            var strict = new System.Collections.Generic.Dictionary<string, string> { ["kernel_discipline.KD301.callee_result_severity"] = "error" };
            await Verify.VerifyAnalyzerAsync(CalleeResults, strict,
                BugOn(0, "page != null", DiagnosticSeverity.Error),
                BugOn(1, "Fill(file, index + 1, out _) > 0", DiagnosticSeverity.Error),
                BugOn(3, "file.SizePages < 0", DiagnosticSeverity.Warning),
                BugOn(2, "copied > 0", DiagnosticSeverity.Warning)); // copied = err: a local copy of a local, not followed
            await Verify.VerifyAnalyzerAsync(CalleeResults,
                BugOn(0, "page != null", DiagnosticSeverity.Warning),
                BugOn(1, "Fill(file, index + 1, out _) > 0", DiagnosticSeverity.Warning),
                BugOn(2, "copied > 0", DiagnosticSeverity.Warning),
                BugOn(3, "file.SizePages < 0", DiagnosticSeverity.Warning));
        }

        /// <summary>KD301 at markup location <paramref name="marker"/>, on <c>Kernel.BugOn(condition)</c> in a method returning -errno.</summary>
        private static DiagnosticResult BugOn(int marker, string condition, DiagnosticSeverity severity) =>
            Verify.Diagnostic("KD301").WithLocation(marker).WithSeverity(severity).WithArguments($"Kernel.BugOn({condition})", "-Errno.EINVAL");

        [Fact]
        public Task WhereNothingCanBeReturnedOrKD102AlreadySaysIt() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Check(Folio folio) => Kernel.BugOn(folio.IsFreed);          // void: nothing to return

                C(Folio folio) { Kernel.BugOn(folio.IsFreed); }                   // a constructor

                int Recovering(Folio folio)
                {
                    if (Kernel.WarnOnOnce(folio.IsFreed))
                        return -Errno.EINVAL;
                    System.Diagnostics.Debug.Assert(folio.MapCount >= 0);          // not a Runtime assertion
                    return 0;
                }

                void Crash(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD102:Kernel.BugOn(pte == null)|};                           // KD102's: a crash on a failed map
                    pte.Unlock();
                }

                int CrashOnFailedMap(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD102:Kernel.BugOn(pte == null)|};                           // reported once, as KD102
                    pte.Unlock();
                    return 0;
                }
            }
            """);
    }
}
