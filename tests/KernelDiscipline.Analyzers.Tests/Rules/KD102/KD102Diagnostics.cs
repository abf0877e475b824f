using System.Collections.Generic;
using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD102Tests
    {
        private static readonly Dictionary<string, string> Strict = new() { ["kernel_discipline.KD102.report_silent_skip"] = "true" };

        // ---- Diagnostics ----

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
            Verify.Diagnostic("KD102").WithLocation(0).WithArguments("pmd.MapLock(addr)", "-EFAULT is returned"));

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
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        {|#0:Environment.FailFast("gone")|};
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD102").WithLocation(0));

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
                        var pte = pmd.Map(addr);
                        if (pte is null)
                            return {|#0:0|};
                        pte.Dispose();
                        return 1;
                    }
                }
                """;
            return Task.WhenAll(
                Verify.VerifyAnalyzerAsync(source.Replace("{|#0:0|}", "0")),
                Verify.VerifyAnalyzerAsync(source, Strict, Verify.Diagnostic("KD102").WithLocation(0)));
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
                            var pte = pmd.MapLock(addr);
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
                    Verify.Diagnostic("KD102").WithLocation(0).WithArguments("pmd.MapLock(addr)", "the page is skipped without retrying (a silent skip)"),
                    Verify.Diagnostic("KD102").WithLocation(1),
                    Verify.Diagnostic("KD102").WithLocation(2).WithArguments("pmd.MapLock(addr)", "it returns 0 without retrying (a silent skip)"),
                    Verify.Diagnostic("KD102").WithLocation(3)));
        }

        [Fact]
        public Task RetryLoopOverTheSameAddressIsARetryEvenWhenStrict() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Retry(Pmd pmd, ulong addr)
                {
                    for (int tries = 0; tries < 3; tries++)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        pte.Unlock();
                        return 0;
                    }

                    return -Errno.EAGAIN;
                }

                int GotoOutKeepsItsErrnoAfterTheJoin(Pmd pmd, ulong addr, bool busy)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = busy ? -Errno.EBUSY : 0;
                    pte.Unlock();
                out_:
                    return ret;
                }
            }
            """, Strict);

        // ---- Valid: the accepted outcomes, in the kernel's shapes ----

        [Fact]
        public Task MfillAtomicInstallPte() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mm/userfaultfd.c: ret is -EAGAIN when the map fails; other errors come later.
                int MfillAtomicInstallPte(Pmd pmd, Vma vma, ulong addr, Folio folio)
                {
                    int ret = -Errno.EAGAIN;
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto out_;
                    ret = -Errno.EEXIST;
                    if (pte.Read(addr) is not null)
                        goto out_unlock;
                    pte.Write(addr, Pte.Make(folio, 0, vma.IsWritable));
                    ret = 0;
                out_unlock:
                    pte.Unlock();
                out_:
                    return ret;
                }
            }
            """);

        [Fact]
        public Task ChangePteRangeWithCallersGotoAgain() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // mm/mprotect.c: change_pte_range returns -EAGAIN; change_pmd_range retries.
                long ChangePteRange(Pmd pmd, ulong addr, ulong end)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    long pages = 0;
                    for (; addr < end; addr += PageGeometry.PageSize)
                        if (pte.Read(addr) is not null) pages++;
                    pte.Unlock();
                    return pages;
                }

                long ChangePmdRange(Pmd pmd, ulong addr, ulong end)
                {
                again:
                    long ret = ChangePteRange(pmd, addr, end);
                    if (ret < 0)
                        goto again;
                    return ret;
                }
            }
            """);

        [Fact]
        public Task RetryLoopsAndGotoAgain() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Loop(Pmd pmd, ulong addr)
                {
                    while (true)
                    {
                        var pte = pmd.MapLock(addr);
                        if (pte is null)
                            continue;
                        pte.Unlock();
                        break;
                    }
                }

                int Again(Pmd pmd, ulong addr)
                {
                again:
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        goto again;
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task FinishFaultNoPageAndWalkAgainAction() => Verify.VerifyAnalyzerAsync("""
            enum WalkAction { Continue, Again }
            sealed class Walk { public WalkAction Action; }
            sealed class Fault { public PteMap? Pte; }

            class C
            {
                // mm/memory.c finish_fault: the refault is the retry.
                VmFault FinishFault(Fault vmf, Pmd pmd, ulong addr)
                {
                    vmf.Pte = pmd.MapLock(addr);
                    if (vmf.Pte == null)
                        return VmFault.NoPage;
                    vmf.Pte.Unlock();
                    return VmFault.None;
                }

                // mm/pagewalk.c walk_pte_range: ACTION_AGAIN makes the walker retry.
                int WalkPteRange(Walk walk, Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    if (pte is null)
                    {
                        walk.Action = WalkAction.Again;
                        return 0;
                    }
                    pte.Dispose();
                    return 0;
                }

                // mm/memory.c zap_pte_range: the caller retries from the returned address.
                ulong ZapPteRange(Pmd pmd, ulong addr, ulong end)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return addr;
                    pte.Unlock();
                    return end;
                }
            }
            """);

        [Fact]
        public Task OtherErrorsOnTheSuccessPathAreNotKD102() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Run(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is null)
                    {
                        pte.Unlock();
                        return -Errno.EFAULT;
                    }
                    pte.Unlock();
                    throw new InvalidOperationException("unrelated");
                }
            }
            """);
    }
}
