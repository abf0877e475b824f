using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD101
{
    /// <summary>KD101 (Check a fallible map or lock for null before using it): code the rule flags, and where.</summary>
    public class KD101Diagnostics
    {
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
            Verify.Diagnostic("KD101").WithLocation(1).WithLocation(0).WithArguments("pmd.MapLock(addr)", "is dereferenced"));

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
    }
}
