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
    }
}
