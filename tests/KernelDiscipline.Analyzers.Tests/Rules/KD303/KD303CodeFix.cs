using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.MatchFollFlagsCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD303
{
    /// <summary>KD303's fix, MatchFollFlagsCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD303CodeFix
    {
        [Fact]
        public Task FixDropsOrAddsTheFlag() => Verify.VerifyCodeFixAsync("""
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

        [Fact]
        public Task FixWorksThroughAConsumerWrapper() => Verify.VerifyCodeFixAsync("""
            static class Pages
            {
                public static long Grab(MmStruct mm, ulong addr, int count, [FollFlags] GupFlags flags, [FollPages] Folio?[]? pages) =>
                    Gup.GetUserPages(mm, addr, count, flags, pages);
            }

            class C
            {
                void Calls(MmStruct mm, ulong addr, Folio?[] pages)
                {
                    {|KD303:Pages.Grab(mm, addr, 1, GupFlags.Get | GupFlags.Write, null)|};
                    {|KD303:Pages.Grab(mm, addr, 1, GupFlags.Populate, pages)|};
                }
            }
            """, """
            static class Pages
            {
                public static long Grab(MmStruct mm, ulong addr, int count, [FollFlags] GupFlags flags, [FollPages] Folio?[]? pages) =>
                    Gup.GetUserPages(mm, addr, count, flags, pages);
            }

            class C
            {
                void Calls(MmStruct mm, ulong addr, Folio?[] pages)
                {
                    Pages.Grab(mm, addr, 1, GupFlags.Write, null);
                    Pages.Grab(mm, addr, 1, GupFlags.Populate | GupFlags.Get, pages);
                }
            }
            """);
    }
}
