using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD101
{
    /// <summary>KD101 (Check a fallible map or lock for null before using it): code that keeps the rule, on which nothing is reported.</summary>
    public class KD101Valid
    {
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
