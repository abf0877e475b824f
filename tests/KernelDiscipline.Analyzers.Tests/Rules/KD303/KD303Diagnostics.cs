using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<KernelDiscipline.Analyzers.KernelDisciplineAnalyzer>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD303
{
    /// <summary>KD303 (Match the FOLL flags to the pages array): code the rule flags, and where.</summary>
    public class KD303Diagnostics
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
        public Task ConsumerWrappersWhoseParametersCarryTheContract() => Verify.VerifyAnalyzerAsync("""
            static class Pages
            {
                public static long Grab(MmStruct mm, ulong addr, int count, [FollFlags] GupFlags flags, [FollPages] Folio?[]? pages) =>
                    Gup.GetUserPages(mm, addr, count, flags, pages);

                public static long PinRange(MmStruct mm, ulong addr, int count, [FollFlags(Implied = GupFlags.Pin)] GupFlags flags, [FollPages] Folio?[]? pages) =>
                    Gup.PinUserPages(mm, addr, count, flags, pages);
            }

            sealed class Walker
            {
                private readonly MmStruct mm;

                public Walker(MmStruct mm) => this.mm = mm;

                // The pages first and the flags last: the attributes say which is which.
                public long Touch(ulong addr, [FollPages] Folio?[]? pages, [FollFlags] GupFlags flags) =>
                    Gup.GetUserPages(mm, addr, 1, flags, pages);
            }

            class C
            {
                void Calls(MmStruct mm, ulong addr, Folio?[] pages, Walker walker)
                {
                    {|KD303:Pages.Grab(mm, addr, 1, GupFlags.Get, null)|};
                    {|KD303:Pages.Grab(mm, addr, 1, GupFlags.Populate, pages)|};
                    {|KD303:Pages.PinRange(mm, addr, 1, GupFlags.Get, pages)|};
                    {|KD303:Pages.PinRange(mm, addr, 1, GupFlags.Write, null)|};
                    {|KD303:walker.Touch(addr, null, GupFlags.Get | GupFlags.Write)|};
                    var flags = GupFlags.Get | GupFlags.Pin;
                    {|KD303:walker.Touch(addr, pages, flags)|};
                }

                // The contract kept through the wrappers, and what cannot be known: left alone.
                void Fine(MmStruct mm, ulong addr, Folio?[] pages, Folio?[]? maybe, GupFlags unknown, Walker walker)
                {
                    Pages.Grab(mm, addr, 1, GupFlags.Get | GupFlags.Write, pages);
                    Pages.Grab(mm, addr, 1, GupFlags.Populate, null);
                    Pages.PinRange(mm, addr, 1, GupFlags.Longterm, pages);
                    Pages.Grab(mm, addr, 1, GupFlags.Get, maybe);
                    walker.Touch(addr, null, unknown);
                    walker.Touch(addr, pages, GupFlags.Pin);
                }
            }
            """);
    }
}
