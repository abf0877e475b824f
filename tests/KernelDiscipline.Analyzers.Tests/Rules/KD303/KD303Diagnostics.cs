using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;
using VerifyFix = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.MatchFollFlagsCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules
{
    public class KD303Tests
    {
        [Fact]
        public Task FlagsThatDoNotMatchThePages() => Verify.VerifyAnalyzerAsync("""
            class C
            {
                void Calls(MmStruct mm, ulong addr, Folio?[] pages)
                {
                    {|KD303:Gup.GetUserPages(mm, addr, 1, GupFlags.Get | GupFlags.Write, null)|};
                    {|KD303:Gup.GetUserPages(mm, addr, 1, GupFlags.Populate, pages)|};
                    {|KD303:Gup.PinUserPages(mm, addr, 1, GupFlags.Get, pages)|};
                    {|KD303:Gup.PinUserPages(mm, addr, 1, GupFlags.Write, null)|};
                    var flags = GupFlags.Get;
                    {|KD303:Gup.GetUserPages(mm, addr, 1, flags, null)|};
                }

                // The contract kept, and what cannot be known: left alone.
                void Fine(MmStruct mm, ulong addr, Folio?[] pages, Folio?[]? maybe, GupFlags unknown)
                {
                    Gup.GetUserPages(mm, addr, 1, GupFlags.Get | GupFlags.Write, pages);
                    Gup.GetUserPages(mm, addr, 1, GupFlags.Populate, null);
                    Gup.PinUserPages(mm, addr, 1, GupFlags.Write | GupFlags.Longterm, new Folio?[1]);
                    Gup.GetUserPages(mm, addr, 1, GupFlags.Get, maybe);
                    Gup.GetUserPages(mm, addr, 1, unknown, null);
                }
            }
            """);

        [Fact]
        public Task FixDropsOrAddsTheFlag() => VerifyFix.VerifyCodeFixAsync("""
            class C
            {
                void Calls(MmStruct mm, ulong addr, Folio?[] pages)
                {
                    {|KD303:Gup.GetUserPages(mm, addr, 1, GupFlags.Get | GupFlags.Write, null)|};
                    {|KD303:Gup.GetUserPages(mm, addr, 1, GupFlags.Populate, pages)|};
                    {|KD303:Gup.PinUserPages(mm, addr, 1, GupFlags.Get, pages)|};
                }
            }
            """, """
            class C
            {
                void Calls(MmStruct mm, ulong addr, Folio?[] pages)
                {
                    Gup.GetUserPages(mm, addr, 1, GupFlags.Write, null);
                    Gup.GetUserPages(mm, addr, 1, GupFlags.Populate | GupFlags.Get, pages);
                    Gup.PinUserPages(mm, addr, 1, GupFlags.None, pages);
                }
            }
            """);
    }
}
