using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD103
{
    /// <summary>KD103 (Release a successful map or lock on every path): code the rule flags, and where.</summary>
    public class KD103Diagnostics
    {
        [Fact]
        public Task EarlyReturnLeavesThePtlHeld() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Install(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = {|#0:pmd.MapLock(addr)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                        {|#1:return -Errno.EEXIST;|}
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }
            }
            """,
            Verify.Diagnostic("KD103").WithLocation(0).WithLocation(1).WithArguments("pmd.MapLock(addr)", "succeeds on a path that leaves the method without releasing it; call Unlock() on every path out, or hand ownership on"));

        [Fact]
        public Task LocklessMapNeverDisposedAndHugeLockNeverUnlocked() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                bool Present(Pmd pmd, ulong addr)
                {
                    var pte = {|#0:pmd.Map(addr)|};
                    {|#2:return pte != null && pte.Read(addr) != null;|}
                }

                void Huge(Pmd pmd, Vma vma)
                {
                    var ptl = {|#1:pmd.TransHugeLock(vma)|};
                    if (ptl is null)
                        return;
                }
            }
            """,
            Verify.Diagnostic("KD103").WithLocation(0).WithLocation(2).WithArguments("pmd.Map(addr)", "succeeds on a path that leaves the method without releasing it; call Dispose() on every path out, or hand ownership on"),
            // Additional locations not pinned: the rule names as the leaking exit the 'return;' on the path where the
            // lock failed, not the end of the body where it is held (a suspected engine bug, reported when porting to
            // Microsoft.CodeAnalysis.Testing; the release fix then unlocks null there). Pin them once that is settled.
            Verify.Diagnostic("KD103").WithLocation(1).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithArguments("pmd.TransHugeLock(vma)", "succeeds on a path that leaves the method without releasing it; call Unlock() on every path out, or hand ownership on"));

        [Fact]
        public Task UseAfterUnlock() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                Pte? Peek(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return null;
                    pte.Unlock();
                    return {|KD103:pte|}.Read(addr);
                }
            }
            """);

        [Fact]
        public Task CheckedButNotStoredStillLeaks() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Probe(Pmd pmd, ulong addr)
                {
                    if ({|KD103:pmd.MapLock(addr)|} is null)
                        return -Errno.EAGAIN;
                    return 0;
                }
            }
            """);

        [Fact]
        public Task LambdaAndLocalFunctionBodiesAreCheckedToo() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                Func<Pmd, int> Lambda() => pmd =>
                {
                    var pte = {|KD103:pmd.MapLock(0)|};
                    if (pte is null)
                        return -Errno.EAGAIN;
                    return 0;
                };

                int Local(Pmd pmd)
                {
                    return Inner(pmd);

                    static int Inner(Pmd p)
                    {
                        var pte = {|KD103:p.MapLock(0)|};
                        return {|KD101:pte|}.Read(0) is null ? 0 : 1;
                    }
                }
            }
            """);

        [Fact]
        public Task UseAfterReleaseSaysWhatWasReleased() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                // A map released: the page table may be gone.
                int MapAfterUnlock(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return {|#0:pte|}.Read(addr) is null ? 0 : 1;
                }

                // A folio whose reference was given back: the folio may be freed (folio_put, then folio_lock).
                void FolioAfterPut()
                {
                    var folio = Folio.Alloc();
                    folio.Put();
                    {|#1:folio|}.Lock();
                    folio.Unlock();
                }

                // Given back twice: the second Put is a use after the first.
                void PutTwice(bool bad)
                {
                    var folio = Folio.Alloc();
                    folio.Put();
                    if (bad)
                        {|#2:folio|}.Put();
                }
            }
            """,
            Verify.Diagnostic("KD103").WithLocation(0).WithLocation(6, 19)
                .WithArguments("pte", "is used after it was released; the page table may be gone: map it again"),
            Verify.Diagnostic("KD103").WithLocation(1).WithLocation(16, 21)
                .WithArguments("folio", "is used after its folio reference was given back (Put()); the object may be freed already: use it before, or hold a folio reference of your own"),
            Verify.Diagnostic("KD103").WithLocation(2).WithLocation(25, 21)
                .WithArguments("folio", "is used after its folio reference was given back (Put()); the object may be freed already: use it before, or hold a folio reference of your own"));
    }
}
