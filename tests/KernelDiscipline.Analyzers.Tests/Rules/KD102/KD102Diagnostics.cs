using System.Collections.Generic;
using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD102
{
    /// <summary>KD102 (Retry a failed map or return -EAGAIN): code the rule flags, and where.</summary>
    public class KD102Diagnostics
    {
        internal static readonly Dictionary<string, string> Strict = new() { ["kernel_discipline.KD102.report_silent_skip"] = "true" };

        [Fact]
        public Task EfaultOnFailedMap() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int InstallPte(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        return {|#0:-Errno.EFAULT|};
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD102").WithLocation(0).WithLocation(1).WithArguments("pmd.MapLock(addr)", "-EFAULT is returned"));

        [Fact]
        public Task OtherErrnosAndThrowsAndCrashes() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int A(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte == null) return {|KD102:-Errno.EEXIST|};
                    pte.Unlock();
                    return 0;
                }

                int B(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                        {|KD102:throw new InvalidOperationException("page table gone");|}
                    pte.Dispose();
                    return 0;
                }

                void D(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD102:Kernel.BugOn(pte == null)|};
                    pte.Unlock();
                }

                int E(Pmd pmd, ulong addr)
                {
                    var pte = {|#1:pmd.MapLock(addr)|};
                    if (pte is null)
                        {|#0:Environment.FailFast("gone")|};
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD102").WithLocation(0).WithLocation(1).WithArguments("pmd.MapLock(addr)", "it crashes at 'Environment.FailFast(\"gone\")'"));

        [Fact]
        public Task ErrnoThroughALocalCounts() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Fill(Pmd pmd, ulong addr)
                {
                    int ret = -Errno.EFAULT;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = 0;
                    pte.Unlock();
                out_:
                    return {|KD102:ret|};
                }
            }
            """);

        [Fact]
        public Task FaultHandlerSigbus() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                VmFault Fault(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return {|KD102:VmFault.SigBus|};
                    pte.Unlock();
                    return VmFault.None;
                }
            }
            """);

        [Fact]
        public Task SilentSkipReportedOnlyWhenConfigured()
        {
            const string source = """
                class C
                {
                    int Count(Pmd pmd, ulong addr)
                    {
                        var pte = {|#1:pmd.Map(addr)|};
                        if (pte is null)
                            return {|#0:0|};
                        pte.Dispose();
                        return 1;
                    }
                }
                """;
            return Task.WhenAll(
                Verify.VerifyAnalyzerAsync(System.Text.RegularExpressions.Regex.Replace(source, @"\{\|#\d:(.*?)\|\}", "$1")),
                Verify.VerifyAnalyzerAsync(source, Strict,
                    Verify.Diagnostic("KD102").WithLocation(0).WithLocation(1).WithArguments("pmd.Map(addr)", "it returns 0 without retrying (a silent skip)")));
        }

        [Fact]
        public Task SilentSkipsInLoopsReportedOnlyWhenConfigured()
        {
            // A loop that moves on to the next address skips the failed page (continue in a for loop, the next
            // element of a foreach); a break followed by a return of 0 skips the rest; a failed map the code steps
            // around rejoins the success path. Each is a silent skip: allowed by default, reported when configured.
            const string source = """
                class C
                {
                    int ContinueInFor(Pmd pmd, ulong start, ulong end)
                    {
                        int done = 0;
                        for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
                        {
                            var pte = {|#0:pmd.MapLock(addr)|};
                            if (pte is null)
                                continue;
                            done++;
                            pte.Unlock();
                        }

                        return done;
                    }

                    void ContinueInForeach(Pmd pmd, ulong[] addrs)
                    {
                        foreach (var addr in addrs)
                        {
                            var pte = {|#1:pmd.MapLock(addr)|};
                            if (pte is null)
                                continue;
                            pte.Unlock();
                        }
                    }

                    int BreakThenReturnZero(Pmd pmd, ulong start, ulong end)
                    {
                        for (ulong addr = start; addr < end; addr += PageGeometry.PageSize)
                        {
                            var pte = {|#4:pmd.MapLock(addr)|};
                            if (pte is null)
                                break;
                            pte.Unlock();
                        }

                        return {|#2:0|};
                    }

                    void SteppedAround(Pmd pmd, ulong addr)
                    {
                        var pte = {|#3:pmd.MapLock(addr)|};
                        if (pte != null)
                        {
                            pte.Write(addr, null);
                            pte.Unlock();
                        }

                        Console.WriteLine("done");
                    }
                }
                """;
            return Task.WhenAll(
                Verify.VerifyAnalyzerAsync(System.Text.RegularExpressions.Regex.Replace(source, @"\{\|#\d:(.*?)\|\}", "$1")),
                Verify.VerifyAnalyzerAsync(source, Strict,
                    // Where the skip has no statement of its own, the diagnostic is on the map, which is also its additional location.
                    Verify.Diagnostic("KD102").WithLocation(0).WithLocation(0).WithArguments("pmd.MapLock(addr)", "the page is skipped without retrying (a silent skip)"),
                    Verify.Diagnostic("KD102").WithLocation(1).WithLocation(1).WithArguments("pmd.MapLock(addr)", "it returns without retrying (a silent skip)"),
                    Verify.Diagnostic("KD102").WithLocation(2).WithLocation(4).WithArguments("pmd.MapLock(addr)", "it returns 0 without retrying (a silent skip)"),
                    Verify.Diagnostic("KD102").WithLocation(3).WithLocation(3).WithArguments("pmd.MapLock(addr)", "it returns without retrying (a silent skip)")));
        }
    }
}
