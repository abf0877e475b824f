using System.Threading.Tasks;
using Xunit;
using Verify = KernelDiscipline.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    KernelDiscipline.Analyzers.KernelDisciplineAnalyzer, KernelDiscipline.CodeFixes.WarnOnceAndRecoverCodeFix>;

namespace KernelDiscipline.Analyzers.Tests.Rules.KD301
{
    /// <summary>KD301's fix, WarnOnceAndRecoverCodeFix: one diagnostic at a time and Fix All give the fixed code; no fix where none is clearly right.</summary>
    public class KD301CodeFix
    {
        [Fact]
        public Task FixWarnsOnceAndReturnsTheMethodsError() => Verify.VerifyCodeFixAsync("""
            class C
            {
                int Install(ShmemInode file, long index, Folio folio)
                {
                    {|KD301:Kernel.BugOn(file.AddToPageCache(index, folio) != 0)|};
                    return 0;
                }

                VmFault Fault(Folio folio)
                {
                    {|KD301:Kernel.BugOn(folio.IsFreed)|};
                    return VmFault.None;
                }

                bool Ok(Folio folio)
                {
                    {|KD301:Kernel.BugOn(folio.MapCount < 0)|};
                    return true;
                }
            }
            """, """
            class C
            {
                int Install(ShmemInode file, long index, Folio folio)
                {
                    if (Kernel.WarnOnOnce(file.AddToPageCache(index, folio) != 0))
                        return -Errno.EINVAL;
                    return 0;
                }

                VmFault Fault(Folio folio)
                {
                    if (Kernel.WarnOnOnce(folio.IsFreed))
                        return VmFault.SigBus;
                    return VmFault.None;
                }

                bool Ok(Folio folio)
                {
                    if (Kernel.WarnOnOnce(folio.MapCount < 0))
                        return false;
                    return true;
                }
            }
            """);
    }
}
