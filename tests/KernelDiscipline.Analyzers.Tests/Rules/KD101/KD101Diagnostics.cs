using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD101Tests
    {
        // ---- Diagnostics ----

        [Fact]
        public Task DereferenceWithoutCheck() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Install(Pmd pmd, ulong addr)
                {
                    var pte = {|#0:pmd.MapLock(addr)|};
                    var old = {|#1:pte|}.Read(addr);
                    pte.Unlock();
                    return old is null ? 0 : -Errno.EEXIST;
                }
            }
            """,
            Verify.Diagnostic("KD101").WithLocation(1).WithArguments("pmd.MapLock(addr)", "is dereferenced"));

        [Fact]
        public Task DiscardedResult() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Touch(Pmd pmd, ulong addr)
                {
                    {|KD101:pmd.MapLock(addr)|};
                    _ = {|KD101:pmd.Map(addr)|};
                }
            }
            """);

        [Fact]
        public Task PassedOnToNonNullableParameter() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static void Use(PteMap map) => map.Dispose();

                void Run(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    Use({|KD101:pte|});
                }
            }
            """);

        [Fact]
        public Task SuppressedWithBang() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Run(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    {|KD101:pte!|}.Unlock();
                }
            }
            """);

        [Fact]
        public Task CheckedOnlyOnOneBranch() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Run(Pmd pmd, ulong addr, bool careful)
                {
                    var pte = pmd.MapLock(addr);
                    if (careful && pte is null)
                        return -Errno.EAGAIN;
                    {|KD101:pte|}.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task TransHugeLockResultDereferenced() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Run(Pmd pmd, Vma vma)
                {
                    var ptl = pmd.TransHugeLock(vma);
                    {|KD101:ptl|}.Unlock();
                }
            }
            """);

        [Fact]
        public Task ConsumerWrapperIsCheckedLikeTheRuntime() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                [Fallible, Acquires(LockClass.PtlName)]
                static PteMap? LockPte(Vma vma, ulong addr) => vma.Mm.PmdOffset(addr)?.MapLock(addr);

                int Use(Vma vma, ulong addr)
                {
                    var pte = LockPte(vma, addr);
                    {|KD101:pte|}.Unlock();
                    return 0;
                }

                int UseWell(Vma vma, ulong addr)
                {
                    var pte = LockPte(vma, addr);
                    if (pte is null)
                        return {|KD102:-Errno.EFAULT|};
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        // ---- Valid: the kernel idioms ----

        [Fact]
        public Task IsNullEarlyReturn() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Install(Pmd pmd, ulong addr, Folio folio)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    if (pte.Read(addr) is not null)
                    {
                        pte.Unlock();
                        return -Errno.EEXIST;
                    }
                    pte.Write(addr, Pte.Make(folio, 0, true));
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task PatternsAndOperators() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int A(Pmd pmd, ulong addr)
                {
                    if (pmd.MapLock(addr) is not { } pte)
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                int B(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte == null) return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }

                int D(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (pte is PteMap map)
                    {
                        map.Unlock();
                        return 0;
                    }
                    return -Errno.EAGAIN;
                }

                void E(Pmd pmd, ulong addr)
                {
                    var pte = pmd.Map(addr);
                    var entry = pte?.Read(addr);
                    pte?.Dispose();
                }

                int F(Pmd pmd, ulong addr)
                {
                    var pte = pmd.MapLock(addr);
                    if (!(pte != null))
                        return -Errno.EAGAIN;
                    pte.Unlock();
                    return 0;
                }
            }
            """);

        [Fact]
        public Task UsingDeclarationAfterCheck() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                int Read(Pmd pmd, ulong addr)
                {
                    using var pte = pmd.Map(addr);
                    if (pte is null)
                        return -Errno.EAGAIN;
                    return pte.Read(addr) is null ? 0 : 1;
                }
            }
            """);

        [Fact]
        public Task PassedToNullableParameter() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                static void Release(PteMap? map) => map?.Dispose();

                void Run(Pmd pmd, ulong addr) => Release(pmd.Map(addr));
            }
            """);

        [Fact]
        public Task NoRuntimeNoDiagnostics() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                string? Find() => null;
                int Run() => Find()!.Length;
            }
            """);
    }
}
